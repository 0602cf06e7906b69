/*
 * The KPIs, described once: one row of kpi_cols[] per figure says its CSV
 * name, heading, legend line, kind, when it is shown, where it sits in a
 * group's NDJSON object, and how it is computed from a group's stats.  The
 * table, CSV, Markdown, NDJSON and HTML writers all read this table, so a
 * new KPI is one row here (and, when none of the getters below fits, its
 * getter).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kpi.h"

enum { V_ALWAYS, V_BUS, V_SLA, V_RES, V_SENT, V_CSAT, V_NPS, V_ENG, V_AWAIT };

/* Flags of a row. */
#define KF_DEFAULT  1   /* in the default table: what a team lead reads first */
#define KF_HEADLINE 2   /* compared with the previous period */
#define KF_JSON     4   /* only a member of the NDJSON object, not a column */

struct kpi_col {
	const char *name;   /* CSV header, --columns; NULL for KF_JSON rows */
	const char *head;   /* the table's header */
	const char *desc;   /* the legend's line */
	int kind;           /* C_COUNT, C_RATE, C_DUR, C_NUM, C_NPS or C_BOOL */
	int vis;            /* V_*: when the table shows it */
	int flags;
	const char *json;   /* "member" or "object.member" in a group's NDJSON */
	const char *card;   /* the HTML page's card for it, or NULL */
	double (*get)(const struct stats *s, const struct kpi_col *c);
	size_t at;          /* offset in struct stats the getter reads */
	double q;           /* the quantile, for sk_quantile */
};

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

#define AT(member) offsetof(struct stats, member)
static uint64_t u64_at(const struct stats *s, size_t at)
{
	return *(const uint64_t *)(const void *)((const char *)s + at);
}
static const sketch *sketch_at(const struct stats *s, size_t at)
{
	return (const sketch *)(const void *)((const char *)s + at);
}

static double count(const struct stats *s, const struct kpi_col *c)
{
	return (double)u64_at(s, c->at);
}
static double sk_n(const struct stats *s, const struct kpi_col *c)
{
	return (double)sketch_at(s, c->at)->n;
}
/* A sketch that had to turn to buckets gives quantiles within 1%. */
static double sk_approx(const struct stats *s, const struct kpi_col *c)
{
	const sketch *sk = sketch_at(s, c->at);
	return sk->bucketed && sk->n;
}
static double sk_mean(const struct stats *s, const struct kpi_col *c)
{
	return sketch_mean(sketch_at(s, c->at));
}
static double sk_quantile(const struct stats *s, const struct kpi_col *c)
{
	return sketch_quantile(sketch_at(s, c->at), c->q);
}
static double customers(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return distinct_count(&s->customers);
}
static double response_rate(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return ratio((double)s->answered, (double)s->n_in);
}
static double sla_compliance(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return ratio((double)s->sla[SLA_MET],
	             (double)(s->sla[SLA_MET] + s->sla[SLA_BREACHED] + s->sla[SLA_MISSED]));
}
static double threads(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return stats_threads(s);
}
static double resolved(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return stats_resolved(s);
}
static double resolution_rate(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return ratio(stats_resolved(s), stats_threads(s));
}
/* A count of sentiment labels (at) over the records with one. */
static double sentiment_share(const struct stats *s, const struct kpi_col *c)
{
	return ratio((double)u64_at(s, c->at), (double)s->sent_n);
}
static double sentiment_mean(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return ratio((double)s->sent_sum / 1e9, (double)s->sent_scored);
}
static double csat(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return ratio((double)s->csat_sat, (double)s->csat_n);
}
static double nps(const struct stats *s, const struct kpi_col *c)
{
	(void)c;
	return s->nps_n ? 100.0 * ((double)s->nps_pro - (double)s->nps_det) / (double)s->nps_n
	                : NAN;
}
/* An engagement total (a double at at) per outbound record. */
static double per_out(const struct stats *s, const struct kpi_col *c)
{
	return ratio(*(const double *)(const void *)((const char *)s + c->at), (double)s->n_out);
}

/* Every figure, in CSV order (the NDJSON members in their order too). */
static const struct kpi_col kpi_cols[] = {
	{ "in", "inbound", "inbound records (direction \"in\")", C_COUNT, V_ALWAYS,
	  KF_DEFAULT | KF_HEADLINE, "in", "inbound", count, AT(n_in), 0 },
	{ "out", "outbound", "the brand's records (direction \"out\")", C_COUNT, V_ALWAYS,
	  KF_HEADLINE, "out", "outbound", count, AT(n_out), 0 },
	{ "customers", "customers", "distinct inbound authors", C_COUNT, V_ALWAYS, KF_HEADLINE,
	  "customers", "customers", customers, 0, 0 },
	{ "answered", "answered", "inbound records with a response", C_COUNT, V_ALWAYS,
	  KF_DEFAULT | KF_HEADLINE, "answered", NULL, count, AT(answered), 0 },
	{ "response_rate", "resp rate", "response rate: answered / inbound", C_RATE, V_ALWAYS,
	  KF_DEFAULT | KF_HEADLINE, "response_rate", "response rate", response_rate, 0, 0 },
	{ NULL, NULL, NULL, C_COUNT, V_ALWAYS, KF_JSON, "first_response.n", NULL, sk_n, AT(frt),
	  0 },
	{ NULL, NULL, NULL, C_BOOL, V_ALWAYS, KF_JSON, "first_response.approx", NULL, sk_approx,
	  AT(frt), 0 },
	{ "frt_mean_s", "FRT mean", "first response time (FRT), mean", C_DUR, V_ALWAYS, 0,
	  "first_response.mean_s", NULL, sk_mean, AT(frt), 0 },
	{ "frt_median_s", "FRT p50", "first response time (FRT), median: half were answered faster",
	  C_DUR, V_ALWAYS, KF_DEFAULT | KF_HEADLINE, "first_response.median_s",
	  "first response, median", sk_quantile, AT(frt), 0.5 },
	{ "frt_p90_s", "FRT p90", "first response time (FRT), 90th percentile", C_DUR, V_ALWAYS,
	  KF_DEFAULT | KF_HEADLINE, "first_response.p90_s", "first response, p90", sk_quantile,
	  AT(frt), 0.9 },
	{ "frt_p95_s", "FRT p95", "first response time (FRT), 95th percentile", C_DUR, V_ALWAYS, 0,
	  "first_response.p95_s", NULL, sk_quantile, AT(frt), 0.95 },
	{ NULL, NULL, NULL, C_COUNT, V_ALWAYS, KF_JSON, "first_response_business.n", NULL, sk_n,
	  AT(frt_bus), 0 },
	{ NULL, NULL, NULL, C_BOOL, V_ALWAYS, KF_JSON, "first_response_business.approx", NULL,
	  sk_approx, AT(frt_bus), 0 },
	{ "frt_business_mean_s", "business mean", "first response on the business clock, mean",
	  C_DUR, V_BUS, 0, "first_response_business.mean_s", NULL, sk_mean, AT(frt_bus), 0 },
	{ "frt_business_median_s", "business p50", "first response on the business clock, median",
	  C_DUR, V_BUS, 0, "first_response_business.median_s", NULL, sk_quantile, AT(frt_bus),
	  0.5 },
	{ "frt_business_p90_s", "business p90",
	  "first response on the business clock, 90th percentile", C_DUR, V_BUS, 0,
	  "first_response_business.p90_s", NULL, sk_quantile, AT(frt_bus), 0.9 },
	{ "frt_business_p95_s", "business p95",
	  "first response on the business clock, 95th percentile", C_DUR, V_BUS, 0,
	  "first_response_business.p95_s", NULL, sk_quantile, AT(frt_bus), 0.95 },
	{ "replies_timed", "replies timed", "brand replies timed from their parent", C_COUNT,
	  V_ALWAYS, 0, "reply_latency.n", NULL, sk_n, AT(latency), 0 },
	{ NULL, NULL, NULL, C_BOOL, V_ALWAYS, KF_JSON, "reply_latency.approx", NULL, sk_approx,
	  AT(latency), 0 },
	{ "reply_mean_s", "reply mean", "per-reply latency, mean", C_DUR, V_ALWAYS, 0,
	  "reply_latency.mean_s", NULL, sk_mean, AT(latency), 0 },
	{ "reply_median_s", "reply p50", "per-reply latency, median", C_DUR, V_ALWAYS, 0,
	  "reply_latency.median_s", "per-reply latency, median", sk_quantile, AT(latency), 0.5 },
	{ "reply_p90_s", "reply p90", "per-reply latency, 90th percentile", C_DUR, V_ALWAYS, 0,
	  "reply_latency.p90_s", NULL, sk_quantile, AT(latency), 0.9 },
	{ "reply_p95_s", "reply p95", "per-reply latency, 95th percentile", C_DUR, V_ALWAYS, 0,
	  "reply_latency.p95_s", NULL, sk_quantile, AT(latency), 0.95 },
	{ "sla_met", "met", "SLA met (sla-check)", C_COUNT, V_SLA, 0, "sla.met", NULL, count,
	  AT(sla[SLA_MET]), 0 },
	{ "sla_breached", "breached", "SLA breached: answered late", C_COUNT, V_SLA, 0,
	  "sla.breached", NULL, count, AT(sla[SLA_BREACHED]), 0 },
	{ "sla_missed", "missed", "SLA missed: unanswered past due", C_COUNT, V_SLA, 0,
	  "sla.missed", NULL, count, AT(sla[SLA_MISSED]), 0 },
	{ "sla_pending", "pending", "SLA still open, within its target", C_COUNT, V_SLA, 0,
	  "sla.pending", NULL, count, AT(sla[SLA_PENDING]), 0 },
	{ "sla_at_risk", "at risk", "SLA still open, close to its due time", C_COUNT, V_SLA, 0,
	  "sla.at_risk", NULL, count, AT(sla[SLA_AT_RISK]), 0 },
	{ "sla_compliance", "SLA met", "SLA compliance: met / (met + breached + missed)", C_RATE,
	  V_SLA, KF_DEFAULT | KF_HEADLINE, "sla.compliance", "SLA compliance", sla_compliance, 0,
	  0 },
	{ "threads", "threads", "conversations", C_COUNT, V_RES, 0, "threads", NULL, threads, 0,
	  0 },
	{ "resolved", "resolved", "resolved conversations", C_COUNT, V_RES, 0, "resolved", NULL,
	  resolved, 0, 0 },
	{ "resolution_rate", "resolution", "resolved / threads", C_RATE, V_RES, KF_HEADLINE,
	  "resolution_rate", "resolution rate", resolution_rate, 0, 0 },
	/* Only --resolve-after knows which threads wait for the brand: null without. */
	{ NULL, NULL, NULL, C_COUNT, V_AWAIT, KF_JSON, "awaiting_brand", NULL, count,
	  AT(threads_open), 0 },
	{ "sentiment_n", "with sentiment", "records with a sentiment (tag)", C_COUNT, V_SENT, 0,
	  "sentiment.n", NULL, count, AT(sent_n), 0 },
	{ "negative", "negative", "share of records with negative sentiment", C_RATE, V_SENT,
	  KF_DEFAULT | KF_HEADLINE, "sentiment.negative", "negative sentiment", sentiment_share,
	  AT(sent_label[SENT_NEGATIVE]), 0 },
	{ "neutral", "neutral", "share of records with neutral sentiment", C_RATE, V_SENT, 0,
	  "sentiment.neutral", NULL, sentiment_share, AT(sent_label[SENT_NEUTRAL]), 0 },
	{ "positive", "positive", "share of records with positive sentiment", C_RATE, V_SENT, 0,
	  "sentiment.positive", NULL, sentiment_share, AT(sent_label[SENT_POSITIVE]), 0 },
	{ "sentiment_mean", "mean sentiment", "mean sentiment score, -1 to 1", C_NUM, V_SENT, 0,
	  "sentiment.mean_score", NULL, sentiment_mean, 0, 0 },
	{ "csat_n", "CSAT n", "records with a CSAT rating", C_COUNT, V_CSAT, 0, "csat.n", NULL,
	  count, AT(csat_n), 0 },
	{ "csat", "CSAT", "share of CSAT ratings of 4 or 5", C_RATE, V_CSAT, KF_HEADLINE,
	  "csat.score", "CSAT", csat, 0, 0 },
	{ "nps_n", "NPS n", "records with an NPS rating", C_COUNT, V_NPS, 0, "nps.n", NULL, count,
	  AT(nps_n), 0 },
	{ "nps", "NPS", "% promoters (9-10) - % detractors (0-6)", C_NPS, V_NPS, KF_HEADLINE,
	  "nps.score", "NPS", nps, 0, 0 },
	{ "likes_per_out", "likes/out", "likes per outbound record", C_NUM, V_ENG, 0,
	  "engagement.likes", NULL, per_out, AT(likes), 0 },
	{ "reposts_per_out", "reposts/out", "reposts per outbound record", C_NUM, V_ENG, 0,
	  "engagement.reposts", NULL, per_out, AT(reposts), 0 },
	{ "replies_per_out", "replies/out", "replies per outbound record", C_NUM, V_ENG, 0,
	  "engagement.replies", NULL, per_out, AT(replies), 0 },
};
#define NROWS (sizeof kpi_cols / sizeof kpi_cols[0])
_Static_assert(NROWS <= KPI_MAXCOLUMNS, "a column is a uint8_t index into lists of KPI_MAXCOLUMNS");

static bool is_column(size_t c) { return !(kpi_cols[c].flags & KF_JSON); }

double column(const struct stats *s, int c)
{
	return kpi_cols[c].get(s, &kpi_cols[c]);
}

/* A quantile from a sketch that had to turn to buckets is within 1%, not
 * exact: the table shows it with a tilde. */
static bool column_approx(const struct stats *s, int c)
{
	return kpi_cols[c].get == sk_quantile && sk_approx(s, &kpi_cols[c]);
}

bool stats_approx(const struct stats *s)
{
	return (s->frt.bucketed && s->frt.n) || (s->frt_bus.bucketed && s->frt_bus.n) ||
	       (s->latency.bucketed && s->latency.n);
}

const char *column_name(int c) { return kpi_cols[c].name; }
int column_kind(int c) { return kpi_cols[c].kind; }

const char *column_head(int c, const char **desc)
{
	if (desc)
		*desc = kpi_cols[c].desc;
	return kpi_cols[c].head;
}

static int column_add(struct kpi *k, const char *t, cp_err *e)
{
	size_t c = 0;
	while (c < NROWS && !(is_column(c) && strcmp(kpi_cols[c].name, t) == 0))
		c++;
	if (c == NROWS)
		return cp_fail(e, CP_EX_USAGE, "--columns: no column '%s' (the names are the CSV "
		               "header's: kpi-report -f csv </dev/null | head -1)", t);
	if (k->ncolumns == KPI_MAXCOLUMNS)
		return cp_fail(e, CP_EX_USAGE, "--columns: at most %d columns", KPI_MAXCOLUMNS);
	k->columns[k->ncolumns++] = (uint8_t)c;
	return 0;
}

int columns_parse(struct kpi *k, const char *list, cp_err *e)
{
	k->ncolumns = 0;
	if (comma_each(k, list, column_add, e) < 0)
		return -1;
	return k->ncolumns ? 0 : cp_fail(e, CP_EX_USAGE, "--columns wants a comma list of names");
}

static bool visible(const struct kpi *k, const struct stats *total, int vis)
{
	switch (vis) {
	case V_BUS: return k->any_business;
	case V_SLA: return k->any_sla;
	case V_RES: return stats_threads(total) > 0 && (k->resolve_after >= 0 || stats_resolved(total) > 0);
	case V_SENT: return total->sent_n > 0;
	case V_CSAT: return total->csat_n > 0;
	case V_NPS: return total->nps_n > 0;
	case V_ENG: return total->likes + total->reposts + total->replies > 0;
	case V_AWAIT: return k->resolve_after >= 0;
	}
	return true;
}

size_t table_columns(const struct kpi *k, const struct stats *tot, uint8_t *list, bool wide)
{
	if (k->ncolumns && !wide) {
		memcpy(list, k->columns, k->ncolumns);
		return k->ncolumns;
	}
	size_t n = 0;
	for (size_t c = 0; c < NROWS; c++)
		if (is_column(c) && (wide || (kpi_cols[c].flags & KF_DEFAULT)) &&
		    visible(k, tot, kpi_cols[c].vis))
			list[n++] = (uint8_t)c;
	return n;
}

size_t headline_columns(const struct kpi *k, const struct stats *tot, uint8_t *list)
{
	size_t n = 0;
	for (size_t c = 0; c < NROWS; c++)
		if ((kpi_cols[c].flags & KF_HEADLINE) && (!tot || visible(k, tot, kpi_cols[c].vis)))
			list[n++] = (uint8_t)c;
	return n;
}

size_t card_columns(uint8_t *list, const char **label)
{
	size_t n = 0;
	for (size_t c = 0; c < NROWS; c++)
		if (kpi_cols[c].card) {
			label[n] = kpi_cols[c].card;
			list[n++] = (uint8_t)c;
		}
	return n;
}

/* ---------------------------------------------------------- numbers */

void machine_num(cp_buf *o, double v, int kind, const char *none)
{
	if (isnan(v))
		buf_adds(o, none);
	else if (kind == C_COUNT)
		buf_addf(o, "%.0f", v);
	else if (kind == C_RATE)
		buf_addf(o, "%.4f", v);
	else if (kind == C_DUR || kind == C_NPS)
		buf_addf(o, "%.1f", v);
	else if (kind == C_BOOL)
		buf_adds(o, v ? "true" : "false");
	else
		buf_addf(o, "%.3f", v);
}

static void human_num(cp_buf *o, double v, int kind)
{
	char d[32];
	if (isnan(v))
		buf_addc(o, '-');
	else if (kind == C_COUNT)
		buf_addf(o, "%.0f", v);
	else if (kind == C_RATE)
		buf_addf(o, "%.1f%%", 100 * v);
	else if (kind == C_DUR) {
		fmt_dur(v, d);
		buf_adds(o, d);
	} else if (kind == C_NPS)
		buf_addf(o, "%+.0f", v);
	else
		buf_addf(o, "%.2f", v);
}

/* Change for people: counts and times with their relative change, rates
 * in percentage points. */
static void human_change(cp_buf *o, double cur, double prev, int kind)
{
	double d = cur - prev;
	char t[32];
	if (isnan(d)) {
		buf_addc(o, '-');
		return;
	}
	if (kind == C_RATE) {
		buf_addf(o, "%+.1f pts", 100 * d);
		return;
	}
	if (kind == C_DUR) {
		fmt_dur(fabs(d), t);
		buf_addf(o, "%c%s", d < 0 ? '-' : '+', t);
	} else if (kind == C_COUNT) {
		buf_addf(o, "%+.0f", d);
	} else {
		buf_addf(o, kind == C_NPS ? "%+.0f" : "%+.2f", d);
		return;
	}
	if (prev > 0)
		buf_addf(o, " (%+.0f%%)", 100 * d / prev);
	else if (cur > 0)
		buf_adds(o, " (new)");
}

void column_change(cp_buf *o, const struct stats *cur, const struct stats *prev, int c)
{
	human_change(o, column(cur, c), column(prev, c), kpi_cols[c].kind);
}

void column_human(cp_buf *o, const struct stats *s, int c)
{
	if (column_approx(s, c))
		buf_addc(o, '~');
	human_num(o, column(s, c), kpi_cols[c].kind);
}

/* ---------------------------------------------------------- writers */

void columns_csv_header(cp_buf *o)
{
	bool first = true;
	for (size_t c = 0; c < NROWS; c++)
		if (is_column(c)) {
			buf_addf(o, first ? "%s" : ",%s", kpi_cols[c].name);
			first = false;
		}
}

void columns_csv_row(cp_buf *o, const struct stats *s)
{
	bool first = true;
	for (size_t c = 0; c < NROWS; c++)
		if (is_column(c)) {
			if (!first)
				buf_addc(o, ',');
			machine_num(o, column(s, (int)c), kpi_cols[c].kind, "");
			first = false;
		}
}

/* Every row's member, nested by the part of its json before a dot; an
 * invisible KF_JSON row's member is null. */
void columns_json(const struct kpi *k, cp_buf *o, const struct stats *s, bool comma)
{
	const char *open = NULL;    /* the object open now, and its name's length */
	size_t openlen = 0;
	for (size_t c = 0; c < NROWS; c++) {
		const struct kpi_col *r = &kpi_cols[c];
		const char *dot = strchr(r->json, '.');
		size_t objlen = dot ? (size_t)(dot - r->json) : 0;
		if (open && (objlen != openlen || memcmp(open, r->json, objlen) != 0)) {
			buf_addc(o, '}');
			open = NULL;
		}
		if (dot && !open) {
			buf_adds(o, comma ? ",\"" : "\"");
			buf_add(o, r->json, objlen);
			buf_adds(o, "\":{");
			open = r->json;
			openlen = objlen;
			comma = false;
		}
		buf_addf(o, "%s\"%s\":", comma ? "," : "", dot ? dot + 1 : r->json);
		comma = true;
		double v = (r->flags & KF_JSON) && !visible(k, s, r->vis) ? NAN : column(s, (int)c);
		machine_num(o, v, r->kind, "null");
	}
	if (open)
		buf_addc(o, '}');
}
