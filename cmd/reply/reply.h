/*
 * reply.h - what the parts of reply share: the journal, the template
 * library and the posting side.
 *
 * Ownership: every object here is made by X_open/X_load/X_new and freed by
 * the matching X_close/X_free (NULL is fine); strings handed in are copied.
 * Functions return errors in a cp_err; only main.c prints or exits.
 */
#ifndef REPLY_H
#define REPLY_H

#include "carepipe.h"
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
	strmap m;         /* mention id -> jentry */
} journal;

/* Open (creating it 0600) and lock the journal, and read it.  A torn last
 * line (a crash inside a write) is cut off; any other bad line is an
 * error (65).  Locked by another run: 75. */
journal *journal_open(const char *path, cp_err *e);
const jentry *journal_get(const journal *j, const char *mention);
int journal_intent(journal *j, const char *mention, const char *key, const char *text,
                   bool dm, const char *at, cp_err *e);
int journal_done(journal *j, const char *mention, const char *id, const char *url,
                 const char *at, cp_err *e);
int journal_failed(journal *j, const char *mention, const char *reason, const char *at,
                   cp_err *e);
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

#endif
