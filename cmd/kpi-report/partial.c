/*
 * Partials: --partial writes the aggregates, the hourly series and the
 * items still open as NDJSON lines; --merge reads such lines back and adds
 * them up, so that a big log is reported on in pieces.
 */
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "tz.h"

/* ---------------------------------------------------------- writing */

static int distinct_json(const struct distinct *d, cp_buf *out)
{
	if (d->reg) {
		if (buf_adds(out, "{\"h\":\"") < 0)
			return -1;
		static const char hex[] = "0123456789abcdef";
		if (buf_reserve(out, 2 << HLL_P) < 0)
			return -1;
		for (size_t i = 0; i < (size_t)1 << HLL_P; i++) {
			out->p[out->len++] = hex[d->reg[i] >> 4];
			out->p[out->len++] = hex[d->reg[i] & 15];
		}
		return buf_adds(out, "\"}");
	}
	if (buf_adds(out, "{\"x\":[") < 0)
		return -1;
	bool first = true;
	for (uint32_t i = 0; i < d->cap; i++) {
		if (!d->set[i])
			continue;
		if (buf_addf(out, first ? "\"%016llx\"" : ",\"%016llx\"",
		             (unsigned long long)d->set[i]) < 0)
			return -1;
		first = false;
	}
	return buf_adds(out, "]}");
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A 64-bit hash or key as a partial writes it: 16 lowercase hex digits. */
static int hex64(cp_val v, uint64_t *out)
{
	size_t n;
	const char *s = val_rawstr(v, &n);
	uint64_t x = 0;
	if (!s || n != 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = hexval(s[i]);
		if (d < 0)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	*out = x;
	return 0;
}

static int distinct_from_json(struct distinct *d, cp_val v, cp_err *e)
{
	size_t n;
	const char *s;
	cp_val h = val_member(v, "h"), x = val_member(v, "x");
	if (h.type == VAL_STRING) {
		s = val_rawstr(h, &n);
		if (!s || n != (size_t)2 << HLL_P)
			return cp_fail(e, CP_EX_DATAERR, "customers: bad register string");
		if (!d->reg && distinct_to_hll(d) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		for (size_t i = 0; i < (size_t)1 << HLL_P; i++) {
			int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);
			if (a < 0 || b < 0)
				return cp_fail(e, CP_EX_DATAERR, "customers: bad register string");
			uint8_t r = (uint8_t)(a * 16 + b);
			if (r > d->reg[i])
				d->reg[i] = r;
		}
		return 0;
	}
	if (x.type != VAL_ARRAY)
		return cp_fail(e, CP_EX_DATAERR, "customers: neither x nor h");
	size_t pos = 0;
	cp_val el;
	while (val_next(x, &pos, NULL, &el)) {
		uint64_t hv;
		if (hex64(el, &hv) < 0)
			return cp_fail(e, CP_EX_DATAERR, "customers: bad hash");
		if (distinct_add(d, hv) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	return 0;
}

/* The order of a partial's SLA counts, which partials written before
 * schema.h's order keep. */
static const int partial_sla[SLA_NSTATUS] = { SLA_MET, SLA_BREACHED, SLA_MISSED, SLA_PENDING,
                                              SLA_AT_RISK };

int stats_to_json(const struct stats *s, cp_buf *o)
{
	int rc = 0;
	rc |= buf_addf(o, "{\"in\":%llu,\"out\":%llu,\"ans\":%llu,\"cust\":",
	               (unsigned long long)s->n_in, (unsigned long long)s->n_out,
	               (unsigned long long)s->answered);
	rc |= distinct_json(&s->customers, o);
	rc |= buf_adds(o, ",\"thd\":");
	rc |= distinct_json(&s->thread_ids, o);
	rc |= buf_adds(o, ",\"rsd\":");
	rc |= distinct_json(&s->resolved_ids, o);
	rc |= buf_adds(o, ",\"frt\":");
	rc |= sketch_to_json(&s->frt, o);
	rc |= buf_adds(o, ",\"bus\":");
	rc |= sketch_to_json(&s->frt_bus, o);
	rc |= buf_adds(o, ",\"lat\":");
	rc |= sketch_to_json(&s->latency, o);
	rc |= buf_adds(o, ",\"sla\":[");
	for (int i = 0; i < SLA_NSTATUS; i++)
		rc |= buf_addf(o, i ? ",%llu" : "%llu", (unsigned long long)s->sla[partial_sla[i]]);
	rc |= buf_addc(o, ']');
	rc |= buf_addf(o, ",\"thr\":[%llu,%llu,%llu]", (unsigned long long)s->threads,
	               (unsigned long long)s->resolved, (unsigned long long)s->threads_open);
	rc |= buf_addf(o, ",\"sent\":[%llu,%llu,%llu,%llu,%llu,%lld]",
	               (unsigned long long)s->sent_n, (unsigned long long)s->sent_label[0],
	               (unsigned long long)s->sent_label[1], (unsigned long long)s->sent_label[2],
	               (unsigned long long)s->sent_scored, (long long)s->sent_sum);
	rc |= buf_addf(o, ",\"csat\":[%llu,%llu,%.17g]", (unsigned long long)s->csat_n,
	               (unsigned long long)s->csat_sat, s->csat_sum);
	rc |= buf_addf(o, ",\"nps\":[%llu,%llu,%llu]", (unsigned long long)s->nps_n,
	               (unsigned long long)s->nps_pro, (unsigned long long)s->nps_det);
	rc |= buf_addf(o, ",\"eng\":[%.17g,%.17g,%.17g],\"tags\":{", s->likes, s->reposts,
	               s->replies);
	bool first = true;
	const struct map_slot *t;
	for (size_t i = 0; (t = map_next(&s->tags, &i));) {
		const struct tagcount *c = t->val;
		if (!first)
			rc |= buf_addc(o, ',');
		first = false;
		rc |= buf_json_str(o, t->key, t->keylen);
		rc |= buf_addf(o, ":[%llu,%llu]", (unsigned long long)c->cur,
		               (unsigned long long)c->prev);
	}
	rc |= buf_adds(o, "}}");
	return rc ? -1 : 0;
}

/* Read n whole numbers from an array into u64s. */
static int counts(cp_val arr, uint64_t *out, size_t n)
{
	if (arr.type != VAL_ARRAY || val_len(arr) != n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t x;
		if (val_int(val_index(arr, i), &x) < 0 || x < 0)
			return -1;
		out[i] = (uint64_t)x;
	}
	return 0;
}

int stats_from_json(struct stats *s, cp_val v, cp_err *e)
{
	uint64_t c3[3], c5[6];
	double d;
	int64_t a, b, c;
	if (val_int(val_member(v, "in"), &a) < 0 || val_int(val_member(v, "out"), &b) < 0 ||
	    val_int(val_member(v, "ans"), &c) < 0 || a < 0 || b < 0 || c < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad counts");
	s->n_in = (uint64_t)a;
	s->n_out = (uint64_t)b;
	s->answered = (uint64_t)c;
	if (distinct_from_json(&s->customers, val_member(v, "cust"), e) < 0 ||
	    distinct_from_json(&s->thread_ids, val_member(v, "thd"), e) < 0 ||
	    distinct_from_json(&s->resolved_ids, val_member(v, "rsd"), e) < 0 ||
	    sketch_from_json(&s->frt, val_member(v, "frt"), e) < 0 ||
	    sketch_from_json(&s->frt_bus, val_member(v, "bus"), e) < 0 ||
	    sketch_from_json(&s->latency, val_member(v, "lat"), e) < 0)
		return -1;
	uint64_t sla[SLA_NSTATUS];
	if (counts(val_member(v, "sla"), sla, SLA_NSTATUS) < 0 ||
	    counts(val_member(v, "thr"), c3, 3) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad sla or thread counts");
	for (int i = 0; i < SLA_NSTATUS; i++)
		s->sla[partial_sla[i]] = sla[i];
	s->threads = c3[0];
	s->resolved = c3[1];
	s->threads_open = c3[2];
	cp_val sent = val_member(v, "sent");
	if (sent.type != VAL_ARRAY || val_len(sent) != 6 ||
	    val_int(val_index(sent, 5), &s->sent_sum) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad sentiment");
	for (size_t i = 0; i < 5; i++) {
		int64_t x;
		if (val_int(val_index(sent, i), &x) < 0 || x < 0)
			return cp_fail(e, CP_EX_DATAERR, "partial: bad sentiment");
		c5[i] = (uint64_t)x;
	}
	s->sent_n = c5[0];
	memcpy(s->sent_label, c5 + 1, sizeof s->sent_label);
	s->sent_scored = c5[4];
	cp_val cs = val_member(v, "csat");
	int64_t cn, csat;
	if (cs.type != VAL_ARRAY || val_int(val_index(cs, 0), &cn) < 0 ||
	    val_int(val_index(cs, 1), &csat) < 0 || val_num(val_index(cs, 2), &d) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad csat");
	s->csat_n = (uint64_t)cn;
	s->csat_sat = (uint64_t)csat;
	s->csat_sum = d;
	if (counts(val_member(v, "nps"), c3, 3) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad nps");
	s->nps_n = c3[0];
	s->nps_pro = c3[1];
	s->nps_det = c3[2];
	cp_val eng = val_member(v, "eng");
	if (eng.type != VAL_ARRAY || val_num(val_index(eng, 0), &s->likes) < 0 ||
	    val_num(val_index(eng, 1), &s->reposts) < 0 || val_num(val_index(eng, 2), &s->replies) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad engagement");
	cp_val tags = val_member(v, "tags"), tk, tv;
	size_t pos = 0;
	cp_buf name = {0};
	while (val_next(tags, &pos, &tk, &tv)) {
		uint64_t cp[2];
		buf_reset(&name);
		if (val_str(tk, &name) < 0 || counts(tv, cp, 2) < 0) {
			buf_free(&name);
			return cp_fail(e, CP_EX_DATAERR, "partial: bad tag count");
		}
		struct map_slot *x = map_addn_h(&s->tags, name.p, name.len, kpi_hash(name.p, name.len));
		if (!x || (!x->val && !(x->val = calloc(1, sizeof(struct tagcount))))) {
			buf_free(&name);
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
		struct tagcount *tc = x->val;
		tc->cur += cp[0];
		tc->prev += cp[1];
	}
	buf_free(&name);
	return 0;
}

int key_json(const struct group *g, cp_buf *out)
{
	int rc = buf_addc(out, '[');
	const char *s = g->key;
	if (*s || g->fam != FAM_TOTAL) {
		for (;;) {
			const char *sep = strchr(s, '\x1f');
			size_t n = sep ? (size_t)(sep - s) : strlen(s);
			rc |= buf_json_str(out, s, n);
			if (!sep)
				break;
			rc |= buf_addc(out, ',');
			s = sep + 1;
		}
	}
	rc |= buf_addc(out, ']');
	return rc ? -1 : 0;
}

int gset_json(struct kpi *k, const struct gset *gs, cp_buf *out)
{
	int rc = buf_addc(out, '[');
	for (uint16_t i = 0; i < gs->n; i++) {
		const struct group *g = k->g[gs->g[i]];
		rc |= buf_addf(out, "%s[%d,", i ? "," : "", g->fam);
		rc |= buf_json_str(out, g->key, strlen(g->key));
		rc |= buf_addc(out, ']');
	}
	rc |= buf_addc(out, ']');
	return rc ? -1 : 0;
}

int gset_from_json(struct kpi *k, cp_val v, const struct gset **out, cp_err *e)
{
	size_t n = val_len(v), pos = 0;
	cp_val el;
	struct gset tmp = {0}, *gs = &tmp;
	if (v.type != VAL_ARRAY || n > 65535)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad group list");
	gs->g = malloc((n ? n : 1) * sizeof *gs->g);
	gs->n = 0;
	if (!gs->g)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	while (val_next(v, &pos, NULL, &el)) {
		int64_t fam;
		cp_buf *key = &k->key;
		buf_reset(key);
		if (val_int(val_index(el, 0), &fam) < 0 || fam < FAM_TOTAL || fam > FAM_PREV ||
		    val_str(val_index(el, 1), key) < 0) {
			free(tmp.g);
			return cp_fail(e, CP_EX_DATAERR, "partial: bad group reference");
		}
		long gi = kpi_group(k, (int)fam, key->p ? key->p : "", key->len);
		if (gi < 0) {
			free(tmp.g);
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
		gs->g[gs->n++] = (uint32_t)gi;
	}
	*out = gset_intern(k, gs);
	free(tmp.g);
	return *out ? 0 : cp_fail(e, CP_EX_OSERR, "out of memory");
}

static void time_or_null(cp_buf *o, const char *name, int64_t t)
{
	if (t == NO_TIME)
		buf_addf(o, ",\"%s\":null", name);
	else
		buf_addf(o, ",\"%s\":%lld", name, (long long)t);
}

/* The partial: a header, then one line per group, hour and open item. */
int kpi_write_partial(struct kpi *k, cp_buf *o)
{
	int rc = 0;
	rc |= buf_adds(o, "{\"kpi_partial\":1,\"by\":");
	rc |= buf_json_str(o, k->by ? k->by : "", strlen(k->by ? k->by : ""));
	rc |= buf_adds(o, ",\"tz\":");
	rc |= buf_json_str(o, tz_name(k->zone), strlen(tz_name(k->zone)));
	time_or_null(o, "since", k->since);
	time_or_null(o, "until", k->until);
	time_or_null(o, "prev_since", k->prev_since);
	time_or_null(o, "prev_until", k->prev_until);
	rc |= buf_addf(o, ",\"resolve_after\":%lld,\"reply_window\":%lld,\"records\":%llu",
	               (long long)k->resolve_after, (long long)k->reply_window,
	               (unsigned long long)k->records);
	time_or_null(o, "watermark", k->watermark);
	time_or_null(o, "min_t", k->min_t);
	time_or_null(o, "max_t", k->max_t);
	rc |= buf_addf(o, ",\"any_sla\":%s,\"any_business\":%s,\"unmatched\":%llu}\n",
	               k->any_sla ? "true" : "false", k->any_business ? "true" : "false",
	               (unsigned long long)k->replies_unmatched);
	for (size_t i = 0; i < k->ng; i++) {
		struct group *g = k->g[i];
		rc |= buf_addf(o, "{\"t\":\"group\",\"fam\":%d,\"key\":", g->fam);
		rc |= buf_json_str(o, g->key, strlen(g->key));
		rc |= buf_adds(o, ",\"s\":");
		rc |= stats_to_json(&g->s, o);
		rc |= buf_adds(o, "}\n");
	}
	for (size_t i = 0; i < k->nhours; i++)
		rc |= buf_addf(o, "{\"t\":\"hour\",\"h\":%lld,\"in\":%llu,\"out\":%llu,\"neg\":%llu,"
		                  "\"lab\":%llu}\n",
		               (long long)k->hours[i].h, (unsigned long long)k->hours[i].in,
		               (unsigned long long)k->hours[i].out,
		               (unsigned long long)k->hours[i].neg,
		               (unsigned long long)k->hours[i].labelled);
	for (size_t i = 0; i < k->ng; i++) {
		const struct hslot *x;
		for (size_t j = 0; (x = ht_next(&k->g[i]->hours, &j));) {
			rc |= buf_addf(o, "{\"t\":\"ghour\",\"g\":[[%d,", k->g[i]->fam);
			rc |= buf_json_str(o, k->g[i]->key, strlen(k->g[i]->key));
			rc |= buf_addf(o, "]],\"h\":%lld,\"in\":%llu,\"neg\":%llu,\"lab\":%llu}\n",
			               (long long)key_hour(x->key), (unsigned long long)x->in,
			               (unsigned long long)x->neg, (unsigned long long)x->lab);
		}
	}
	const struct map_slot *e;
	for (size_t i = 0; (e = map_next(&k->tag_hours, &i));) {
		const struct hslot *x;
		for (size_t j = 0; (x = ht_next(e->val, &j));) {
			rc |= buf_adds(o, "{\"t\":\"thour\",\"tag\":");
			rc |= buf_json_str(o, e->key, e->keylen);
			rc |= buf_addf(o, ",\"h\":%lld,\"in\":%llu,\"neg\":0,\"lab\":0}\n",
			               (long long)key_hour(x->key), (unsigned long long)x->in);
		}
	}
	const struct pending *pe;
	for (size_t i = 0; (pe = ht_next(&k->pending, &i));) {
		rc |= buf_addf(o, "{\"t\":\"pending\",\"key\":\"%016llx\",\"at\":%lld",
		               (unsigned long long)pe->key, (long long)pe->t);
		time_or_null(o, "first", pe_first(pe));
		rc |= buf_addf(o, ",\"sla\":%s,\"g\":", pe->first_d == PE_SLA ? "true" : "false");
		rc |= gset_json(k, pe->gs, o);
		rc |= buf_adds(o, "}\n");
	}
	const struct orphans *or;
	for (size_t i = 0; (or = ht_next(&k->orphans, &i));) {
		for (size_t j = 0; j < or->n; j++) {
			rc |= buf_addf(o, "{\"t\":\"reply\",\"parent\":\"%016llx\",\"at\":%lld,"
			                  "\"counts\":%s,\"g\":",
			               (unsigned long long)or->key, (long long)or->r[j].t,
			               or->r[j].counts ? "true" : "false");
			rc |= gset_json(k, or->r[j].gs, o);
			rc |= buf_adds(o, "}\n");
		}
	}
	const struct kpi_thread *t;
	for (size_t i = 0; (t = ht_next(&k->threads, &i));) {
		rc |= buf_addf(o, "{\"t\":\"thread\",\"key\":\"%016llx\",\"first\":%lld",
		               (unsigned long long)t->key, (long long)t->first);
		time_or_null(o, "last_in", t->last_in);
		time_or_null(o, "last_out", t->last_out);
		rc |= buf_addf(o, ",\"res\":%s,\"g\":", t->resolved_tag ? "true" : "false");
		rc |= gset_json(k, t->gs, o);
		rc |= buf_adds(o, "}\n");
	}
	return rc ? -1 : 0;
}

/* ---------------------------------------------------------- reading */

static int64_t time_member(cp_val v, const char *name)
{
	int64_t t;
	return val_int(val_member(v, name), &t) == 0 ? t : NO_TIME;
}

/* An open item's key: 16 hex digits, not 0. */
static int hexkey(cp_val v, uint64_t *key)
{
	return hex64(v, key) < 0 || !*key ? -1 : 0;
}

static bool header_seen;

static int partial_header(struct kpi *k, const cp_rec *r, const cp_pos *pos)
{
	static cp_buf by, tzb;
	cp_val obj = { r->line + r->open, r->close - r->open + 1, VAL_OBJECT };
	int64_t ra, rw, recs, um;
	buf_reset(&by);
	buf_reset(&tzb);
	if (rec_val(r, "tz").type != VAL_NONE && val_str(rec_val(r, "tz"), &tzb) < 0)
		return -1;
	if (val_str(rec_val(r, "by"), &by) < 0 || val_int(rec_val(r, "resolve_after"), &ra) < 0 ||
	    val_int(rec_val(r, "reply_window"), &rw) < 0 || val_int(rec_val(r, "records"), &recs) < 0 ||
	    val_int(rec_val(r, "unmatched"), &um) < 0)
		return -1;
	const char *b = by.p ? by.p : "";
	/* Days and hours were bucketed in the partial's zone. */
	if (strcmp(tz_name(k->zone), tzb.p ? tzb.p : "UTC") != 0) {
		cp_warn(k->p, "%s:%llu: partial made with --tz %s, not %s", pos->file,
		        (unsigned long long)pos->lineno, tzb.p ? tzb.p : "UTC", tz_name(k->zone));
		return CP_EX_DATAERR;
	}
	if (!header_seen) {
		if (k->by && strcmp(k->by, b) != 0) {
			cp_warn(k->p, "%s:%llu: partial made with --by '%s', not '%s'", pos->file,
			        (unsigned long long)pos->lineno, b, k->by);
			return CP_EX_DATAERR;
		}
		if (!k->by) {
			cp_err e = {0};
			k->by = strdup(b);
			if (!k->by || keyspec_parse(k, k->by, &e) < 0) {
				cp_warn(k->p, "%s", e.msg);
				return CP_EX_DATAERR;
			}
		}
		k->since = time_member(obj, "since");
		k->until = time_member(obj, "until");
		k->prev_since = time_member(obj, "prev_since");
		k->prev_until = time_member(obj, "prev_until");
		k->resolve_after = ra;
		k->reply_window = rw;
		header_seen = true;
	} else if (strcmp(k->by, b) != 0 || k->resolve_after != ra || k->reply_window != rw ||
	           k->since != time_member(obj, "since") || k->until != time_member(obj, "until") ||
	           k->prev_since != time_member(obj, "prev_since") ||
	           k->prev_until != time_member(obj, "prev_until")) {
		cp_warn(k->p, "%s:%llu: partials made with different options cannot be merged",
		        pos->file, (unsigned long long)pos->lineno);
		return CP_EX_DATAERR;
	}
	int64_t w = time_member(obj, "watermark"), mn = time_member(obj, "min_t"),
	        mx = time_member(obj, "max_t");
	if (w != NO_TIME && (k->watermark == NO_TIME || w > k->watermark))
		k->watermark = w;
	if (mn != NO_TIME && (k->min_t == NO_TIME || mn < k->min_t))
		k->min_t = mn;
	if (mx != NO_TIME && (k->max_t == NO_TIME || mx > k->max_t))
		k->max_t = mx;
	k->records += (uint64_t)recs;
	k->replies_unmatched += (uint64_t)um;
	k->any_sla |= val_truthy(rec_val(r, "any_sla")) && rec_val(r, "any_sla").type == VAL_TRUE;
	k->any_business |= rec_val(r, "any_business").type == VAL_TRUE;
	return 0;
}

int each_partial(void *ctx, cp_rec *r, const cp_pos *pos)
{
	struct kpi *k = ctx;
	static cp_buf id;
	cp_err e = {0};
	const struct gset *gs = NULL;
	cp_val type = rec_val(r, "t");
	cp_val obj = { r->line + r->open, r->close - r->open + 1, VAL_OBJECT };
	int rc = 0;

	if (rec_val(r, "kpi_partial").type != VAL_NONE) {
		rc = partial_header(k, r, pos);
		if (rc < 0) {
			cp_bad_line(k->p, pos->file, pos->lineno, r->line, r->len, "bad partial header");
			return 0;
		}
		return rc;
	}
	buf_reset(&id);
	if (val_streq(type, "group")) {
		int64_t fam;
		struct stats s;
		stats_init(&s);
		if (val_int(rec_val(r, "fam"), &fam) < 0 || fam < FAM_TOTAL || fam > FAM_PREV ||
		    val_str(rec_val(r, "key"), &id) < 0) {
			rc = cp_fail(&e, CP_EX_DATAERR, "bad group line");
		} else if (stats_from_json(&s, rec_val(r, "s"), &e) == 0) {
			long gi = kpi_group(k, (int)fam, id.p ? id.p : "", id.len);
			if (gi < 0)
				rc = cp_fail(&e, CP_EX_OSERR, "out of memory");
			else
				rc = stats_merge(k, &k->g[gi]->s, &s, &e);
		} else {
			rc = -1;
		}
		stats_free(&s);
	} else if (val_streq(type, "hour")) {
		int64_t h, in, out, neg, lab;
		if (val_int(rec_val(r, "h"), &h) < 0 || val_int(rec_val(r, "in"), &in) < 0 ||
		    val_int(rec_val(r, "out"), &out) < 0 || val_int(rec_val(r, "neg"), &neg) < 0 ||
		    val_int(rec_val(r, "lab"), &lab) < 0 || in < 0 || out < 0 || neg < 0 || lab < 0 ||
		    h == INT64_MIN)
			rc = cp_fail(&e, CP_EX_DATAERR, "bad hour line");
		else if (hour_add(k, h, (uint64_t)in, (uint64_t)out, (uint64_t)neg, (uint64_t)lab) < 0)
			rc = cp_fail(&e, CP_EX_OSERR, "out of memory");
	} else if (val_streq(type, "ghour") || val_streq(type, "thour")) {
		/* A group's or a tag's hour. */
		int64_t h, in, neg, lab;
		struct htab *series = NULL;
		if (val_int(rec_val(r, "h"), &h) < 0 || val_int(rec_val(r, "in"), &in) < 0 ||
		    val_int(rec_val(r, "neg"), &neg) < 0 || val_int(rec_val(r, "lab"), &lab) < 0 ||
		    in < 0 || neg < 0 || lab < 0 || h == INT64_MIN) {
			rc = cp_fail(&e, CP_EX_DATAERR, "bad hour line");
		} else if (val_streq(type, "thour")) {
			if (val_str(rec_val(r, "tag"), &id) < 0 || !id.len)
				rc = cp_fail(&e, CP_EX_DATAERR, "bad tag hour line");
			else if (!(series = tag_series(k, id.p, id.len)))
				rc = cp_fail(&e, CP_EX_OSERR, "out of memory");
		} else if (gset_from_json(k, rec_val(r, "g"), &gs, &e) < 0) {
			rc = -1;
		} else if (gs->n != 1 || k->g[gs->g[0]]->fam != FAM_BY) {
			rc = cp_fail(&e, CP_EX_DATAERR, "bad group hour line");
		} else {
			series = &k->g[gs->g[0]]->hours;
		}
		if (series && series_add(series, h, (uint64_t)in, (uint64_t)neg, (uint64_t)lab) < 0)
			rc = cp_fail(&e, CP_EX_OSERR, "out of memory");
	} else if (val_streq(type, "pending") || val_streq(type, "reply")) {
		bool pend = val_streq(type, "pending");
		int64_t at;
		uint64_t key;
		if (hexkey(rec_val(r, pend ? "key" : "parent"), &key) < 0 ||
		    val_int(rec_val(r, "at"), &at) < 0)
			rc = cp_fail(&e, CP_EX_DATAERR, "bad %s line", pend ? "pending" : "reply");
		else if (gset_from_json(k, rec_val(r, "g"), &gs, &e) < 0)
			rc = -1;
		else if (pend ? match_inbound(k, key, at, time_member(obj, "first"), gs,
		                              rec_val(r, "sla").type == VAL_TRUE) < 0
		              : match_reply(k, key, at, gs, rec_val(r, "counts").type == VAL_TRUE) < 0)
			rc = cp_fail(&e, CP_EX_OSERR, "out of memory");
	} else if (val_streq(type, "thread")) {
		struct kpi_thread th = {
			.first = time_member(obj, "first"),
			.last_in = time_member(obj, "last_in"),
			.last_out = time_member(obj, "last_out"),
			.resolved_tag = rec_val(r, "res").type == VAL_TRUE,
		};
		if (hexkey(rec_val(r, "key"), &th.key) < 0 || th.first == NO_TIME)
			rc = cp_fail(&e, CP_EX_DATAERR, "bad thread line");
		else if (gset_from_json(k, rec_val(r, "g"), &th.gs, &e) < 0)
			rc = -1;
		else if (thread_merge(k, &th) < 0)
			rc = cp_fail(&e, CP_EX_OSERR, "out of memory");
	} else {
		rc = cp_fail(&e, CP_EX_DATAERR, "not a kpi-report partial line");
	}
	if (rc < 0) {
		if (e.code == CP_EX_OSERR)
			return CP_EX_OSERR;
		char why[600];
		snprintf(why, sizeof why, "%s", e.msg);
		cp_bad_line(k->p, pos->file, pos->lineno, r->line, r->len, why);
	}
	return 0;
}

