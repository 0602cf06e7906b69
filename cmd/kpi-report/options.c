/*
 * Option values: durations, comma lists, and the period a
 * report covers (--tz, --now, --since, --until and the previous period to
 * compare with, --compare).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kpi.h"
#include "tz.h"

/* An option's point in time (tz_parse_when), or a usage error. */
static int64_t parse_when(cp_prog *p, const char *opt, const char *s, int64_t now,
                          const tz *zone)
{
	int64_t t;
	if (tz_parse_when(s, now, zone, &t) < 0)
		cp_usage_error(p, "%s wants an RFC 3339 time, a date or -DURATION: %s", opt, s);
	return t;
}

int64_t parse_dur(cp_prog *p, const char *opt, const char *s)
{
	int64_t d;
	if (dur_parse(s, &d) < 0 || d < 0)
		cp_usage_error(p, "%s wants a duration such as 90s, 15m, 1h30m, 2d: %s", opt, s);
	return d;
}

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

/* --tz, --now, --since, --until and the previous period (--compare). */
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
		cp_usage_error(p, "--tz: %s", e.msg);
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
			cp_usage_error(p, "--until must be after --since");
		/* The period just before, of the same length, or --compare's. */
		int64_t shift = compare ? parse_dur(p, "--compare", compare) : k->until - k->since;
		if (shift < k->until - k->since)
			cp_usage_error(p, "--compare must reach back at least the period's length "
			               "(the periods would overlap)");
		k->prev_since = k->since - shift;
		k->prev_until = k->until - shift;
	} else if (compare) {
		cp_usage_error(p, "--compare needs --since");
	}
}
