/*
 * Time zones from TZif files (RFC 8536) and POSIX TZ rules.  The process's
 * TZ is never consulted: a calendar in Paris and one in New York can be
 * evaluated side by side, and a test never depends on the machine's zone.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"

/* A POSIX TZ rule: standard time, and optionally daylight time with the
 * two dates it starts and ends. */
struct rule_date {
	char kind;          /* 'J' Julian 1..365 without Feb 29, 'N' 0..365, 'M' */
	int n, m, w, d;     /* n for J/N; month, week 1..5, weekday 0..6 for M */
	int32_t time;       /* seconds after local midnight, may be < 0 or > 24 h */
};

struct posix_rule {
	bool valid;
	int32_t std_off, dst_off;   /* seconds east of UTC */
	bool has_dst;
	struct rule_date start, end;
};

struct tz {
	char *name;
	int64_t *trans;     /* transition instants, ascending */
	uint8_t *idx;       /* type in effect from trans[i] */
	size_t ntrans;
	int32_t *utoff;     /* offset of each local time type */
	size_t ntypes;
	struct posix_rule footer;
};

/* ------------------------------------------------------------ POSIX rules */

static const char *posix_name(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');
		if (!e || e - s < 4)
			return NULL;
		return e + 1;
	}
	const char *b = s;
	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
		s++;
	return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] with hh up to max_h; returns the end or NULL. */
static const char *posix_hms(const char *s, int max_h, bool sign_ok, int32_t *out)
{
	int sign = 1;
	if (sign_ok && (*s == '+' || *s == '-'))
		sign = *s++ == '-' ? -1 : 1;
	int part[3] = { 0, 0, 0 };
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (*s != ':')
				break;
			s++;
		}
		if (*s < '0' || *s > '9')
			return NULL;
		int v = 0, nd = 0;
		while (*s >= '0' && *s <= '9' && nd < 3) {
			v = v * 10 + (*s++ - '0');
			nd++;
		}
		part[i] = v;
	}
	if (part[0] > max_h || part[1] > 59 || part[2] > 59)
		return NULL;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return s;
}

static const char *posix_num(const char *s, int lo, int hi, int *out)
{
	int v = 0, nd = 0;
	while (*s >= '0' && *s <= '9' && nd < 4) {
		v = v * 10 + (*s++ - '0');
		nd++;
	}
	if (nd == 0 || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

static const char *posix_date(const char *s, struct rule_date *d)
{
	if (*s == 'J') {
		d->kind = 'J';
		s = posix_num(s + 1, 1, 365, &d->n);
	} else if (*s == 'M') {
		d->kind = 'M';
		if (!(s = posix_num(s + 1, 1, 12, &d->m)) || *s++ != '.' ||
		    !(s = posix_num(s, 1, 5, &d->w)) || *s++ != '.' ||
		    !(s = posix_num(s, 0, 6, &d->d)))
			return NULL;
	} else {
		d->kind = 'N';
		s = posix_num(s, 0, 365, &d->n);
	}
	if (!s)
		return NULL;
	d->time = 7200;
	if (*s == '/')
		s = posix_hms(s + 1, 167, true, &d->time);
	return s;
}

static int parse_posix(const char *s, struct posix_rule *r)
{
	int32_t off;
	memset(r, 0, sizeof *r);
	if (!(s = posix_name(s)) || !(s = posix_hms(s, 24, true, &off)))
		return -1;
	r->std_off = -off; /* POSIX counts west as positive */
	if (*s == '\0') {
		r->valid = true;
		return 0;
	}
	if (!(s = posix_name(s)))
		return -1;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = posix_hms(s, 24, true, &off)))
			return -1;
		r->dst_off = -off;
	}
	if (*s == '\0') {
		/* No dates: POSIX leaves them to the implementation; the US
		 * rules are what glibc and tzcode assume. */
		r->start = (struct rule_date){ 'M', 0, 3, 2, 0, 7200 };
		r->end = (struct rule_date){ 'M', 0, 11, 1, 0, 7200 };
	} else if (*s++ != ',' || !(s = posix_date(s, &r->start)) || *s++ != ',' ||
	           !(s = posix_date(s, &r->end)) || *s != '\0')
		return -1;
	r->valid = true;
	return 0;
}

static bool leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The local instant (seconds since the epoch of the wall clock) at which
 * a rule date falls in year y. */
static int64_t rule_local(const struct rule_date *d, int64_t y)
{
	int64_t day;
	if (d->kind == 'J') {
		day = time_days_from_civil(y, 1, 1) + d->n - 1;
		if (leap_year(y) && d->n >= 60)
			day++;
	} else if (d->kind == 'N') {
		day = time_days_from_civil(y, 1, 1) + d->n;
	} else {
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int64_t first = time_days_from_civil(y, (unsigned)d->m, 1);
		int wday = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		int len = mdays[d->m - 1] + (d->m == 2 && leap_year(y));
		int mday = 1 + (d->d - wday + 7) % 7 + 7 * (d->w - 1);
		while (mday > len)
			mday -= 7;
		day = first + mday - 1;
	}
	return day * 86400 + d->time;
}

static int32_t rule_offset(const struct posix_rule *r, int64_t t)
{
	if (!r->has_dst)
		return r->std_off;
	int64_t local = t + r->std_off, days = local / 86400, y;
	unsigned m, d;
	if (local % 86400 < 0)
		days--;
	time_civil_from_days(days, &y, &m, &d);
	int64_t start = rule_local(&r->start, y) - r->std_off;
	int64_t end = rule_local(&r->end, y) - r->dst_off;
	bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	return dst ? r->dst_off : r->std_off;
}

/* ------------------------------------------------------------ TZif */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static size_t tzif_body_len(const struct tzif_counts *c, int tsize)
{
	return (size_t)c->time * (size_t)tsize + c->time + (size_t)c->type * 6 + c->chars +
	       (size_t)c->leap * (size_t)(tsize + 4) + c->isstd + c->isut;
}

static int tzif_header(const unsigned char *p, size_t n, struct tzif_counts *c, char *version)
{
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	*version = (char)p[4];
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	if (c->type == 0 || c->type > 256 || c->chars == 0 || c->time > 1000000 ||
	    c->leap > 100000 || (c->isut && c->isut != c->type) ||
	    (c->isstd && c->isstd != c->type))
		return -1;
	return 0;
}

tz *tz_parse_tzif(const unsigned char *p, size_t n, const char *name, cp_err *e)
{
	struct tzif_counts c;
	char version;
	int tsize = 4;
	if (tzif_header(p, n, &c, &version) < 0)
		goto bad;
	size_t body = tzif_body_len(&c, 4);
	if (n - 44 < body)
		goto bad;
	if (version >= '2') {
		p += 44 + body;
		n -= 44 + body;
		if (tzif_header(p, n, &c, &version) < 0)
			goto bad;
		tsize = 8;
		body = tzif_body_len(&c, 8);
		if (n - 44 < body)
			goto bad;
	}
	if (c.leap)
		return cp_fail(e, CP_EX_CONFIG, "time zone %s counts leap seconds (a right/ "
		               "zone): use the zone without right/", name), NULL;

	tz *z = calloc(1, sizeof *z);
	if (!z)
		goto oom;
	z->name = strdup(name);
	z->trans = malloc((c.time ? c.time : 1) * sizeof *z->trans);
	z->idx = malloc(c.time ? c.time : 1);
	z->utoff = malloc(c.type * sizeof *z->utoff);
	if (!z->name || !z->trans || !z->idx || !z->utoff) {
		tz_free(z);
		goto oom;
	}
	const unsigned char *q = p + 44;
	for (uint32_t i = 0; i < c.time; i++, q += tsize) {
		z->trans[i] = tsize == 8 ? be64(q) : (int32_t)be32(q);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			goto bad_free;
	}
	for (uint32_t i = 0; i < c.time; i++, q++) {
		if (*q >= c.type)
			goto bad_free;
		z->idx[i] = *q;
	}
	for (uint32_t i = 0; i < c.type; i++, q += 6) {
		int32_t off = (int32_t)be32(q);
		if (off < -25 * 3600 || off > 26 * 3600)
			goto bad_free;
		z->utoff[i] = off;
	}
	z->ntrans = c.time;
	z->ntypes = c.type;
	if (tsize == 8) {
		/* The footer: "\n" rule "\n" after the v2 body. */
		const unsigned char *f = p + 44 + body, *end = p + n;
		if (f < end && *f == '\n') {
			const unsigned char *nl = memchr(f + 1, '\n', (size_t)(end - f - 1));
			if (nl && nl - f - 1 < 128 && nl > f + 1) {
				char rule[128];
				memcpy(rule, f + 1, (size_t)(nl - f - 1));
				rule[nl - f - 1] = '\0';
				if (parse_posix(rule, &z->footer) < 0)
					goto bad_free;
			}
		}
	}
	return z;
bad_free:
	tz_free(z);
bad:
	cp_fail(e, CP_EX_CONFIG, "time zone %s: not a valid TZif file", name);
	return NULL;
oom:
	cp_fail(e, CP_EX_OSERR, "out of memory");
	return NULL;
}

tz *tz_posix(const char *rule, cp_err *e)
{
	tz *z = calloc(1, sizeof *z);
	if (!z || !(z->name = strdup(rule))) {
		free(z);
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	if (parse_posix(rule, &z->footer) < 0) {
		tz_free(z);
		cp_fail(e, CP_EX_CONFIG, "not a POSIX TZ rule: %s", rule);
		return NULL;
	}
	return z;
}

static bool safe_zone_name(const char *name)
{
	if (!*name || *name == '/' || strlen(name) > 200)
		return false;
	for (const char *s = name; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("/_+-.", *s)))
			return false;
		if (s[0] == '.' && (s == name || s[-1] == '/'))
			return false; /* no "..", no hidden files */
	}
	return true;
}

tz *tz_load(const char *name, cp_err *e)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if (safe_zone_name(name)) {
		snprintf(path, sizeof path, "%s/%s", dir, name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			struct stat st;
			unsigned char *data = NULL;
			ssize_t got = -1;
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (1 << 20) &&
			    (data = malloc((size_t)st.st_size + 1)))
				got = read(fd, data, (size_t)st.st_size);
			close(fd);
			tz *z = NULL;
			if (got == st.st_size)
				z = tz_parse_tzif(data, (size_t)got, name, e);
			else
				cp_fail(e, CP_EX_CONFIG, "time zone %s: cannot read %s", name, path);
			free(data);
			return z;
		}
	}
	struct posix_rule r;
	if (parse_posix(name, &r) == 0)
		return tz_posix(name, e);
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0 || strcmp(name, "GMT") == 0) {
		/* Known without tzdata, for minimal systems. */
		tz *z = tz_posix("UTC0", e);
		if (z) {
			free(z->name);
			if (!(z->name = strdup(name))) {
				tz_free(z);
				cp_fail(e, CP_EX_OSERR, "out of memory");
				return NULL;
			}
		}
		return z;
	}
	cp_fail(e, CP_EX_CONFIG, "unknown time zone %s (no %s/%s; is tzdata installed?)",
	        name, dir, name);
	return NULL;
}

void tz_free(tz *z)
{
	if (!z)
		return;
	free(z->name);
	free(z->trans);
	free(z->idx);
	free(z->utoff);
	free(z);
}

const char *tz_name(const tz *z)
{
	return z->name;
}

int32_t tz_offset(const tz *z, int64_t t)
{
	if (z->ntrans == 0)
		return z->footer.valid ? rule_offset(&z->footer, t) : z->utoff[0];
	if (t < z->trans[0])
		return z->utoff[0];
	if (t >= z->trans[z->ntrans - 1] && z->footer.valid)
		return rule_offset(&z->footer, t);
	size_t lo = 0, hi = z->ntrans; /* trans[lo] <= t < trans[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->utoff[z->idx[lo]];
}

int tz_from_local(const tz *z, int64_t local, int64_t *utc)
{
	/* The offsets in force around the wall time: real zones change at
	 * most once within a few days, so these are all the candidates. */
	int32_t off[3] = { tz_offset(z, local - 2 * 86400), tz_offset(z, local - tz_offset(z, local)),
	                   tz_offset(z, local + 2 * 86400) };
	int64_t best = 0;
	int nvalid = 0;
	bool ambiguous = false;
	for (int i = 0; i < 3; i++) {
		int64_t u = local - off[i];
		if (u + tz_offset(z, u) != local)
			continue;
		if (nvalid && u != best)
			ambiguous = true;
		if (!nvalid || u < best)
			best = u;
		nvalid++;
	}
	if (nvalid) {
		*utc = best;
		return ambiguous ? TZ_AMBIGUOUS : TZ_EXACT;
	}
	/* A gap: the first instant whose wall time is past local. */
	int64_t lo = local - (off[0] > off[2] ? off[0] : off[2]);
	int64_t hi = local - (off[0] < off[2] ? off[0] : off[2]);
	if (lo + tz_offset(z, lo) > local || hi + tz_offset(z, hi) <= local) {
		*utc = local - off[0]; /* not one plain gap: keep the earlier offset */
		return TZ_GAP;
	}
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (mid + tz_offset(z, mid) > local)
			hi = mid;
		else
			lo = mid;
	}
	*utc = hi;
	return TZ_GAP;
}

/* ------------------------------------------------------ local times */

static bool parse_whole(const char *s, const char *fmt, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	tm->tm_mday = 1;
	tm->tm_year = 70;
	const char *end = strptime(s, fmt, tm);
	return end && *end == '\0';
}

int tz_parse_local(const tz *zone, const char *s, size_t n, const char *fmt, int64_t *t)
{
	/* The naive forms spreadsheets and databases write. */
	static const char *const naive[] = {
		"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
		"%Y-%m-%dT%H:%M", "%Y-%m-%d",
	};
	char z[64];
	struct tm tm;
	bool matched = false, offset = false;
	if (n == 0 || n >= sizeof z || memchr(s, '\0', n))
		return -1;
	memcpy(z, s, n);
	z[n] = '\0';
	if (fmt) {
		if (strstr(fmt, "%s"))
			return -1;
		matched = parse_whole(z, fmt, &tm);
		offset = strstr(fmt, "%z") != NULL;
	} else {
		for (size_t k = 0; k < sizeof naive / sizeof *naive && !matched; k++)
			matched = parse_whole(z, naive[k], &tm);
	}
	if (!matched)
		return -1;
	/* strptime checks each field's range, not the date: 31 February. */
	int64_t y = (int64_t)tm.tm_year + 1900;
	int64_t days = time_days_from_civil(y, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
	int64_t cy;
	unsigned cm, cd;
	time_civil_from_days(days, &cy, &cm, &cd);
	if (cy != y || cm != (unsigned)tm.tm_mon + 1 || cd != (unsigned)tm.tm_mday ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	int64_t local = days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	if (offset)
		*t = local - tm.tm_gmtoff;
	else if (zone)
		tz_from_local(zone, local, t);
	else
		*t = local;
	return *t < TIME_MIN || *t > TIME_MAX ? -2 : 0;
}

/* A date, or a date and time, with no offset: "2024-03-01",
 * "2024-03-01T08:00" or "2024-03-01T08:00:00" (a space for the T). */
static bool local_form(const char *s)
{
	size_t n = strlen(s);
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (n == 10)
		return true;
	return (s[10] == 'T' || s[10] == ' ') && (n == 16 || (n == 19 && s[16] == ':')) &&
	       s[13] == ':';
}

int tz_parse_when(const char *s, int64_t now, const tz *zone, int64_t *t)
{
	int64_t d;
	if (strcmp(s, "now") == 0) {
		*t = now;
		return 0;
	}
	if (s[0] == '-' && dur_parse(s + 1, &d) == 0) {
		*t = now - d;
		return 0;
	}
	if (zone && local_form(s)) {
		/* A wall-clock time of the zone: read it as if UTC, then find
		 * the instant. */
		char utc[40];
		int64_t local;
		snprintf(utc, sizeof utc, "%.10sT%s%sZ", s, strlen(s) > 10 ? s + 11 : "00:00:00",
		         strlen(s) == 16 ? ":00" : "");
		if (time_parse(utc, strlen(utc), &local) == 0) {
			tz_from_local(zone, local, t);
			return 0;
		}
	}
	return time_parse(s, strlen(s), t);
}
