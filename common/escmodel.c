/*
 * The trained escalation model: prediction and the text form's reader
 * (see escmodel.h).  Prediction runs once per inbound record on features
 * already extracted, so it allocates nothing and sums int16 weights in
 * integers, as sentmodel.c's sm_predict does for three classes.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "escmodel.h"
#include "inifile.h"

const char *const em_class_names[EM_CLASSES] = { "none", "privacy", "safety", "legal", "security" };

void em_predict(const em_model *m, const struct sm_feats *f, double p[EM_CLASSES])
{
	int32_t acc[EM_CLASSES] = {0};
	uint32_t mask = m->buckets - 1;
	for (size_t i = 0; i < f->n; i++) {
		const int16_t *r = m->w[f->h[i] & mask];
		for (int c = 0; c < EM_CLASSES; c++)
			acc[c] += r[c];
	}
	double v = sm_sparse_value(f), z[EM_CLASSES], top = -INFINITY, sum = 0;
	for (int c = 0; c < EM_CLASSES; c++) {
		double d = m->bias[c] + v * acc[c];
		for (int j = 0; j < SM_NDENSE; j++)
			d += (double)f->dense[j] * m->dense[j][c];
		z[c] = d * m->scale;
		if (z[c] > top)
			top = z[c];
	}
	for (int c = 0; c < EM_CLASSES; c++)
		sum += p[c] = exp(z[c] - top);
	for (int c = 0; c < EM_CLASSES; c++)
		p[c] /= sum;
}

void em_free(em_model *m)
{
	if (!m)
		return;
	free(m->own);
	m->own = NULL;
	m->w = NULL;
}

/* count integers within [lo, hi] and nothing else after the keyword. */
static bool ints(char *s, long *out, int count, long lo, long hi)
{
	for (int k = 0; k < count; k++) {
		char *end;
		errno = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return false;
		out[k] = strtol(s, &end, 10);
		if (end == s || errno || out[k] < lo || out[k] > hi || (*end && *end != ' ' && *end != '\t'))
			return false;
		s = end;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

static bool weights(const long *v)
{
	for (int c = 0; c < EM_CLASSES; c++)
		if (v[c] < -32767 || v[c] > 32767)
			return false;
	return true;
}

/* The lines, in this order: the header, features, classes, buckets,
 * scale, bias, SM_NDENSE dense lines, w lines, and "end N" with the
 * number of w lines (a truncated file is refused, not half loaded). */
enum { S_MAGIC, S_FEATURES, S_CLASSES, S_BUCKETS, S_SCALE, S_BIAS, S_DENSE, S_W, S_DONE };
struct em_reader {
	em_model *m;
	int st, ndense;
	unsigned long nw;
	unsigned lineno;
	const char *why;
};

static int em_line(void *ctx, ini_line *l, cp_err *e)
{
	struct em_reader *L = ctx;
	char *line = l->raw;
	L->lineno = l->lineno;
	size_t n = strlen(line);
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (n == 0 || line[0] == '#')
		return 0;
	char *arg = line + strcspn(line, " \t");
	size_t kl = (size_t)(arg - line);
#define IS(k) (kl == sizeof k - 1 && !memcmp(line, k, kl))
	long v[EM_CLASSES + 1];
	switch (L->st) {
	case S_MAGIC:
		if (!IS("carepipe-escalation-model") || !ints(arg, v, 1, 1, 1))
			L->why = "expected \"carepipe-escalation-model 1\" first";
		break;
	case S_FEATURES:
		if (!IS("features") || !ints(arg, v, 1, 0, 1000000))
			L->why = "expected \"features N\"";
		else if (v[0] != SM_FEATURES_VERSION)
			L->why = "made for another version of the features; retrain it";
		else
			L->m->features = (int)v[0];
		break;
	case S_CLASSES:
		if (!IS("classes") || strcmp(arg, " none privacy safety legal security"))
			L->why = "expected \"classes none privacy safety legal security\"";
		break;
	case S_BUCKETS:
		if (!IS("buckets") || !ints(arg, v, 1, 1, 1L << 24) || (v[0] & (v[0] - 1)))
			L->why = "expected \"buckets N\", N a power of two up to 16777216";
		else if (!(L->m->own = calloc((size_t)v[0], sizeof *L->m->own)))
			L->why = "out of memory";
		else
			L->m->buckets = (uint32_t)v[0];
		break;
	case S_SCALE: {
		char *end;
		errno = 0;
		L->m->scale = IS("scale") ? strtod(arg, &end) : 0;
		if (!IS("scale") || end == arg || *end || errno || !isfinite(L->m->scale) ||
		    L->m->scale <= 0)
			L->why = "expected \"scale X\", X a positive number";
		break;
	}
	case S_BIAS:
		if (!IS("bias") || !ints(arg, v, EM_CLASSES, -32767, 32767))
			L->why = "expected \"bias N N N N N\", integers from -32767 to 32767";
		else
			for (int c = 0; c < EM_CLASSES; c++)
				L->m->bias[c] = (int16_t)v[c];
		break;
	case S_DENSE:
		if (!IS("dense") || !ints(arg, v, EM_CLASSES + 1, -32767, 32767) || v[0] != L->ndense)
			L->why = "expected \"dense I N N N N N\", I counting from 0 to 15, N from -32767 to 32767";
		else
			for (int c = 0; c < EM_CLASSES; c++)
				L->m->dense[L->ndense][c] = (int16_t)v[c + 1];
		if (!L->why && ++L->ndense < SM_NDENSE)
			L->st--;
		break;
	case S_W:
		if (IS("end")) {
			if (!ints(arg, v, 1, 0, 1L << 24) || (unsigned long)v[0] != L->nw)
				L->why = "\"end N\" does not match the number of w lines";
			break;
		}
		if (!IS("w") || !ints(arg, v, EM_CLASSES + 1, -(1L << 24), 1L << 24) || v[0] < 0 ||
		    v[0] >= (long)L->m->buckets || !weights(v + 1))
			L->why = "expected \"w BUCKET N N N N N\" (BUCKET below buckets, N from -32767 "
			         "to 32767) or \"end N\"";
		else
			for (int c = 0; c < EM_CLASSES; c++)
				L->m->own[v[0]][c] = (int16_t)v[c + 1];
		L->nw++;
		L->st--;
		break;
	default:
		L->why = "text after \"end\"";
	}
#undef IS
	L->st++;
	if (L->why)
		return cp_fail(e, !strcmp(L->why, "out of memory") ? CP_EX_OSERR : CP_EX_CONFIG, "%s",
		               L->why);
	return 0;
}

int em_load(em_model *m, const char *path, cp_err *e)
{
	cp_buf b = {0};
	memset(m, 0, sizeof *m);
	int r = state_read(path, &b, e);
	if (r <= 0) {
		buf_free(&b);
		return r == 0 ? cp_fail(e, CP_EX_NOINPUT, "%s: no such file", path) : -1;
	}
	struct em_reader L = { .m = m, .st = S_MAGIC };
	r = ini_parse(path, b.p ? b.p : "", b.len, NULL, em_line, &L, e);
	buf_free(&b);
	if (r == 0 && L.st != S_DONE)
		r = cp_fail(e, CP_EX_CONFIG, "%s:%u: ends early, without \"end N\"", path, L.lineno);
	if (r < 0) {
		em_free(m);
		return -1;
	}
	m->w = (const int16_t (*)[EM_CLASSES])m->own;
	return 0;
}
