/*
 * kpi.h - kpi-report's own parts, shared between its files.
 *
 *   main.c    options, the record loop, the exit
 *   options.c option values: durations, lists, the period (--since...)
 *   record.c  one input record: its fields, period and statistics
 *   keys.c    --by, a record's groups and the components of their keys
 *   agg.c     kpi_hash, distinct counting, per-group statistics
 *   partial.c partials: writing (--partial) and reading (--merge)
 *   match.c   reply matching, per-reply latency and thread resolution
 *   spikes.c  the hourly series and its alerts
 *   columns.c the KPIs, one table every writer reads
 *   report.c  table, csv, ndjson and markdown
 *   html.c    the self-contained HTML page with SVG charts
 *
 * Ownership: the kpi struct owns every map, group and entry reachable from
 * it; kpi_free releases them.  Strings handed in are copied.
 */
#ifndef KPI_H
#define KPI_H

#include <math.h>
#include <stdint.h>

#include "carepipe.h"
#include "schema.h"
#include "sentiment.h"
#include "sketch.h"
#include "strmap.h"

#define KPI_MAXKEYS 8
#define KPI_MAXCOLUMNS 64
#define NO_TIME INT64_MIN
/* Answered items and waiting replies are forgotten only when they are both
 * --reply-window old in stream time and this many records old. */
#define KPI_HOLD_RECORDS 65536

/* ---------------------------------------------------------- string maps */

/* Keys are hashed once, with kpi_hash, and the hash reused: the string
 * maps (common's strmap) take it through map_findn_h and map_addn_h, and
 * HyperLogLog reads its high bits.  Partials hold these hashes: the
 * function must not change. */
uint64_t kpi_hash(const void *p, size_t n);
/* kpi-report's maps are many and small (a group's tags): 16 slots first. */
#define KPI_MAP_FIRST 16

/* ---------------------------------------------------------- groups */

/* An open-addressing table of fixed-size slots keyed by a nonzero 64-bit
 * key (see matching below). */
struct htab {
	unsigned char *t;   /* slots of esize bytes, each starting with its key */
	size_t n, cap, esize;
	size_t first_cap;   /* slots at the first growth, a power of two of at
	                       least 8 (cache-line sized tables); 0: 1024 */
};
/* An hourly series, one per --by group and per tag: most hold a few hours. */
#define HOURS_FIRST_CAP 16


/* Distinct counting: exact up to DISTINCT_EXACT values, then a
 * HyperLogLog of 2^14 registers (0.8% standard error). */
#define DISTINCT_EXACT 2048
#define HLL_P 14
struct distinct {
	uint64_t *set;
	uint32_t n, cap;
	uint8_t *reg;
};

/* stats.sla is indexed by schema.h's enum sla_status, sent_label by
 * sentiment.h's enum sentiment_label. */

struct tagcount {
	uint64_t cur, prev;
};

struct stats {
	uint64_t n_in, n_out, answered;
	struct distinct customers;
	sketch frt, frt_bus, latency;
	uint64_t sla[SLA_NSTATUS];
	uint64_t threads, resolved, threads_open;  /* with --resolve-after */
	struct distinct thread_ids, resolved_ids;  /* without: distinct ids */
	uint64_t sent_n, sent_label[SENT_NLABELS], sent_scored;
	int64_t sent_sum;   /* in 1e-9: whole numbers add the same in any order */
	uint64_t csat_n, csat_sat;
	double csat_sum;
	uint64_t nps_n, nps_pro, nps_det;
	double likes, reposts, replies;
	strmap tags;        /* tag -> struct tagcount */
};

/* A group: the total (family TOTAL), a --by group, an account (kept for
 * the HTML page's SLA chart), or the total of the previous period. */
enum { FAM_TOTAL, FAM_BY, FAM_ACCOUNT, FAM_PREV };
struct group {
	int fam;
	char *key;          /* components joined by \x1f; "" for the total */
	struct stats s;
	struct htab hours;  /* FAM_BY: its hourly series (struct hslot) */
};

/* A set of groups a record counts in: small, reused per record. */
struct gset {
	uint32_t *g;
	uint16_t n;
};

/* ---------------------------------------------------------- keys */

enum key_kind {
	K_PLATFORM, K_ACCOUNT, K_AGENT, K_TAG, K_DAY, K_WEEK, K_HOUR, K_WEEKDAY,
	K_LANG, K_PRIORITY, K_PATH
};
struct keyspec {
	int kind;
	const char *name;   /* the label, and the path for K_PATH */
};

/* The values of one record that kpi-report reads, found in one pass over
 * its top-level members. */
struct fields {
	cp_val id, platform, account, direction, created_at, in_reply_to, thread, author, tags,
	    sentiment, sla, metrics, csat, nps, assignee, lang, priority, text;
};

/* ---------------------------------------------------------- matching */

/* Open items are keyed by a 64-bit hash of the record id (kpi_idkey, never
 * 0): no copy of the id, no allocation per item.  Two ids of one input
 * sharing a hash is a one-in-10^9 event for ten million open items. */
uint64_t kpi_idkey(const char *id, size_t n);
void *ht_get(const struct htab *h, uint64_t key);
/* Find or add (a new slot is zeroed but for its key); NULL when out of
 * memory.  Slot pointers are valid until the next ht_put or ht_del. */
void *ht_put(struct htab *h, uint64_t key, bool *fresh);
void ht_del(struct htab *h, void *slot);
/* The next taken slot at or after *i, with *i moved past it; NULL at the
 * end.  For (size_t i = 0; (x = ht_next(h, &i));) visits every one. */
void *ht_next(const struct htab *h, size_t *i);
/* Ask for the key's home slot early: the table is far bigger than the
 * cache, and the record's other work can hide the wait. */
static inline void ht_prefetch(const struct htab *h, uint64_t key)
{
	if (h->cap)
		__builtin_prefetch(h->t + (key & (h->cap - 1)) * h->esize);
}
void ht_free(struct htab *h);

/* 32 bytes, so that two share a cache line and none straddles two. */
struct pending {
	uint64_t key;
	int64_t t;
	const struct gset *gs;  /* interned */
	int32_t first_d;    /* the earliest response - t; PE_NONE, or PE_SLA when
	                       the first response comes from sla, not from here */
	uint32_t touched;   /* record number when last touched, modulo 2^32 */
};
#define PE_NONE (-1)
#define PE_SLA (-2)
static inline int64_t pe_first(const struct pending *pe)
{
	return pe->first_d < 0 ? NO_TIME : pe->t + pe->first_d;
}

struct waiting_reply {
	int64_t t;
	uint64_t touched;
	const struct gset *gs;
	bool counts;        /* inside the period: its latency counts */
};
struct orphans {
	uint64_t key;       /* the parent's */
	struct waiting_reply *r;
	size_t n, cap;
};

struct kpi_thread {
	uint64_t key;
	int64_t first, last_in, last_out;
	uint64_t touched;
	const struct gset *gs;  /* groups of the earliest record */
	bool resolved_tag;
};

/* ---------------------------------------------------------- hours */

struct hour {
	int64_t h;          /* hours since the epoch */
	uint64_t in, out, neg, labelled;
};

struct hour_at {
	uint64_t key;       /* hour_key */
	uint64_t at;        /* index in k->hours */
};

/* One hour of a --by group's series, or of a tag's: slots of an htab
 * keyed by hour_key. */
struct hslot {
	uint64_t key;
	uint64_t in, neg, lab;  /* inbound (with the tag), negative, labelled */
};
static inline uint64_t hour_key(int64_t h) { return (uint64_t)h ^ (1ULL << 63); }
static inline int64_t key_hour(uint64_t key) { return (int64_t)(key ^ (1ULL << 63)); }

struct alert {
	const char *metric;     /* "volume", "negative_share" or "tag_share" */
	const struct group *g;  /* the --by group; NULL: the whole input */
	const char *tag;        /* tag_share: the tag */
	int64_t hour;
	double value, mean, sd, floor, z;
	uint32_t baseline_hours;
	const char *severity;
	bool escalated;         /* inside the cooldown of a lesser alert */
};

/* ---------------------------------------------------------- the whole */

enum fmt { F_TABLE, F_CSV, F_NDJSON, F_MARKDOWN, F_HTML };

struct kpi {
	cp_prog *p;
	struct keyspec keys[KPI_MAXKEYS];
	size_t nkeys;
	const char *by;                /* as given, for partials */
	int64_t since, until, now;     /* NO_TIME when unset */
	int64_t prev_since, prev_until; /* the previous period, to compare with */
	int64_t resolve_after;         /* -1: only the resolved tag */
	int64_t reply_window;
	double spike_k;
	int64_t spike_window, spike_cooldown;
	uint64_t spike_min;            /* least labelled records for a share */
	long top;
	int fmt;
	uint8_t columns[KPI_MAXCOLUMNS]; /* --columns, as indices of the CSV's */
	size_t ncolumns;
	bool wide;                     /* --wide: the table shows every column */
	struct tz *zone;               /* --tz: buckets, local dates, headings */
	bool utc;                      /* the zone is UTC: no offsets to look up */
	uint64_t quantile_budget;      /* --quantile-memory, bytes of exact values */
	double sla_goal;               /* --sla-goal, 0 to 1: the HTML SLA chart's line */
	uint64_t exact_bytes;          /* held now, in all sketches */
	bool alerts_only;
	bool any_sla, any_business;
	bool accounts;                 /* keep FAM_ACCOUNT groups (html, partials) */

	strmap groups;                 /* key with family byte -> index */
	struct group **g;
	size_t ng, gcap;

	struct htab pending, orphans, threads;
	strmap gsets;                  /* interned group sets */
	long total_g;                  /* the total's group index, -1 until made */
	long prev_g;                   /* the previous period's, -1 until made */
	int64_t last_hour;
	size_t last_hour_at;
	uint64_t records, last_sweep, held;
	int64_t watermark, min_t, max_t;
	uint64_t replies_unmatched;

	strmap tag_hours;              /* tag -> struct htab * of struct hslot */
	struct htab hours_at;          /* hour_key -> index in hours (struct hour_at) */
	struct hour *hours;
	size_t nhours, hcap;

	struct alert *alerts;
	size_t nalerts;

	cp_buf scratch, key;
	struct gset gs;                /* the groups of the record at hand */
	size_t gs_cap;                 /* room in gs.g */
};

/* options.c: durations (a usage error when wrong), comma lists, and the
 * period with its zone, set from the options' text (NULL: not given). */
int64_t parse_dur(cp_prog *p, const char *opt, const char *s);
/* item for each name of a comma list, until one fails (-1, e set). */
int comma_each(struct kpi *k, const char *list,
               int (*item)(struct kpi *k, const char *name, cp_err *e), cp_err *e);
void period_set(cp_prog *p, struct kpi *k, const char *tzname, const char *now,
                const char *since, const char *until, const char *compare);

/* record.c, keys.c: a record (cp_each_record's callback), its groups
 * into k->gs, and a warning for a --by key no record has. */
int each_record(void *ctx, cp_rec *r, const cp_pos *pos);
int record_groups(struct kpi *k, const cp_rec *r, const struct fields *f, int64_t t, bool inbound);
void warn_missing_keys(struct kpi *k);

/* agg.c */
/* Defaults, before the options. */
void kpi_init(struct kpi *k, cp_prog *p);
void stats_init(struct stats *s);
void stats_free(struct stats *s);
int stats_merge(struct kpi *k, struct stats *d, const struct stats *s, cp_err *e);
/* Add a value to one of k's sketches, or merge one in, keeping the exact
 * values of all within --quantile-memory (kpi_fit_budget). */
int kpi_sample(struct kpi *k, sketch *s, double x);
int kpi_merge_sketch(struct kpi *k, sketch *d, const sketch *s, cp_err *e);
int kpi_fit_budget(struct kpi *k);
int distinct_add(struct distinct *d, uint64_t h);
/* From the exact set to the HyperLogLog registers. */
int distinct_to_hll(struct distinct *d);
int distinct_merge(struct distinct *d, const struct distinct *s);
double distinct_count(const struct distinct *d);
double stats_threads(const struct stats *s);
double stats_resolved(const struct stats *s);
/* The group for a family and key (found or made); -1 on allocation failure. */
long kpi_group(struct kpi *k, int fam, const char *key, size_t klen);
int tag_count(struct stats *s, const char *tag, size_t n, bool prev);
/* The one shared copy of a group set, kept to the end; NULL when out of
 * memory.  Open items point at these instead of copying them. */
const struct gset *gset_intern(struct kpi *k, const struct gset *s);
/* partial.c */
int kpi_write_partial(struct kpi *k, cp_buf *out);
int each_partial(void *ctx, cp_rec *r, const cp_pos *pos);
int stats_to_json(const struct stats *s, cp_buf *out);
int stats_from_json(struct stats *s, cp_val v, cp_err *e);
/* Components of a group key as a JSON array, into out. */
int key_json(const struct group *g, cp_buf *out);
int gset_json(struct kpi *k, const struct gset *gs, cp_buf *out);
int gset_from_json(struct kpi *k, cp_val v, const struct gset **gs, cp_err *e);
void kpi_free(struct kpi *k);

/* match.c; every gset passed in is an interned one (gset_intern). */
int match_inbound(struct kpi *k, uint64_t key, int64_t t, int64_t first,
                  const struct gset *gs, bool has_sla);
int match_reply(struct kpi *k, uint64_t parent, int64_t t,
                const struct gset *gs, bool counts);
int thread_seen(struct kpi *k, uint64_t key, int64_t t, bool inbound,
                bool resolved_tag, const struct gset *gs);
int thread_merge(struct kpi *k, const struct kpi_thread *t);
/* Forget what is old enough (see KPI_HOLD_RECORDS); all at the end. */
int match_sweep(struct kpi *k, bool all);

/* spikes.c */
int hour_add(struct kpi *k, int64_t hour, uint64_t n_in, uint64_t n_out, uint64_t n_neg,
             uint64_t n_lab);
/* Add to an hourly series of a group or a tag. */
int series_add(struct htab *h, int64_t hour, uint64_t in, uint64_t neg, uint64_t lab);
/* The series of a tag, made when new; NULL when out of memory. */
struct htab *tag_series(struct kpi *k, const char *tag, size_t n);
int spikes_find(struct kpi *k);
/* The group of an alert as text, components joined by ", ". */
void alert_group(const struct alert *a, cp_buf *o);
void hours_sort(struct kpi *k);

/* columns.c: the KPIs, one table.  A column is an index into it. */
enum { C_COUNT, C_RATE, C_DUR, C_NUM, C_NPS, C_BOOL };
int columns_parse(struct kpi *k, const char *list, cp_err *e);
/* The columns a table shows, into list, which has room for KPI_MAXCOLUMNS:
 * --columns as given; else, of the default ones (or with wide of all),
 * those the input has data for. */
size_t table_columns(const struct kpi *k, const struct stats *tot, uint8_t *list, bool wide);
/* The figures compared with the previous period: with tot, those the
 * input has data for. */
size_t headline_columns(const struct kpi *k, const struct stats *tot, uint8_t *list);
/* The HTML page's cards, with their labels. */
size_t card_columns(uint8_t *list, const char **label);
double column(const struct stats *s, int c);
const char *column_name(int c);
int column_kind(int c);
const char *column_head(int c, const char **desc);
void column_human(cp_buf *o, const struct stats *s, int c);
/* Column c's change from prev to cur, for people. */
void column_change(cp_buf *o, const struct stats *cur, const struct stats *prev, int c);
/* Some quantile of s is from buckets, within 1%. */
bool stats_approx(const struct stats *s);
/* For machines: plain numbers, none when there is nothing to say. */
void machine_num(cp_buf *o, double v, int kind, const char *none);
void columns_csv_header(cp_buf *o);
void columns_csv_row(cp_buf *o, const struct stats *s);
/* A group's figures as NDJSON members, after a comma when comma. */
void columns_json(const struct kpi *k, cp_buf *o, const struct stats *s, bool comma);

/* report.c and html.c */
/* -f's name of a format: F_*, or -1. */
int format_parse(const char *name);
int report_write(struct kpi *k, cp_buf *out);
/* Write the report to path ("-": standard output; *.gz compressed), or die. */
void report_save(cp_prog *p, const char *path, const cp_buf *b);
int html_write(struct kpi *k, cp_buf *out);
/* Sorted --by groups (indices), limited by --top; caller frees. */
size_t report_groups(struct kpi *k, uint32_t **out);
/* The i-th component of a group's key (not NUL-terminated). */
void key_component(const struct group *g, size_t i, const char **s, size_t *n);
int key_cmp_groups(struct kpi *k, const struct group *a, const struct group *b);
void fmt_dur(double secs, char out[32]);
/* An instant as RFC 3339 in --tz: "Z" for UTC, else with its offset. */
void fmt_time(const struct kpi *k, int64_t t, char out[40]);
int keyspec_parse(struct kpi *k, const char *list, cp_err *e);
/* Input text for a terminal, a spreadsheet or a page: C0 and C1 controls
 * written as visible escapes. */
void text_safe(cp_buf *o, const char *s, size_t n);

#endif
