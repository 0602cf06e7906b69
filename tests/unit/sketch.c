/*
 * The quantile sketch: the 1% relative error bound on several
 * distributions, exact merging, serialisation, and bad input.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "carepipe.h"
#include "sketch.h"
#include "tap.h"

static uint64_t rng = 88172645463325252ULL;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int dcmp_test(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Worst relative error over many quantiles, against the sorted data's
 * quantile, interpolated linearly at rank q(n-1). */
static double worst_error(const sketch *s, double *v, size_t n)
{
	static const double qs[] = { 0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1 };
	double worst = 0;
	qsort(v, n, sizeof *v, cmp);
	for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
		double h = qs[k] * (double)(n - 1), lo = floor(h);
		double want = v[(size_t)lo] + (h > lo ? (h - lo) * (v[(size_t)lo + 1] - v[(size_t)lo]) : 0);
		double got = sketch_quantile(s, qs[k]);
		double err = want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
		if (err > worst)
			worst = err;
	}
	return worst;
}

static void distribution(const char *name, double (*draw)(void))
{
	enum { N = 200000 };
	double *v = malloc(N * sizeof *v);
	sketch s;
	sketch_init(&s, SKETCH_ALPHA);
	for (size_t i = 0; i < N; i++) {
		v[i] = draw();
		sketch_add(&s, v[i]);
	}
	double err = worst_error(&s, v, N);
	ok(err <= 0.01, "%s: worst relative error %.5f <= 1%%", name, err);
	sketch_free(&s);
	free(v);
}

static double d_uniform(void) { return 1 + uniform() * 3600; }
static double d_lognormal(void)
{
	double u1 = uniform() + 1e-12, u2 = uniform();
	double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
	return exp(6 + 2 * z);
}
static double d_whole_seconds(void) { return floor(-log(uniform() + 1e-12) * 900); }
static double d_signed(void) { return (uniform() - 0.3) * 1e6; }

int main(void)
{
	sketch a, b, all, back;
	cp_err e = {0};
	cp_buf j1 = {0}, j2 = {0};

	sketch_init(&a, SKETCH_ALPHA);
	ok(isnan(sketch_quantile(&a, 0.5)), "an empty sketch has no median");
	ok(isnan(sketch_mean(&a)), "an empty sketch has no mean");
	sketch_add(&a, 42);
	ok(sketch_quantile(&a, 0.5) == 42, "one value is its own median (clamped to min/max)");
	ok(sketch_add(&a, NAN) < 0 && sketch_add(&a, INFINITY) < 0, "non-finite values are refused");
	is_int(a.n, 1, "refused values are not counted");
	sketch_free(&a);

	/* Few values are kept exactly. */
	sketch_init(&a, SKETCH_ALPHA);
	static const double few[] = { 600, 1800, 7200, 300, 5 };
	for (size_t i = 0; i < 5; i++)
		sketch_add(&a, few[i]);
	sketch_to_json(&a, &j1);
	buf_cstr(&j1);
	is_str(j1.p, "{\"a\":0.01,\"n\":5,\"z\":0,\"sum\":9905,\"min\":5,\"max\":7200,"
	             "\"x\":[600,1800,7200,300,5]}", "exact values serialise as they are");
	buf_reset(&j1);
	ok(sketch_quantile(&a, 0.5) == 600 && sketch_quantile(&a, 0.9) == 5040 &&
	   sketch_quantile(&a, 0.25) == 300 && sketch_quantile(&a, 0.6) == 1080 &&
	   sketch_quantile(&a, 0) == 5 && sketch_quantile(&a, 1) == 7200,
	   "five values: exact quantiles, linear between ranks (0.9: 1800 + 0.6 * 5400)");
	is_int(sketch_count_le(&a, 600), 3, "five values: exact count_le");
	sketch_free(&a);

	/* Without a limit every value is kept, until the owner says. */
	sketch_init(&a, SKETCH_ALPHA);
	sketch_keep_exact(&a, 0);
	for (int i = 0; i < 10001; i++)
		sketch_add(&a, (double)((i * 7919) % 10001));
	ok(!a.bucketed && sketch_quantile(&a, 0.5) == 5000 && sketch_quantile(&a, 0.9) == 9000,
	   "10001 values kept exactly: median 5000, p90 9000");
	ok(sketch_exact_bytes(&a) >= 10001 * sizeof(double), "exact bytes counted (%llu)",
	   (unsigned long long)sketch_exact_bytes(&a));
	ok(sketch_approximate(&a) == 0 && a.bucketed && sketch_exact_bytes(&a) == 0 && a.n == 10001,
	   "sketch_approximate frees the values and keeps the count");
	double m = sketch_quantile(&a, 0.5);
	ok(fabs(m - 5000) <= 50, "the median from buckets is within 1%% (%g)", m);
	sketch_free(&a);
	/* Many exact values are sorted by radix: every quantile is the one
	 * the sorted values give, whatever their signs and sizes; and with
	 * a -0 among them (another path) too. */
	for (int negz = 0; negz < 2; negz++) {
		enum { NV = 5000 };
		static double want[NV];
		sketch_init(&a, SKETCH_ALPHA);
		sketch_keep_exact(&a, 0);
		uint64_t x = 88172645463325252ULL;
		for (int i = 0; i < NV; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			double v = (double)(x % 2000001) - 1000000.0;
			if (i % 3 == 0)
				v /= 7.0;
			if (i % 11 == 0)
				v *= 1e250;
			if (i % 17 == 0)
				v = 0;
			if (negz && i == NV / 2)
				v = -0.0;
			want[i] = v;
			sketch_add(&a, v);
		}
		qsort(want, NV, sizeof *want, dcmp_test);
		int wrong = 0;
		for (int i = 0; i <= 1000; i++) {
			double q = i / 1000.0, h = q * (NV - 1), lo = floor(h), frac = h - lo;
			double w = want[(size_t)lo];
			if (frac > 0)
				w += frac * (want[(size_t)lo + 1] - w);
			double got = sketch_quantile(&a, q);
			wrong += !(got == w && signbit(got) == signbit(w));
		}
		is_int(wrong, 0, "%d exact values%s: 1001 quantiles as sorted values give them", NV,
		       negz ? " with a -0" : "");
		sketch_free(&a);
	}
	/* Crossing SKETCH_EXACT in a merge gives what one pass gives. */
	sketch_init(&a, SKETCH_ALPHA);
	sketch_init(&b, SKETCH_ALPHA);
	sketch_init(&all, SKETCH_ALPHA);
	for (int i = 1; i <= 200; i++) {
		sketch_add(i <= 100 ? &a : &b, i * 7.0);
		sketch_add(&all, i * 7.0);
	}
	ok(!a.bucketed && !b.bucketed && all.bucketed, "100 and 100 exact, 200 bucketed");
	sketch_merge(&a, &b, &e);
	sketch_to_json(&a, &j1);
	sketch_to_json(&all, &j2);
	ok(j1.len == j2.len && memcmp(j1.p, j2.p, j1.len) == 0,
	   "two exact halves merge into the one-pass buckets");
	buf_reset(&j1);
	buf_reset(&j2);
	sketch_free(&a);
	sketch_free(&b);
	sketch_free(&all);

	distribution("uniform 1s..1h", d_uniform);
	distribution("lognormal, heavy tail", d_lognormal);
	distribution("whole seconds with zeros", d_whole_seconds);
	distribution("negative and positive", d_signed);

	/* Merging two halves gives the same sketch as one pass, bucket for bucket. */
	sketch_init(&a, SKETCH_ALPHA);
	sketch_init(&b, SKETCH_ALPHA);
	sketch_init(&all, SKETCH_ALPHA);
	for (int i = 0; i < 100000; i++) {
		double x = floor(d_lognormal());
		sketch_add(i % 3 ? &a : &b, x);
		sketch_add(&all, x);
	}
	ok(sketch_merge(&a, &b, &e) == 0, "merge");
	sketch_to_json(&a, &j1);
	sketch_to_json(&all, &j2);
	ok(j1.len == j2.len && memcmp(j1.p, j2.p, j1.len) == 0, "merged halves equal one pass");
	is_int(a.n, 100000, "merged count");
	ok(sketch_quantile(&a, 0.9) == sketch_quantile(&all, 0.9), "merged p90 equals one pass");

	/* Serialisation round trip. */
	cp_rec r = {0};
	buf_cstr(&j2);
	ok(json_validate(j2.p, j2.len, NULL, NULL) == 0, "the JSON form is valid JSON");
	cp_buf wrapped = {0};
	buf_addf(&wrapped, "{\"s\":%s}", j2.p);
	rec_parse(&r, wrapped.p, wrapped.len);
	sketch_init(&back, SKETCH_ALPHA);
	ok(sketch_from_json(&back, rec_val(&r, "s"), &e) == 0, "read back: %s", e.msg);
	buf_reset(&j1);
	sketch_to_json(&back, &j1);
	ok(j1.len == j2.len && memcmp(j1.p, j2.p, j1.len) == 0, "round trip is exact");
	ok(sketch_quantile(&back, 0.5) == sketch_quantile(&all, 0.5), "same median after reading");

	/* count_le: a histogram from the sketch. */
	sketch_free(&a);
	for (int i = 1; i <= 1000; i++)
		sketch_add(&a, i);
	uint64_t le = sketch_count_le(&a, 500);
	ok(le >= 495 && le <= 505, "count_le(500) of 1..1000 is about 500 (%llu)",
	   (unsigned long long)le);
	is_int(sketch_count_le(&a, 1000), 1000, "count_le(max) is n");
	is_int(sketch_count_le(&a, 0.5), 0, "count_le(below min) is 0");

	/* Bad input. */
	sketch c;
	sketch_init(&c, 0.02);
	sketch_add(&c, 5);
	ok(sketch_merge(&a, &c, &e) < 0 && e.code == CP_EX_DATAERR,
	   "merging different accuracies is refused: %s", e.msg);
	static const char *bad[] = {
		"{\"s\":{\"a\":0.01,\"n\":3,\"z\":0,\"sum\":3,\"min\":1,\"max\":1,\"p\":[0,[1]]}}",
		"{\"s\":{\"a\":2,\"n\":0,\"z\":0,\"sum\":0}}",
		"{\"s\":{\"a\":0.01,\"n\":1,\"z\":0,\"sum\":1,\"min\":1,\"max\":1,\"p\":[0,[-1]]}}",
		"{\"s\":[1,2]}",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		rec_parse(&r, bad[k], strlen(bad[k]));
		ok(sketch_from_json(&back, rec_val(&r, "s"), &e) < 0, "bad sketch %zu refused: %s", k,
		   e.msg);
	}

	/* Memory stays bounded over an absurd range. */
	sketch_free(&c);
	for (double x = 1e-8; x < 1e300; x *= 1.001)
		sketch_add(&c, x);
	ok(c.pos.len <= SKETCH_MAX_BUCKETS, "buckets stay bounded (%u)", c.pos.len);
	double top = sketch_quantile(&c, 0.99);
	ok(top > 1e290, "upper quantiles survive folding");

	sketch_free(&a);
	sketch_free(&b);
	sketch_free(&c);
	sketch_free(&all);
	sketch_free(&back);
	rec_free(&r);
	buf_free(&j1);
	buf_free(&j2);
	buf_free(&wrapped);
	return done_testing();
}
