/*
 * sketch.h - a relative-error quantile sketch in the manner of DDSketch
 * (Masson, Rim and Lee, VLDB 2019): values fall into logarithmic buckets
 * whose width is a fixed fraction of their value, so every quantile it
 * returns is within a relative error alpha of the true value at that rank.
 * Two sketches with the same alpha merge by adding bucket counts, exactly,
 * whatever order the values came in: that is what lets kpi-report add up
 * partial reports made on different machines.
 *
 * Ownership: a sketch owns its bucket arrays.  sketch_init allocates
 * nothing; sketch_free releases the arrays and leaves an empty sketch that
 * may be used again.  Functions never take ownership of their arguments.
 * Memory is bounded: at most SKETCH_MAX_BUCKETS buckets per sign; beyond
 * that the lowest buckets are folded together, which keeps the error bound
 * for every quantile above the folded range (the ones reports use).
 *
 * Up to SKETCH_EXACT values (or as many as sketch_keep_exact allows) are
 * kept as they are, and quantiles of them are exact; the sketch turns to
 * buckets when one more comes, or when its owner calls sketch_approximate
 * to free memory.  With the default limit, which form a sketch is in
 * depends only on how many values it holds, so merging still gives what
 * one pass over all the values would.
 *
 * Quantiles interpolate linearly between the two values around rank
 * q*(n-1) (Hyndman and Fan's type 7, the default of numpy, pandas and R),
 * from the values themselves while exact, else from the buckets' estimates
 * of those two values, each within alpha, so the result is too.
 */
#ifndef CAREPIPE_SKETCH_H
#define CAREPIPE_SKETCH_H

#include <stdint.h>

#include "carepipe.h"

#define SKETCH_ALPHA 0.01          /* 1% relative error, the default */
#define SKETCH_MAX_BUCKETS 4096    /* per sign: covers 1e-9 .. 1e26 at 1% */
#define SKETCH_EXACT 128           /* values kept exactly before bucketing */

struct sketch_store {
	uint64_t *c;        /* counts, c[i] is bucket lo + i */
	int32_t lo;
	uint32_t len;
};

typedef struct {
	double alpha, gamma, lngamma;
	uint64_t n, zero;   /* all values; values too close to 0 to index */
	double sum, min, max;
	struct sketch_store pos, neg;
	double *exact;      /* the values, while not bucketed */
	uint64_t exact_cap; /* room in exact, in values */
	uint64_t exact_max; /* most values kept exactly; 0: no limit */
	bool bucketed;
	bool sorted;        /* exact is in ascending order */
} sketch;

void sketch_init(sketch *s, double alpha);
void sketch_free(sketch *s);
/* Add a value (count times).  Returns 0, or -1 on allocation failure or a
 * value that is not finite. */
int sketch_add(sketch *s, double x);
int sketch_add_n(sketch *s, double x, uint64_t count);
/* Keep up to max values exactly (0: no limit; the owner then bounds the
 * memory with sketch_approximate).  Takes effect from the next value. */
void sketch_keep_exact(sketch *s, uint64_t max);
/* Turn to buckets now and free the exact values.  -1 when out of memory. */
int sketch_approximate(sketch *s);
/* Bytes held for exact values. */
static inline uint64_t sketch_exact_bytes(const sketch *s)
{
	return s->exact_cap * sizeof(double);
}
/* Add src's counts into dst.  -1 when the alphas differ (e set, code 65)
 * or on allocation failure. */
int sketch_merge(sketch *dst, const sketch *src, cp_err *e);
/* The q-quantile, 0 <= q <= 1, interpolated as said above: exact while
 * the values are kept, else within alpha relative error; NAN when empty.
 * Exact values are sorted in place the first time (their multiset, all a
 * sketch stands for, does not change). */
double sketch_quantile(const sketch *s, double q);
double sketch_mean(const sketch *s);       /* exact; NAN when empty */
/* How many values are <= x, counting whole buckets (for histograms). */
uint64_t sketch_count_le(const sketch *s, double x);
/* Serialise as one JSON object, and read it back. */
int sketch_to_json(const sketch *s, cp_buf *out);
int sketch_from_json(sketch *s, cp_val v, cp_err *e);

#endif
