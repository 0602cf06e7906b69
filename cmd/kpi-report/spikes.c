/*
 * Spikes: for the whole input, or with --by for each group on its own,
 * hourly inbound volume and the hourly share of negative sentiment; and
 * for each tag the share of inbound records carrying it.  Each series is
 * compared with its own trailing baseline: an hour alerts when
 *
 *     z = (value - mean) / max(sd, floor) > k
 *
 * over the hours of the window before it; minor above k, moderate above
 * 1.5k, major above 2k.  A flat baseline would make any change infinitely
 * surprising, so the sd is floored: sqrt(max(mean, 1)) for volume (the
 * spread of a Poisson count of that mean), 0.05 for a share.  After an
 * alert a series stays quiet for the cooldown, except that an hour of a
 * higher severity, or of twice the value of the last alert, alerts again
 * (escalated): a bigger surge is never hidden by the smaller one before
 * it.
 */
#include <stdlib.h>
#include <string.h>

#include "kpi.h"

#define MIN_BASELINE_HOURS 24
#define MAX_SPAN_HOURS (200LL * 366 * 24)

int series_add(struct htab *h, int64_t hour, uint64_t in, uint64_t neg, uint64_t lab)
{
	bool fresh;
	struct hslot *x = ht_put(h, hour_key(hour), &fresh);
	if (!x)
		return -1;
	x->in += in;
	x->neg += neg;
	x->lab += lab;
	return 0;
}

struct htab *tag_series(struct kpi *k, const char *tag, size_t n)
{
	struct sment *e = smap_put(&k->tag_hours, tag, n, kpi_hash(tag, n));
	if (!e)
		return NULL;
	if (!e->v) {
		struct htab *h = calloc(1, sizeof *h);
		if (!h)
			return NULL;
		h->esize = sizeof(struct hslot);
		e->v = h;
	}
	return e->v;
}

int hour_add(struct kpi *k, int64_t h, uint64_t n_in, uint64_t n_out, uint64_t n_neg,
             uint64_t n_lab)
{
	/* Records come in hours: the last one is the likely one. */
	if (h != k->last_hour || k->last_hour_at >= k->nhours) {
		struct sment *e = smap_put(&k->hours_map, (const char *)&h, sizeof h,
		                           kpi_hash(&h, sizeof h));
		if (!e)
			return -1;
		if (!e->v) {
			if (k->nhours == k->hcap) {
				size_t ncap = k->hcap ? k->hcap * 2 : 64;
				struct hour *nh = realloc(k->hours, ncap * sizeof *nh);
				if (!nh)
					return -1;
				k->hours = nh;
				k->hcap = ncap;
			}
			k->hours[k->nhours] = (struct hour){ h, 0, 0, 0, 0 };
			e->v = (void *)(uintptr_t)(k->nhours + 1);
			k->nhours++;
		}
		k->last_hour = h;
		k->last_hour_at = (uintptr_t)e->v - 1;
	}
	struct hour *x = &k->hours[k->last_hour_at];
	x->in += n_in;
	x->out += n_out;
	x->neg += n_neg;
	x->labelled += n_lab;
	return 0;
}

static int hour_cmp(const void *a, const void *b)
{
	const struct hour *x = a, *y = b;
	return x->h < y->h ? -1 : x->h > y->h;
}

/* Sorting invalidates hours_map's indices, so the map goes too. */
void hours_sort(struct kpi *k)
{
	smap_free(&k->hours_map);
	k->last_hour = NO_TIME;
	if (k->nhours > 1)
		qsort(k->hours, k->nhours, sizeof *k->hours, hour_cmp);
}

static int severity_level(double z, double kk)
{
	return z > 2 * kk ? 3 : z > 1.5 * kk ? 2 : z > kk ? 1 : 0;
}

static const char *const severity_names[] = { "none", "minor", "moderate", "major" };

static int push_alert(struct kpi *k, const struct alert *a)
{
	struct alert *na = realloc(k->alerts, (k->nalerts + 1) * sizeof *na);
	if (!na)
		return -1;
	k->alerts = na;
	k->alerts[k->nalerts++] = *a;
	return 0;
}

/* The alerts of one series: x[i] for the hour h0 + i where has[i].  The
 * baseline is the window of hours before i (sums kept as it slides);
 * volume says which sd floor applies. */
static int detect(struct kpi *k, const double *x, const bool *has, size_t span, int64_t h0,
                  const char *metric, const struct group *g, const char *tag, bool volume)
{
	size_t win = (size_t)(k->spike_window / 3600);
	int64_t cool = k->spike_cooldown / 3600, quiet_until = INT64_MIN;
	int last_level = 0;
	double last_value = 0, n = 0, s = 0, ss = 0;
	if (win < 1)
		win = 1;
	for (size_t i = 0; i < span; i++) {
		if (i >= 1 && has[i - 1]) {
			n++;
			s += x[i - 1];
			ss += x[i - 1] * x[i - 1];
		}
		if (i >= win + 1 && has[i - 1 - win]) {
			n--;
			s -= x[i - 1 - win];
			ss -= x[i - 1 - win] * x[i - 1 - win];
		}
		int64_t hour = h0 + (int64_t)i;
		if (!has[i] || n < MIN_BASELINE_HOURS ||
		    (k->since != NO_TIME && hour * 3600 < k->since) ||
		    (k->until != NO_TIME && hour * 3600 >= k->until))
			continue;
		double mean = s / n, var = ss / n - mean * mean;
		double sd = sqrt(var > 0 ? var : 0);
		double floor_sd = volume ? sqrt(mean > 1 ? mean : 1) : 0.05;
		double z = (x[i] - mean) / (sd > floor_sd ? sd : floor_sd);
		int level = severity_level(z, k->spike_k);
		if (!level)
			continue;
		bool cooling = hour < quiet_until;
		if (cooling && level <= last_level && !(x[i] >= 2 * last_value))
			continue;
		struct alert al = { metric, g, tag, hour, x[i], mean, sd, floor_sd, z, (uint32_t)n,
		                    severity_names[level], cooling };
		if (push_alert(k, &al) < 0)
			return -1;
		quiet_until = hour + cool;
		last_level = level;
		last_value = x[i];
	}
	return 0;
}

/* Volume and negative share of a series given as dense counts. */
static int detect_counts(struct kpi *k, const double *in, const double *neg, const double *lab,
                         double *share, bool *has, size_t span, int64_t h0, const struct group *g)
{
	for (size_t i = 0; i < span; i++)
		has[i] = true;
	if (detect(k, in, has, span, h0, "volume", g, NULL, true) < 0)
		return -1;
	for (size_t i = 0; i < span; i++) {
		has[i] = lab[i] >= (double)k->spike_min;
		share[i] = has[i] ? neg[i] / lab[i] : 0;
	}
	return detect(k, share, has, span, h0, "negative_share", g, NULL, false);
}

/* Spread a group's or tag's hours over the dense arrays (zeroed first). */
static void spread(const struct htab *h, int64_t h0, size_t span, double *in, double *neg,
                   double *lab)
{
	memset(in, 0, span * sizeof *in);
	memset(neg, 0, span * sizeof *neg);
	memset(lab, 0, span * sizeof *lab);
	const struct hslot *x;
	for (size_t i = 0; (x = ht_next(h, &i));) {
		int64_t hour = key_hour(x->key);
		if (hour < h0 || hour >= h0 + (int64_t)span)
			continue;
		in[hour - h0] = (double)x->in;
		neg[hour - h0] = (double)x->neg;
		lab[hour - h0] = (double)x->lab;
	}
}

static int alert_cmp(const void *a, const void *b)
{
	const struct alert *x = a, *y = b;
	if (x->hour != y->hour)
		return x->hour < y->hour ? -1 : 1;
	int c = strcmp(x->g ? x->g->key : "", y->g ? y->g->key : "");
	if (c)
		return c;
	if ((c = strcmp(x->metric, y->metric)))
		return c;
	return strcmp(x->tag ? x->tag : "", y->tag ? y->tag : "");
}

int spikes_find(struct kpi *k)
{
	hours_sort(k);
	if (!k->nhours)
		return 0;
	int64_t h0 = k->hours[0].h, h1 = k->hours[k->nhours - 1].h;
	if (h1 - h0 + 1 > MAX_SPAN_HOURS)
		h0 = h1 - MAX_SPAN_HOURS + 1;
	size_t span = (size_t)(h1 - h0 + 1);
	/* Dense series: hours with no inbound record are zero volume. */
	double *tin = calloc(span, sizeof *tin), *in = calloc(span, sizeof *in),
	       *neg = calloc(span, sizeof *neg), *lab = calloc(span, sizeof *lab),
	       *share = calloc(span, sizeof *share);
	bool *has = calloc(span, sizeof *has);
	int rc = -1;
	if (!tin || !in || !neg || !lab || !share || !has)
		goto out;
	for (size_t i = 0; i < k->nhours; i++) {
		if (k->hours[i].h < h0)
			continue;
		size_t at = (size_t)(k->hours[i].h - h0);
		tin[at] = (double)k->hours[i].in;
		neg[at] = (double)k->hours[i].neg;
		lab[at] = (double)k->hours[i].labelled;
	}
	if (!k->nkeys) {
		if (detect_counts(k, tin, neg, lab, share, has, span, h0, NULL) < 0)
			goto out;
	} else {
		for (size_t gi = 0; gi < k->ng; gi++) {
			const struct group *g = k->g[gi];
			if (g->fam != FAM_BY || !g->hours.n)
				continue;
			spread(&g->hours, h0, span, in, neg, lab);
			if (detect_counts(k, in, neg, lab, share, has, span, h0, g) < 0)
				goto out;
		}
	}
	/* A tag's share of the inbound records, in hours with enough of them. */
	for (size_t ti = 0; ti < k->tag_hours.cap; ti++) {
		const struct sment *e = &k->tag_hours.t[ti];
		if (!e->k)
			continue;
		spread(e->v, h0, span, in, neg, lab);
		for (size_t i = 0; i < span; i++) {
			has[i] = tin[i] >= (double)k->spike_min;
			share[i] = has[i] ? in[i] / tin[i] : 0;
		}
		if (detect(k, share, has, span, h0, "tag_share", NULL, e->k, false) < 0)
			goto out;
	}
	if (k->nalerts > 1)
		qsort(k->alerts, k->nalerts, sizeof *k->alerts, alert_cmp);
	rc = 0;
out:
	free(tin);
	free(in);
	free(neg);
	free(lab);
	free(share);
	free(has);
	return rc;
}

void alert_group(const struct alert *a, cp_buf *o)
{
	if (!a->g) {
		buf_adds(o, "(all)");
		return;
	}
	for (const char *p = a->g->key; *p; p++)
		*p == '\x1f' ? buf_adds(o, ", ") : buf_addc(o, *p);
}
