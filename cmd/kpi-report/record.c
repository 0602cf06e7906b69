/*
 * One input record: read the members kpi-report needs, find its period
 * and its groups, and add what it says to each group's statistics, the
 * reply matching, the threads and the hourly series.
 */
#include <stdlib.h>
#include <string.h>

#include "idwin.h"
#include "kpi.h"

static void find_fields(const cp_rec *r, struct fields *f)
{
	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < r->nf; i++) {
		const rec_field *m = &r->f[i];
		const char *k = m->key;
		if (m->key_escaped)
			continue;
#define F(name) \
	if (m->keylen == sizeof #name - 1 && memcmp(k, #name, sizeof #name - 1) == 0) { \
		f->name = m->v; \
		continue; \
	}
		switch (m->keylen) {
		case 2: F(id) break;
		case 3: F(sla) F(nps) break;
		case 4: F(tags) F(csat) F(lang) F(text) break;
		case 6: F(author) F(thread) break;
		case 7: F(account) F(metrics) break;
		case 8: F(platform) F(assignee) F(priority) break;
		case 9: F(direction) F(sentiment) break;
		case 10: F(created_at) break;
		case 11: F(in_reply_to) break;
		}
#undef F
	}
}


/* ---------------------------------------------------------- records */

static bool has_tag(cp_val tags, const char *name)
{
	size_t pos = 0;
	cp_val el;
	while (val_next(tags, &pos, NULL, &el))
		if (val_streq(el, name))
			return true;
	return false;
}

static int tags_count(struct stats *s, cp_val tags, bool prev, cp_buf *tmp)
{
	size_t pos = 0;
	cp_val el;
	while (val_next(tags, &pos, NULL, &el)) {
		const char *tag;
		size_t n;
		int rc = val_strview(el, tmp, &tag, &n);
		if (rc == -2 || (rc == 0 && tag_count(s, tag, n, prev) < 0))
			return -1;
	}
	return 0;
}

static double num_or_nan(cp_val v)
{
	double d;
	return val_num(v, &d) == 0 ? d : NAN;
}

/* The record's hour in the series spikes are found in: the whole input's,
 * each of its --by groups' (k->gs) and each of its tags'. */
static int add_series(struct kpi *k, const struct fields *f, int64_t t, bool inbound, int sent,
                      cp_buf *tmp)
{
	int64_t hour = t >= 0 ? t / 3600 : (t - 3599) / 3600;
	if (hour_add(k, hour, inbound, !inbound, inbound && sent == SENT_NEGATIVE, inbound && sent >= 0) < 0)
		return -1;
	if (!inbound)
		return 0;
	for (uint16_t i = 0; i < k->gs.n; i++) {
		struct group *g = k->g[k->gs.g[i]];
		if (g->fam == FAM_BY && series_add(&g->hours, hour, 1, sent == SENT_NEGATIVE, sent >= 0) < 0)
			return -1;
	}
	size_t pos = 0;
	cp_val el;
	while (val_next(f->tags, &pos, NULL, &el)) {
		struct htab *th;
		const char *tag;
		size_t n;
		int rc = val_strview(el, tmp, &tag, &n);
		if (rc == -2)
			return -1;
		if (rc < 0 || !n)
			continue;
		if (!(th = tag_series(k, tag, n)) || series_add(th, hour, 1, 0, 0) < 0)
			return -1;
	}
	return 0;
}

/* The record's time and direction; false (the line reported) when either
 * is missing or wrong. */
static bool record_read(struct kpi *k, const cp_rec *r, const cp_pos *pos,
                        const struct fields *f, int64_t *t, bool *inbound)
{
	static cp_buf tmp;
	size_t n;
	if (f->created_at.type == VAL_NONE) {
		cp_bad_line(k->p, pos->file, pos->lineno, r->line, r->len, "no created_at");
		return false;
	}
	const char *ts;
	if (val_strview(f->created_at, &tmp, &ts, &n) < 0 || time_parse(ts, n, t) < 0) {
		cp_bad_line(k->p, pos->file, pos->lineno, r->line, r->len,
		            "created_at is not a time");
		return false;
	}
	int dir = rec_direction_of(f->direction);
	*inbound = dir == REC_DIR_IN;
	if (dir != REC_DIR_IN && dir != REC_DIR_OUT) {
		cp_bad_line(k->p, pos->file, pos->lineno, r->line, r->len,
		            "direction is not \"in\" or \"out\"");
		return false;
	}
	return true;
}

/* What a record adds, worked out once for all its groups. */
struct adds {
	uint64_t cust;
	bool has_cust, has_sla, inbound;
	int sla_st, sent;
	double frt, bus, score, csat, nps;
	double likes, reposts, replies;
};

/* Only reads: it runs before the record is known to count (each_record). */
static void adds_read(const struct fields *f, bool inbound, struct adds *a)
{
	*a = (struct adds){ .inbound = inbound, .sla_st = -1, .sent = -1, .frt = NAN, .bus = NAN,
	                    .score = NAN };
	if (inbound) {
		cp_val who = val_member(f->author, "id");
		if (who.type == VAL_NONE || who.type == VAL_NULL)
			who = val_member(f->author, "handle");
		if (who.type == VAL_STRING || who.type == VAL_NUMBER) {
			a->cust = kpi_hash(who.p, who.n);
			a->has_cust = true;
		}
		if (f->sla.type == VAL_OBJECT) {
			a->has_sla = true;
			a->sla_st = sla_status_of(val_member(f->sla, "status"));
			a->frt = num_or_nan(val_member(f->sla, "first_response_s"));
			a->bus = num_or_nan(val_member(f->sla, "business_s"));
		}
	} else {
		a->likes = num_or_nan(val_member(f->metrics, "likes"));
		a->reposts = num_or_nan(val_member(f->metrics, "reposts"));
		a->replies = num_or_nan(val_member(f->metrics, "replies"));
	}
	if (f->sentiment.type == VAL_OBJECT) {
		a->sent = sentiment_label_of(val_member(f->sentiment, "label"));
		a->score = num_or_nan(val_member(f->sentiment, "score"));
		if (fabs(a->score) > 1e6)
			a->score = NAN; /* not a sentiment score, and would overflow the sum */
	}
	a->csat = num_or_nan(f->csat);
	if (!(a->csat >= 1 && a->csat <= 5))
		a->csat = NAN;
	a->nps = num_or_nan(f->nps);
	if (!(a->nps >= 0 && a->nps <= 10))
		a->nps = NAN;
}

/* Add a record to one group's statistics; light: an account's, which
 * feeds only the HTML page's SLA chart. */
static int stats_add(struct kpi *k, struct stats *st, bool light, const struct adds *a,
                     const struct fields *f)
{
	static cp_buf tmp;
	if (a->inbound) {
		st->n_in++;
		if (a->has_cust && !light && distinct_add(&st->customers, a->cust) < 0)
			return -1;
		if (a->sla_st >= 0)
			st->sla[a->sla_st]++;
		if (!isnan(a->frt)) {
			st->answered++;
			if (kpi_sample(k, &st->frt, a->frt) < 0)
				return -1;
		}
		if (!isnan(a->bus) && kpi_sample(k, &st->frt_bus, a->bus) < 0)
			return -1;
	} else {
		st->n_out++;
	}
	if (light)
		return 0;
	if (!a->inbound) {
		st->likes += isnan(a->likes) ? 0 : a->likes;
		st->reposts += isnan(a->reposts) ? 0 : a->reposts;
		st->replies += isnan(a->replies) ? 0 : a->replies;
	}
	if (a->sent >= 0 || !isnan(a->score)) {
		st->sent_n++;
		if (a->sent >= 0)
			st->sent_label[a->sent]++;
		if (!isnan(a->score)) {
			st->sent_scored++;
			st->sent_sum += llround(a->score * 1e9);
		}
	}
	if (!isnan(a->csat)) {
		st->csat_n++;
		st->csat_sat += a->csat >= 4;
		st->csat_sum += a->csat;
	}
	if (!isnan(a->nps)) {
		st->nps_n++;
		st->nps_pro += a->nps >= 9;
		st->nps_det += a->nps <= 6;
	}
	return f->tags.type == VAL_ARRAY ? tags_count(st, f->tags, false, &tmp) : 0;
}

/* The record's thread: with --resolve-after followed in time (match.c),
 * else counted as distinct ids. */
static int thread_add(struct kpi *k, const struct fields *f, int64_t t, bool inbound,
                      const struct gset *gsi)
{
	static cp_buf tmp;
	const char *s;
	size_t n;
	int rc = rec_thread_key_of(f->thread, f->in_reply_to, f->id, &tmp, &s, &n);
	if (rc <= 0)
		return rc;
	if (k->resolve_after >= 0)
		/* A thread counts in the groups of its earliest record. */
		return thread_seen(k, kpi_idkey(s, n), t, inbound, has_tag(f->tags, "resolved"), gsi);
	/* Only the tag can resolve: distinct thread ids are enough, and hold
	 * no state per thread. */
	uint64_t th = kpi_hash(s, n);
	bool res = has_tag(f->tags, "resolved");
	for (uint16_t i = 0; i < k->gs.n; i++) {
		struct stats *st = &k->g[k->gs.g[i]]->s;
		if (k->g[k->gs.g[i]]->fam == FAM_ACCOUNT)
			continue;
		if (distinct_add(&st->thread_ids, th) < 0 ||
		    (res && distinct_add(&st->resolved_ids, th) < 0))
			return -1;
	}
	return 0;
}

/* Which period a record is in, and so the groups it counts in (k->gs);
 * idkey is its id's (inbound) or its parent's (a reply), 0 for none:
 * 1 for the period or the previous one, 0 when it counts nowhere but in
 * the spike baseline or as a late reply, -1 when out of memory. */
static int record_period(struct kpi *k, const cp_rec *r, const struct fields *f, int64_t t,
                         bool inbound, uint64_t idkey, bool *prev)
{
	static cp_buf tmp;
	bool in_period = (k->since == NO_TIME || t >= k->since) && (k->until == NO_TIME || t < k->until);
	*prev = !in_period && k->prev_since != NO_TIME && t >= k->prev_since &&
	        t < k->prev_until;
	if (!in_period && k->since != NO_TIME && t < k->since && t >= k->since - k->spike_window) {
		/* The spike window before the period is the baseline of its
		 * first hours: it goes into the hourly series, nowhere else. */
		if (record_groups(k, r, f, t, inbound) < 0 ||
		    add_series(k, f, t, inbound,
		               sentiment_label_of(val_member(f->sentiment, "label")), &tmp) < 0)
			return -1;
	}
	if (*prev) {
		/* The previous period counts in its own total, for the
		 * comparison, and in the tag trend. */
		if (f->tags.type == VAL_ARRAY && tags_count(&k->g[k->total_g]->s, f->tags, true, &tmp) < 0)
			return -1;
		if (k->prev_g < 0 && (k->prev_g = kpi_group(k, FAM_PREV, "", 0)) < 0)
			return -1;
		if (!k->gs.g && !(k->gs.g = malloc((k->gs_cap = 2) * sizeof *k->gs.g)))
			return -1;
		k->gs.g[0] = (uint32_t)k->prev_g;
		k->gs.n = 1;
		return 1;
	}
	if (!in_period) {
		/* A reply after the period still answers what came inside it. */
		if (!inbound && k->until != NO_TIME && t >= k->until && idkey) {
			struct gset none = { k->gs.g, 0 };
			const struct gset *nonei = gset_intern(k, &none);
			if (!nonei || match_reply(k, idkey, t, nonei, false) < 0)
				return -1;
		}
		return 0;
	}
	if (k->min_t == NO_TIME || t < k->min_t)
		k->min_t = t;
	if (k->max_t == NO_TIME || t > k->max_t)
		k->max_t = t;
	return record_groups(k, r, f, t, inbound) < 0 ? -1 : 1;
}

int each_record(void *ctx, cp_rec *r, const cp_pos *pos)
{
	struct kpi *k = ctx;
	static cp_buf tmp;
	static idwin repeats;
	struct fields f;
	struct adds a;
	int64_t t;
	bool inbound, prev;
	const char *s;
	size_t n;

	find_fields(r, &f);
	/* A repeated id (fetch-mentions delivers at least once) counts once.
	 * The window and the open items are tables of megabytes probed at
	 * random, a cache miss each: both lines are asked for first, and
	 * the record is read while they come. */
	/* The window's hash is of the id's bytes as written, inside the quotes. */
	uint64_t idh = f.id.type == VAL_STRING ? kpi_idkey(f.id.p + 1, f.id.n - 2) : 0;
	if (idh)
		idwin_prefetch(&repeats, idh);
	if (!record_read(k, r, pos, &f, &t, &inbound))
		return 0;
	uint64_t idkey = 0;
	/* An inbound record is known by its id, a reply by the id it answers. */
	int rc = val_strview(inbound ? f.id : f.in_reply_to, &tmp, &s, &n);
	if (rc == -2)
		return CP_EX_OSERR;
	if (rc == 0 && n) {
		/* An id without escapes is its bytes as written: hashed already. */
		idkey = inbound && s == f.id.p + 1 ? idh : kpi_idkey(s, n);
		ht_prefetch(&k->pending, idkey);
	}
	adds_read(&f, inbound, &a);
	int rep = f.id.type == VAL_STRING ? idwin_seen_hash(&repeats, idh) : 0;
	if (rep)
		return rep < 0 ? CP_EX_OSERR : 0;
	k->records++;
	if (k->watermark == NO_TIME || t > k->watermark)
		k->watermark = t;
	int counts = record_period(k, r, &f, t, inbound, idkey, &prev);
	if (counts <= 0)
		return counts < 0 || match_sweep(k, false) < 0 ? CP_EX_OSERR : 0;

	if (a.has_sla)
		k->any_sla = true;
	if (!isnan(a.bus))
		k->any_business = true;
	for (uint16_t i = 0; i < k->gs.n; i++) {
		struct group *g = k->g[k->gs.g[i]];
		if (stats_add(k, &g->s, g->fam == FAM_ACCOUNT, &a, &f) < 0)
			return CP_EX_OSERR;
	}
	const struct gset *gsi = gset_intern(k, &k->gs);
	if (!gsi)
		return CP_EX_OSERR;
	if (idkey && (inbound ? match_inbound(k, idkey, t, NO_TIME, gsi, a.has_sla)
	                      : match_reply(k, idkey, t, gsi, true)) < 0)
		return CP_EX_OSERR;
	if (thread_add(k, &f, t, inbound, gsi) < 0)
		return CP_EX_OSERR;
	if (!prev && add_series(k, &f, t, inbound, a.sent, &tmp) < 0)
		return CP_EX_OSERR;
	return match_sweep(k, false) < 0 ? CP_EX_OSERR : 0;
}
