/*
 * sla.h - the parts of sla-check: policies (policy.c), the string-keyed
 * tables and the response index (index.c), the fields read and the sla
 * object written (record.c), the two readings of any input (twopass.c),
 * the one reading of sorted input (sorted.c), and the program (main.c).
 *
 * Ownership: a policy_set owns its policies, conditions, compiled jq
 * programs and calendars; an htab owns only its bucket array (nodes
 * belong to whoever inserted them); a resp_index owns everything it
 * holds, in its arena.  Functions report errors through cp_err and never
 * print, except policy_match, which warns through the cp_prog it is given.
 */
#ifndef SLA_H
#define SLA_H

#include "carepipe.h"
#include "hash.h"
#include "calendar.h"
#include "idwin.h"
#include "schema.h"

/* ------------------------------------------------------------ policies */

enum sla_clock { CLOCK_CALENDAR, CLOCK_BUSINESS };

enum cond_kind { C_PLATFORM, C_ACCOUNT, C_PRIORITY, C_TAG, C_JQ, C_DURING, C_OUTSIDE };

struct cond {
	enum cond_kind kind;
	char **vals;          /* platform, account, priority, tag: any of these */
	size_t nvals;
	jqx *q;               /* C_JQ */
	const cal *cal;       /* C_DURING, C_OUTSIDE */
};

struct policy {
	char *name;
	struct cond *conds;   /* all must hold */
	size_t nconds;
	int64_t target;       /* seconds */
	enum sla_clock clock;
	const cal *cal;       /* for the business clock and business_s; may be NULL */
	char *cal_name;
	bool has_target, warned;
	char *file;
	unsigned line;
};

struct policy_set {
	struct policy *p;
	size_t n;
	cal_set cals;          /* the [calendar NAME] sections */
	cal *fallback;        /* --calendar */
	bool uses_jq;
};

/* Read a policy file (carepipe-sla(5)); 0 or -1 with e (78, 66). */
int policies_load(struct policy_set *ps, const char *path, cp_err *e);
/* Append the built-in table and resolve calendars; call once, last. */
int policies_finish(struct policy_set *ps, cp_err *e);
void policies_free(struct policy_set *ps);
/* The first policy that matches the record (the built-in table always
 * ends in a catch-all).  created is the record's time, for during/outside. */
const struct policy *policy_match(struct policy_set *ps, const cp_rec *r, int64_t created,
                                  cp_prog *p);

/* ------------------------------------------------------------ tables */

/* An intrusive chained hash table: nodes live in the caller's structs
 * (the held records of --sorted). */
struct hnode {
	struct hnode *next;
	uint64_t hash;
	const char *key;
	size_t len;
};

struct htab {
	struct hnode **b;
	size_t nb, n;
	size_t *used;         /* buckets in use, so clearing costs what was put */
	size_t nused, capused;
};

struct hnode *ht_get(const struct htab *t, const char *key, size_t len, uint64_t hash);
/* The next node after n with the same key. */
struct hnode *ht_next_same(struct hnode *n);
int ht_put(struct htab *t, struct hnode *n);   /* duplicates allowed; 0 or -1 */
void ht_del(struct htab *t, struct hnode *n);
void ht_clear(struct htab *t);
void ht_free(struct htab *t);

/* Bump allocation for the response index, freed all at once. */
struct arena {
	struct arena_chunk *head;
	char *p;
	size_t left;
};

void *arena_alloc(struct arena *a, size_t n);
void arena_reset(struct arena *a);

/* The outbound records by a key (the id they reply to, or thread and
 * account): for each key, every (created_at, id) seen. */
struct resp {
	int64_t t;
	const char *id;
	size_t idlen;
	struct resp *next;
};

struct rslot {
	uint64_t hash;
	struct rkey *k;
};

#define RESP_RECENT 64

struct resp_index {
	struct rslot *slots;
	size_t nslots, nkeys, nresp;
	size_t recent[RESP_RECENT]; /* the first slots filled, so a small */
	struct arena a;             /* index clears without a memset */
};

int resp_add(struct resp_index *x, const char *key, size_t keylen, int64_t t, const char *id,
             size_t idlen);
/* Whether a is the better response than b (or b is NULL): the earlier,
 * then the smaller id, so the answer does not depend on input order. */
bool resp_better(const struct resp *a, const struct resp *b);
/* The earliest response under key at or after min_t, or NULL; ties go to
 * the smaller id (resp_better). */
const struct resp *resp_earliest(const struct resp_index *x, const char *key, size_t keylen,
                                 int64_t min_t);
void resp_clear(struct resp_index *x);
void resp_free(struct resp_index *x);

/* ------------------------------------------------------------ the run */

/* What sla-check reads from a record; strings are views, or copies in
 * the scratch buffers when the record escaped them. */
struct fields {
	bool out;
	int64_t t;
	const char *id, *reply_to, *thread, *account;
	size_t idlen, rlen, tlen, alen;
	cp_buf sid, sreply, sthread, saccount;
};

struct run {
	cp_prog *p;
	struct policy_set ps;
	bool sorted, thread_match, fail;
	int64_t now, warn_s;
	int warn_pct;               /* -1 when --warn gave a duration */
	unsigned only;              /* bit per status; 0 writes everything */
	rec_edit edit;
	cp_buf out, sla, key;
	struct fields f;
	struct resp_index replies, threads;
	/* Two passes: a bit per line, set for the good outbound records, so
	 * the second pass writes them without scanning them again. */
	uint64_t *outbits;
	size_t nbits, linepos;
	/* --sorted */
	struct htab held_id, held_thr;
	struct held *first, *last;
	struct held *answered, **answered_end; /* answered, waiting for the second to end */
	size_t nheld, held_bytes, max_held, max_held_bytes;
	int64_t clock;
	bool have_clock, order_warned;
	/* live streams (--sorted without --now): times from started_at on
	 * come while sla-check runs, and are written as the wall clock passes */
	bool live;
	int64_t started_at;
	size_t nlive;               /* held records due at or after started_at */
	/* progress on a terminal, as cp_each_record gives --sorted */
	cp_progress pg;
	uint64_t count[SLA_NSTATUS], n_out;
	idwin repeats;
};

/* record.c: what sla-check reads from a record and what it writes. */
void sla_oom(struct run *R) __attribute__((noreturn));
/* Scan a line into r: true when it is a record.  A blank line is passed
 * over; anything else that is not a JSON object is reported as a bad line,
 * with the byte where it went wrong. */
bool parse_line(struct run *R, cp_rec *r, const char *file, uint64_t lineno, const char *line,
                size_t len);
/* Fill R->f from r; NULL, or the reason the record is a bad line. */
const char *read_fields(struct run *R, const cp_rec *r);
/* "thread\x1faccount", the key of --match thread, into R->key. */
void thread_key(struct run *R, const char *thread, size_t tlen, const char *account,
                size_t alen);
int64_t due_of(struct run *R, const struct policy *pol, int64_t created);
/* The sla object for an inbound record, into R->sla; returns its status. */
int make_sla(struct run *R, const struct policy *pol, int64_t created, int64_t due,
             const struct resp *resp);
/* Write an inbound record with the sla object last made. */
void write_inbound(struct run *R, const cp_rec *r, int st);
void write_outbound(struct run *R, const char *line, size_t len);
/* The response to an inbound record from the indexes: by reply, and by
 * thread when asked; the earlier wins, then the smaller id. */
const struct resp *find_response(struct run *R, const char *id, size_t idlen,
                                 const char *thread, size_t tlen, const char *account,
                                 size_t alen, int64_t created);
/* Index the outbound record in R->f by what it replies to and its thread. */
void index_outbound(struct run *R);
/* On a terminal, a long run says how far it is (cp_progress). */
void progress(struct run *R, bool decide, bool final);

/* twopass.c: input in any order, read twice (the default). */
void read_two_pass(struct run *R, int argc, char **argv);
/* sorted.c: input in time order, read once (--sorted); writes every
 * record, the held ones last. */
void read_sorted(struct run *R, int argc, char **argv);

#endif
