/*
 * assign.h - the parts of assign: the roster (roster.c), the table of
 * threads and the state file (threads.c), the routing of an item to a
 * queue and an agent (route.c), one record's way through (record.c), and
 * the program (main.c).
 *
 * Ownership: a roster owns its agents, queues, calendars and rules; a
 * thread table owns its entries and their strings.  Agents and queues
 * refer to each other by index into the roster's arrays, and thread
 * entries refer to agents by index, so nothing points across owners.
 * Functions report errors through cp_err and never print or exit.
 */
#ifndef ASSIGN_H
#define ASSIGN_H

#include <time.h>

#include "carepipe.h"
#include "calendar.h"
#include "rules.h"

enum strategy { LEAST_LOADED, ROUND_ROBIN };

/* Whether a calendar is open, remembered by UTC minute (on_shift): one a
 * calendar, shared by the agents on it.  A slot is the minute's low bits,
 * so the last SHIFT_MEMO minutes asked (about three days) are kept: live
 * streams come in time order, but a thread's posts and imported archives
 * go back and forth over hours.  INT64_MIN marks an empty slot. */
#define SHIFT_MEMO 4096

struct shift_memo {
	const cal *cal;
	int64_t minute[SHIFT_MEMO];
	bool open[SHIFT_MEMO];
};

struct agent {
	char *id, *name, *initials;
	int *queues;            /* queue indices */
	size_t nqueues;
	char **langs;           /* primary language subtags, lower case */
	size_t nlangs;
	char **handles;         /* author handles whose outbound posts are theirs */
	size_t nhandles;
	char *shift;            /* a [calendar NAME], or NULL */
	cal *own;               /* calendar directives written in the agent's section */
	const cal *cal;         /* own or the named one; NULL: always on shift */
	long capacity;          /* -1 until set */
	unsigned line;
	cp_buf json;               /* {"id":...,"name":...,"initials":...} */
	/* what the run knows */
	int memo;               /* the cal's shift_memo in the roster; -1 without a cal */
	long load;              /* open items held */
	uint64_t last_seq;      /* when last given an item, for least-loaded's ties */
};

struct queue {
	char *name;
	int *agents;            /* roster order */
	size_t nagents;
	int rr;                 /* the agent round-robin gave the last item to, or -1 */
	cp_buf json;               /* the name as a JSON string */
};

struct roster {
	struct agent *a;
	size_t na;
	struct queue *q;
	size_t nq;
	cal_set cals;           /* the [calendar NAME] sections */
	rules *rs;
	int *rule_queue;        /* rule index -> queue index */
	int default_q, lead_q;  /* lead_q -1: escalations get no queue of their own */
	enum strategy strategy;
	int64_t sticky;         /* how long an answered thread stays with its agent */
	int64_t release_after;  /* an unanswered item is dropped from the load after this */
	size_t max_threads;     /* answered threads remembered, at most */
	struct shift_memo *memo; /* one a calendar some agent is on */
	size_t nmemo;
};

/* Read a roster (assign(1), ROSTER FORMAT).  0, or -1 with e (78; 66
 * when the file is missing). */
int roster_load(struct roster *ro, const char *path, cp_err *e);
void roster_free(struct roster *ro);
int roster_agent(const struct roster *ro, const char *id, size_t n);   /* index or -1 */
int roster_queue(const struct roster *ro, const char *name, size_t n); /* index or -1 */

/* ------------------------------------------------------------ threads */

/* A conversation assign knows: who has it, and whether an item in it is
 * open (waiting for an answer).  Open entries are on the open list,
 * answered ones on the closed list; both lists run from the least to the
 * most recently active, so expiry takes from the head. */
struct assign_thread {
	struct assign_thread *hnext, *prev, *next;
	uint64_t hash;
	int64_t last;           /* the stream's clock at the last activity */
	int64_t since;          /* open: when the item was opened */
	int agent;              /* roster index, or -1 */
	int queue;              /* the queue it was last assigned in, or -1 */
	bool open;
	char *item;             /* open: the id of the inbound record that opened it */
	char *account;          /* open: its account, or NULL */
	size_t keylen;
	char key[];
};

struct tlist {
	struct assign_thread *head, *tail;
	size_t n;
};

struct threads {
	struct assign_thread **b;
	size_t nb, n;
	struct tlist open, closed;
};

struct assign_thread *th_find(struct threads *t, const char *key, size_t len);
/* A new closed entry with no agent, most recent; NULL when out of memory. */
struct assign_thread *th_add(struct threads *t, const char *key, size_t len, int64_t now);
/* Mark activity now: the entry moves to the tail of its list. */
void th_touch(struct threads *t, struct assign_thread *th, int64_t now);
/* Open an item (item and account are copied; account may be NULL). */
int th_open(struct threads *t, struct assign_thread *th, const char *item, size_t ilen,
            const char *account, size_t alen, int64_t since, int64_t now);
void th_close(struct threads *t, struct assign_thread *th, int64_t now);
void th_del(struct threads *t, struct assign_thread *th);
void th_free(struct threads *t);

/* The state file: the clock, the sequence, round-robin positions, the
 * last assignment of each agent, and every thread.  Agents and queues no
 * longer in the roster are dropped.  load: 1 read, 0 no file, -1 error. */
int assign_state_load(const char *path, struct roster *ro, struct threads *t, int64_t *clock,
                      uint64_t *seq, cp_err *e);
int assign_state_save(const char *path, const struct roster *ro, const struct threads *t,
                      int64_t clock, uint64_t seq, cp_err *e);

/* ------------------------------------------------------------ the run */

struct ctx {
	cp_prog *p;
	struct roster ro;
	struct threads t;
	rules_ctx *rc;
	bool have_now;
	int64_t now;          /* --now */
	int64_t clock;        /* the stream's time: --now, or the latest created_at seen */
	uint64_t seq;
	const char *state_path;
	time_t saved_at;
	uint64_t since_check;
	cp_buf text, key, reason, out, idbuf, accbuf;
	rec_edit edit;
	/* per record, while choosing */
	const char *lang;
	size_t langlen;
	int64_t at;
	/* counts for -v */
	uint64_t nassigned, nunassigned, nreleased, nsticky;
};

/* main.c */
void assign_oom(struct ctx *c) __attribute__((noreturn));
/* Save the state (when kept) if CHECKPOINT_SECS have passed, or force. */
void checkpoint(struct ctx *c, bool force);

/* record.c: cp_each_record's callback, one record through assign. */
int assign_record(void *v, cp_rec *r, const cp_pos *pos);
/* A string value's bytes (val_strview: a view, or unescaped into tmp);
 * NULL when not a string.  Out of memory ends the run. */
const char *str_of(cp_val v, cp_buf *tmp, size_t *n, struct ctx *c);

/* route.c */
/* Whether agent i can take an item of queue q now; holds: the agent
 * already has this thread's open item, which costs no more capacity. */
bool qualifies(struct ctx *c, int i, int q, bool holds);
/* The queue of an inbound record. */
int queue_of(struct ctx *c, const cp_rec *r, const cp_pos *pos, const struct assign_thread *th);
/* The agent for an item of queue qi, or -1. */
int pick_agent(struct ctx *c, int qi, const struct assign_thread *th);
/* Why nobody qualified, into c->reason. */
void why_nobody(struct ctx *c, int qi);

#endif
