/*
 * lbfgs.h - the minimiser both model trainers (train-sentiment.c,
 * train-escalation.c) use: L-BFGS (Nocedal and Wright, algorithm 7.4,
 * ten pairs kept) with a backtracking Armijo line search, deterministic
 * (no sampling, a fixed order, one thread).  loss(pb, x, g) returns the
 * objective at x and writes its gradient into g; who names the trainer in
 * progress lines and in the message before exit 70 when memory runs out
 * (a build tool, not the library: it may exit).
 */
#ifndef LBFGS_H
#define LBFGS_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double dot(const double *a, const double *b, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static void lbfgs(const char *who, double (*loss)(const void *pb, const double *x, double *g),
                  const void *pb, size_t n, double *x, int iters)
{
	enum { M = 10 };
	double *g = calloc(n, sizeof *g), *gn = calloc(n, sizeof *gn), *dir = calloc(n, sizeof *dir),
	       *xn = calloc(n, sizeof *xn), *s[M], *y[M], rho[M], alpha[M];
	bool ok = g && gn && dir && xn;
	for (int k = 0; k < M; k++)
		ok &= (s[k] = calloc(n, sizeof **s)) != NULL && (y[k] = calloc(n, sizeof **y)) != NULL;
	if (!ok) {
		fprintf(stderr, "%s: out of memory\n", who);
		exit(70);
	}
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
			fprintf(stderr, "%s: iteration %d, loss %.6f\n", who, it, f);
		if (df < 1e-7 * (f > 1 ? f : 1))
			break;
	}
	fprintf(stderr, "%s: final loss %.6f\n", who, f);
	for (int k = 0; k < M; k++) {
		free(s[k]);
		free(y[k]);
	}
	free(g);
	free(gn);
	free(dir);
	free(xn);
}

#endif
