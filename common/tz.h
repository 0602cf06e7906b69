/*
 * tz.h - IANA time zones, read from the system's TZif files (RFC 8536),
 * so local time is computed without touching the process's TZ (no
 * setenv/tzset, no localtime): several zones can be used at once and the
 * answer never depends on the environment.
 *
 * A zone is the table of transitions of its TZif file plus the POSIX TZ
 * rule of the file's footer (version 2 and later), which gives the
 * offsets for instants beyond the table, e.g. after 2037.
 *
 * Ownership: tz_load, tz_parse_tzif and tz_posix return a zone that the
 * caller frees with tz_free (NULL is accepted).  A zone is read-only once
 * made and may be shared.  Nothing here prints or exits; errors come back
 * in a cp_err (see carepipe.h).
 */
#ifndef CAREPIPE_TZ_H
#define CAREPIPE_TZ_H

#include <stdint.h>

#include "carepipe.h"

typedef struct tz tz;

/* Load an IANA zone by name ("Europe/Paris", "America/New_York", "UTC")
 * from $TZDIR or /usr/share/zoneinfo.  A name that is no file there but
 * reads as a POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3") is taken as
 * that rule.  NULL with e set: 78 for an unknown or malformed zone. */
tz *tz_load(const char *name, cp_err *e);
/* A zone from the bytes of a TZif file; name is kept for messages. */
tz *tz_parse_tzif(const unsigned char *p, size_t n, const char *name, cp_err *e);
/* A zone from a POSIX TZ rule alone (POSIX.1-2017, 8.3; with the
 * extensions of RFC 8536 3.3.1: hours up to 167 and negative). */
tz *tz_posix(const char *rule, cp_err *e);
void tz_free(tz *z);

const char *tz_name(const tz *z);
/* The offset from UTC, seconds east, in effect at instant t (epoch s). */
int32_t tz_offset(const tz *z, int64_t t);

/* The instant at which the wall clock reads local (seconds since
 * 1970-01-01T00:00 of that clock).  Returns TZ_EXACT, TZ_AMBIGUOUS (the
 * wall time happens twice, at a fall-back; the first instant is given)
 * or TZ_GAP (the wall time is skipped, at a spring-forward; the instant
 * of the jump is given, when the clock first reads later than local). */
enum { TZ_EXACT = 0, TZ_AMBIGUOUS = 1, TZ_GAP = 2 };
int tz_from_local(const tz *z, int64_t local, int64_t *utc);

/* A date and time as people and spreadsheets write them, into an instant.
 * With fmt, s must match the strptime(3) format whole (C locale names;
 * %s is refused: epoch seconds need no format); without, s is a date
 * with or without a time and no offset: "2024-03-01", "2024-03-01 10:00",
 * "2024-03-01T10:00:05".  A time with an offset (%z) is that instant;
 * one without is the wall time in zone (UTC when NULL), the first of the
 * two at a fall-back and the moment of the jump in a spring-forward gap.
 * Returns 0 with *t, -1 when s does not match or is no real date, -2
 * when it is a time outside TIME_MIN..TIME_MAX (carepipe.h). */
int tz_parse_local(const tz *zone, const char *s, size_t n, const char *fmt, int64_t *t);

/* The one reader of a point in time as options take it (--now, --since,
 * --until): "now"; "-DURATION" before now ("-7d", "-1h30m"); with a zone,
 * a wall-clock date or date and time of that zone with no offset
 * ("2024-03-01", "2024-03-01T08:00", "2024-03-01 08:00:00"; a time
 * skipped by a DST jump means the jump); else a time time_parse reads
 * (RFC 3339 with an offset, Twitter's form, epoch seconds).  Without a
 * zone (NULL) the wall-clock forms are not taken.  Returns 0 with *t; -1
 * when s is none of these, -2 when it is a time outside
 * TIME_MIN..TIME_MAX.  time_parse_when (carepipe.h) is this with no zone. */
int tz_parse_when(const char *s, int64_t now, const tz *zone, int64_t *t);

#endif
