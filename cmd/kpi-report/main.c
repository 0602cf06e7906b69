/*
 * kpi-report - the numbers a care team is judged by: volume, response
 * rate, first response and per-reply times, SLA compliance, resolution,
 * sentiment, CSAT, NPS, engagement and top tags, sliced by any keys, with
 * hourly spike alerts; as a table, CSV, NDJSON, Markdown or an HTML page.
 *
 * It holds aggregates, never records: one set of statistics per group,
 * plus the items still open for matching (see match.c).  --partial writes
 * those as mergeable NDJSON and --merge adds such partials up, so a big
 * log is reported on with GNU parallel or Hadoop Streaming.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "idwin.h"
#include "kpi.h"
#include "tz.h"

enum {
	OPT_BY = 256, OPT_SINCE, OPT_UNTIL, OPT_NOW, OPT_TOP, OPT_RESOLVE, OPT_WINDOW,
	OPT_PARTIAL, OPT_MERGE, OPT_ALERTS, OPT_SPIKE_K, OPT_SPIKE_WINDOW, OPT_SPIKE_COOL,
	OPT_SPIKE_MIN, OPT_COLUMNS, OPT_WIDE, OPT_TZ, OPT_QMEM, OPT_COMPARE, OPT_SLA_GOAL,
};

static const struct option longopts[] = {
	{ "by", required_argument, NULL, OPT_BY },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "resolve-after", required_argument, NULL, OPT_RESOLVE },
	{ "reply-window", required_argument, NULL, OPT_WINDOW },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "alerts-only", no_argument, NULL, OPT_ALERTS },
	{ "spike-k", required_argument, NULL, OPT_SPIKE_K },
	{ "spike-window", required_argument, NULL, OPT_SPIKE_WINDOW },
	{ "spike-cooldown", required_argument, NULL, OPT_SPIKE_COOL },
	{ "spike-min", required_argument, NULL, OPT_SPIKE_MIN },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "wide", no_argument, NULL, OPT_WIDE },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "quantile-memory", required_argument, NULL, OPT_QMEM },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "sla-goal", required_argument, NULL, OPT_SLA_GOAL },
	{ NULL, 0, NULL, 0 },
};

static const char synopsis[] =
	"kpi-report [-qv] [--alerts-only] [--bad file] [--by keys]\n"
	"                  [--columns list] [--compare duration] [-f format]\n"
	"                  [--line-buffered] [--merge] [--now time] [-o file] [--partial]\n"
	"                  [--quantile-memory size] [--reply-window duration]\n"
	"                  [--resolve-after duration] [--since time] [--sla-goal percent]\n"
	"                  [--spike-cooldown duration] [--spike-k k] [--spike-min n]\n"
	"                  [--spike-window duration] [--strict] [--top n] [--tz zone]\n"
	"                  [--until time] [--wide] [file ...]";

static const char help[] =
	"      --by KEYS         group by platform, account, agent, tag, day, week, hour,\n"
	"                        weekday, lang, priority or any field path (comma list)\n"
	"  -f, --format FMT      table (default), csv, ndjson, markdown or html\n"
	"      --columns LIST    the table's columns, by their CSV names (comma list)\n"
	"      --wide            the table shows every column, however wide\n"
	"  -o, --output FILE     write there; a name ending in .gz is gzip-compressed\n"
	"      --since TIME      only records at or after TIME (RFC 3339, a date in --tz,\n"
	"                        or -7d)\n"
	"      --until TIME      only records before TIME\n"
	"      --tz ZONE         days, weeks, hours, dates without an offset and headings\n"
	"                        in this IANA zone (default $CAREPIPE_TZ, else UTC)\n"
	"      --compare D       compare with the period D earlier (default with --since:\n"
	"                        the period of the same length just before)\n"
	"      --now TIME        the time relative times and open items are judged at\n"
	"      --top N           only the N groups with the most inbound records\n"
	"      --resolve-after D a thread whose last message is the brand's, with no\n"
	"                        inbound message for D, is resolved\n"
	"      --reply-window D  replies later than D after their parent are not timed (1d)\n"
	"      --quantile-memory SIZE  keep values for exact quantiles up to SIZE in all\n"
	"                        (64M; K, M, G suffixes; 0: always the 1% sketch)\n"
	"      --sla-goal PCT    the share of SLAs to meet, drawn on the HTML chart (90)\n"
	"      --partial         write mergeable partial aggregates (NDJSON)\n"
	"      --merge           read partials and combine them\n"
	"      --alerts-only     print only spike alerts, nothing when there is none\n"
	"      --spike-k K       alert above mean + K sd (3; moderate 1.5K, major 2K)\n"
	"      --spike-window D  the trailing baseline (7d)\n"
	"      --spike-cooldown D  quiet time after an alert (6h)\n"
	"      --spike-min N     least labelled records in an hour for a share (10)\n";

/* The values of one record that kpi-report reads, found in one pass over
 * its top-level members. */
struct fields {
	cp_val id, platform, account, direction, created_at, in_reply_to, thread, author, tags,
	    sentiment, sla, metrics, csat, nps, assignee, lang, priority, text;
};

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

static void usage_error(cp_prog *p, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", p->name);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	cp_usage(p);
}

/* A date, or a date and time, with no offset: "2024-03-01",
 * "2024-03-01T08:00" or "2024-03-01T08:00:00". */
static bool local_form(const char *s)
{
	size_t n = strlen(s);
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (n == 10)
		return true;
	return (s[10] == 'T' || s[10] == ' ') && (n == 16 || (n == 19 && s[16] == ':')) &&
	       s[13] == ':';
}

static int64_t parse_when(cp_prog *p, const char *opt, const char *s, int64_t now,
                          const tz *zone)
{
	int64_t t, d;
	if (strcmp(s, "now") == 0)
		return now;
	if (s[0] == '-' && dur_parse(s + 1, &d) == 0)
		return now - d;
	if (local_form(s)) {
		/* A wall-clock time of --tz: read it as if UTC, then find the
		 * instant; a time skipped by a DST jump means the jump. */
		char utc[40];
		snprintf(utc, sizeof utc, "%.10sT%s%sZ", s, strlen(s) > 10 ? s + 11 : "00:00:00",
		         strlen(s) == 16 ? ":00" : "");
		if (time_parse(utc, strlen(utc), &t) == 0) {
			tz_from_local(zone, t, &t);
			return t;
		}
	}
	if (time_parse(s, strlen(s), &t) < 0) {
		fprintf(stderr, "%s: %s wants an RFC 3339 time, a date or -DURATION: %s\n", p->name,
		        opt, s);
		cp_usage(p);
	}
	return t;
}

static int64_t parse_dur(cp_prog *p, const char *opt, const char *s)
{
	int64_t d;
	if (dur_parse(s, &d) < 0 || d < 0) {
		fprintf(stderr, "%s: %s wants a duration such as 90s, 15m, 1h30m, 2d: %s\n", p->name,
		        opt, s);
		cp_usage(p);
	}
	return d;
}

/* ---------------------------------------------------------- group keys */

/* One component value for a key; "(none)" when missing.  Appends to out
 * without the separator byte, which is replaced by a space. */
static void append_component(cp_buf *out, const char *s, size_t n)
{
	size_t at = out->len;
	buf_add(out, s, n);
	for (size_t i = at; i < out->len; i++)
		if (out->p[i] == '\x1f')
			out->p[i] = ' ';
}

static void append_val(cp_buf *out, cp_val v, cp_buf *tmp)
{
	switch (v.type) {
	case VAL_STRING:
		buf_reset(tmp);
		if (val_str(v, tmp) == 0 && tmp->len) {
			append_component(out, tmp->p, tmp->len);
			return;
		}
		break;
	case VAL_NUMBER: case VAL_TRUE: case VAL_FALSE: case VAL_ARRAY: case VAL_OBJECT:
		append_component(out, v.p, v.n);
		return;
	}
	buf_adds(out, "(none)");
}

/* The agent who wrote a brand reply, from its signature: "^JD" or "-KC"
 * as the last word of the text. */
static bool signature(cp_val text, cp_buf *tmp, const char **s, size_t *n)
{
	buf_reset(tmp);
	if (text.type != VAL_STRING || val_str(text, tmp) < 0)
		return false;
	size_t e = tmp->len;
	while (e > 0 && (tmp->p[e - 1] == ' ' || tmp->p[e - 1] == '\n' || tmp->p[e - 1] == '\t'))
		e--;
	size_t b = e;
	while (b > 0 && ((tmp->p[b - 1] >= 'A' && tmp->p[b - 1] <= 'Z') ||
	                 (tmp->p[b - 1] >= 'a' && tmp->p[b - 1] <= 'z')))
		b--;
	if (e - b < 1 || e - b > 4 || b == 0 || (tmp->p[b - 1] != '^' && tmp->p[b - 1] != '-'))
		return false;
	if (b >= 2 && tmp->p[b - 2] != ' ' && tmp->p[b - 2] != '\n')
		return false;
	*s = tmp->p + b;
	*n = e - b;
	return true;
}

static const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

/* Formatting a date per record shows in profiles: keep the last one. */
static void time_component_cached(cp_buf *out, int kind, int64_t t);

/* t is the wall clock of --tz, in seconds since its 1970-01-01T00:00. */
static void time_component(cp_buf *out, int kind, int64_t t)
{
	static int64_t last_unit[K_WEEKDAY + 1] = { INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN,
	                                            INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN };
	static char last[K_WEEKDAY + 1][24];
	static size_t last_len[K_WEEKDAY + 1];
	int64_t unit = kind == K_DAY || kind == K_WEEK || kind == K_WEEKDAY
	               ? (t >= 0 ? t / 86400 : -((-t + 86399) / 86400))
	               : (t >= 0 ? t / 3600 : -((-t + 3599) / 3600));
	if (last_unit[kind] != unit) {
		cp_buf tmp = {0};
		time_component_cached(&tmp, kind, t);
		last_len[kind] = tmp.len < sizeof last[0] ? tmp.len : sizeof last[0];
		memcpy(last[kind], tmp.p, last_len[kind]);
		buf_free(&tmp);
		last_unit[kind] = unit;
	}
	buf_add(out, last[kind], last_len[kind]);
}

static void time_component_cached(cp_buf *out, int kind, int64_t t)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t y;
	unsigned m, d;
	int wd = (int)(((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday: 3 */
	switch (kind) {
	case K_DAY:
		time_civil_from_days(days, &y, &m, &d);
		buf_addf(out, "%04lld-%02u-%02u", (long long)y, m, d);
		break;
	case K_WEEK: {
		/* ISO 8601: the week belongs to the year of its Thursday. */
		int64_t thu = days - wd + 3;
		time_civil_from_days(thu, &y, &m, &d);
		int64_t jan1 = time_days_from_civil(y, 1, 1);
		buf_addf(out, "%04lld-W%02lld", (long long)y, (long long)((thu - jan1) / 7 + 1));
		break;
	}
	case K_HOUR:
		buf_addf(out, "%02lld", (long long)((t - days * 86400) / 3600));
		break;
	case K_WEEKDAY:
		buf_adds(out, weekdays[wd]);
		break;
	}
}

struct recinfo {
	const cp_rec *r;
	const struct fields *f;
	int64_t t;
	bool inbound;
};

/* Fill k->gs with the groups a record counts in: the total, every
 * combination of its --by values (tags give several), its account. */
static int record_groups(struct kpi *k, const struct recinfo *ri)
{
	static cp_buf tmp, keybuf;
	const struct fields *f = ri->f;
	int64_t local = ri->t + (k->utc ? 0 : tz_offset(k->zone, ri->t));
	size_t ntags = f->tags.type == VAL_ARRAY ? val_len(f->tags) : 0;
	size_t combos = 1;
	bool has_tag_key = false;
	for (size_t i = 0; i < k->nkeys; i++)
		if (k->keys[i].kind == K_TAG)
			has_tag_key = true;
	if (has_tag_key && ntags > 1)
		combos = ntags; /* one tag key is the common case; several share the choice */
	size_t want = 2 + combos;
	if (want > 65535)
		want = 65535;
	uint32_t *g = realloc(k->gs.g, want * sizeof *g);
	if (!g)
		return -1;
	k->gs.g = g;
	k->gs.n = 0;
	if (k->total_g < 0 && (k->total_g = kpi_group(k, FAM_TOTAL, "", 0)) < 0)
		return -1;
	long gi = k->total_g;
	k->gs.g[k->gs.n++] = (uint32_t)gi;
	if (k->nkeys) {
		for (size_t c = 0; c < combos && k->gs.n < want - 1; c++) {
			buf_reset(&keybuf);
			for (size_t i = 0; i < k->nkeys; i++) {
				if (i)
					buf_addc(&keybuf, '\x1f');
				switch (k->keys[i].kind) {
				case K_PLATFORM: append_val(&keybuf, f->platform, &tmp); break;
				case K_ACCOUNT: append_val(&keybuf, f->account, &tmp); break;
				case K_LANG: append_val(&keybuf, f->lang, &tmp); break;
				case K_PRIORITY: append_val(&keybuf, f->priority, &tmp); break;
				case K_TAG:
					append_val(&keybuf, ntags ? val_index(f->tags, c) : (cp_val){0}, &tmp);
					break;
				case K_DAY: case K_WEEK: case K_HOUR: case K_WEEKDAY:
					time_component(&keybuf, k->keys[i].kind, local);
					break;
				case K_AGENT: {
					cp_val a = val_member(f->assignee, "id");
					const char *s;
					size_t n;
					if (a.type == VAL_STRING || a.type == VAL_NUMBER)
						append_val(&keybuf, a, &tmp);
					else if (!ri->inbound && signature(f->text, &tmp, &s, &n))
						append_component(&keybuf, s, n);
					else
						buf_adds(&keybuf, "(none)");
					break;
				}
				case K_PATH:
					append_val(&keybuf, rec_path(ri->r, k->keys[i].name), &tmp);
					break;
				}
			}
			if (!keybuf.p)
				buf_addc(&keybuf, '\0');
			if ((gi = kpi_group(k, FAM_BY, keybuf.p, keybuf.len)) < 0)
				return -1;
			bool dup = false;
			for (uint16_t j = 0; j < k->gs.n; j++)
				dup |= k->gs.g[j] == (uint32_t)gi;
			if (!dup)
				k->gs.g[k->gs.n++] = (uint32_t)gi;
		}
	}
	if (k->accounts && f->account.type == VAL_STRING) {
		buf_reset(&tmp);
		val_str(f->account, &tmp);
		if ((gi = kpi_group(k, FAM_ACCOUNT, tmp.p ? tmp.p : "", tmp.len)) < 0)
			return -1;
		k->gs.g[k->gs.n++] = (uint32_t)gi;
	}
	return 0;
}

/* ---------------------------------------------------------- records */

static int sla_index(cp_val status)
{
	static const char *const names[] = { "met", "breached", "missed", "pending", "at_risk" };
	for (int i = 0; i < SLA_NSTATUS; i++)
		if (val_streq(status, names[i]))
			return i;
	return -1;
}

static int sentiment_index(cp_val label)
{
	return val_streq(label, "negative") ? SENT_NEG : val_streq(label, "neutral") ? SENT_NEU
	       : val_streq(label, "positive") ? SENT_POS : -1;
}

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
		const char *raw;
		size_t n;
		if (el.type != VAL_STRING)
			continue;
		if (!(raw = val_rawstr(el, &n))) {
			buf_reset(tmp);
			val_str(el, tmp);
			raw = tmp->p;
			n = tmp->len;
		}
		if (tag_count(s, raw, n, prev) < 0)
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
	if (hour_add(k, hour, inbound, !inbound, inbound && sent == SENT_NEG, inbound && sent >= 0) < 0)
		return -1;
	if (!inbound)
		return 0;
	for (uint16_t i = 0; i < k->gs.n; i++) {
		struct group *g = k->g[k->gs.g[i]];
		if (g->fam == FAM_BY && series_add(&g->hours, hour, 1, sent == SENT_NEG, sent >= 0) < 0)
			return -1;
	}
	size_t pos = 0;
	cp_val el;
	while (val_next(f->tags, &pos, NULL, &el)) {
		struct htab *th;
		buf_reset(tmp);
		if (el.type != VAL_STRING || val_str(el, tmp) < 0 || !tmp->len)
			continue;
		if (!(th = tag_series(k, tmp->p, tmp->len)) || series_add(th, hour, 1, 0, 0) < 0)
			return -1;
	}
	return 0;
}

static int each_record(void *ctx, cp_rec *r, const cp_pos *pos)
{
	struct kpi *k = ctx;
	static cp_buf tmp;
	struct fields f;
	int64_t t;
	const char *s;
	size_t n;

	find_fields(r, &f);
	if (f.created_at.type == VAL_NONE) {
		cp_bad_line(k->p, pos->file, pos->lineno, r->line, r->len, "no created_at");
		return 0;
	}
	const char *ts = val_rawstr(f.created_at, &n);
	if (!ts) {
		buf_reset(&tmp);
		if (val_str(f.created_at, &tmp) == 0) {
			ts = tmp.p;
			n = tmp.len;
		}
	}
	if (!ts || time_parse(ts, n, &t) < 0) {
		cp_bad_line(k->p, pos->file, pos->lineno, r->line, r->len,
		            "created_at is not a time");
		return 0;
	}
	bool inbound = val_streq(f.direction, "in");
	if (!inbound && !val_streq(f.direction, "out")) {
		cp_bad_line(k->p, pos->file, pos->lineno, r->line, r->len,
		            "direction is not \"in\" or \"out\"");
		return 0;
	}
	/* A repeated id (fetch-mentions delivers at least once) counts once. */
	static idwin repeats;
	int rep = f.id.type == VAL_STRING ? idwin_seen(&repeats, f.id.p, f.id.n) : 0;
	if (rep)
		return rep < 0 ? CP_EX_OSERR : 0;
	k->records++;
	if (k->watermark == NO_TIME || t > k->watermark)
		k->watermark = t;
	uint64_t idkey = 0;
	if ((s = val_rawstr(inbound ? f.id : f.in_reply_to, &n)) && n) {
		idkey = kpi_idkey(s, n);
		ht_prefetch(&k->pending, idkey);
	}

	bool in_period = (k->since == NO_TIME || t >= k->since) && (k->until == NO_TIME || t < k->until);
	bool prev = !in_period && k->prev_since != NO_TIME && t >= k->prev_since &&
	            t < k->prev_until;
	if (!in_period && k->since != NO_TIME && t < k->since && t >= k->since - k->spike_window) {
		/* The spike window before the period is the baseline of its
		 * first hours: it goes into the hourly series, nowhere else. */
		struct recinfo ri = { r, &f, t, inbound };
		if (record_groups(k, &ri) < 0 ||
		    add_series(k, &f, t, inbound,
		               sentiment_index(val_member(f.sentiment, "label")), &tmp) < 0)
			return CP_EX_OSERR;
	}
	if (prev) {
		/* The previous period counts in its own total, for the
		 * comparison, and in the tag trend. */
		if (f.tags.type == VAL_ARRAY && tags_count(&k->g[k->total_g]->s, f.tags, true, &tmp) < 0)
			return CP_EX_OSERR;
		if (k->prev_g < 0 && (k->prev_g = kpi_group(k, FAM_PREV, "", 0)) < 0)
			return CP_EX_OSERR;
		if (!k->gs.g && !(k->gs.g = malloc(2 * sizeof *k->gs.g)))
			return CP_EX_OSERR;
		k->gs.g[0] = (uint32_t)k->prev_g;
		k->gs.n = 1;
	} else if (!in_period) {
		/* A reply after the period still answers what came inside it. */
		if (!inbound && k->until != NO_TIME && t >= k->until &&
		    (s = val_rawstr(f.in_reply_to, &n)) && n) {
			struct gset none = { k->gs.g, 0 };
			const struct gset *nonei = gset_intern(k, &none);
			if (!nonei || match_reply(k, kpi_idkey(s, n), t, nonei, false) < 0)
				return CP_EX_OSERR;
		}
		return match_sweep(k, false) < 0 ? CP_EX_OSERR : 0;
	} else {
		if (k->min_t == NO_TIME || t < k->min_t)
			k->min_t = t;
		if (k->max_t == NO_TIME || t > k->max_t)
			k->max_t = t;
		struct recinfo ri = { r, &f, t, inbound };
		if (record_groups(k, &ri) < 0)
			return CP_EX_OSERR;
	}

	/* What this record adds, worked out once for all its groups. */
	uint64_t cust = 0;
	bool has_cust = false, has_sla = false;
	int sla_st = -1, sent = -1;
	double frt = NAN, bus = NAN, score = NAN, csat = NAN, nps = NAN;
	double likes = 0, reposts = 0, replies = 0;
	if (inbound) {
		cp_val who = val_member(f.author, "id");
		if (who.type == VAL_NONE || who.type == VAL_NULL)
			who = val_member(f.author, "handle");
		if (who.type == VAL_STRING || who.type == VAL_NUMBER) {
			cust = kpi_hash(who.p, who.n);
			has_cust = true;
		}
		if (f.sla.type == VAL_OBJECT) {
			has_sla = true;
			k->any_sla = true;
			sla_st = sla_index(val_member(f.sla, "status"));
			frt = num_or_nan(val_member(f.sla, "first_response_s"));
			bus = num_or_nan(val_member(f.sla, "business_s"));
			if (!isnan(bus))
				k->any_business = true;
		}
	} else {
		likes = num_or_nan(val_member(f.metrics, "likes"));
		reposts = num_or_nan(val_member(f.metrics, "reposts"));
		replies = num_or_nan(val_member(f.metrics, "replies"));
	}
	if (f.sentiment.type == VAL_OBJECT) {
		sent = sentiment_index(val_member(f.sentiment, "label"));
		score = num_or_nan(val_member(f.sentiment, "score"));
		if (fabs(score) > 1e6)
			score = NAN; /* not a sentiment score, and would overflow the sum */
	}
	csat = num_or_nan(f.csat);
	if (!(csat >= 1 && csat <= 5))
		csat = NAN;
	nps = num_or_nan(f.nps);
	if (!(nps >= 0 && nps <= 10))
		nps = NAN;

	for (uint16_t i = 0; i < k->gs.n; i++) {
		struct stats *st = &k->g[k->gs.g[i]]->s;
		/* Accounts feed only the HTML page's SLA chart. */
		bool light = k->g[k->gs.g[i]]->fam == FAM_ACCOUNT;
		if (inbound) {
			st->n_in++;
			if (has_cust && !light && distinct_add(&st->customers, cust) < 0)
				return CP_EX_OSERR;
			if (sla_st >= 0)
				st->sla[sla_st]++;
			if (!isnan(frt)) {
				st->answered++;
				if (kpi_sample(k, &st->frt, frt) < 0)
					return CP_EX_OSERR;
			}
			if (!isnan(bus) && kpi_sample(k, &st->frt_bus, bus) < 0)
				return CP_EX_OSERR;
		} else {
			st->n_out++;
		}
		if (light)
			continue;
		if (!inbound) {
			st->likes += isnan(likes) ? 0 : likes;
			st->reposts += isnan(reposts) ? 0 : reposts;
			st->replies += isnan(replies) ? 0 : replies;
		}
		if (sent >= 0 || !isnan(score)) {
			st->sent_n++;
			if (sent >= 0)
				st->sent_label[sent]++;
			if (!isnan(score)) {
				st->sent_scored++;
				st->sent_sum += llround(score * 1e9);
			}
		}
		if (!isnan(csat)) {
			st->csat_n++;
			st->csat_sat += csat >= 4;
			st->csat_sum += csat;
		}
		if (!isnan(nps)) {
			st->nps_n++;
			st->nps_pro += nps >= 9;
			st->nps_det += nps <= 6;
		}
		if (f.tags.type == VAL_ARRAY && tags_count(st, f.tags, false, &tmp) < 0)
			return CP_EX_OSERR;
	}

	const struct gset *gsi = gset_intern(k, &k->gs);
	if (!gsi)
		return CP_EX_OSERR;
	if (inbound && idkey) {
		if (match_inbound(k, idkey, t, NO_TIME, gsi, has_sla) < 0)
			return CP_EX_OSERR;
	} else if (!inbound && idkey) {
		if (match_reply(k, idkey, t, gsi, true) < 0)
			return CP_EX_OSERR;
	}
	if (!(s = val_rawstr(f.thread, &n)) || !n)
		if (!(s = val_rawstr(f.in_reply_to, &n)) || !n)
			s = val_rawstr(f.id, &n);
	if (s && n && k->resolve_after >= 0) {
		/* A thread counts in the groups of its earliest record. */
		if (thread_seen(k, kpi_idkey(s, n), t, inbound, has_tag(f.tags, "resolved"), gsi) < 0)
			return CP_EX_OSERR;
	} else if (s && n) {
		/* Only the tag can resolve: distinct thread ids are enough, and
		 * hold no state per thread. */
		uint64_t th = kpi_hash(s, n);
		bool res = has_tag(f.tags, "resolved");
		for (uint16_t i = 0; i < k->gs.n; i++) {
			struct stats *st = &k->g[k->gs.g[i]]->s;
			if (k->g[k->gs.g[i]]->fam == FAM_ACCOUNT)
				continue;
			if (distinct_add(&st->thread_ids, th) < 0 ||
			    (res && distinct_add(&st->resolved_ids, th) < 0))
				return CP_EX_OSERR;
		}
	}
	if (!prev && add_series(k, &f, t, inbound, sent, &tmp) < 0)
		return CP_EX_OSERR;
	return match_sweep(k, false) < 0 ? CP_EX_OSERR : 0;
}

/* ---------------------------------------------------------- partials */

static int64_t time_member(cp_val v, const char *name)
{
	int64_t t;
	return val_int(val_member(v, name), &t) == 0 ? t : NO_TIME;
}

/* An open item's key as a partial writes it: 16 hex digits, not 0. */
static int hexkey(cp_val v, uint64_t *key)
{
	size_t n;
	const char *s = val_rawstr(v, &n);
	uint64_t x = 0;
	if (!s || n != 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	*key = x;
	return x ? 0 : -1;
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

static int each_partial(void *ctx, cp_rec *r, const cp_pos *pos)
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
		    val_int(rec_val(r, "lab"), &lab) < 0 || in < 0 || out < 0 || neg < 0 || lab < 0)
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
		struct thread th = {
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

/* A --by key that no record has, a typo such as "acount" most often,
 * puts everything under "(none)": say so rather than report one group. */
static void warn_missing_keys(struct kpi *k)
{
	for (size_t i = 0; i < k->nkeys; i++) {
		bool any = false, seen = false;
		for (size_t gi = 0; gi < k->ng && !seen; gi++) {
			const struct group *g = k->g[gi];
			if (g->fam != FAM_BY)
				continue;
			const char *v;
			size_t n;
			any = true;
			key_component(g, i, &v, &n);
			seen = !(n == 6 && memcmp(v, "(none)", 6) == 0);
		}
		if (any && !seen)
			cp_warn(k->p, "--by %s: no record has this key, so every record is under "
			        "\"(none)\" (a typo?)", k->keys[i].name);
	}
}

/* ---------------------------------------------------------- output */

static void write_all(cp_prog *p, const char *path, const cp_buf *b)
{
	size_t n = strlen(path);
	/* A report built after a failed allocation may lack a part. */
	if (buf_failures())
		cp_die(p, CP_EX_OSERR, "out of memory");
	if (n > 3 && strcmp(path + n - 3, ".gz") == 0) {
		gzFile gz = gzopen(path, "wb");
		if (!gz)
			cp_die(p, CP_EX_CANTCREAT, "%s: %s", path, strerror(errno));
		if (b->len && gzwrite(gz, b->p, (unsigned)b->len) != (int)b->len) {
			int zerr;
			const char *msg = gzerror(gz, &zerr);
			cp_die(p, CP_EX_IOERR, "%s: %s", path, zerr == Z_ERRNO ? strerror(errno) : msg);
		}
		if (gzclose(gz) != Z_OK)
			cp_die(p, CP_EX_IOERR, "%s: %s", path, strerror(errno));
		return;
	}
	int fd = strcmp(path, "-") == 0 ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0)
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", path, strerror(errno));
	for (size_t off = 0; off < b->len;) {
		ssize_t w = write(fd, b->p + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			cp_die(p, CP_EX_IOERR, "%s: write error: %s", fd == 1 ? "(stdout)" : path,
			       strerror(errno));
		off += (size_t)w;
	}
	if (fd != 1 && close(fd) < 0)
		cp_die(p, CP_EX_IOERR, "%s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct kpi k;
	const char *output = "-", *since = NULL, *until = NULL, *now = NULL;
	const char *tzname = getenv("CAREPIPE_TZ"), *compare = NULL;
	bool partial = false, merge = false;
	cp_err e = {0};
	int ch;

	cp_init(&p, "kpi-report", synopsis, help);
	k.p = &p;
	k.pending.esize = sizeof(struct pending);
	k.orphans.esize = sizeof(struct orphans);
	k.threads.esize = sizeof(struct thread);
	k.total_g = -1;
	k.last_hour = NO_TIME;
	k.since = k.until = k.now = k.prev_since = k.prev_until = NO_TIME;
	k.prev_g = -1;
	k.watermark = k.min_t = k.max_t = NO_TIME;
	k.resolve_after = -1;
	k.reply_window = 86400;
	k.spike_k = 3;
	k.spike_window = 7 * 86400;
	k.spike_cooldown = 6 * 3600;
	k.spike_min = 10;
	k.fmt = F_TABLE;
	k.quantile_budget = 64 << 20;
	k.sla_goal = 0.9;
	while ((ch = cp_getopt(&p, argc, argv, "f:o:", longopts)) != -1) {
		char *end;
		switch (ch) {
		case OPT_BY:
			k.by = optarg;
			if (keyspec_parse(&k, optarg, &e) < 0)
				usage_error(&p, "%s", e.msg);
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				k.fmt = F_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				k.fmt = F_CSV;
			else if (strcmp(optarg, "ndjson") == 0 || strcmp(optarg, "json") == 0)
				k.fmt = F_NDJSON;
			else if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0)
				k.fmt = F_MARKDOWN;
			else if (strcmp(optarg, "html") == 0)
				k.fmt = F_HTML;
			else
				usage_error(&p, "unknown format '%s': table, csv, ndjson, markdown, html",
				            optarg);
			break;
		case OPT_COLUMNS:
			if (columns_parse(&k, optarg, &e) < 0)
				usage_error(&p, "%s", e.msg);
			break;
		case OPT_WIDE: k.wide = true; break;
		case OPT_TZ: tzname = optarg; break;
		case OPT_COMPARE: compare = optarg; break;
		case OPT_SLA_GOAL:
			k.sla_goal = strtod(optarg, &end) / 100;
			if (end == optarg || (*end && strcmp(end, "%") != 0) || !(k.sla_goal > 0) ||
			    k.sla_goal > 1)
				usage_error(&p, "--sla-goal wants a percentage from 1 to 100: %s", optarg);
			break;
		case OPT_QMEM: {
			unsigned long long v = strtoull(optarg, &end, 10);
			int shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20
			            : *end == 'G' || *end == 'g' ? 30 : 0;
			if (shift)
				end++;
			if (end == optarg || *end || optarg[0] == '-' || v > (1ULL << (63 - shift)) >> 1)
				usage_error(&p, "--quantile-memory wants a size such as 64M: %s", optarg);
			k.quantile_budget = (uint64_t)v << shift;
			break;
		}
		case 'o': output = optarg; break;
		case OPT_SINCE: since = optarg; break;
		case OPT_UNTIL: until = optarg; break;
		case OPT_NOW: now = optarg; break;
		case OPT_TOP:
			k.top = strtol(optarg, &end, 10);
			if (*end || k.top < 1)
				usage_error(&p, "--top wants a positive number: %s", optarg);
			break;
		case OPT_RESOLVE: k.resolve_after = parse_dur(&p, "--resolve-after", optarg); break;
		case OPT_WINDOW: k.reply_window = parse_dur(&p, "--reply-window", optarg); break;
		case OPT_PARTIAL: partial = true; break;
		case OPT_MERGE: merge = true; break;
		case OPT_ALERTS: k.alerts_only = true; break;
		case OPT_SPIKE_K:
			k.spike_k = strtod(optarg, &end);
			if (*end || !(k.spike_k > 0))
				usage_error(&p, "--spike-k wants a positive number: %s", optarg);
			break;
		case OPT_SPIKE_WINDOW:
			k.spike_window = parse_dur(&p, "--spike-window", optarg);
			if (k.spike_window < 3600)
				usage_error(&p, "--spike-window must be an hour or more: %s", optarg);
			break;
		case OPT_SPIKE_COOL: k.spike_cooldown = parse_dur(&p, "--spike-cooldown", optarg); break;
		case OPT_SPIKE_MIN: {
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1)
				usage_error(&p, "--spike-min wants a positive number: %s", optarg);
			k.spike_min = (uint64_t)v;
			break;
		}
		default:
			cp_usage(&p);
		}
	}
	if (partial && k.alerts_only)
		usage_error(&p, "%s", "--partial and --alerts-only do not go together");
	/* Never the process's TZ: only a zone the user named. */
	bool tz_from_env = tzname && *tzname && tzname == getenv("CAREPIPE_TZ");
	if (!tzname || !*tzname)
		tzname = "UTC";
	if (!(k.zone = tz_load(tzname, &e))) {
		if (tz_from_env)
			cp_die(&p, CP_EX_CONFIG, "CAREPIPE_TZ: %s", e.msg);
		usage_error(&p, "--tz: %s", e.msg);
	}
	k.utc = strcmp(tzname, "UTC") == 0;
	int64_t clock = (int64_t)time(NULL);
	if (now)
		clock = k.now = parse_when(&p, "--now", now, clock, k.zone);
	if (since)
		k.since = parse_when(&p, "--since", since, clock, k.zone);
	if (until)
		k.until = parse_when(&p, "--until", until, clock, k.zone);
	else if (since)
		k.until = clock;
	if (k.since != NO_TIME && k.until != NO_TIME) {
		if (k.until <= k.since)
			usage_error(&p, "%s", "--until must be after --since");
		/* The period just before, of the same length, or --compare's. */
		int64_t shift = compare ? parse_dur(&p, "--compare", compare) : k.until - k.since;
		if (shift < k.until - k.since)
			usage_error(&p, "%s", "--compare must reach back at least the period's length "
			                      "(the periods would overlap)");
		k.prev_since = k.since - shift;
		k.prev_until = k.until - shift;
	} else if (compare) {
		usage_error(&p, "%s", "--compare needs --since");
	}
	k.accounts = partial || merge || k.fmt == F_HTML;
	cp_start(&p);
	/* The total exists even for empty input, and first: group 0. */
	if ((k.total_g = kpi_group(&k, FAM_TOTAL, "", 0)) < 0)
		cp_die(&p, CP_EX_OSERR, "out of memory");

	int rc = cp_each_record(&p, argc - optind, argv + optind, merge ? each_partial : each_record,
	                        &k);
	if (rc)
		cp_die(&p, rc, rc == CP_EX_OSERR ? "out of memory" : "cannot merge these partials");

	if (p.verbose)
		cp_warn(&p, "%llu records; open at the end: %zu unanswered or recent inbound, %zu replies "
		        "waiting for their parent, %zu threads; %zu groups",
		        (unsigned long long)k.records, k.pending.n, k.orphans.n, k.threads.n, k.ng);
	if (!partial)
		warn_missing_keys(&k);
	cp_buf report = {0};
	if (partial) {
		if (kpi_write_partial(&k, &report) < 0)
			cp_die(&p, CP_EX_OSERR, "out of memory");
	} else {
		if (match_sweep(&k, true) < 0 || spikes_find(&k) < 0)
			cp_die(&p, CP_EX_OSERR, "out of memory");
		if ((k.fmt == F_HTML && !k.alerts_only ? html_write(&k, &report)
		                                         : report_write(&k, &report)) < 0)
			cp_die(&p, CP_EX_OSERR, "out of memory");
	}
	write_all(&p, output, &report);
	buf_free(&report);
	kpi_free(&k);
	tz_free(k.zone);
	return cp_finish(&p);
}
