/*
 * sla.h - the parts of sla-check: policies (policy.c), the string-keyed
 * tables and the response index (index.c), and the program (main.c).
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
#include "calendar.h"

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

struct named_cal {
	char *name;
	cal *c;
};

struct policy_set {
	struct policy *p;
	size_t n;
	struct named_cal *cals;
	size_t ncals;
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

uint64_t hash_bytes(const char *p, size_t n);

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

#endif
