/*
 * trainer.h - what the two model trainers (scripts/train-sentiment.c,
 * scripts/train-escalation.c) share: the examples as folded feature
 * buckets, the loss of a multinomial logistic regression over them (any
 * number of classes), its minimiser (L-BFGS, Nocedal and Wright,
 * algorithm 7.4, ten pairs kept, with a backtracking Armijo line search:
 * deterministic, no sampling, a fixed order, one thread), the weights'
 * quantisation to int16, and reading and writing files.  A build tool, not
 * the library: it prints and exits.  Define TRAINER, the program's name
 * for messages, before including it.
 *
 * The parameters x: per class a bias, then SM_NDENSE dense weights per
 * class, then a weight per bucket per class ([bucket][class]).
 */
#ifndef TRAINER_H
#define TRAINER_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "sentmodel.h"

static void die(const char *msg)
{
	fprintf(stderr, "%s: %s\n", TRAINER, msg);
	exit(70);
}

static void *xrealloc(void *p, size_t n)
{
	if (!(p = realloc(p, n)))
		die("out of memory");
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	cp_buf b = {0};
	cp_err e = {0};
	int r = state_read(path, &b, &e);
	if (r <= 0) {
		fprintf(stderr, "%s: %s: %s\n", TRAINER, path, r ? e.msg : "no such file");
		exit(66);
	}
	*len = b.len;
	if (!buf_cstr(&b))
		die("out of memory");
	return b.p;
}

static FILE *create(const char *path)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		fprintf(stderr, "%s: %s: %s\n", TRAINER, path, strerror(errno));
		exit(73);
	}
	return fp;
}

static void finish(FILE *fp, const char *path)
{
	if (ferror(fp) | fclose(fp)) {
		fprintf(stderr, "%s: %s: write error\n", TRAINER, path);
		exit(74);
	}
}

/* A model's text form, what sentmodel.c's lm_load reads: the comment
 * line, the header, features, classes, buckets, scale, bias, SM_NDENSE
 * dense lines, a w line per bucket with a weight that is not 0, and "end"
 * with their number.  bias[nclass], dense[SM_NDENSE][nclass] and
 * w[buckets][nclass] as in lm_predict. */
static void write_model_text(const char *path, const char *comment, const char *magic,
                             const char *classes, int nclass, uint32_t buckets, double scale,
                             const int16_t *bias, const int16_t *dense, const int16_t *w)
{
	FILE *fp = create(path);
	unsigned long nw = 0;
	fprintf(fp, "# %s\n%s 1\nfeatures %d\nclasses %s\n", comment, magic, SM_FEATURES_VERSION,
	        classes);
	fprintf(fp, "buckets %u\nscale %.17g\nbias", buckets, scale);
	for (int c = 0; c < nclass; c++)
		fprintf(fp, " %d", bias[c]);
	for (int j = 0; j < SM_NDENSE; j++) {
		fprintf(fp, "\ndense %d", j);
		for (int c = 0; c < nclass; c++)
			fprintf(fp, " %d", dense[j * nclass + c]);
	}
	fputc('\n', fp);
	for (uint32_t b = 0; b < buckets; b++) {
		const int16_t *row = w + (size_t)b * nclass;
		bool any = false;
		for (int c = 0; c < nclass; c++)
			any |= row[c] != 0;
		if (!any)
			continue;
		fprintf(fp, "w %u", b);
		for (int c = 0; c < nclass; c++)
			fprintf(fp, " %d", row[c]);
		fputc('\n', fp);
		nw++;
	}
	fprintf(fp, "end %lu\n", nw);
	finish(fp, path);
}

/* ------------------------------------------------------------ examples */

struct data {
	size_t n;
	uint32_t *start;     /* [n + 1] into idx */
	uint32_t *idx;       /* bucket numbers */
	float *dense;        /* [n][SM_NDENSE] */
	float *value;        /* [n] the sparse features' value */
	unsigned char *y;
	char **id;           /* [n] when the examples are named, else NULL */
	size_t cap, icap;
};

static void data_free(struct data *d)
{
	for (size_t i = 0; d->id && i < d->n; i++)
		free(d->id[i]);
	free(d->id);
	free(d->start);
	free(d->idx);
	free(d->dense);
	free(d->value);
	free(d->y);
	memset(d, 0, sizeof *d);
}

/* One example: its features folded onto buckets, its class, its name (id
 * may be NULL). */
static void data_add(struct data *d, const struct sm_feats *f, int y, const char *id,
                     uint32_t buckets)
{
	if (d->n + 1 >= d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4096;
		d->start = xrealloc(d->start, (d->cap + 1) * sizeof *d->start);
		d->dense = xrealloc(d->dense, d->cap * SM_NDENSE * sizeof *d->dense);
		d->value = xrealloc(d->value, d->cap * sizeof *d->value);
		d->y = xrealloc(d->y, d->cap);
		if (id)
			d->id = xrealloc(d->id, d->cap * sizeof *d->id);
	}
	size_t at = d->n ? d->start[d->n] : 0;
	if (at + f->n > d->icap) {
		d->icap = 2 * (at + f->n) + 65536;
		d->idx = xrealloc(d->idx, d->icap * sizeof *d->idx);
	}
	if (!d->n)
		d->start[0] = 0;
	for (size_t i = 0; i < f->n; i++)
		d->idx[at + i] = sm_bucket(f->h[i], buckets);
	d->start[d->n + 1] = (uint32_t)(at + f->n);
	memcpy(d->dense + d->n * SM_NDENSE, f->dense, sizeof f->dense);
	d->value[d->n] = sm_sparse_value(f);
	d->y[d->n] = (unsigned char)y;
	if (id && !(d->id[d->n] = strdup(id)))
		die("out of memory");
	d->n++;
}

/* Example i's features again, as tag's predictor takes them (the buckets
 * are already folded; folding again changes nothing). */
static void data_feats(const struct data *d, size_t i, struct sm_feats *f)
{
	f->n = d->start[i + 1] - d->start[i];
	memcpy(f->h, d->idx + d->start[i], f->n * sizeof *f->h);
	memcpy(f->dense, d->dense + i * SM_NDENSE, sizeof f->dense);
}

/* ------------------------------------------------------------ the loss */

struct problem {
	const struct data *d;
	int classes;
	double cw[LM_MAXCLASSES]; /* class weights, summing to 1 over the examples */
	double l2, l2_dense;
	size_t nparam;       /* classes * (1 + SM_NDENSE + buckets) */
};

/* Weighted mean log loss plus l2/2 |w|^2 (the bias unpenalised); fills g. */
static double loss(const void *problem, const double *x, double *g)
{
	const struct problem *pb = problem;
	const struct data *d = pb->d;
	const int C = pb->classes;
	const size_t P_DENSE = (size_t)C, P_W = (size_t)C + SM_NDENSE * (size_t)C;
	double f = 0;
	memset(g, 0, pb->nparam * sizeof *g);
	for (size_t i = 0; i < d->n; i++) {
		const float *dn = d->dense + i * SM_NDENSE;
		double z[LM_MAXCLASSES] = {0}, v = d->value[i], top = -INFINITY, sum = 0;
		for (int c = 0; c < C; c++) {
			double s = x[c];
			for (int j = 0; j < SM_NDENSE; j++)
				s += dn[j] * x[P_DENSE + j * C + c];
			double acc = 0;
			for (uint32_t k = d->start[i]; k < d->start[i + 1]; k++)
				acc += x[P_W + (size_t)d->idx[k] * C + c];
			z[c] = s + v * acc;
			if (z[c] > top)
				top = z[c];
		}
		for (int c = 0; c < C; c++)
			sum += exp(z[c] - top);
		double w = pb->cw[d->y[i]];
		f -= w * (z[d->y[i]] - top - log(sum));
		for (int c = 0; c < C; c++) {
			double r = w * (exp(z[c] - top) / sum - (c == d->y[i]));
			g[c] += r;
			for (int j = 0; j < SM_NDENSE; j++)
				g[P_DENSE + j * C + c] += r * dn[j];
			for (uint32_t k = d->start[i]; k < d->start[i + 1]; k++)
				g[P_W + (size_t)d->idx[k] * C + c] += r * v;
		}
	}
	for (size_t k = (size_t)C; k < pb->nparam; k++) {
		double l2 = k < P_W ? pb->l2_dense : pb->l2;
		f += 0.5 * l2 * x[k] * x[k];
		g[k] += l2 * x[k];
	}
	return f;
}

static double dot(const double *a, const double *b, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void lbfgs(double (*loss)(const void *pb, const double *x, double *g), const void *pb,
                  size_t n, double *x, int iters)
{
	enum { M = 10 };
	double *g = calloc(n, sizeof *g), *gn = calloc(n, sizeof *gn), *dir = calloc(n, sizeof *dir),
	       *xn = calloc(n, sizeof *xn), *s[M], *y[M], rho[M], alpha[M];
	bool ok = g && gn && dir && xn;
	for (int k = 0; k < M; k++)
		ok &= (s[k] = calloc(n, sizeof **s)) != NULL && (y[k] = calloc(n, sizeof **y)) != NULL;
	if (!ok)
		die("out of memory");
	double f = loss(pb, x, g);
	int have = 0, head = 0;
	for (int it = 0; it < iters; it++) {
		memcpy(dir, g, n * sizeof *dir);
		for (int k = 0; k < have; k++) {
			int j = (head - 1 - k + M) % M;
			alpha[j] = rho[j] * dot(s[j], dir, n);
			for (size_t i = 0; i < n; i++)
				dir[i] -= alpha[j] * y[j][i];
		}
		double gamma = 1;
		if (have) {
			int j = (head - 1 + M) % M;
			gamma = dot(s[j], y[j], n) / dot(y[j], y[j], n);
		} else {
			gamma = 1 / sqrt(dot(g, g, n));
		}
		for (size_t i = 0; i < n; i++)
			dir[i] *= gamma;
		for (int k = have - 1; k >= 0; k--) {
			int j = (head - 1 - k + M) % M;
			double beta = rho[j] * dot(y[j], dir, n);
			for (size_t i = 0; i < n; i++)
				dir[i] += s[j][i] * (alpha[j] - beta);
		}
		double slope = -dot(g, dir, n), step = 1, fn = 0;
		if (slope >= 0) { /* not a descent direction: restart from the gradient */
			have = 0;
			continue;
		}
		for (int tries = 0; tries < 30; tries++, step *= 0.5) {
			for (size_t i = 0; i < n; i++)
				xn[i] = x[i] - step * dir[i];
			fn = loss(pb, xn, gn);
			if (fn <= f + 1e-4 * step * slope)
				break;
		}
		if (fn > f)
			break;
		for (size_t i = 0; i < n; i++) {
			s[head][i] = xn[i] - x[i];
			y[head][i] = gn[i] - g[i];
		}
		double sy = dot(s[head], y[head], n);
		if (sy > 1e-12) {
			rho[head] = 1 / sy;
			head = (head + 1) % M;
			if (have < M)
				have++;
		}
		double df = f - fn;
		memcpy(x, xn, n * sizeof *x);
		memcpy(g, gn, n * sizeof *g);
		f = fn;
		if (it % 10 == 0)
			fprintf(stderr, "%s: iteration %d, loss %.6f\n", TRAINER, it, f);
		if (df < 1e-7 * (f > 1 ? f : 1))
			break;
	}
	fprintf(stderr, "%s: final loss %.6f\n", TRAINER, f);
	for (int k = 0; k < M; k++) {
		free(s[k]);
		free(y[k]);
	}
	free(g);
	free(gn);
	free(dir);
	free(xn);
}

/* ------------------------------------------------------------ output */

/* The weights as int16 times one scale (returned): bias[C],
 * dense[SM_NDENSE][C] and w[buckets][C], x's order. */
static double quantise(const double *x, size_t n, int C, uint32_t buckets, int16_t *bias,
                       int16_t *dense, int16_t *w)
{
	double top = 0;
	for (size_t k = 0; k < n; k++)
		if (fabs(x[k]) > top)
			top = fabs(x[k]);
	double scale = top > 0 ? top / 32767 : 1;
	for (int c = 0; c < C; c++) {
		bias[c] = (int16_t)lround(x[c] / scale);
		for (int j = 0; j < SM_NDENSE; j++)
			dense[j * C + c] = (int16_t)lround(x[C + j * C + c] / scale);
	}
	for (uint32_t b = 0; b < buckets; b++)
		for (int c = 0; c < C; c++)
			w[(size_t)b * C + c] = (int16_t)lround(x[C + SM_NDENSE * C + (size_t)b * C + c] / scale);
	return scale;
}

/* pb fitted (iters L-BFGS steps from zero) and quantised: bias[C] and
 * dense[SM_NDENSE][C] filled, the weight table w[buckets][C] returned
 * (the caller's to free) with *scale.  Dies when out of memory. */
static int16_t *fit(const struct problem *pb, int iters, uint32_t buckets, int16_t *bias,
                    int16_t *dense, double *scale)
{
	double *x = calloc(pb->nparam, sizeof *x);
	int16_t *w = calloc((size_t)buckets * (size_t)pb->classes, sizeof *w);
	if (!x || !w)
		die("out of memory");
	lbfgs(loss, pb, pb->nparam, x, iters);
	*scale = quantise(x, pb->nparam, pb->classes, buckets, bias, dense, w);
	free(x);
	return w;
}

#endif
