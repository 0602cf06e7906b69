/*
 * A DDSketch-style quantile sketch.  Bucket i holds the values in
 * (gamma^(i-1), gamma^i] with gamma = (1+alpha)/(1-alpha); answering with
 * 2*gamma^i/(gamma+1) is then never more than alpha away, relatively, from
 * any value in the bucket.  Negative values go to a mirror store.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sketch.h"

/* Smaller magnitudes are counted as zero: far below a second. */
#define MIN_INDEXABLE 1e-9

void sketch_init(sketch *s, double alpha)
{
	memset(s, 0, sizeof *s);
	s->exact_max = SKETCH_EXACT;
	s->alpha = alpha;
	s->gamma = (1 + alpha) / (1 - alpha);
	s->lngamma = log(s->gamma);
	s->min = INFINITY;
	s->max = -INFINITY;
}

void sketch_free(sketch *s)
{
	double a = s->alpha;
	uint64_t max = s->exact_max;
	free(s->pos.c);
	free(s->neg.c);
	free(s->exact);
	sketch_init(s, a);
	s->exact_max = max;
}

void sketch_keep_exact(sketch *s, uint64_t max)
{
	s->exact_max = max;
}

static int32_t index_of(const sketch *s, double x)
{
	return (int32_t)ceil(log(x) / s->lngamma);
}

static double value_of(const sketch *s, int32_t i)
{
	return exp(i * s->lngamma) * 2 / (1 + s->gamma);
}

/* Make room for index i, folding the lowest buckets when the store would
 * pass its bound.  Returns the position of i's counter, or -1. */
static long store_slot(struct sketch_store *st, int32_t i)
{
	if (st->len == 0) {
		st->c = calloc(16, sizeof *st->c);
		if (!st->c)
			return -1;
		st->lo = i - 8;
		st->len = 16;
	}
	if (i >= st->lo && i < st->lo + (int64_t)st->len)
		return i - st->lo;
	if (i < st->lo && st->len == SKETCH_MAX_BUCKETS)
		return 0; /* already folded down there */
	int64_t lo = st->lo, hi = st->lo + (int64_t)st->len - 1;
	int64_t nlo = i < lo ? i : lo, nhi = i > hi ? i : hi;
	/* Grow by half again so a drifting range does not realloc each time. */
	int64_t span = nhi - nlo + 1, extra = span / 2;
	if (i < lo)
		nlo -= extra;
	else
		nhi += extra;
	if (nhi - nlo + 1 > SKETCH_MAX_BUCKETS) {
		if (i > hi || i < lo)
			nhi = i > hi ? i : hi;
		nlo = nhi - SKETCH_MAX_BUCKETS + 1;
	}
	uint32_t nlen = (uint32_t)(nhi - nlo + 1);
	uint64_t *nc = calloc(nlen, sizeof *nc);
	if (!nc)
		return -1;
	for (uint32_t k = 0; k < st->len; k++) {
		int64_t idx = st->lo + (int64_t)k;
		if (!st->c[k])
			continue;
		int64_t at = idx < nlo ? 0 : idx - nlo;
		if (at >= nlen)
			at = nlen - 1;
		nc[at] += st->c[k];
	}
	free(st->c);
	st->c = nc;
	st->lo = (int32_t)nlo;
	st->len = nlen;
	if (i < nlo)
		return 0; /* folded into the lowest bucket */
	return i - nlo;
}

static int bucket_add(sketch *s, double x, uint64_t count)
{
	if (x > MIN_INDEXABLE || x < -MIN_INDEXABLE) {
		struct sketch_store *st = x > 0 ? &s->pos : &s->neg;
		long at = store_slot(st, index_of(s, fabs(x)));
		if (at < 0)
			return -1;
		st->c[at] += count;
	} else {
		s->zero += count;
	}
	return 0;
}

/* From exact values to buckets, once there are too many to keep. */
static int to_buckets(sketch *s)
{
	if (s->bucketed)
		return 0;
	for (uint64_t i = 0; i < s->n; i++)
		if (bucket_add(s, s->exact[i], 1) < 0)
			return -1;
	free(s->exact);
	s->exact = NULL;
	s->exact_cap = 0;
	s->bucketed = true;
	return 0;
}

int sketch_approximate(sketch *s)
{
	return to_buckets(s);
}

/* Room for count more exact values; -1 when out of memory. */
static int exact_room(sketch *s, uint64_t count)
{
	if (s->n + count <= s->exact_cap)
		return 0;
	uint64_t cap = s->exact_cap ? s->exact_cap : 16;
	while (cap < s->n + count)
		cap *= 2;
	if (s->exact_max && cap > s->exact_max)
		cap = s->exact_max;
	double *nx = realloc(s->exact, cap * sizeof *nx);
	if (!nx)
		return -1;
	s->exact = nx;
	s->exact_cap = cap;
	return 0;
}

int sketch_add_n(sketch *s, double x, uint64_t count)
{
	if (!isfinite(x))
		return -1;
	if (count == 0)
		return 0;
	if (!s->bucketed && (!s->exact_max || s->n + count <= s->exact_max)) {
		if (exact_room(s, count) < 0)
			return -1;
		for (uint64_t i = 0; i < count; i++)
			s->exact[s->n + i] = x;
		s->sorted = false;
	} else if (to_buckets(s) < 0 || bucket_add(s, x, count) < 0) {
		return -1;
	}
	s->n += count;
	s->sum += x * (double)count;
	if (x < s->min)
		s->min = x;
	if (x > s->max)
		s->max = x;
	return 0;
}

int sketch_add(sketch *s, double x)
{
	return sketch_add_n(s, x, 1);
}

static int store_merge(struct sketch_store *d, const struct sketch_store *src)
{
	for (uint32_t k = 0; k < src->len; k++) {
		if (!src->c[k])
			continue;
		long at = store_slot(d, src->lo + (int32_t)k);
		if (at < 0)
			return -1;
		d->c[at] += src->c[k];
	}
	return 0;
}

int sketch_merge(sketch *dst, const sketch *src, cp_err *e)
{
	if (src->n == 0)
		return 0;
	if (fabs(dst->alpha - src->alpha) > 1e-12)
		return cp_fail(e, CP_EX_DATAERR, "sketches of different accuracy (%g and %g)",
		               dst->alpha, src->alpha);
	if (!src->bucketed) {
		for (uint64_t i = 0; i < src->n; i++)
			if (sketch_add(dst, src->exact[i]) < 0)
				return cp_fail(e, CP_EX_OSERR, "out of memory");
		return 0;
	}
	if (to_buckets(dst) < 0 || store_merge(&dst->pos, &src->pos) < 0 || store_merge(&dst->neg, &src->neg) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	dst->n += src->n;
	dst->zero += src->zero;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

static double clamp(const sketch *s, double v)
{
	return v < s->min ? s->min : v > s->max ? s->max : v;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* v[0..n) in ascending order, as qsort with dcmp leaves it: by radix on
 * the bits (sign flipped, or all bits of a negative), a byte a pass, the
 * passes whose byte is the same in every value skipped (whole seconds
 * leave the low bytes zero).  qsort when short, when out of memory, or
 * when a -0 is there (dcmp's equal to 0, whose order radix would fix). */
static void sort_values(double *v, uint64_t n)
{
	uint64_t *a = n >= 1024 && n <= SIZE_MAX / sizeof *a ? malloc(n * sizeof *a) : NULL;
	uint64_t *b = a ? malloc(n * sizeof *b) : NULL;
	size_t count[8][256] = { { 0 } };
	if (!b)
		goto fallback;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t u;
		memcpy(&u, &v[i], sizeof u);
		if (u == 1ULL << 63)
			goto fallback;
		u ^= u >> 63 ? ~0ULL : 1ULL << 63;
		a[i] = u;
		for (int d = 0; d < 8; d++)
			count[d][(u >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t at = 0, *c = count[d];
		if (c[(a[0] >> (8 * d)) & 0xff] == n)
			continue;
		for (int x = 0; x < 256; x++) {
			size_t m = c[x];
			c[x] = at;
			at += m;
		}
		for (uint64_t i = 0; i < n; i++)
			b[c[(a[i] >> (8 * d)) & 0xff]++] = a[i];
		uint64_t *t = a;
		a = b;
		b = t;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t u = a[i] >> 63 ? a[i] ^ (1ULL << 63) : ~a[i];
		memcpy(&v[i], &u, sizeof u);
	}
	free(a);
	free(b);
	return;
fallback:
	free(a);
	free(b);
	qsort(v, n, sizeof *v, dcmp);
}

/* The estimate of the value at integer rank r, 0 <= r < n, from buckets. */
static double bucket_rank(const sketch *s, double rank)
{
	double cum = 0;
	for (uint32_t k = s->neg.len; k-- > 0;) {
		cum += (double)s->neg.c[k];
		if (cum > rank)
			return clamp(s, -value_of(s, s->neg.lo + (int32_t)k));
	}
	cum += (double)s->zero;
	if (cum > rank)
		return clamp(s, 0);
	for (uint32_t k = 0; k < s->pos.len; k++) {
		cum += (double)s->pos.c[k];
		if (cum > rank)
			return clamp(s, value_of(s, s->pos.lo + (int32_t)k));
	}
	return s->max;
}

double sketch_quantile(const sketch *s, double q)
{
	if (s->n == 0 || q < 0 || q > 1)
		return NAN;
	double h = q * (double)(s->n - 1), lo = floor(h), frac = h - lo;
	double a, b;
	if (!s->bucketed) {
		if (!s->sorted) {
			/* Sorting reorders the values, not the multiset: the
			 * sketch is the same, so this is done through const. */
			sketch *w = (sketch *)s;
			sort_values(w->exact, w->n);
			w->sorted = true;
		}
		a = s->exact[(size_t)lo];
		b = frac > 0 ? s->exact[(size_t)lo + 1] : a;
	} else {
		a = bucket_rank(s, lo);
		b = frac > 0 ? bucket_rank(s, lo + 1) : a;
	}
	return a + frac * (b - a);
}

double sketch_mean(const sketch *s)
{
	return s->n ? s->sum / (double)s->n : NAN;
}

uint64_t sketch_count_le(const sketch *s, double x)
{
	uint64_t n = 0;
	if (x >= s->max)
		return s->n;
	if (x < s->min)
		return 0;
	if (!s->bucketed) {
		for (uint64_t i = 0; i < s->n; i++)
			n += s->exact[i] <= x;
		return n;
	}
	if (x < -MIN_INDEXABLE) {
		int32_t ix = index_of(s, -x);
		for (uint32_t k = 0; k < s->neg.len; k++)
			if (s->neg.lo + (int32_t)k >= ix)
				n += s->neg.c[k];
		return n;
	}
	for (uint32_t k = 0; k < s->neg.len; k++)
		n += s->neg.c[k];
	n += s->zero;
	if (x > MIN_INDEXABLE) {
		int32_t ix = index_of(s, x);
		for (uint32_t k = 0; k < s->pos.len; k++)
			if (s->pos.lo + (int32_t)k <= ix)
				n += s->pos.c[k];
	}
	return n;
}

static int store_json(const struct sketch_store *st, cp_buf *out)
{
	uint32_t a = 0, b = st->len;
	while (a < b && !st->c[a])
		a++;
	while (b > a && !st->c[b - 1])
		b--;
	if (buf_addf(out, "[%ld,[", (long)st->lo + (long)a) < 0)
		return -1;
	for (uint32_t k = a; k < b; k++)
		if (buf_addf(out, k > a ? ",%llu" : "%llu", (unsigned long long)st->c[k]) < 0)
			return -1;
	return buf_adds(out, "]]");
}

int sketch_to_json(const sketch *s, cp_buf *out)
{
	if (buf_addf(out, "{\"a\":%.17g,\"n\":%llu,\"z\":%llu,\"sum\":%.17g", s->alpha,
	             (unsigned long long)s->n, (unsigned long long)s->zero, s->sum) < 0)
		return -1;
	if (s->n && buf_addf(out, ",\"min\":%.17g,\"max\":%.17g", s->min, s->max) < 0)
		return -1;
	if (!s->bucketed) {
		if (buf_adds(out, ",\"x\":[") < 0)
			return -1;
		for (uint64_t i = 0; i < s->n; i++)
			if (buf_addf(out, i ? ",%.17g" : "%.17g", s->exact[i]) < 0)
				return -1;
		return buf_adds(out, "]}");
	}
	if (s->pos.len && (buf_adds(out, ",\"p\":") < 0 || store_json(&s->pos, out) < 0))
		return -1;
	if (s->neg.len && (buf_adds(out, ",\"m\":") < 0 || store_json(&s->neg, out) < 0))
		return -1;
	return buf_addc(out, '}');
}

static int store_from_json(struct sketch_store *st, cp_val v, uint64_t *total, cp_err *e)
{
	int64_t lo, c;
	cp_val counts = val_index(v, 1);
	if (v.type != VAL_ARRAY || val_int(val_index(v, 0), &lo) < 0 ||
	    counts.type != VAL_ARRAY || lo < -(1 << 30) || lo > (1 << 30))
		return cp_fail(e, CP_EX_DATAERR, "sketch: a store must be [offset,[counts]]");
	size_t n = val_len(counts), pos = 0;
	if (n > SKETCH_MAX_BUCKETS)
		return cp_fail(e, CP_EX_DATAERR, "sketch: more than %d buckets", SKETCH_MAX_BUCKETS);
	cp_val elem;
	for (size_t k = 0; val_next(counts, &pos, NULL, &elem); k++) {
		if (val_int(elem, &c) < 0 || c < 0)
			return cp_fail(e, CP_EX_DATAERR, "sketch: a count must be a whole number");
		if (!c)
			continue;
		long at = store_slot(st, (int32_t)(lo + (int64_t)k));
		if (at < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		st->c[at] += (uint64_t)c;
		*total += (uint64_t)c;
	}
	return 0;
}

int sketch_from_json(sketch *s, cp_val v, cp_err *e)
{
	double a, sum, mn = INFINITY, mx = -INFINITY;
	int64_t n, z;
	if (v.type != VAL_OBJECT || val_num(val_member(v, "a"), &a) < 0 || !(a > 0 && a < 1) ||
	    val_int(val_member(v, "n"), &n) < 0 || n < 0 ||
	    val_int(val_member(v, "z"), &z) < 0 || z < 0 ||
	    val_num(val_member(v, "sum"), &sum) < 0)
		return cp_fail(e, CP_EX_DATAERR, "sketch: not a sketch object");
	if (n && (val_num(val_member(v, "min"), &mn) < 0 || val_num(val_member(v, "max"), &mx) < 0))
		return cp_fail(e, CP_EX_DATAERR, "sketch: min and max missing");
	uint64_t max = s->exact_max;
	sketch_free(s);
	sketch_init(s, a);
	s->exact_max = max;
	cp_val x = val_member(v, "x");
	if (x.type != VAL_NONE) {
		size_t pos = 0;
		cp_val el;
		double d;
		if (x.type != VAL_ARRAY || val_len(x) != (size_t)n || z != 0 ||
		    (s->exact_max && (uint64_t)n > s->exact_max))
			return cp_fail(e, CP_EX_DATAERR, "sketch: bad exact values");
		while (val_next(x, &pos, NULL, &el))
			if (val_num(el, &d) < 0 || sketch_add(s, d) < 0)
				return cp_fail(e, CP_EX_DATAERR, "sketch: bad exact value");
		return 0;
	}
	if (s->exact_max && (uint64_t)n <= s->exact_max && n > 0)
		return cp_fail(e, CP_EX_DATAERR, "sketch: %lld values must be given exactly",
		               (long long)n);
	s->bucketed = n > 0;
	uint64_t total = (uint64_t)z;
	cp_val p = val_member(v, "p"), m = val_member(v, "m");
	if (p.type != VAL_NONE && store_from_json(&s->pos, p, &total, e) < 0)
		return -1;
	if (m.type != VAL_NONE && store_from_json(&s->neg, m, &total, e) < 0)
		return -1;
	if (total != (uint64_t)n)
		return cp_fail(e, CP_EX_DATAERR, "sketch: counts add up to %llu, not %lld",
		               (unsigned long long)total, (long long)n);
	s->n = (uint64_t)n;
	s->zero = (uint64_t)z;
	s->sum = sum;
	s->min = mn;
	s->max = mx;
	return 0;
}
