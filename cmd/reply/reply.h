/*
 * reply.h - what the parts of reply share: the journal, the template
 * library, the text, the posting side and the answer to a record;
 * main.c reads the options, spools the input and runs the second pass.
 *
 * Ownership: every object here is made by X_open/X_load/X_new and freed by
 * the matching X_close/X_free (NULL is fine); strings handed in are copied.
 * Functions return errors in a cp_err; only main.c prints or exits.
 */
#ifndef REPLY_H
#define REPLY_H

#include <sys/types.h>

#include "carepipe.h"
#include "config.h"
#include "jlog.h"
#include "strmap.h"
#include "platform.h"
#include "template.h"

/* ---------------------------------------------------------- journal.c */

/*
 * The journal: one JSON object per line, appended and fsync'd, mode 0600.
 *   {"event":"intent","mention":ID,"key":K,"dm":B,"text":T,"at":TIME}
 *       written and on disk before the post is sent;
 *   {"event":"done","mention":ID,"id":REPLY,"url":U,"at":TIME}
 *       written and on disk right after the platform said yes (or a
 *       lookup found the post);
 *   {"event":"failed","mention":ID,"reason":R,"at":TIME}
 *       the platform refused the post for certain: it may be tried again.
 * A mention whose last event is "intent" has an unknown outcome.
 */
enum jstate { J_INTENT = 1, J_DONE, J_FAILED };

typedef struct {
	int state;        /* enum jstate */
	char *key;        /* the idempotency key of the intent */
	char *text;       /* the text the intent was for */
	bool dm;
	char *reply_id;   /* done: the reply's id */
	char *url;
	int64_t at;       /* when the last event was written (the clock, never --now) */
} jentry;

typedef struct {
	const char *path; /* the file's name (owned by log) */
	jlog *log;        /* the file, its lock (common/jlog.c) */
	jlog_index ix;    /* mention id -> jentry */
} journal;

/* Open (creating it 0600) and lock the journal, and read it.  A torn last
 * line (a crash inside a write) is cut off; any other bad line is an
 * error (65).  Locked by another run: 75. */
journal *journal_open(const char *path, cp_err *e);
const jentry *journal_get(const journal *j, const char *mention);
int journal_intent(journal *j, const char *mention, const char *key, const char *text,
                   bool dm, cp_err *e);
int journal_done(journal *j, const char *mention, const char *id, const char *url,
                 cp_err *e);
int journal_failed(journal *j, const char *mention, const char *reason, cp_err *e);
void journal_close(journal *j);

/* ---------------------------------------------------------- library.c */

/* Saved replies: DIR/TAG.txt, and DIR/TAG.LANG.txt for a language. */
typedef struct {
	char *dir;
	strmap m;         /* "tag" or "tag.lang" -> tmpl */
	size_t n;
} library;

library *library_load(const char *dir, cp_err *e);
/* The template for a record: the first of its tags with one (in its
 * language first), else "default".  *which gets the name chosen. */
const tmpl *library_pick(const library *l, const cp_rec *r, const char **which, cp_buf *tmp);
void library_free(library *l);

/* ---------------------------------------------------------- the run */

/* A source of carepipe.conf, opened on first use; one that failed is not
 * tried again in the run. */
struct conn_slot {
	cp_conn *c;
	bool failed;
	cp_err err;
};

/* The whole run: options, the accounts to post from, the journal. */
struct reply {
	cp_prog *p;
	/* the text */
	tmpl *tpl;
	library *lib;
	jqx *jq;
	char sig[64];            /* "^JD", or "" */
	bool dm, allow_escalated, send;
	long max;
	double interval;         /* seconds between posts, from --rate */
	int64_t now;             /* --now, or -1 */
	/* posting */
	const char *config_path, *source_name, *cacert;
	cp_config *cfg;
	cp_http *http;
	struct conn_slot *conns;
	journal *j;
	double last_post;
	/* the run */
	strmap answered;         /* mention id -> id of the outbound answer (input) */
	strmap seen;             /* mention ids handled in this run (val: non-NULL) */
	char stamp[32];          /* now_str's last time, formatted */
	int64_t stamp_t;
	FILE *spool;             /* pass 1's copy of the input, or NULL */
	char **inputs;           /* without a spool: the inputs pass 2 reads again, */
	uint64_t *lines;         /* up to this line of each */
	size_t ninputs;
	off_t stdin_start;       /* where standard input started */
	uint64_t last_line;      /* pass 1: the last line of a record in this input */
	long used;
	unsigned long nsent, npreview, nskipped, nfailed;
	unsigned long nreasons;  /* outcomes that set the exit status */
	rec_edit edit;
	cp_buf out, obj, text, tmp, mention, scratch;
};

/* What happened to one record. */
struct outcome {
	const char *status;      /* preview, sent, skipped, failed */
	const char *reason;      /* or NULL */
	char reason_buf[768];
	cp_posted posted;        /* sent: the reply */
	bool outbound;           /* write an outbound record after it */
	bool dm;                 /* it went (or goes) as a private message */
	int code;                /* exit status it calls for */
	bool measured;           /* length and limit are known */
	long length, limit;      /* the reply's length by its platform's rule */
};

/* Outcomes that set the exit status are shown on stderr (the first few),
 * so a run under cron, whose stdout goes to a log, says why it failed. */
#define REASONS_SHOWN 5

/* input.c: pass 1 over the inputs (the bad lines reported, the answered
 * mentions kept), then pass 2 through answer(); input_free at the end. */
void read_input(struct reply *c, int argc, char **argv);
void answer_input(struct reply *c);
void input_free(struct reply *c);

/* answer.c: decide, preview or post, and write one record of pass 2. */
void answer(struct reply *c, const cp_rec *r);
/* Set o's reason (into its own buffer). */
void why(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A record's string value as a C string in b ("" when absent). */
const char *str_of(cp_val v, cp_buf *b);

/* text.c: build the reply's text for r into c->text.  0 with text, or -1
 * with the outcome set (skipped or failed). */
int compose(struct reply *c, const cp_rec *r, struct outcome *o);
/* Mastodon: address the customer unless the text does. */
void mastodon_address(struct reply *c, const cp_rec *r);

/* post.c: the configured source that posts as r's account (its index), or
 * -1 with the outcome set. */
int source_for(struct reply *c, const cp_rec *r, struct outcome *o);
/* Post one reply, exactly once.  je is the journal's entry for the mention
 * (an open intent) or NULL. */
void post_one(struct reply *c, const cp_rec *r, const char *mention, const jentry *je,
              struct outcome *o);
/* Stop the run: without the journal nothing may be posted. */
void die_journal(struct reply *c, const cp_err *e) __attribute__((noreturn));

#endif
