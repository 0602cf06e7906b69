/*
 * Unit tests for common/tz.c and common/calendar.c: TZif zones against
 * the C library's own reading of the same files (the test may switch TZ;
 * the library never does), the POSIX footer rule past the table, local to
 * UTC across gaps and overlaps, and business time across weekends,
 * holidays (dates and iCalendar), split and overnight shifts and DST.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carepipe.h"
#include "calendar.h"
#include "tz.h"
#include "tap.h"

static int64_t T(const char *s)
{
	int64_t t = 0;
	if (time_parse(s, strlen(s), &t) < 0) {
		printf("# bad time in test: %s\n", s);
		exit(2);
	}
	return t;
}

static const char *F(int64_t t)
{
	static char out[4][32];
	static int k;
	k = (k + 1) % 4;
	time_format(t, out[k]);
	return out[k];
}

static cal *C(const char *text)
{
	cp_err e = {0};
	cal *c = cal_new();
	if (cal_parse(c, text, strlen(text), "test", NULL, &e) < 0 || cal_finish(c, &e) < 0) {
		printf("# calendar error: %s\n", e.msg);
		cal_free(c);
		return NULL;
	}
	return c;
}

static void against_libc(const char *zone)
{
	cp_err e = {0};
	tz *z = tz_load(zone, &e);
	char tzenv[128];
	long bad = 0, n = 0;
	if (!ok(z != NULL, "load %s", zone)) {
		printf("#   %s\n", e.msg);
		return;
	}
	snprintf(tzenv, sizeof tzenv, ":%s", zone);
	setenv("TZ", tzenv, 1);
	tzset();
	/* Every 6 h 7 min from 1902 to 2099: hits every transition's
	 * neighbourhood and runs far past the table into the footer rule. */
	for (int64_t t = -2100000000LL; t < 4100000000LL; t += 6 * 3600 + 420) {
		time_t tt = (time_t)t;
		struct tm tm;
		if (!localtime_r(&tt, &tm))
			continue;
		n++;
		if (tm.tm_gmtoff != tz_offset(z, t)) {
			if (bad++ < 3)
				printf("#   %s at %s: libc %ld, tz %d\n", zone, F(t), tm.tm_gmtoff,
				       tz_offset(z, t));
		}
	}
	ok(bad == 0 && n > 100000, "%s: offsets equal libc's at %ld instants 1902-2099", zone, n);
	tz_free(z);
}

static void test_tz(void)
{
	const char *zones[] = { "Europe/Paris", "America/New_York", "Australia/Sydney",
		                "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham",
		                "Europe/London", "Asia/Tokyo", "UTC", "America/St_Johns" };
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
		against_libc(zones[i]);
	unsetenv("TZ");
	tzset();

	cp_err e = {0};
	tz *paris = tz_load("Europe/Paris", &e), *ny = tz_load("America/New_York", &e);
	int64_t u;
	/* 2024-03-31 02:30 does not exist in Paris: the clock jumps at 01:00Z. */
	is_int(tz_from_local(paris, T("2024-03-31T02:30:00Z"), &u), TZ_GAP, "Paris spring gap");
	is_str(F(u), "2024-03-31T01:00:00Z", "a time in the gap maps to the jump");
	/* 2024-10-27 02:30 happens twice: the first is 00:30Z. */
	is_int(tz_from_local(paris, T("2024-10-27T02:30:00Z"), &u), TZ_AMBIGUOUS, "Paris fall overlap");
	is_str(F(u), "2024-10-27T00:30:00Z", "an ambiguous time maps to its first instant");
	is_int(tz_from_local(paris, T("2024-07-01T12:00:00Z"), &u), TZ_EXACT, "summer time exact");
	is_str(F(u), "2024-07-01T10:00:00Z", "Paris summer is UTC+2");
	is_int(tz_from_local(ny, T("2024-03-10T02:15:00Z"), &u), TZ_GAP, "New York spring gap");
	is_str(F(u), "2024-03-10T07:00:00Z", "New York jumps at 07:00Z");
	is_int(tz_from_local(ny, T("2024-11-03T01:30:00Z"), &u), TZ_AMBIGUOUS, "New York overlap");
	is_str(F(u), "2024-11-03T05:30:00Z", "first 01:30 is EDT");
	/* Past the end of the table (2037): the footer rule. */
	is_int(tz_offset(paris, T("2087-07-14T12:00:00Z")), 7200, "footer rule: summer 2087");
	is_int(tz_offset(paris, T("2087-12-25T12:00:00Z")), 3600, "footer rule: winter 2087");
	is_int(tz_offset(ny, T("2099-03-08T06:59:59Z")), -5 * 3600, "footer: before US DST 2099");
	is_int(tz_offset(ny, T("2099-03-08T07:00:00Z")), -4 * 3600, "footer: after US DST 2099");
	/* Dates as spreadsheets write them (fetch-mentions --import csv). */
	ok(tz_parse_local(paris, "2024-03-01 10:00", 16, NULL, &u) == 0 &&
	   strcmp(F(u), "2024-03-01T09:00:00Z") == 0, "a naive date and time is a Paris wall time");
	ok(tz_parse_local(NULL, "2024-03-01T10:00:05", 19, NULL, &u) == 0 &&
	   strcmp(F(u), "2024-03-01T10:00:05Z") == 0, "without a zone, UTC");
	ok(tz_parse_local(ny, "2024-03-01", 10, NULL, &u) == 0 &&
	   strcmp(F(u), "2024-03-01T05:00:00Z") == 0, "a bare date is its midnight in the zone");
	ok(tz_parse_local(paris, "2024-03-31 02:30", 16, NULL, &u) == 0 &&
	   strcmp(F(u), "2024-03-31T01:00:00Z") == 0, "a wall time in the gap is the jump");
	ok(tz_parse_local(ny, "03/10/2024 9:07 PM", 18, "%m/%d/%Y %I:%M %p", &u) == 0 &&
	   strcmp(F(u), "2024-03-11T01:07:00Z") == 0, "a strptime format, 12-hour clock, EDT");
	ok(tz_parse_local(ny, "2024-03-01 10:00 +0100", 22, "%Y-%m-%d %H:%M %z", &u) == 0 &&
	   strcmp(F(u), "2024-03-01T09:00:00Z") == 0, "%%z wins over the zone");
	ok(tz_parse_local(NULL, "2024-02-30 10:00", 16, NULL, &u) < 0, "30 February is no date");
	ok(tz_parse_local(NULL, "2024-03-01 10:00Z", 17, NULL, &u) < 0 &&
	   tz_parse_local(NULL, "2024-03-01 10:00 trailing", 25, NULL, &u) < 0,
	   "the whole value must match");
	ok(tz_parse_local(NULL, "1709287200", 10, "%s", &u) < 0, "%%s is refused");
	tz_free(paris);
	tz_free(ny);

	/* POSIX rules alone, including the southern hemisphere and J/n dates. */
	tz *cet = tz_posix("CET-1CEST,M3.5.0,M10.5.0/3", &e);
	tz *aus = tz_posix("AEST-10AEDT,M10.1.0,M4.1.0/3", &e);
	tz *jul = tz_posix("XXX3YYY,J60/0,300", &e);
	tz *fixed = tz_posix("<+0530>-5:30", &e);
	ok(cet && aus && jul && fixed, "POSIX rules parse");
	if (cet && aus && jul && fixed) {
		is_int(tz_offset(cet, T("2024-03-31T00:59:59Z")), 3600, "CET before the switch");
		is_int(tz_offset(cet, T("2024-03-31T01:00:00Z")), 7200, "CEST after the switch");
		is_int(tz_offset(cet, T("2024-10-27T00:59:59Z")), 7200, "CEST before fall back");
		is_int(tz_offset(cet, T("2024-10-27T01:00:00Z")), 3600, "CET after fall back");
		is_int(tz_offset(aus, T("2024-01-15T00:00:00Z")), 11 * 3600, "Sydney summer in January");
		is_int(tz_offset(aus, T("2024-07-15T00:00:00Z")), 10 * 3600, "Sydney winter in July");
		/* J60 is March 1 even in a leap year; DST starts at 00:00 local. */
		is_int(tz_offset(jul, T("2024-03-01T02:59:59Z")), -3 * 3600, "J60: before Mar 1");
		is_int(tz_offset(jul, T("2024-03-01T03:00:00Z")), -2 * 3600, "J60: from Mar 1");
		is_int(tz_offset(fixed, 0), 19800, "quoted name, fixed +05:30");
	}
	tz_free(cet);
	tz_free(aus);
	tz_free(jul);
	tz_free(fixed);

	setenv("TZDIR", "/nonexistent", 1);
	tz *utc = tz_load("UTC", &e);
	ok(utc && tz_offset(utc, 0) == 0 && strcmp(tz_name(utc), "UTC") == 0,
	   "UTC is known without tzdata");
	tz_free(utc);
	unsetenv("TZDIR");
	ok(tz_load("Nowhere/Atlantis", &e) == NULL && e.code == CP_EX_CONFIG,
	   "an unknown zone is a configuration error");
	ok(tz_load("../../etc/passwd", &e) == NULL, "a path outside the zone folder is refused");
	unsigned char junk[60] = "TZif2";
	ok(tz_parse_tzif(junk, sizeof junk, "junk", &e) == NULL && strstr(e.msg, "TZif"),
	   "a truncated TZif file is refused: %s", e.msg);
}

static void test_business(void)
{
	cal *c = C("# office\ntimezone UTC\nmon-fri 09:00-17:00\n");
	int64_t due;
	if (!c)
		return;
	/* Friday 2024-03-15 16:45 + 30 business minutes: Monday 09:15. */
	ok(cal_add_business(c, T("2024-03-15T16:45:00Z"), 1800, &due) == 0, "add business");
	is_str(F(due), "2024-03-18T09:15:00Z", "Friday 16:45 + 30m is due Monday 09:15");
	is_int(cal_business_seconds(c, T("2024-03-15T16:45:00Z"), T("2024-03-18T09:15:00Z")), 1800,
	       "and that span holds 30 business minutes");
	is_int(cal_business_seconds(c, T("2024-03-16T10:00:00Z"), T("2024-03-17T20:00:00Z")), 0,
	       "a weekend holds no business time");
	is_int(cal_business_seconds(c, T("2024-03-14T18:00:00Z"), T("2024-03-14T23:00:00Z")), 0,
	       "an evening holds none either");
	is_int(cal_business_seconds(c, T("2024-03-11T00:00:00Z"), T("2024-03-18T00:00:00Z")),
	       5 * 8 * 3600, "a week holds 40 hours");
	ok(cal_add_business(c, T("2024-03-16T11:00:00Z"), 3600, &due) == 0 &&
	   strcmp(F(due), "2024-03-18T10:00:00Z") == 0, "Saturday + 1h is Monday 10:00 (%s)", F(due));
	ok(cal_is_open(c, T("2024-03-15T16:59:59Z")) && !cal_is_open(c, T("2024-03-15T17:00:00Z")),
	   "open until 17:00, closed from 17:00");
	ok(cal_add_business(c, T("2024-03-15T10:00:00Z"), 0, &due) == 0 &&
	   due == T("2024-03-15T10:00:00Z"), "zero seconds is the start itself");
	cal_free(c);

	/* Split shifts: a lunch break that does not count. */
	c = C("timezone UTC\nmon-fri 09:00-12:00 13:00-17:00\nsat 10:00-12:00\n");
	is_int(cal_business_seconds(c, T("2024-03-15T11:00:00Z"), T("2024-03-15T14:00:00Z")), 7200,
	       "lunch 12-13 is not business time");
	ok(cal_add_business(c, T("2024-03-15T11:30:00Z"), 3600, &due) == 0 &&
	   strcmp(F(due), "2024-03-15T13:30:00Z") == 0, "1h from 11:30 across lunch is 13:30");
	ok(cal_add_business(c, T("2024-03-15T16:30:00Z"), 3600, &due) == 0 &&
	   strcmp(F(due), "2024-03-16T10:30:00Z") == 0, "Friday 16:30 + 1h is Saturday 10:30");
	cal_free(c);

	/* Overnight: 22:00-06:00 runs into the next day. */
	c = C("timezone UTC\nmon-fri 22:00-06:00\n");
	is_int(cal_business_seconds(c, T("2024-03-15T21:00:00Z"), T("2024-03-16T07:00:00Z")), 8 * 3600,
	       "Friday night shift runs to Saturday 06:00");
	ok(cal_is_open(c, T("2024-03-16T05:00:00Z")), "open Saturday 05:00 (Friday's night)");
	ok(!cal_is_open(c, T("2024-03-18T05:00:00Z")), "closed Monday 05:00 (no Sunday night)");
	cal_free(c);

	/* DST: a 24-hour calendar counts the real length of the day. */
	c = C("timezone Europe/Paris\ndaily 00:00-24:00\n");
	is_int(cal_business_seconds(c, T("2024-03-30T12:00:00Z"), T("2024-04-01T12:00:00Z")), 48 * 3600,
	       "open round the clock: business time is elapsed time across the change");
	is_int(cal_business_seconds(c, T("2024-03-30T23:00:00Z"), T("2024-03-31T22:00:00Z")), 23 * 3600,
	       "Paris spring-forward day is 23h");
	is_int(cal_business_seconds(c, T("2024-10-26T22:00:00Z"), T("2024-10-27T23:00:00Z")), 25 * 3600,
	       "Paris fall-back day is 25h");
	cal_free(c);
	c = C("timezone Europe/Paris\nsun 01:00-04:00\n");
	is_int(cal_business_seconds(c, T("2024-03-30T00:00:00Z"), T("2024-04-01T00:00:00Z")), 2 * 3600,
	       "Paris Sunday 01:00-04:00 on spring-forward night is 2h");
	is_int(cal_business_seconds(c, T("2024-10-26T00:00:00Z"), T("2024-10-28T00:00:00Z")), 4 * 3600,
	       "and 4h on fall-back night");
	ok(cal_add_business(c, T("2024-03-30T12:00:00Z"), 5400, &due) == 0 &&
	   strcmp(F(due), "2024-03-31T01:30:00Z") == 0, "90 min from Saturday ends 03:30 CEST (%s)", F(due));
	cal_free(c);
	c = C("timezone America/New_York\nsun 00:00-06:00\n");
	is_int(cal_business_seconds(c, T("2024-03-09T00:00:00Z"), T("2024-03-12T00:00:00Z")), 5 * 3600,
	       "New York spring-forward night 00-06 is 5h");
	is_int(cal_business_seconds(c, T("2024-11-02T00:00:00Z"), T("2024-11-05T00:00:00Z")), 7 * 3600,
	       "New York fall-back night 00-06 is 7h");
	cal_free(c);
}

static void test_holidays(void)
{
	cp_err e = {0};
	cal *c = C("timezone UTC\nmon-fri 09:00-17:00\nholiday 2024-12-25 Christmas\n"
	           "holiday 2024-12-30..2024-12-31\n");
	int64_t due;
	if (!c)
		return;
	ok(cal_is_holiday(c, T("2024-12-25T12:00:00Z")), "a listed date is a holiday");
	ok(!cal_is_open(c, T("2024-12-25T12:00:00Z")), "closed on the holiday");
	ok(cal_add_business(c, T("2024-12-24T16:30:00Z"), 3600, &due) == 0 &&
	   strcmp(F(due), "2024-12-26T09:30:00Z") == 0, "Christmas Eve 16:30 + 1h skips Christmas");
	ok(cal_add_business(c, T("2024-12-27T16:00:00Z"), 7200, &due) == 0 &&
	   strcmp(F(due), "2025-01-01T10:00:00Z") == 0, "a date range is skipped whole (%s)", F(due));
	cal_free(c);

	const char *ics =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
		"BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20240101\r\nDTEND;VALUE=DATE:20240102\r\n"
		"RRULE:FREQ=YEARLY\r\nEXDATE;VALUE=DATE:20260101\r\nSUMMARY:New\r\n  Year\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20240812\r\nDTEND;VALUE=DATE:20240817\r\n"
		"SUMMARY:Summer closing\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20240715T100000Z\r\nDTEND:20240715T110000Z\r\n"
		"SUMMARY:Meeting\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:4\r\nDTSTART:20240501\r\nDURATION:P1D\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:5\r\nDTSTART;VALUE=DATE:20240704\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n";
	c = cal_new();
	cal_directive(c, "mon-sun 09:00-17:00", NULL, &e);
	ok(cal_holidays(c, ics, strlen(ics), "test.ics", &e) == 0 && cal_finish(c, &e) == 0,
	   "an iCalendar file loads (%s)", e.msg);
	ok(cal_is_holiday(c, T("2024-01-01T12:00:00Z")) && cal_is_holiday(c, T("2025-01-01T12:00:00Z")) &&
	   cal_is_holiday(c, T("2031-01-01T12:00:00Z")), "a yearly RRULE repeats");
	ok(!cal_is_holiday(c, T("2026-01-01T12:00:00Z")), "EXDATE removes one year");
	ok(cal_is_holiday(c, T("2024-08-12T12:00:00Z")) && cal_is_holiday(c, T("2024-08-16T12:00:00Z")) &&
	   !cal_is_holiday(c, T("2024-08-17T12:00:00Z")), "DTEND is exclusive for a multi-day event");
	ok(!cal_is_holiday(c, T("2024-07-15T12:00:00Z")), "a timed event is no holiday");
	is_int(cal_skipped_events(c), 1, "and it is counted as skipped");
	ok(cal_is_holiday(c, T("2024-05-01T12:00:00Z")), "DURATION:P1D and a bare date value");
	ok(!cal_is_holiday(c, T("2024-07-04T12:00:00Z")), "a cancelled event is no holiday");
	cal_free(c);

	/* Recurrences as calendar programs export them (libical expands them). */
	const char *rules =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20241128\r\nDTEND;VALUE=DATE:20241129\r\n"
		"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240527\r\nDTEND;VALUE=DATE:20240528\r\n"
		"RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO\r\nSUMMARY:Memorial Day\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240401\r\nDTEND;VALUE=DATE:20240402\r\n"
		"RDATE;VALUE=DATE:20250421,20260406\r\nSUMMARY:Easter Monday\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240131\r\nDTEND;VALUE=DATE:20240201\r\n"
		"RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3\r\nSUMMARY:Inventory\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240610\r\nDTEND;VALUE=DATE:20240611\r\n"
		"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20240708\r\n"
		"EXDATE;VALUE=DATE:20240624\r\nSUMMARY:Training\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n";
	c = cal_new();
	cal_directive(c, "mon-sun 09:00-17:00", NULL, &e);
	ok(cal_holidays(c, rules, strlen(rules), "us.ics", &e) == 0 && cal_finish(c, &e) == 0,
	   "BYDAY ordinals, BYSETPOS, INTERVAL, COUNT, UNTIL, RDATE and EXDATE load (%s)", e.msg);
	ok(cal_is_holiday(c, T("2024-11-28T12:00:00Z")) && cal_is_holiday(c, T("2025-11-27T12:00:00Z")) &&
	   cal_is_holiday(c, T("2026-11-26T12:00:00Z")) && !cal_is_holiday(c, T("2025-11-28T12:00:00Z")),
	   "Thanksgiving: the fourth Thursday of November every year");
	ok(cal_is_holiday(c, T("2025-05-26T12:00:00Z")) && cal_is_holiday(c, T("2026-05-25T12:00:00Z")),
	   "Memorial Day: the last Monday of May (BYDAY=-1MO)");
	ok(cal_is_holiday(c, T("2024-04-01T12:00:00Z")) && cal_is_holiday(c, T("2025-04-21T12:00:00Z")) &&
	   cal_is_holiday(c, T("2026-04-06T12:00:00Z")) && !cal_is_holiday(c, T("2027-03-29T12:00:00Z")),
	   "Easter Monday written out as RDATEs, no more");
	ok(cal_is_holiday(c, T("2024-01-31T12:00:00Z")) && cal_is_holiday(c, T("2024-02-29T12:00:00Z")) &&
	   cal_is_holiday(c, T("2024-03-29T12:00:00Z")) && !cal_is_holiday(c, T("2024-04-30T12:00:00Z")),
	   "the last weekday of the month (BYSETPOS=-1), three times (COUNT=3)");
	ok(cal_is_holiday(c, T("2024-06-10T12:00:00Z")) && !cal_is_holiday(c, T("2024-06-17T12:00:00Z")) &&
	   !cal_is_holiday(c, T("2024-06-24T12:00:00Z")) && cal_is_holiday(c, T("2024-07-08T12:00:00Z")) &&
	   !cal_is_holiday(c, T("2024-07-22T12:00:00Z")),
	   "every other Monday (INTERVAL=2) until UNTIL, less an EXDATE");
	cal_free(c);

	const char *bad = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20241128\n"
	                  "RRULE:FREQ=FORTNIGHTLY\nEND:VEVENT\nEND:VCALENDAR\n";
	c = cal_new();
	ok(cal_holidays(c, bad, strlen(bad), "t.ics", &e) < 0 && e.code == CP_EX_CONFIG &&
	   strncmp(e.msg, "t.ics:2: ", 9) == 0,
	   "a bad RRULE is refused with the VEVENT's line: %s", e.msg);
	cal_free(c);
	const char *endless = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20240101\n"
	                      "RRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n";
	c = cal_new();
	ok(cal_holidays(c, endless, strlen(endless), "t.ics", &e) < 0 &&
	   strcmp(e.msg, "t.ics:2: the event repeats more than 10000 days") == 0,
	   "an endless daily rule is refused, not expanded: %s", e.msg);
	cal_free(c);

	const char *dates = "# public holidays\n2024-05-01 Labour Day\n\n2024-05-08\n";
	c = cal_new();
	cal_directive(c, "weekdays 09:00-17:00", NULL, &e);
	ok(cal_holidays(c, dates, strlen(dates), "fr.txt", &e) == 0 && cal_finish(c, &e) == 0 &&
	   cal_is_holiday(c, T("2024-05-08T10:00:00Z")), "a file of dates loads");
	cal_free(c);
	c = cal_new();
	ok(cal_holidays(c, "2024-05-01\n2024-13-01\n", 22, "fr.txt", &e) < 0 &&
	   strcmp(e.msg, "fr.txt:2: not a date or date range: 2024-13-01") == 0,
	   "a bad date names file and line: %s", e.msg);
	cal_free(c);
}

static void test_errors(void)
{
	cp_err e = {0};
	cal *c = cal_new();
	ok(cal_parse(c, "timezone UTC\nmonday 9-5\n", 23, "hours.conf", NULL, &e) < 0 &&
	   strcmp(e.msg, "hours.conf:2: not an interval HH:MM-HH:MM: 9-5") == 0, "%s", e.msg);
	cal_free(c);
	c = cal_new();
	ok(cal_parse(c, "funday 09:00-10:00\n", 19, "h", NULL, &e) < 0 &&
	   strcmp(e.msg, "h:1: unknown directive or days: funday") == 0, "%s", e.msg);
	cal_free(c);
	c = cal_new();
	ok(cal_parse(c, "timezone Mars/Olympus\n", 22, "h", NULL, &e) < 0 && e.code == CP_EX_CONFIG,
	   "%s", e.msg);
	cal_free(c);
	c = cal_new();
	ok(cal_parse(c, "timezone UTC\n", 13, "h", NULL, &e) == 0 && cal_finish(c, &e) < 0 &&
	   strcmp(e.msg, "the calendar has no opening hours") == 0, "%s", e.msg);
	cal_free(c);
	c = cal_new();
	ok(cal_parse(c, "sat-mon 10:00-11:00  # wraps\nwed closed\n", 40, "h", NULL, &e) == 0 &&
	   cal_finish(c, &e) == 0, "a range may wrap the week; closed is accepted");
	int64_t t = T("2024-03-17T10:30:00Z"); /* a Sunday */
	ok(cal_is_open(c, t) && cal_is_open(c, t + 86400) && !cal_is_open(c, t + 2 * 86400),
	   "sat-mon covers Sunday and Monday, not Tuesday");
	cal_free(c);
	ok(cal_load("/nonexistent/hours.conf", &e) == NULL && e.code == CP_EX_CONFIG, "a missing calendar file is 78 (carepipe(7)): %s", e.msg);
}

int main(void)
{
	test_tz();
	test_business();
	test_holidays();
	test_errors();
	return done_testing();
}
