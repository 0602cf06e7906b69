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
	struct map_slot *e = map_addn_h(&k->tag_hours, tag, n, kpi_hash(tag, n));
	if (!e)
		return NULL;
	if (!e->val) {
		struct htab *h = calloc(1, sizeof *h);
		if (!h)
			return NULL;
		h->esize = sizeof(struct hslot);
		h->first_cap = HOURS_FIRST_CAP;
		e->val = h;
	}
	return e->val;
}

int hour_add(struct kpi *k, int64_t h, uint64_t n_in, uint64_t n_out, uint64_t n_neg,
             uint64_t n_lab)
{
	/* Records come in hours: the last one is the likely one. */
	if (h != k->last_hour || k->last_hour_at >= k->nhours) {
		bool fresh;
		struct hour_at *e = ht_put(&k->hours_at, hour_key(h), &fresh);
		if (!e)
			return -1;
		if (fresh) {
			if (k->nhours == k->hcap) {
				struct hour *nh = cp_grow(k->hours, &k->hcap, sizeof *nh, 64);
				if (!nh)
					return -1;
				k->hours = nh;
			}
			k->hours[k->nhours] = (struct hour){ h, 0, 0, 0, 0 };
			e->at = k->nhours++;
		}
		k->last_hour = h;
		k->last_hour_at = e->at;
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

/* Sorting invalidates hours_at's indices, so the table goes too. */
void hours_sort(struct kpi *k)
{
	ht_free(&k->hours_at);
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

/* One series' alerts as its hours go by. */
struct detector {
	struct kpi *k;
	const char *metric, *tag;
	const struct group *g;
	bool volume;            /* which sd floor applies */
	int64_t quiet_until;
	int last_level;
	double last_value;
};

/* Judge an hour's value x against its baseline: n hours before it, their
 * values summing s and their squares ss. */
static int judge(struct detector *d, int64_t hour, double x, double n, double s, double ss)
{
	struct kpi *k = d->k;
	if (n < MIN_BASELINE_HOURS || (k->since != NO_TIME && hour * 3600 < k->since) ||
	    (k->until != NO_TIME && hour * 3600 >= k->until))
		return 0;
	double mean = s / n, var = ss / n - mean * mean;
	double sd = sqrt(var > 0 ? var : 0);
	double floor_sd = d->volume ? sqrt(mean > 1 ? mean : 1) : 0.05;
	double z = (x - mean) / (sd > floor_sd ? sd : floor_sd);
	int level = severity_level(z, k->spike_k);
	if (!level)
		return 0;
	bool cooling = hour < d->quiet_until;
	if (cooling && level <= d->last_level && !(x >= 2 * d->last_value))
		return 0;
	struct alert al = { d->metric, d->g, d->tag, hour, x, mean, sd, floor_sd, z, (uint32_t)n,
	                    severity_names[level], cooling };
	if (push_alert(k, &al) < 0)
		return -1;
	d->quiet_until = hour + k->spike_cooldown / 3600;
	d->last_level = level;
	d->last_value = x;
	return 0;
}

/* An hour of a series that has a value. */
struct point {
	int64_t h;
	double x;
};

static int point_cmp(const void *a, const void *b)
{
	const struct point *x = a, *y = b;
	return x->h < y->h ? -1 : x->h > y->h;
}

/*
 * The alerts of a series given as its points, sorted by hour, from h0 on.
 * The baseline of an hour is the window of hours before it: for volume
 * (every_hour) all of them since h0, as zero where there is no point, else
 * only the points in it.  The sums are kept as the window slides, a point
 * entering at its hour + 1 and leaving at its hour + 1 + window (entering
 * first at one hour): an hour without a point adds nothing and never
 * alerts (its value is no more than the mean), so only the points are
 * visited, not every hour of the span.
 */
static int detect(struct detector *d, const struct point *p, size_t np, int64_t h0,
                  bool every_hour)
{
	int64_t win = d->k->spike_window / 3600;
	double n = 0, s = 0, ss = 0;
	size_t in = 0, out = 0;     /* the next point to enter the window, to leave it */
	if (win < 1)
		win = 1;
	for (size_t j = 0; j < np; j++) {
		int64_t h = p[j].h;
		for (;;) {
			bool enter = in < np && p[in].h + 1 <= h;
			bool leave = out < in && p[out].h + 1 + win <= h;
			if (enter && leave && p[out].h + 1 + win < p[in].h + 1)
				enter = false;
			if (enter) {
				n++;
				s += p[in].x;
				ss += p[in].x * p[in].x;
				in++;
			} else if (leave) {
				n--;
				s -= p[out].x;
				ss -= p[out].x * p[out].x;
				out++;
			} else {
				break;
			}
		}
		if (every_hour)
			n = (double)(h - h0 < win ? h - h0 : win);
		if (judge(d, h, p[j].x, n, s, ss) < 0)
			return -1;
	}
	return 0;
}

/* Volume and negative share; share.x is -1 where too few records are
 * labelled (--spike-min) for a share. */
static int detect_counts(struct kpi *k, struct point *vol, struct point *share, size_t np,
                         int64_t h0, const struct group *g)
{
	size_t nshare = 0;
	qsort(vol, np, sizeof *vol, point_cmp);
	qsort(share, np, sizeof *share, point_cmp);
	for (size_t i = 0; i < np; i++)
		if (share[i].x >= 0)
			share[nshare++] = share[i];
	struct detector dv = { k, "volume", NULL, g, true, INT64_MIN, 0, 0 };
	struct detector dn = { k, "negative_share", NULL, g, false, INT64_MIN, 0, 0 };
	return detect(&dv, vol, np, h0, true) < 0 || detect(&dn, share, nshare, h0, false) < 0
	       ? -1 : 0;
}

static double share_of(const struct kpi *k, uint64_t part, uint64_t whole)
{
	return whole >= k->spike_min ? (double)part / (double)whole : -1;
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
	size_t cap = k->nhours, np;
	for (size_t gi = 0; gi < k->ng; gi++)
		if (k->g[gi]->fam == FAM_BY && k->g[gi]->hours.n > cap)
			cap = k->g[gi]->hours.n;
	struct point *vol = malloc(cap * sizeof *vol), *share = malloc(cap * sizeof *share);
	int rc = -1;
	if (!vol || !share)
		goto out;
	if (!k->nkeys) {
		np = 0;
		for (size_t i = 0; i < k->nhours; i++) {
			const struct hour *x = &k->hours[i];
			if (x->h < h0)
				continue;
			vol[np] = (struct point){ x->h, (double)x->in };
			share[np++] = (struct point){ x->h, share_of(k, x->neg, x->labelled) };
		}
		if (detect_counts(k, vol, share, np, h0, NULL) < 0)
			goto out;
	}
	for (size_t gi = 0; gi < k->ng && k->nkeys; gi++) {
		const struct group *g = k->g[gi];
		const struct hslot *x;
		if (g->fam != FAM_BY || !g->hours.n)
			continue;
		np = 0;
		for (size_t i = 0; (x = ht_next(&g->hours, &i));) {
			int64_t h = key_hour(x->key);
			if (h < h0 || h > h1)
				continue;
			vol[np] = (struct point){ h, (double)x->in };
			share[np++] = (struct point){ h, share_of(k, x->neg, x->lab) };
		}
		if (detect_counts(k, vol, share, np, h0, g) < 0)
			goto out;
	}
	/* A tag's share of the inbound records, in hours with enough of them. */
	const struct map_slot *e;
	for (size_t ti = 0; (e = map_next(&k->tag_hours, &ti));) {
		np = 0;
		for (size_t i = 0; i < k->nhours; i++) {
			const struct hour *x = &k->hours[i];
			if (x->h < h0 || x->in < k->spike_min)
				continue;
			const struct hslot *t = ht_get(e->val, hour_key(x->h));
			vol[np++] = (struct point){ x->h, (double)(t ? t->in : 0) / (double)x->in };
		}
		struct detector dt = { k, "tag_share", e->key, NULL, false, INT64_MIN, 0, 0 };
		if (detect(&dt, vol, np, h0, false) < 0)
			goto out;
	}
	if (k->nalerts > 1)
		qsort(k->alerts, k->nalerts, sizeof *k->alerts, alert_cmp);
	rc = 0;
out:
	free(vol);
	free(share);
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
