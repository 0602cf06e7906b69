/*
 * Business calendars.  Opening hours are kept as wall-clock intervals per
 * weekday and turned into instants one local date at a time, through the
 * calendar's own zone, so daylight-saving changes are counted as the real
 * time that passed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "calendar.h"
#include "inifile.h"
#include "cfgfile.h"

#define MAX_HOLIDAYS 1000000
#define MAX_INCLUDE 8
#define SEARCH_DAYS 3660

struct span {
	int32_t s, e; /* seconds after local midnight, s < e <= 86400 */
};

struct cal {
	tz *zone;
	struct span *iv[7]; /* Monday first */
	size_t niv[7], cap[7];
	int64_t *hol;       /* local dates (days since 1970-01-01), sorted once sealed */
	size_t nhol, holcap;
	size_t skipped;
	int depth;
	bool sealed;
};

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
static const char *const day_long[7] = { "monday", "tuesday", "wednesday", "thursday",
	                                 "friday", "saturday", "sunday" };

cal *cal_new(void)
{
	return calloc(1, sizeof(cal));
}

void cal_free(cal *c)
{
	if (!c)
		return;
	tz_free(c->zone);
	for (int i = 0; i < 7; i++)
		free(c->iv[i]);
	free(c->hol);
	free(c);
}

const tz *cal_zone(const cal *c) { return c->zone; }
size_t cal_skipped_events(const cal *c) { return c->skipped; }

/* ------------------------------------------------------------ building */

/* Put "name:LINE: " (or "name: " when line is 0) before e's message. */
static void err_prefix(cp_err *e, const char *name, uint64_t lineno)
{
	char old[sizeof e->msg];
	if (!e)
		return;
	memcpy(old, e->msg, sizeof old);
	if (lineno)
		snprintf(e->msg, sizeof e->msg, "%.180s:%llu: %.300s", name,
		         (unsigned long long)lineno, old);
	else
		snprintf(e->msg, sizeof e->msg, "%.180s: %.300s", name, old);
}

static int add_span(cal *c, int day, int32_t s, int32_t e, cp_err *err)
{
	if (c->niv[day] == c->cap[day]) {
		size_t cap = c->cap[day] ? c->cap[day] * 2 : 4;
		struct span *n = realloc(c->iv[day], cap * sizeof *n);
		if (!n)
			return cp_fail(err, CP_EX_OSERR, "out of memory");
		c->iv[day] = n;
		c->cap[day] = cap;
	}
	c->iv[day][c->niv[day]++] = (struct span){ s, e };
	return 0;
}

static int add_holiday(cal *c, int64_t day, cp_err *e)
{
	if (c->nhol == c->holcap) {
		if (c->nhol >= MAX_HOLIDAYS)
			return cp_fail(e, CP_EX_CONFIG, "more than %d holidays", MAX_HOLIDAYS);
		size_t cap = c->holcap ? c->holcap * 2 : 64;
		int64_t *n = realloc(c->hol, cap * sizeof *n);
		if (!n)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		c->hol = n;
		c->holcap = cap;
	}
	c->hol[c->nhol++] = day;
	c->sealed = false;
	return 0;
}

static bool valid_date(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return false;
	int len = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d <= len;
}

/* YYYY-MM-DD (dashes optional, as in iCalendar's YYYYMMDD); returns the
 * end or NULL. */
static const char *parse_date(const char *s, int64_t *day)
{
	int f[3], w[3] = { 4, 2, 2 };
	for (int i = 0; i < 3; i++) {
		if (i > 0 && *s == '-')
			s++;
		f[i] = 0;
		for (int k = 0; k < w[i]; k++, s++) {
			if (*s < '0' || *s > '9')
				return NULL;
			f[i] = f[i] * 10 + (*s - '0');
		}
	}
	if (!valid_date(f[0], f[1], f[2]))
		return NULL;
	*day = time_days_from_civil(f[0], (unsigned)f[1], (unsigned)f[2]);
	return s;
}

/* "DATE" or "DATE..DATE" at s (ends at a blank or the end). */
static int holiday_spec(cal *c, const char *s, cp_err *e)
{
	int64_t from, to;
	const char *p = parse_date(s, &from);
	to = from;
	if (p && p[0] == '.' && p[1] == '.')
		p = parse_date(p + 2, &to);
	if (!p || (*p && !isspace((unsigned char)*p)))
		return cp_fail(e, CP_EX_CONFIG, "not a date or date range: %.40s", s);
	if (to < from || to - from > 366)
		return cp_fail(e, CP_EX_CONFIG, "bad date range: %.40s", s);
	for (int64_t d = from; d <= to; d++)
		if (add_holiday(c, d, e) < 0)
			return -1;
	return 0;
}

static int day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if ((n == 3 && strncasecmp(s, day_names[i], 3) == 0) ||
		    (n == strlen(day_long[i]) && strncasecmp(s, day_long[i], n) == 0))
			return i;
	return -1;
}

/* "mon-fri", "sat,sun", "fri-mon", "daily", "weekdays", "weekends". */
static int parse_days(const char *s, size_t n, bool days[7])
{
	memset(days, 0, 7 * sizeof days[0]);
	if ((n == 5 && strncasecmp(s, "daily", 5) == 0)) {
		for (int i = 0; i < 7; i++)
			days[i] = true;
		return 0;
	}
	if (n == 8 && strncasecmp(s, "weekdays", 8) == 0) {
		for (int i = 0; i < 5; i++)
			days[i] = true;
		return 0;
	}
	if (n == 8 && strncasecmp(s, "weekends", 8) == 0) {
		days[5] = days[6] = true;
		return 0;
	}
	const char *end = s + n;
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item_end = comma ? comma : end;
		const char *dash = memchr(s, '-', (size_t)(item_end - s));
		int a = day_index(s, (size_t)((dash ? dash : item_end) - s)), b = a;
		if (dash)
			b = day_index(dash + 1, (size_t)(item_end - dash - 1));
		if (a < 0 || b < 0)
			return -1;
		for (int i = a;; i = (i + 1) % 7) {
			days[i] = true;
			if (i == b)
				break;
		}
		s = comma ? comma + 1 : end;
	}
	return 0;
}

/* HH:MM or HH:MM:SS, 00:00 to 24:00; returns the end or NULL. */
static const char *parse_clock(const char *s, int32_t *secs)
{
	int part[3] = { 0, 0, 0 }, np = 0;
	while (np < 3) {
		if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
			return NULL;
		part[np++] = (s[0] - '0') * 10 + (s[1] - '0');
		s += 2;
		if (*s != ':')
			break;
		s++;
	}
	if (np < 2 || part[0] > 24 || part[1] > 59 || part[2] > 59 ||
	    (part[0] == 24 && (part[1] || part[2])))
		return NULL;
	*secs = part[0] * 3600 + part[1] * 60 + part[2];
	return s;
}

static int read_whole(const char *path, const char *dir, cp_buf *out, char *resolved,
                      size_t rsize, cp_err *e)
{
	if (path[0] == '/' || !dir || !*dir)
		snprintf(resolved, rsize, "%s", path);
	else
		snprintf(resolved, rsize, "%s/%s", dir, path);
	return cfg_read_file(resolved, out, e);
}

static void dir_of(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, n, ".");
	else if (slash == path)
		snprintf(out, n, "/");
	else
		snprintf(out, n, "%.*s", (int)(slash - path), path);
}

int cal_directive(cal *c, const char *line, const char *dir, cp_err *e)
{
	char tok[64];
	const char *s = line;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == '#')
		return 0;
	size_t n = strcspn(s, " \t\r\n");
	const char *rest = s + n;
	while (isspace((unsigned char)*rest))
		rest++;
	/* The rest of the line without a trailing comment or blanks. */
	size_t rlen = 0;
	for (const char *q = rest; *q && *q != '\n'; q++) {
		if (*q == '#' && (q == rest || isspace((unsigned char)q[-1])))
			break;
		rlen = (size_t)(q - rest) + 1;
	}
	while (rlen && isspace((unsigned char)rest[rlen - 1]))
		rlen--;
	snprintf(tok, sizeof tok, "%.*s", (int)(n < 63 ? n : 63), s);

	if (strcasecmp(tok, "timezone") == 0 || strcasecmp(tok, "tz") == 0) {
		char name[256];
		if (rlen == 0 || rlen >= sizeof name || memchr(rest, ' ', rlen))
			return cp_fail(e, CP_EX_CONFIG, "timezone wants one zone name");
		snprintf(name, sizeof name, "%.*s", (int)rlen, rest);
		tz *z = tz_load(name, e);
		if (!z)
			return -1;
		tz_free(c->zone);
		c->zone = z;
		return 0;
	}
	if (strcasecmp(tok, "holiday") == 0) {
		if (rlen == 0)
			return cp_fail(e, CP_EX_CONFIG, "holiday wants a date");
		return holiday_spec(c, rest, e);
	}
	if (strcasecmp(tok, "holidays") == 0 || strcasecmp(tok, "include") == 0) {
		char path[2048], resolved[4096], subdir[4096];
		cp_buf text = {0};
		if (rlen == 0 || rlen >= sizeof path)
			return cp_fail(e, CP_EX_CONFIG, "%s wants a file name", tok);
		snprintf(path, sizeof path, "%.*s", (int)rlen, rest);
		if (read_whole(path, dir, &text, resolved, sizeof resolved, e) < 0) {
			buf_free(&text);
			return -1;
		}
		int rc;
		if (tolower((unsigned char)tok[1]) == 'o') {
			rc = cal_holidays(c, text.p, text.len, resolved, e);
		} else if (c->depth >= MAX_INCLUDE) {
			rc = cp_fail(e, CP_EX_CONFIG, "%s: includes nested too deep", resolved);
		} else {
			dir_of(resolved, subdir, sizeof subdir);
			c->depth++;
			rc = cal_parse(c, text.p, text.len, resolved, subdir, e);
			c->depth--;
		}
		buf_free(&text);
		return rc;
	}

	bool days[7];
	if (parse_days(s, n, days) < 0)
		return cp_fail(e, CP_EX_CONFIG, "unknown directive or days: %s", tok);
	if (rlen == 0)
		return cp_fail(e, CP_EX_CONFIG, "%s wants hours, e.g. 09:00-17:00, or closed", tok);
	if (rlen == 6 && strncasecmp(rest, "closed", 6) == 0)
		return 0;
	const char *p = rest, *end = rest + rlen;
	while (p < end) {
		int32_t a, b;
		const char *q = parse_clock(p, &a);
		if (q && *q == '-')
			q = parse_clock(q + 1, &b);
		else
			q = NULL;
		if (!q || (q < end && !isspace((unsigned char)*q)) || a == 86400 || a == b)
			return cp_fail(e, CP_EX_CONFIG, "not an interval HH:MM-HH:MM: %.*s",
			               (int)strcspn(p, " \t"), p);
		for (int d = 0; d < 7; d++) {
			if (!days[d])
				continue;
			if (a < b) {
				if (add_span(c, d, a, b, e) < 0)
					return -1;
			} else if (add_span(c, d, a, 86400, e) < 0 ||
			           (b > 0 && add_span(c, (d + 1) % 7, 0, b, e) < 0)) {
				return -1; /* overnight: the rest goes to the next day */
			}
		}
		c->sealed = false;
		p = q;
		while (p < end && isspace((unsigned char)*p))
			p++;
	}
	return 0;
}

/* cal_parse's handler: each line a directive. */
struct cal_lines {
	cal *c;
	const char *dir;
};

static int cal_line(void *ctx, ini_line *l, cp_err *e)
{
	struct cal_lines *cl = ctx;
	return cal_directive(cl->c, l->raw, cl->dir, e);
}

int cal_parse(cal *c, const char *text, size_t n, const char *name, const char *dir,
              cp_err *e)
{
	struct cal_lines cl = { c, dir };
	return ini_parse(name, text, n, NULL, cal_line, &cl, e);
}

/* ------------------------------------------------------------ iCalendar */

/*
 * iCalendar files go through libical, so every recurrence a calendar
 * program exports (BYDAY with ordinals, BYMONTHDAY, BYSETPOS, INTERVAL,
 * COUNT, UNTIL, EXDATE, RDATE) is expanded as RFC 5545 says.  Only
 * all-day events are holidays; timed ones are appointments, counted in
 * cal_skipped_events.  Occurrences are expanded up to the end of
 * LAST_YEAR, and an event that would make more than MAX_OCCURRENCES days
 * off (FREQ=DAILY without an end, say) is refused rather than expanded.
 */
#define LAST_YEAR 2199
#define MAX_OCCURRENCES 10000

/* The line of each BEGIN:VEVENT, in order, for messages: libical keeps
 * no line numbers. */
static int vevent_lines(const char *text, size_t n, cp_buf *lines)
{
	uint64_t lineno = 0;
	for (const char *p = text, *end = text + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		lineno++;
		if (end - p >= 12 && strncasecmp(p, "BEGIN:VEVENT", 12) == 0 &&
		    (p + 12 == end || p[12] == '\r' || p[12] == '\n'))
			if (buf_add(lines, &lineno, sizeof lineno) < 0)
				return -1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int64_t ical_day(struct icaltimetype t)
{
	return time_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day);
}

/* The dates of every EXDATE or RDATE property.  Collected first:
 * libical has one property iterator per component, which a nested walk
 * would reset. */
static int collect_days(icalcomponent *ev, icalproperty_kind kind, cp_buf *days, bool *period)
{
	for (icalproperty *p = icalcomponent_get_first_property(ev, kind); p;
	     p = icalcomponent_get_next_property(ev, kind)) {
		struct icaltimetype t = kind == ICAL_EXDATE_PROPERTY ? icalproperty_get_exdate(p)
		                        : icalproperty_get_rdate(p).time;
		if (icaltime_is_null_time(t)) {
			*period = true;
			continue;
		}
		int64_t day = ical_day(t);
		if (buf_add(days, &day, sizeof day) < 0)
			return -1;
	}
	return 0;
}

static bool listed_day(const cp_buf *days, int64_t day)
{
	for (size_t k = 0; k + sizeof day <= days->len; k += sizeof day) {
		int64_t x;
		memcpy(&x, days->p + k, sizeof x);
		if (x == day)
			return true;
	}
	return false;
}

static int add_days(cal *c, int64_t day, int64_t len, long *made, const char *name,
                    uint64_t lineno, cp_err *e)
{
	if ((*made += (long)len) > MAX_OCCURRENCES)
		return cp_fail(e, CP_EX_CONFIG, "%s:%llu: the event repeats more than %d "
		               "days", name, (unsigned long long)lineno, MAX_OCCURRENCES);
	for (int64_t k = 0; k < len; k++)
		if (add_holiday(c, day + k, e) < 0)
			return -1;
	return 0;
}

static int ical_event(cal *c, icalcomponent *ev, const char *name, uint64_t lineno,
                      cp_err *e)
{
	icalproperty *err = icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY);
	if (err)
		return cp_fail(e, CP_EX_CONFIG, "%s:%llu: %s", name, (unsigned long long)lineno,
		               icalproperty_get_xlicerror(err));
	if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED)
		return 0;
	icalproperty *ps = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	if (!ps)
		return cp_fail(e, CP_EX_CONFIG, "%s:%llu: VEVENT without DTSTART", name,
		               (unsigned long long)lineno);
	struct icaltimetype start = icalproperty_get_dtstart(ps);
	if (icaltime_is_null_time(start) || !icaltime_is_valid_time(start))
		return cp_fail(e, CP_EX_CONFIG, "%s:%llu: bad DTSTART", name,
		               (unsigned long long)lineno);
	if (!start.is_date) {
		c->skipped++; /* an appointment, not a day off */
		return 0;
	}
	int64_t first = ical_day(start), len = 1;
	icalproperty *pe = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
	icalproperty *pd = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
	if (pe) {
		struct icaltimetype end = icalproperty_get_dtend(pe);
		if (icaltime_is_null_time(end) || !end.is_date || ical_day(end) <= first)
			return cp_fail(e, CP_EX_CONFIG, "%s:%llu: bad DTEND", name,
			               (unsigned long long)lineno);
		len = ical_day(end) - first;
	} else if (pd) {
		/* P<n>D or P<n>W: all a day-long event can last. */
		struct icaldurationtype d = icalproperty_get_duration(pd);
		if (d.is_neg || d.hours || d.minutes || d.seconds || !(d.days || d.weeks))
			return cp_fail(e, CP_EX_CONFIG, "%s:%llu: unsupported DURATION for an "
			               "all-day event", name, (unsigned long long)lineno);
		len = (int64_t)d.weeks * 7 + d.days;
	}
	if (len > 366)
		return cp_fail(e, CP_EX_CONFIG, "%s:%llu: event longer than a year", name,
		               (unsigned long long)lineno);

	cp_buf exdates = {0}, rdates = {0};
	bool period = false;
	int rc = 0;
	if (collect_days(ev, ICAL_EXDATE_PROPERTY, &exdates, &period) < 0 ||
	    collect_days(ev, ICAL_RDATE_PROPERTY, &rdates, &period) < 0)
		rc = cp_fail(e, CP_EX_OSERR, "out of memory");
	else if (period)
		rc = cp_fail(e, CP_EX_CONFIG, "%s:%llu: RDATE periods are not supported", name,
		             (unsigned long long)lineno);
	long made = 0;
	icalproperty *pr = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
	if (rc == 0 && !pr) {
		if (!listed_day(&exdates, first))
			rc = add_days(c, first, len, &made, name, lineno, e);
	} else if (rc == 0) {
		struct icalrecurrencetype rule = icalproperty_get_rrule(pr);
		icalrecur_iterator *it = NULL;
		if (icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY))
			rc = cp_fail(e, CP_EX_CONFIG, "%s:%llu: more than one RRULE", name,
			             (unsigned long long)lineno);
		else if (!(it = icalrecur_iterator_new(rule, start)))
			rc = cp_fail(e, CP_EX_CONFIG, "%s:%llu: unsupported RRULE %s", name,
			             (unsigned long long)lineno, icalrecurrencetype_as_string(&rule));
		for (struct icaltimetype t = it ? icalrecur_iterator_next(it) : icaltime_null_time();
		     rc == 0 && !icaltime_is_null_time(t) && t.year <= LAST_YEAR;
		     t = icalrecur_iterator_next(it)) {
			int64_t day = ical_day(t);
			if (!listed_day(&exdates, day))
				rc = add_days(c, day, len, &made, name, lineno, e);
		}
		if (it)
			icalrecur_iterator_free(it);
	}
	/* RDATE adds days to the rule's (Easter Monday, written out year by year). */
	for (size_t k = 0; rc == 0 && k + sizeof(int64_t) <= rdates.len; k += sizeof(int64_t)) {
		int64_t day;
		memcpy(&day, rdates.p + k, sizeof day);
		if (!listed_day(&exdates, day))
			rc = add_days(c, day, len, &made, name, lineno, e);
	}
	buf_free(&exdates);
	buf_free(&rdates);
	return rc;
}

static int ical_parse(cal *c, const char *text, size_t n, const char *name, cp_err *e)
{
	cp_buf src = {0}, lines = {0};
	int rc = 0;
	/* libical reads a C string: a NUL inside would end the file early. */
	if (memchr(text, '\0', n))
		return cp_fail(e, CP_EX_CONFIG, "%s: a NUL byte in an iCalendar file", name);
	if (buf_add(&src, text, n) < 0 || !buf_cstr(&src) || vevent_lines(text, n, &lines) < 0) {
		buf_free(&src);
		buf_free(&lines);
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	icalerror_set_errors_are_fatal(0);
	icalcomponent *root = icalparser_parse_string(src.p);
	buf_free(&src);
	if (!root) {
		buf_free(&lines);
		return cp_fail(e, CP_EX_CONFIG, "%s: not an iCalendar file", name);
	}
	icalcomponent *cal_comp = icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT ? root
		: icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
	size_t k = 0, nlines = lines.len / sizeof(uint64_t);
	for (icalcomponent *ev = cal_comp ?
	         icalcomponent_get_first_component(cal_comp, ICAL_VEVENT_COMPONENT) : NULL;
	     ev && rc == 0; ev = icalcomponent_get_next_component(cal_comp, ICAL_VEVENT_COMPONENT), k++) {
		uint64_t lineno = 0;
		if (k < nlines)
			memcpy(&lineno, lines.p + k * sizeof lineno, sizeof lineno);
		rc = ical_event(c, ev, name, lineno, e);
	}
	icalcomponent_free(root);
	buf_free(&lines);
	return rc;
}

int cal_holidays(cal *c, const char *text, size_t n, const char *name, cp_err *e)
{
	const char *p = text, *end = text + n;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (end - p >= 15 && strncasecmp(p, "BEGIN:VCALENDAR", 15) == 0)
		return ical_parse(c, p, (size_t)(end - p), name, e);
	cp_buf line = {0};
	p = text;
	for (uint64_t lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		buf_reset(&line);
		if (buf_add(&line, p, (size_t)((nl ? nl : end) - p)) < 0 || !buf_cstr(&line)) {
			buf_free(&line);
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
		p = nl ? nl + 1 : end;
		const char *s = line.p;
		if (lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if (holiday_spec(c, s, e) < 0) {
			err_prefix(e, name, lineno);
			buf_free(&line);
			return -1;
		}
	}
	buf_free(&line);
	return 0;
}

/* ------------------------------------------------------------ sealing */

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->s < y->s ? -1 : x->s > y->s ? 1 : (x->e > y->e) - (x->e < y->e);
}

static int cmp_day(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int cal_finish(cal *c, cp_err *e)
{
	size_t total = 0;
	if (!c->zone && !(c->zone = tz_posix("UTC0", e)))
		return -1;
	for (int d = 0; d < 7; d++) {
		size_t k = 0;
		if (c->niv[d])
			qsort(c->iv[d], c->niv[d], sizeof *c->iv[d], cmp_span);
		for (size_t i = 0; i < c->niv[d]; i++) {
			if (k && c->iv[d][i].s <= c->iv[d][k - 1].e) {
				if (c->iv[d][i].e > c->iv[d][k - 1].e)
					c->iv[d][k - 1].e = c->iv[d][i].e;
			} else {
				c->iv[d][k++] = c->iv[d][i];
			}
		}
		c->niv[d] = k;
		total += k;
	}
	if (total == 0)
		return cp_fail(e, CP_EX_CONFIG, "the calendar has no opening hours");
	if (c->nhol)
		qsort(c->hol, c->nhol, sizeof *c->hol, cmp_day);
	size_t k = 0;
	for (size_t i = 0; i < c->nhol; i++)
		if (k == 0 || c->hol[i] != c->hol[k - 1])
			c->hol[k++] = c->hol[i];
	c->nhol = k;
	c->sealed = true;
	return 0;
}

cal *cal_load(const char *path, cp_err *e)
{
	cp_buf text = {0};
	char resolved[4096], dir[4096];
	cal *c = cal_new();
	if (!c) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	dir_of(path, dir, sizeof dir);
	if (read_whole(path, NULL, &text, resolved, sizeof resolved, e) < 0 ||
	    cal_parse(c, text.p ? text.p : "", text.len, path, dir, e) < 0 ||
	    cal_finish(c, e) < 0) {
		if (e && strncmp(e->msg, path, strlen(path)) != 0)
			err_prefix(e, path, 0);
		buf_free(&text);
		cal_free(c);
		return NULL;
	}
	buf_free(&text);
	return c;
}

/* ------------------------------------------------------------ queries */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t local_day(const cal *c, int64_t t)
{
	return floor_div(t + tz_offset(c->zone, t), 86400);
}

static int weekday(int64_t day)
{
	return (int)(((day % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
}

static bool holiday_day(const cal *c, int64_t day)
{
	size_t lo = 0, hi = c->nhol;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->hol[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nhol && c->hol[lo] == day;
}

/* The instants of opening interval i on local date day. */
static void span_at(const cal *c, int64_t day, const struct span *sp, int64_t *from,
                    int64_t *to)
{
	tz_from_local(c->zone, day * 86400 + sp->s, from);
	tz_from_local(c->zone, day * 86400 + sp->e, to);
}

bool cal_is_holiday(const cal *c, int64_t t)
{
	return holiday_day(c, local_day(c, t));
}

bool cal_is_open(const cal *c, int64_t t)
{
	int64_t today = local_day(c, t);
	for (int64_t day = today - 1; day <= today; day++) {
		if (holiday_day(c, day))
			continue;
		int w = weekday(day);
		for (size_t i = 0; i < c->niv[w]; i++) {
			int64_t a, b;
			span_at(c, day, &c->iv[w][i], &a, &b);
			if (t >= a && t < b)
				return true;
		}
	}
	return false;
}

int64_t cal_business_seconds(const cal *c, int64_t from, int64_t to)
{
	int64_t sum = 0;
	if (to <= from)
		return 0;
	int64_t last = local_day(c, to) + 1;
	for (int64_t day = local_day(c, from) - 1; day <= last; day++) {
		if (holiday_day(c, day))
			continue;
		int w = weekday(day);
		for (size_t i = 0; i < c->niv[w]; i++) {
			int64_t a, b;
			span_at(c, day, &c->iv[w][i], &a, &b);
			if (a < from)
				a = from;
			if (b > to)
				b = to;
			if (b > a)
				sum += b - a;
		}
	}
	return sum;
}

int cal_add_business(const cal *c, int64_t from, int64_t secs, int64_t *due)
{
	if (secs <= 0) {
		*due = from;
		return 0;
	}
	int64_t first = local_day(c, from) - 1;
	for (int64_t day = first; day <= first + SEARCH_DAYS; day++) {
		if (holiday_day(c, day))
			continue;
		int w = weekday(day);
		for (size_t i = 0; i < c->niv[w]; i++) {
			int64_t a, b;
			span_at(c, day, &c->iv[w][i], &a, &b);
			if (a < from)
				a = from;
			if (b <= a)
				continue;
			if (b - a >= secs) {
				*due = a + secs;
				return 0;
			}
			secs -= b - a;
		}
	}
	return -1;
}

/* ---------------------------------------------------------- named sets */

cal *cal_set_find(const cal_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return s->v[i].c;
	return NULL;
}

cal *cal_set_add(cal_set *s, const char *name, cp_err *e)
{
	if (cal_set_find(s, name)) {
		cp_fail(e, CP_EX_CONFIG, "calendar %s is defined twice", name);
		return NULL;
	}
	struct cal_named *v = realloc(s->v, (s->n + 1) * sizeof *v);
	if (!v) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	s->v = v;
	struct cal_named *nc = &s->v[s->n];
	nc->name = strdup(name);
	nc->c = cal_new();
	if (!nc->name || !nc->c) {
		free(nc->name);
		cal_free(nc->c);
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	s->n++;
	return nc->c;
}

int cal_set_finish(cal_set *s, const char *path, cp_err *e)
{
	for (size_t i = 0; i < s->n; i++) {
		if (cal_finish(s->v[i].c, e) < 0) {
			char old[sizeof e->msg];
			memcpy(old, e->msg, sizeof old);
			snprintf(e->msg, sizeof e->msg, "%.180s: calendar %.100s: %.200s", path,
			         s->v[i].name, old);
			return -1;
		}
	}
	return 0;
}

void cal_set_free(cal_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		cal_free(s->v[i].c);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}
