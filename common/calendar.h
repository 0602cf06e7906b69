/*
 * calendar.h - business calendars: opening hours per weekday (several
 * intervals a day, overnight ones too), an IANA time zone, and holidays
 * from a list of dates or an iCalendar (RFC 5545) file of all-day events.
 * sla-check measures business time with it; assign uses the same format
 * for agents' shifts.  The format is carepipe-sla(5), CALENDARS.
 *
 * Business time is real elapsed time: the opening hours are wall-clock
 * times in the calendar's zone, turned into instants day by day, so an
 * interval across a spring-forward night is an hour shorter and one
 * across a fall-back night an hour longer.  A holiday closes the whole
 * local date.
 *
 * Ownership: cal_new and cal_load return a calendar the caller frees with
 * cal_free (NULL is accepted).  The calendar owns its zone and holidays.
 * Once cal_finish has succeeded it is read-only and may be shared.
 * Nothing here prints or exits: errors come back in a cp_err.
 */
#ifndef CAREPIPE_CALENDAR_H
#define CAREPIPE_CALENDAR_H

#include <stdint.h>

#include "carepipe.h"
#include "tz.h"

typedef struct cal cal;

/* Building a calendar.  Directives, one per line (a '#' starts a comment):
 *   timezone ZONE                       IANA name, default UTC
 *   DAYS HH:MM-HH:MM ...                e.g. "mon-fri 09:00-12:30 13:30-18:00",
 *                                        "sat,sun 10:00-14:00", "daily 00:00-24:00";
 *                                        an end before the start runs overnight
 *   holiday YYYY-MM-DD[..YYYY-MM-DD] [name]
 *   holidays FILE                       dates, one a line, or an .ics file
 *   include FILE                        more directives
 * Relative FILE names are taken from dir (NULL: the working directory). */
cal *cal_new(void);
/* One directive (comments and blank lines are accepted and ignored).
 * Returns 0, or -1 with e (code 78, or 66 for a missing file). */
int cal_directive(cal *c, const char *line, const char *dir, cp_err *e);
/* Many lines; a message starts with "name:LINE: ". */
int cal_parse(cal *c, const char *text, size_t n, const char *name, const char *dir,
              cp_err *e);
/* Holidays from text: a list of dates, or iCalendar when the text starts
 * with BEGIN:VCALENDAR (all-day VEVENTs, with DTEND or DURATION, their
 * RRULE, RDATE and EXDATE expanded through libical; timed events are no
 * holidays and are counted in cal_skipped_events). */
int cal_holidays(cal *c, const char *text, size_t n, const char *name, cp_err *e);
/* Check and seal: at least one opening interval is required. */
int cal_finish(cal *c, cp_err *e);
/* The whole job for a calendar file: new, parse, finish. */
cal *cal_load(const char *path, cp_err *e);
void cal_free(cal *c);

const tz *cal_zone(const cal *c);
size_t cal_skipped_events(const cal *c);
/* Is the local date of instant t a holiday; is t within opening hours. */
bool cal_is_holiday(const cal *c, int64_t t);
bool cal_is_open(const cal *c, int64_t t);
/* Business seconds in [from, to); 0 when to <= from. */
int64_t cal_business_seconds(const cal *c, int64_t from, int64_t to);
/* The earliest instant by which secs business seconds have passed since
 * from (from itself when secs <= 0).  Returns 0, or -1 when the calendar
 * has no opening for ten years after from. */
int cal_add_business(const cal *c, int64_t from, int64_t secs, int64_t *due);

/* Named calendars: the [calendar NAME] sections of an SLA policy file or
 * a roster.  A zeroed cal_set is empty; it owns its calendars and names. */
typedef struct {
	struct cal_named {
		char *name;
		cal *c;
	} *v;
	size_t n;
} cal_set;
/* Begin calendar name: a new calendar to give its directives to
 * (cal_directive), sealed later by cal_set_finish.  NULL with e: 78 "calendar
 * NAME is defined twice" (the caller's reader adds FILE:LINE), 71. */
cal *cal_set_add(cal_set *s, const char *name, cp_err *e);
/* The calendar named name, or NULL. */
cal *cal_set_find(const cal_set *s, const char *name);
/* cal_finish every calendar, in order; the first failure is "PATH:
 * calendar NAME: why" (78). */
int cal_set_finish(cal_set *s, const char *path, cp_err *e);
void cal_set_free(cal_set *s);

#endif
