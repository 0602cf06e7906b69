/*
 * jlog.h - an append-only journal of JSON lines: what makes a program's
 * "at most once" survive kill -9.  reply and notify keep their journals
 * through it; each gives the meaning of its lines, this file only their
 * safe storage.
 *
 *   - Opened (created 0600) and locked with flock: a second run of the
 *     same job fails at once with 75 instead of sending twice.
 *   - Read back line by line on open; a torn last line (a crash inside a
 *     write) is cut off and the cut fsync'd, since what it said never
 *     happened.  Any other line that is not a JSON object, or that the
 *     caller's replay function refuses, is an error (65).
 *   - Each append is one write of a whole line, then fsync, so a line is
 *     on disk before the caller acts on it.
 *
 *   - Every line is an object {"event":E, ..., "at":T}: jlog_begin opens it,
 *     jlog_commit stamps T with the clock (never --now: journal times bound
 *     what may still be in flight) and closes it.
 *   - A program's view of its journal is a jlog_index of its entries, by
 *     key in first-seen order, each made of the lines about it.
 *
 * Ownership: jlog_open returns a journal freed by jlog_close (NULL is fine),
 * which also releases the lock.  A jlog_index owns its entries' memory
 * blocks (jlog_index_free calls fn on each).  Nothing here prints or exits.
 */
#ifndef CAREPIPE_JLOG_H
#define CAREPIPE_JLOG_H

#include "carepipe.h"
#include "strmap.h"

/* Applies one line to the caller's view of the journal: each line on disk
 * when it is opened, and each committed line after.  0, or -1 when the line
 * is not an entry (or memory ran out). */
typedef int (*jlog_replay)(void *ctx, const cp_rec *r);

typedef struct {
	char *path;
	int fd;
	uint64_t lines;
	jlog_replay fn;
	void *ctx;
} jlog;

/* Open, lock and replay path.  who names the program in messages
 * ("another reply run holds this journal").  NULL with e set: 73/74 when
 * it cannot be opened, 75 when locked, 65 when damaged ("FILE:LINE"). */
jlog *jlog_open(const char *path, const char *who, jlog_replay fn, void *ctx, cp_err *e);
/* Append line[0..len) (no newline) and fsync.  0, or -1 with e (74). */
int jlog_append(jlog *j, const char *line, size_t len, cp_err *e);
/* Building a line: start it as {"event":"event" in b; 0 or -1. */
int jlog_begin(cp_buf *b, const char *event);
/* Building a line: append ,"key":"s" (null when s is NULL); 0 or -1.
 * Every append is checked: a line with a piece left out would be written,
 * fsync'd and read back wrong. */
int jlog_field(cp_buf *b, const char *key, const char *s);
/* Finish a line the caller built (unless building it failed: bad) with
 * ,"at":NOW}, append it, then apply it through the replay function, so
 * memory never runs ahead of the disk.  Frees line.  0, or -1 with e (71
 * out of memory, 74). */
int jlog_commit(jlog *j, cp_buf *line, bool bad, cp_err *e);
/* A copy of a string value (malloc'd), or NULL when v is not a string or
 * memory ran out. */
char *jlog_str(cp_val v);
/* Replace *slot (freeing it) with jlog_str(v); returns the new *slot. */
char *jlog_set(char **slot, cp_val v);
/* A line's "at" as Unix time; 0 when it has none. */
int64_t jlog_at(const cp_rec *r);
void jlog_close(jlog *j);

/* The entries of a journal by key, in first-seen order.  Zeroed: empty. */
typedef struct {
	strmap m;          /* key -> entry */
	void **order;      /* every entry, first seen first */
	size_t n, cap;
} jlog_index;

/* The entry for key, or NULL. */
void *jlog_find(const jlog_index *x, const char *key);
/* The entry for key, made (size bytes, zeroed) when there is none; *made
 * tells which.  NULL when memory ran out. */
void *jlog_entry(jlog_index *x, const char *key, size_t size, bool *made);
/* Call fn on every entry (to free what it holds and itself). */
void jlog_index_free(jlog_index *x, void (*fn)(void *));

#endif
