/*
 * The one time parser.  Civil-date arithmetic is done by hand (Howard
 * Hinnant's algorithms) rather than through mktime/timegm, so parsing
 * never depends on TZ and is the same on every machine.
 */
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "tz.h"

int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static int days_in_month(int64_t y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* n digits at *p as a number; advances *p.  -1 when not all digits. */
static int digits(const char **p, const char *end, int n)
{
	int v = 0;
	if (end - *p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	return v;
}

static int civil_ok(int64_t y, int mo, int d, int h, int mi, int s)
{
	return mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, (unsigned)mo) &&
	       h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

static int64_t to_epoch(int64_t y, int mo, int d, int h, int mi, int s)
{
	if (s == 60)
		s = 59; /* a leap second reads as the second before it */
	return time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
	       mi * 60 + s;
}

static int parse_rfc3339(const char *p, const char *end, int64_t *t)
{
	int y = digits(&p, end, 4);
	if (y < 0 || p >= end || *p++ != '-')
		return -1;
	int mo = digits(&p, end, 2);
	if (mo < 0 || p >= end || *p++ != '-')
		return -1;
	int d = digits(&p, end, 2);
	if (d < 0)
		return -1;
	int h = 0, mi = 0, s = 0, off = 0;
	if (p == end) {
		/* A bare date means its midnight, UTC. */
		if (!civil_ok(y, mo, d, 0, 0, 0))
			return -1;
		*t = to_epoch(y, mo, d, 0, 0, 0);
		return 0;
	}
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	h = digits(&p, end, 2);
	if (h < 0 || p >= end || *p++ != ':')
		return -1;
	mi = digits(&p, end, 2);
	if (mi < 0 || p >= end || *p++ != ':')
		return -1;
	s = digits(&p, end, 2);
	if (s < 0)
		return -1;
	if (p < end && *p == '.') {
		p++;
		const char *f = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == f)
			return -1;
	}
	if (p >= end)
		return -1; /* RFC 3339 needs an offset */
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		int oh = digits(&p, end, 2);
		if (oh < 0 || oh > 23)
			return -1;
		if (p < end && *p == ':')
			p++;
		int om = digits(&p, end, 2);
		if (om < 0 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (p != end || !civil_ok(y, mo, d, h, mi, s))
		return -1;
	*t = to_epoch(y, mo, d, h, mi, s) - off;
	return 0;
}

static int month_index(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int i = 0; i < 12; i++)
		if (strncmp(names + 3 * i, p, 3) == 0)
			return i + 1;
	return -1;
}

/* "Tue Oct 31 22:10:47 +0000 2017" */
static int parse_twitter(const char *p, const char *end, int64_t *t)
{
	if (end - p != 30 || p[3] != ' ' || p[7] != ' ' || p[10] != ' ' || p[19] != ' ' ||
	    p[25] != ' ')
		return -1;
	static const char *wd = "MonTueWedThuFriSatSun";
	bool wd_ok = false;
	for (int i = 0; i < 7; i++)
		if (strncmp(wd + 3 * i, p, 3) == 0)
			wd_ok = true;
	int mo = month_index(p + 4);
	if (!wd_ok || mo < 0)
		return -1;
	const char *q = p + 8;
	int d = digits(&q, end, 2);
	q = p + 11;
	int h = digits(&q, end, 2);
	if (h < 0 || *q++ != ':')
		return -1;
	int mi = digits(&q, end, 2);
	if (mi < 0 || *q++ != ':')
		return -1;
	int s = digits(&q, end, 2);
	q = p + 20;
	if (*q != '+' && *q != '-')
		return -1;
	int sign = *q++ == '-' ? -1 : 1;
	int oh = digits(&q, end, 2), om = digits(&q, end, 2);
	q = p + 26;
	int y = digits(&q, end, 4);
	if (d < 0 || s < 0 || oh < 0 || om < 0 || y < 0 || !civil_ok(y, mo, d, h, mi, s))
		return -1;
	*t = to_epoch(y, mo, d, h, mi, s) - sign * (oh * 3600 + om * 60);
	return 0;
}

/* Epoch numbers: seconds below 1e11 (up to 5138), milliseconds from 1e11
 * (March 1973 on).  A number has no unit, so one cut-off decides; ms
 * before 1973 and seconds after 5138 cannot be told apart from the other,
 * and neither occurs in a mention. */
#define EPOCH_MS_FROM 100000000000LL

static int parse_epoch(const char *s, size_t n, int64_t *t)
{
	size_t i = s[0] == '-' ? 1 : 0;
	if (n - i > 15)
		return -2; /* past 9999 even as milliseconds */
	int64_t v = 0;
	for (; i < n; i++)
		v = v * 10 + (s[i] - '0');
	if (s[0] == '-')
		v = -v;
	*t = v >= EPOCH_MS_FROM ? v / 1000 : v;
	return 0;
}

int time_parse(const char *s, size_t n, int64_t *t)
{
	const char *end = s + n;
	int64_t v;
	int rc;
	if (n == 0)
		return -1;
	size_t i = s[0] == '-' ? 1 : 0, j = i;
	while (j < n && s[j] >= '0' && s[j] <= '9')
		j++;
	if (i < n && j == n)
		rc = parse_epoch(s, n, &v);
	else if (n >= 10 && s[4] == '-')
		rc = parse_rfc3339(s, end, &v);
	else
		rc = parse_twitter(s, end, &v);
	if (rc < 0)
		return rc;
	if (v < TIME_MIN || v > TIME_MAX)
		return -2;
	*t = v;
	return 0;
}

int time_format(int64_t t, char out[32])
{
	/* Callers bound what they parse, but sums (a due time) may still pass
	 * the end: the last second of 9999 stands for any later time, so
	 * every time written is RFC 3339 with a four-digit year. */
	if (t < TIME_MIN)
		t = TIME_MIN;
	if (t > TIME_MAX)
		t = TIME_MAX;
	int64_t days = t / 86400, secs = t % 86400;
	int64_t y;
	unsigned m, d;
	time_civil_from_days(days, &y, &m, &d);
	return snprintf(out, 32, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
	                (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

int dur_parse(const char *s, int64_t *secs)
{
	int64_t total = 0;
	bool any = false;
	if (!s || !*s)
		return -1;
	while (*s) {
		if (*s < '0' || *s > '9')
			return -1;
		int64_t v = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s++ - '0');
			if (v > DUR_MAX)
				return -2;
		}
		int64_t unit;
		switch (*s) {
		case '\0': unit = 1; break;
		case 's': unit = 1; s++; break;
		case 'm': unit = 60; s++; break;
		case 'h': unit = 3600; s++; break;
		case 'd': unit = 86400; s++; break;
		case 'w': unit = 7 * 86400; s++; break;
		default: return -1;
		}
		if (unit == 1 && *s == '\0' && any && s[-1] != 's')
			return -1; /* "1h30" is ambiguous */
		total += v * unit;
		if (total > DUR_MAX)
			return -2;
		any = true;
	}
	*secs = total;
	return 0;
}

int dur_format(int64_t secs, char out[32])
{
	static const struct { char u; int64_t n; } units[] = {
		{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
	};
	int len = 0;
	if (secs < 0) {
		out[len++] = '-';
		secs = -secs;
	}
	if (secs == 0)
		return snprintf(out, 32, "0s");
	for (size_t i = 0; i < 4; i++) {
		if (secs >= units[i].n) {
			len += snprintf(out + len, (size_t)(32 - len), "%lld%c",
			                (long long)(secs / units[i].n), units[i].u);
			secs %= units[i].n;
		}
	}
	return len;
}

int time_parse_when(const char *s, int64_t now, int64_t *t)
{
	return tz_parse_when(s, now, NULL, t);
}
