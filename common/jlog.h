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

typedef struct {
	char *path;
	int fd;
	uint64_t lines;
} jlog;

/* Replays one line already on disk; 0, or -1 when it is not an entry. */
typedef int (*jlog_replay)(void *ctx, const rec *r);

/* Open, lock and replay path.  who names the program in messages
 * ("another reply run holds this journal").  NULL with e set: 73/74 when
 * it cannot be opened, 75 when locked, 65 when damaged ("FILE:LINE"). */
jlog *jlog_open(const char *path, const char *who, jlog_replay fn, void *ctx, cp_err *e);
/* Append line[0..len) (no newline) and fsync.  0, or -1 with e (74). */
int jlog_append(jlog *j, const char *line, size_t len, cp_err *e);
void jlog_close(jlog *j);

#endif
