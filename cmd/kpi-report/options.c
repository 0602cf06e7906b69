/*
 * Option values: usage errors, durations, comma lists, and the period a
 * report covers (--tz, --now, --since, --until and the previous period to
 * compare with, --compare).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kpi.h"
#include "tz.h"

void usage_error(cp_prog *p, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", p->name);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	cp_usage(p);
}

/* A date, or a date and time, with no offset: "2024-03-01",
 * "2024-03-01T08:00" or "2024-03-01T08:00:00". */
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

static int64_t parse_when(cp_prog *p, const char *opt, const char *s, int64_t now,
                          const tz *zone)
{
	int64_t t, d;
	if (strcmp(s, "now") == 0)
		return now;
	if (s[0] == '-' && dur_parse(s + 1, &d) == 0)
		return now - d;
	if (local_form(s)) {
		/* A wall-clock time of --tz: read it as if UTC, then find the
		 * instant; a time skipped by a DST jump means the jump. */
		char utc[40];
		snprintf(utc, sizeof utc, "%.10sT%s%sZ", s, strlen(s) > 10 ? s + 11 : "00:00:00",
		         strlen(s) == 16 ? ":00" : "");
		if (time_parse(utc, strlen(utc), &t) == 0) {
			tz_from_local(zone, t, &t);
			return t;
		}
	}
	if (time_parse(s, strlen(s), &t) < 0) {
		fprintf(stderr, "%s: %s wants an RFC 3339 time, a date or -DURATION: %s\n", p->name,
		        opt, s);
		cp_usage(p);
	}
	return t;
}

int64_t parse_dur(cp_prog *p, const char *opt, const char *s)
{
	int64_t d;
	if (dur_parse(s, &d) < 0 || d < 0) {
		fprintf(stderr, "%s: %s wants a duration such as 90s, 15m, 1h30m, 2d: %s\n", p->name,
		        opt, s);
		cp_usage(p);
	}
	return d;
}

/* --tz, --now, --since, --until and the previous period (--compare). */
int comma_each(struct kpi *k, const char *list,
               int (*item)(struct kpi *k, const char *name, cp_err *e), cp_err *e)
{
	char *copy = strdup(list), *save = NULL;
	int rc = 0;
	if (!copy)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save))
		rc = item(k, t, e);
	free(copy);
	return rc;
}

/* --tz, --now, --since, --until and --compare. */
void period_set(cp_prog *p, struct kpi *k, const char *tzname, const char *now,
                       const char *since, const char *until, const char *compare)
{
	cp_err e = {0};
	/* Never the process's TZ: only a zone the user named. */
	bool tz_from_env = tzname && *tzname && tzname == getenv("CAREPIPE_TZ");
	if (!tzname || !*tzname)
		tzname = "UTC";
	if (!(k->zone = tz_load(tzname, &e))) {
		if (tz_from_env)
			cp_die(p, CP_EX_CONFIG, "CAREPIPE_TZ: %s", e.msg);
		usage_error(p, "--tz: %s", e.msg);
	}
	k->utc = strcmp(tzname, "UTC") == 0;
	int64_t clock = (int64_t)time(NULL);
	if (now)
		clock = k->now = parse_when(p, "--now", now, clock, k->zone);
	if (since)
		k->since = parse_when(p, "--since", since, clock, k->zone);
	if (until)
		k->until = parse_when(p, "--until", until, clock, k->zone);
	else if (since)
		k->until = clock;
	if (k->since != NO_TIME && k->until != NO_TIME) {
		if (k->until <= k->since)
			usage_error(p, "%s", "--until must be after --since");
		/* The period just before, of the same length, or --compare's. */
		int64_t shift = compare ? parse_dur(p, "--compare", compare) : k->until - k->since;
		if (shift < k->until - k->since)
			usage_error(p, "%s", "--compare must reach back at least the period's length "
			                      "(the periods would overlap)");
		k->prev_since = k->since - shift;
		k->prev_until = k->until - shift;
	} else if (compare) {
		usage_error(p, "%s", "--compare needs --since");
	}
}
