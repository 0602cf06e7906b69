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

#include "calendar.h"
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

static int read_whole(const char *path, const char *dir, buf *out, char *resolved,
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
		buf text = {0};
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

int cal_parse(cal *c, const char *text, size_t n, const char *name, const char *dir,
              cp_err *e)
{
	const char *p = text, *end = text + n;
	buf line = {0};
	for (uint64_t lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		buf_reset(&line);
		if (buf_add(&line, p, len) < 0 || !buf_cstr(&line)) {
			buf_free(&line);
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
		if (memchr(line.p, '\0', line.len)) {
			buf_free(&line);
			return cp_fail(e, CP_EX_CONFIG, "%s:%llu: NUL byte", name,
			               (unsigned long long)lineno);
		}
		if (cal_directive(c, line.p, dir, e) < 0) {
			err_prefix(e, name, lineno);
			buf_free(&line);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	buf_free(&line);
	return 0;
}

/* ------------------------------------------------------------ iCalendar */

struct vevent {
	char dtstart[32], dtend[32], duration[32], status[32];
	bool start_date, end_date; /* VALUE=DATE, or a value without time */
	char rrule[256];
	buf exdates;
	bool has_start;
};

/* "NAME;PARAM=...:VALUE": name (upper-cased), whether VALUE=DATE was
 * given, and the value. */
static void ical_split(const char *line, char *name, size_t nn, bool *is_date,
                       const char **value)
{
	size_t i = 0;
	while (line[i] && line[i] != ';' && line[i] != ':' && i + 1 < nn) {
		name[i] = (char)toupper((unsigned char)line[i]);
		i++;
	}
	name[i] = '\0';
	*is_date = false;
	const char *p = line + i;
	bool quoted = false;
	for (; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == ':')
			break;
		else if (!quoted && strncasecmp(p, "VALUE=DATE", 10) == 0 &&
		         (p[10] == ';' || p[10] == ':'))
			*is_date = true;
	}
	*value = *p ? p + 1 : p;
}

/* A DATE or DATE-TIME value: the date, and whether a time was given. */
static int ical_date(const char *v, int64_t *day, bool *timed)
{
	const char *p = v;
	for (int i = 0; i < 8; i++)
		if (!isdigit((unsigned char)p[i]))
			return -1;
	if (!parse_date(p, day))
		return -1;
	*timed = p[8] == 'T';
	return p[8] == '\0' || p[8] == 'T' ? 0 : -1;
}

static int ical_event(cal *c, struct vevent *ev, const char *name, uint64_t lineno,
                      cp_err *e)
{
	int64_t start, end;
	bool timed;
	if (!ev->has_start)
		return cp_fail(e, CP_EX_CONFIG, "%s:%llu: VEVENT without DTSTART", name,
		               (unsigned long long)lineno);
	if (strcasecmp(ev->status, "CANCELLED") == 0)
		return 0;
	if (ical_date(ev->dtstart, &start, &timed) < 0)
		return cp_fail(e, CP_EX_CONFIG, "%s:%llu: bad DTSTART %s", name,
		               (unsigned long long)lineno, ev->dtstart);
	if (timed) {
		c->skipped++; /* an appointment, not a day off */
		return 0;
	}
	int64_t len = 1;
	if (ev->dtend[0]) {
		if (ical_date(ev->dtend, &end, &timed) < 0 || timed || end <= start)
			return cp_fail(e, CP_EX_CONFIG, "%s:%llu: bad DTEND %s", name,
			               (unsigned long long)lineno, ev->dtend);
		len = end - start;
	} else if (ev->duration[0]) {
		/* P<n>D or P<n>W: all a day-long event can last. */
		char *q;
		long v = strtol(ev->duration + 1, &q, 10);
		if (ev->duration[0] != 'P' || v <= 0 || (*q != 'D' && *q != 'W') || q[1])
			return cp_fail(e, CP_EX_CONFIG, "%s:%llu: unsupported DURATION %s", name,
			               (unsigned long long)lineno, ev->duration);
		len = *q == 'W' ? v * 7 : v;
	}
	if (len > 366)
		return cp_fail(e, CP_EX_CONFIG, "%s:%llu: event longer than a year", name,
		               (unsigned long long)lineno);

	int64_t y;
	unsigned m, d;
	time_civil_from_days(start, &y, &m, &d);
	long count = 1, interval = 1;
	int64_t until = INT64_MAX;
	if (ev->rrule[0]) {
		bool yearly = false;
		count = -1;
		char rule[256];
		snprintf(rule, sizeof rule, "%s", ev->rrule);
		for (char *save = NULL, *part = strtok_r(rule, ";", &save); part;
		     part = strtok_r(NULL, ";", &save)) {
			char *eq = strchr(part, '=');
			if (!eq)
				goto bad_rule;
			*eq++ = '\0';
			char *q;
			if (strcasecmp(part, "FREQ") == 0) {
				yearly = strcasecmp(eq, "YEARLY") == 0;
			} else if (strcasecmp(part, "COUNT") == 0) {
				count = strtol(eq, &q, 10);
				if (*q || count <= 0)
					goto bad_rule;
			} else if (strcasecmp(part, "INTERVAL") == 0) {
				interval = strtol(eq, &q, 10);
				if (*q || interval <= 0)
					goto bad_rule;
			} else if (strcasecmp(part, "UNTIL") == 0) {
				if (ical_date(eq, &until, &timed) < 0)
					goto bad_rule;
			} else if (strcasecmp(part, "BYMONTH") == 0) {
				if (strtol(eq, &q, 10) != (long)m || *q)
					goto bad_rule;
			} else if (strcasecmp(part, "BYMONTHDAY") == 0) {
				if (strtol(eq, &q, 10) != (long)d || *q)
					goto bad_rule;
			} else if (strcasecmp(part, "WKST") != 0) {
				goto bad_rule;
			}
		}
		if (!yearly)
			goto bad_rule;
	}
	long made = 0;
	for (int64_t yy = y; yy <= 2199 && (count < 0 || made < count); yy += interval) {
		if (!valid_date((int)yy, (int)m, (int)d))
			continue; /* Feb 29 in a common year: RFC 5545 skips it */
		int64_t occ = time_days_from_civil(yy, m, d);
		if (occ > until)
			break;
		made++;
		bool excluded = false;
		for (size_t k = 0; k + sizeof(int64_t) <= ev->exdates.len; k += sizeof(int64_t)) {
			int64_t x;
			memcpy(&x, ev->exdates.p + k, sizeof x);
			if (x == occ)
				excluded = true;
		}
		if (excluded)
			continue;
		for (int64_t k = 0; k < len; k++)
			if (add_holiday(c, occ + k, e) < 0)
				return -1;
		if (!ev->rrule[0])
			break;
	}
	return 0;
bad_rule:
	return cp_fail(e, CP_EX_CONFIG, "%s:%llu: unsupported RRULE %s (only yearly "
	               "rules on the start date)", name, (unsigned long long)lineno, ev->rrule);
}

static int ical_parse(cal *c, const char *text, size_t n, const char *name, cp_err *e)
{
	buf line = {0};
	struct vevent ev;
	bool in_event = false;
	int rc = 0;
	const char *p = text, *end = text + n;
	uint64_t lineno = 0, start_line = 0;
	memset(&ev, 0, sizeof ev);
	while (p < end && rc == 0) {
		/* One logical line: a CRLF (or LF) followed by a blank folds. */
		uint64_t first = lineno + 1;
		buf_reset(&line);
		for (;;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *le = nl ? nl : end;
			size_t len = (size_t)(le - p);
			if (len && p[len - 1] == '\r')
				len--;
			if (buf_add(&line, p, len) < 0)
				rc = cp_fail(e, CP_EX_OSERR, "out of memory");
			lineno++;
			p = nl ? nl + 1 : end;
			if (p < end && (*p == ' ' || *p == '\t'))
				p++;
			else
				break;
		}
		if (rc || !buf_cstr(&line))
			break;
		char pname[32];
		bool is_date;
		const char *value;
		ical_split(line.p, pname, sizeof pname, &is_date, &value);
		if (strcmp(pname, "BEGIN") == 0 && strcasecmp(value, "VEVENT") == 0) {
			buf_free(&ev.exdates);
			memset(&ev, 0, sizeof ev);
			in_event = true;
			start_line = first;
		} else if (strcmp(pname, "END") == 0 && strcasecmp(value, "VEVENT") == 0 && in_event) {
			rc = ical_event(c, &ev, name, start_line, e);
			in_event = false;
		} else if (in_event) {
			if (strcmp(pname, "DTSTART") == 0) {
				snprintf(ev.dtstart, sizeof ev.dtstart, "%s", value);
				ev.has_start = true;
				ev.start_date = is_date;
			} else if (strcmp(pname, "DTEND") == 0) {
				snprintf(ev.dtend, sizeof ev.dtend, "%s", value);
				ev.end_date = is_date;
			} else if (strcmp(pname, "DURATION") == 0) {
				snprintf(ev.duration, sizeof ev.duration, "%s", value);
			} else if (strcmp(pname, "STATUS") == 0) {
				snprintf(ev.status, sizeof ev.status, "%s", value);
			} else if (strcmp(pname, "RRULE") == 0) {
				snprintf(ev.rrule, sizeof ev.rrule, "%s", value);
			} else if (strcmp(pname, "EXDATE") == 0) {
				for (const char *q = value; *q && rc == 0;) {
					int64_t day; /* a DATE or the date of a DATE-TIME */
					if (!parse_date(q, &day) || q[4] == '-')
						rc = cp_fail(e, CP_EX_CONFIG, "%s:%llu: bad EXDATE %s", name,
						             (unsigned long long)first, value);
					else if (buf_add(&ev.exdates, &day, sizeof day) < 0)
						rc = cp_fail(e, CP_EX_OSERR, "out of memory");
					const char *comma = strchr(q, ',');
					q = comma ? comma + 1 : q + strlen(q);
				}
			}
		}
	}
	if (rc == 0 && in_event)
		rc = cp_fail(e, CP_EX_CONFIG, "%s:%llu: VEVENT not ended", name,
		             (unsigned long long)start_line);
	buf_free(&ev.exdates);
	buf_free(&line);
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
	buf line = {0};
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
	buf text = {0};
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
