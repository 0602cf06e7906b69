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
 * Ownership: jlog_open returns a journal freed by jlog_close (NULL is fine),
 * which also releases the lock.  Nothing here prints or exits.
 */
#ifndef CAREPIPE_JLOG_H
#define CAREPIPE_JLOG_H

#include "carepipe.h"

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
/* Append a line the caller built (unless building it failed: bad), then
 * apply it through the replay function, so memory never runs ahead of the
 * disk.  Frees line.  0, or -1 with e (71 out of memory, 74). */
int jlog_commit(jlog *j, cp_buf *line, bool bad, cp_err *e);
/* Building a line: append ,"key":"s" (null when s is NULL); 0 or -1.
 * Every append is checked: a line with a piece left out would be written,
 * fsync'd and read back wrong. */
int jlog_field(cp_buf *b, const char *key, const char *s);
/* A copy of a string value (malloc'd), or NULL when v is not a string or
 * memory ran out. */
char *jlog_str(cp_val v);
void jlog_close(jlog *j);

#endif
