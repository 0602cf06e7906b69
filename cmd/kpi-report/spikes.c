/*
 * Spikes: hourly inbound volume, and the hourly share of negative
 * sentiment, against a trailing baseline.  An hour alerts when its value
 * passes mean + k*sd of the hours in the window before it; minor above k,
 * moderate above 1.5k, major above 2k.  A flat baseline would make any
 * change infinitely surprising, so the sd is floored: sqrt(mean) (a
 * Poisson count's own spread) for volume, 0.05 for the share.
 */
#include <stdlib.h>
#include <string.h>

#include "kpi.h"

#define MIN_BASELINE_HOURS 24
#define MAX_SPAN_HOURS (200LL * 366 * 24)

int hour_add(struct kpi *k, int64_t h, uint64_t n_in, uint64_t n_out, uint64_t n_neg,
             uint64_t n_lab)
{
	if (h == k->last_hour && k->last_hour_at < k->nhours) {
		struct hour *x = &k->hours[k->last_hour_at];
		x->in += n_in;
		x->out += n_out;
		x->neg += n_neg;
		x->labelled += n_lab;
		return 0;
	}
	struct sment *e = smap_put(&k->hours_map, (const char *)&h, sizeof h, kpi_hash(&h, sizeof h));
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

static const char *severity(double z, double kk)
{
	return z > 2 * kk ? "major" : z > 1.5 * kk ? "moderate" : "minor";
}

static int push_alert(struct kpi *k, struct alert a)
{
	struct alert *na = realloc(k->alerts, (k->nalerts + 1) * sizeof *na);
	if (!na)
		return -1;
	k->alerts = na;
	k->alerts[k->nalerts++] = a;
	return 0;
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
	double *vol = calloc(span, sizeof *vol), *share = calloc(span, sizeof *share);
	bool *has_share = calloc(span, sizeof *has_share);
	if (!vol || !share || !has_share) {
		free(vol);
		free(share);
		free(has_share);
		return -1;
	}
	for (size_t i = 0; i < k->nhours; i++) {
		if (k->hours[i].h < h0)
			continue;
		size_t at = (size_t)(k->hours[i].h - h0);
		vol[at] = (double)k->hours[i].in;
		if (k->hours[i].labelled >= k->spike_min) {
			share[at] = (double)k->hours[i].neg / (double)k->hours[i].labelled;
			has_share[at] = true;
		}
	}
	size_t win = (size_t)(k->spike_window / 3600);
	int64_t cool = k->spike_cooldown / 3600;
	int64_t next_vol = INT64_MIN, next_neg = INT64_MIN;
	int rc = 0;
	if (win < 1)
		win = 1;
	for (size_t i = 0; i < span && rc == 0; i++) {
		int64_t hour = h0 + (int64_t)i;
		if ((k->since != NO_TIME && hour * 3600 < k->since) ||
		    (k->until != NO_TIME && hour * 3600 >= k->until))
			continue;
		size_t from = i > win ? i - win : 0;
		double n = 0, s = 0, ss = 0, ns = 0, sh = 0, shh = 0;
		for (size_t j = from; j < i; j++) {
			n++;
			s += vol[j];
			ss += vol[j] * vol[j];
			if (has_share[j]) {
				ns++;
				sh += share[j];
				shh += share[j] * share[j];
			}
		}
		if (n >= MIN_BASELINE_HOURS && hour >= next_vol) {
			double mean = s / n, var = ss / n - mean * mean;
			double sd = sqrt(var > 0 ? var : 0), floor_sd = sqrt(mean > 1 ? mean : 1);
			double z = (vol[i] - mean) / (sd > floor_sd ? sd : floor_sd);
			if (z > k->spike_k) {
				rc = push_alert(k, (struct alert){ "volume", hour, vol[i], mean, sd, z,
				                                   severity(z, k->spike_k) });
				next_vol = hour + cool;
			}
		}
		if (has_share[i] && ns >= MIN_BASELINE_HOURS && hour >= next_neg) {
			double mean = sh / ns, var = shh / ns - mean * mean;
			double sd = sqrt(var > 0 ? var : 0);
			double z = (share[i] - mean) / (sd > 0.05 ? sd : 0.05);
			if (z > k->spike_k) {
				rc = push_alert(k, (struct alert){ "negative_share", hour, share[i], mean, sd,
				                                   z, severity(z, k->spike_k) });
				next_neg = hour + cool;
			}
		}
	}
	free(vol);
	free(share);
	free(has_share);
	return rc;
}
