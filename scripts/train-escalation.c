/*
 * train-escalation - train tag's escalation model (common/escmodel.h):
 * multinomial logistic regression into none, privacy, safety, legal and
 * security over the sentiment model's features (sentmodel.h's
 * sm_extract), by full-batch L-BFGS (deterministic: no sampling, a fixed
 * order, one thread), as scripts/train-sentiment.c trains sentiment.
 *
 *   train-escalation [-b BITS] [-l L2] [-d L2DENSE] [-i ITERS] [-o MODEL] [-c SOURCE]
 *                    [-s TEST.tsv]... TRAIN.tsv...
 *
 * TRAIN.tsv: ../shared/data/escalation/dev.tsv's format with its header
 * line (id, label, confidence, reason, text); only the `sure` rows are
 * used, each weighing the same.  -b: 2^BITS buckets of hashed features;
 * -l: the L2 penalty of their weights, -d that of the dense (lexicon and
 * count) features' (the bias is not penalised).  -s scores the quantised
 * model, exactly as tag runs it, on the sure rows of TEST.tsv (never
 * trained on): one line per row, "FILE<TAB>ID<TAB>LABEL" and the five
 * class probabilities, for the held-out protocol of tag(1).  -o writes
 * the model's text form (tag --escalation-model), -c the C source
 * compiled into tag (common/escalation_model.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "escmodel.h"
#include "sentiment.h"
#include "sentmodel.h"
#include "lbfgs.h"

#define C EM_CLASSES

struct data {
	size_t n;
	uint32_t *start;     /* [n + 1] into idx */
	uint32_t *idx;       /* bucket numbers */
	float *dense;        /* [n][SM_NDENSE] */
	float *value;        /* [n] the sparse features' value */
	unsigned char *y;
	char **id;
	size_t cap, icap;
};

static void data_free(struct data *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->id[i]);
	free(d->id);
	free(d->start);
	free(d->idx);
	free(d->dense);
	free(d->value);
	free(d->y);
	memset(d, 0, sizeof *d);
}

static void die(const char *msg)
{
	fprintf(stderr, "train-escalation: %s\n", msg);
	exit(70);
}

static void *xrealloc(void *p, size_t n)
{
	if (!(p = realloc(p, n)))
		die("out of memory");
	return p;
}

static void add(struct data *d, sentiment *lex, struct sm_feats *f, const char *text, size_t len,
                int y, const char *id, uint32_t buckets)
{
	if (d->n + 1 >= d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4096;
		d->start = xrealloc(d->start, (d->cap + 1) * sizeof *d->start);
		d->dense = xrealloc(d->dense, d->cap * SM_NDENSE * sizeof *d->dense);
		d->value = xrealloc(d->value, d->cap * sizeof *d->value);
		d->y = xrealloc(d->y, d->cap);
		d->id = xrealloc(d->id, d->cap * sizeof *d->id);
	}
	sm_extract(lex, text, len, f);
	size_t at = d->n ? d->start[d->n] : 0;
	if (at + f->n > d->icap) {
		d->icap = 2 * (at + f->n) + 65536;
		d->idx = xrealloc(d->idx, d->icap * sizeof *d->idx);
	}
	if (!d->n)
		d->start[0] = 0;
	for (size_t i = 0; i < f->n; i++)
		d->idx[at + i] = f->h[i] & (buckets - 1);
	d->start[d->n + 1] = (uint32_t)(at + f->n);
	memcpy(d->dense + d->n * SM_NDENSE, f->dense, sizeof f->dense);
	d->value[d->n] = sm_sparse_value(f);
	d->y[d->n] = (unsigned char)y;
	if (!(d->id[d->n] = strdup(id)))
		die("out of memory");
	d->n++;
}

static char *slurp(const char *path, size_t *len)
{
	cp_buf b = {0};
	cp_err e = {0};
	int r = state_read(path, &b, &e);
	if (r <= 0) {
		fprintf(stderr, "train-escalation: %s: %s\n", path, r ? e.msg : "no such file");
		exit(66);
	}
	*len = b.len;
	if (!buf_cstr(&b))
		die("out of memory");
	return b.p;
}

/* The sure rows of a labelled TSV (id, label, confidence, reason, text). */
static void read_tsv(const char *path, struct data *d, sentiment *lex, struct sm_feats *f,
                     uint32_t buckets)
{
	size_t len;
	char *p = slurp(path, &len);
	unsigned lineno = 0;
	for (char *line = p, *next; line < p + len; line = next) {
		next = strchr(line, '\n');
		next = next ? (*next = '\0', next + 1) : p + len;
		if (++lineno == 1)
			continue;
		char *col[5] = { line };
		int k = 1;
		for (char *q = line; *q && k < 5; q++)
			if (*q == '\t') {
				*q = '\0';
				col[k++] = q + 1;
			}
		int y = -1;
		for (int c = 0; k == 5 && c < C; c++)
			if (!strcmp(col[1], em_class_names[c]))
				y = c;
		if (y < 0 || (strcmp(col[2], "sure") && strcmp(col[2], "doubt"))) {
			fprintf(stderr, "train-escalation: %s:%u: expected id<TAB>label<TAB>sure or "
			        "doubt<TAB>reason<TAB>text, label none, privacy, safety, legal or "
			        "security\n", path, lineno);
			exit(65);
		}
		if (!strcmp(col[2], "sure"))
			add(d, lex, f, col[4], strlen(col[4]), y, col[0], buckets);
	}
	free(p);
}

/* ------------------------------------------------------------ the loss */

struct problem {
	const struct data *d;
	double l2, l2_dense;
	uint32_t buckets;
	size_t nparam;       /* C bias, then SM_NDENSE * C, then buckets * C */
};

#define P_DENSE C
#define P_W (C + SM_NDENSE * C)

/* Mean log loss plus l2/2 |w|^2 (the bias unpenalised); fills g. */
static double loss(const void *problem, const double *x, double *g)
{
	const struct problem *pb = problem;
	const struct data *d = pb->d;
	double f = 0, w = 1.0 / (double)d->n;
	memset(g, 0, pb->nparam * sizeof *g);
	for (size_t i = 0; i < d->n; i++) {
		const float *dn = d->dense + i * SM_NDENSE;
		double z[C], v = d->value[i], top = -INFINITY, sum = 0;
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
	for (size_t k = C; k < pb->nparam; k++) {
		double l2 = k < P_W ? pb->l2_dense : pb->l2;
		f += 0.5 * l2 * x[k] * x[k];
		g[k] += l2 * x[k];
	}
	return f;
}

/* ------------------------------------------------------------ output */

static void quantise(const double *x, size_t n, uint32_t buckets, em_model *m)
{
	double top = 0;
	for (size_t k = 0; k < n; k++)
		if (fabs(x[k]) > top)
			top = fabs(x[k]);
	m->features = SM_FEATURES_VERSION;
	m->buckets = buckets;
	m->scale = top > 0 ? top / 32767 : 1;
	if (!(m->own = calloc(buckets, sizeof *m->own)))
		die("out of memory");
	for (int c = 0; c < C; c++) {
		m->bias[c] = (int16_t)lround(x[c] / m->scale);
		for (int j = 0; j < SM_NDENSE; j++)
			m->dense[j][c] = (int16_t)lround(x[P_DENSE + j * C + c] / m->scale);
	}
	for (uint32_t b = 0; b < buckets; b++)
		for (int c = 0; c < C; c++)
			m->own[b][c] = (int16_t)lround(x[P_W + (size_t)b * C + c] / m->scale);
	m->w = (const int16_t (*)[C])m->own;
}

static void predict(const em_model *m, const struct data *d, size_t i, double p[C])
{
	struct sm_feats f;
	f.n = d->start[i + 1] - d->start[i];
	/* the buckets are already folded; folding again changes nothing */
	memcpy(f.h, d->idx + d->start[i], f.n * sizeof *f.h);
	memcpy(f.dense, d->dense + i * SM_NDENSE, sizeof f.dense);
	em_predict(m, &f, p);
}

static FILE *create(const char *path)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		fprintf(stderr, "train-escalation: %s: %s\n", path, strerror(errno));
		exit(73);
	}
	return fp;
}

static void finish(FILE *fp, const char *path)
{
	if (ferror(fp) | fclose(fp)) {
		fprintf(stderr, "train-escalation: %s: write error\n", path);
		exit(74);
	}
}

static void write_text(const em_model *m, const char *path, const char *about)
{
	FILE *fp = create(path);
	unsigned long nw = 0;
	fprintf(fp, "# tag(1) escalation model: %s\n", about);
	fprintf(fp, "carepipe-escalation-model 1\nfeatures %d\n"
	        "classes none privacy safety legal security\n", SM_FEATURES_VERSION);
	fprintf(fp, "buckets %u\nscale %.17g\nbias", m->buckets, m->scale);
	for (int c = 0; c < C; c++)
		fprintf(fp, " %d", m->bias[c]);
	for (int j = 0; j < SM_NDENSE; j++) {
		fprintf(fp, "\ndense %d", j);
		for (int c = 0; c < C; c++)
			fprintf(fp, " %d", m->dense[j][c]);
	}
	fputc('\n', fp);
	for (uint32_t b = 0; b < m->buckets; b++) {
		bool any = false;
		for (int c = 0; c < C; c++)
			any |= m->w[b][c] != 0;
		if (!any)
			continue;
		fprintf(fp, "w %u", b);
		for (int c = 0; c < C; c++)
			fprintf(fp, " %d", m->w[b][c]);
		fputc('\n', fp);
		nw++;
	}
	fprintf(fp, "end %lu\n", nw);
	finish(fp, path);
}

static void write_c(const em_model *m, const char *path, const char *about)
{
	FILE *fp = create(path);
	fprintf(fp, "/* Generated by scripts/train-escalation.c (make escalation-model): do not edit.\n"
	            " * %s */\n#include \"escmodel.h\"\n\n", about);
	fprintf(fp, "static const int16_t weights[%u][EM_CLASSES] = {\n", m->buckets);
	for (uint32_t b = 0; b < m->buckets; b++)
		fprintf(fp, "{%d,%d,%d,%d,%d},%s", m->w[b][0], m->w[b][1], m->w[b][2], m->w[b][3],
		        m->w[b][4], b % 4 == 3 ? "\n" : "");
	fprintf(fp, "};\n\nconst em_model em_builtin = {\n\t.features = %d,\n\t.buckets = %u,\n"
	        "\t.scale = %.17g,\n\t.bias = {", SM_FEATURES_VERSION, m->buckets, m->scale);
	for (int c = 0; c < C; c++)
		fprintf(fp, "%s%d", c ? ", " : "", m->bias[c]);
	fprintf(fp, "},\n\t.dense = {");
	for (int j = 0; j < SM_NDENSE; j++) {
		fprintf(fp, "%s{", j ? ",\n\t\t" : "");
		for (int c = 0; c < C; c++)
			fprintf(fp, "%s%d", c ? ", " : "", m->dense[j][c]);
		fputc('}', fp);
	}
	fprintf(fp, "},\n\t.w = weights,\n};\n");
	finish(fp, path);
}

static void usage(void)
{
	fprintf(stderr, "usage: train-escalation [-b BITS] [-l L2] [-d L2DENSE] [-i ITERS] [-o MODEL] [-c SOURCE]\n"
	                "                        [-s TEST.tsv]... TRAIN.tsv...\n");
	exit(64);
}

int main(int argc, char **argv)
{
	int bits = 16, iters = 300, ch;
	double l2 = 1e-5, l2_dense = -1;
	const char *out = NULL, *csrc = NULL;
	const char **tests = calloc((size_t)argc, sizeof *tests);
	size_t ntests = 0;
	if (!tests)
		die("out of memory");
	while ((ch = getopt(argc, argv, "b:l:d:i:o:c:s:")) != -1) {
		switch (ch) {
		case 'b': bits = atoi(optarg); break;
		case 'l': l2 = atof(optarg); break;
		case 'd': l2_dense = atof(optarg); break;
		case 'i': iters = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'c': csrc = optarg; break;
		case 's': tests[ntests++] = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || bits < 8 || bits > 24 || !(l2 >= 0) || iters < 1)
		usage();
	uint32_t buckets = 1u << bits;
	sentiment *lex = sentiment_new();
	struct sm_feats *f = malloc(sizeof *f);
	if (!lex || !f)
		die("out of memory");
	if (l2_dense < 0)
		l2_dense = l2;
	struct data train = {0};
	for (int i = optind; i < argc; i++)
		read_tsv(argv[i], &train, lex, f, buckets);
	if (!train.n)
		die("no sure rows to train on");

	struct problem pb = { .d = &train, .l2 = l2, .l2_dense = l2_dense, .buckets = buckets,
	                      .nparam = P_W + (size_t)buckets * C };
	unsigned count[C] = {0};
	for (size_t i = 0; i < train.n; i++)
		count[train.y[i]]++;
	fprintf(stderr, "train-escalation: %zu texts (none %u, privacy %u, safety %u, legal %u, "
	        "security %u), %u buckets, l2 %g\n", train.n, count[0], count[1], count[2],
	        count[3], count[4], buckets, l2);
	double *x = calloc(pb.nparam, sizeof *x);
	if (!x)
		die("out of memory");
	lbfgs("train-escalation", loss, &pb, pb.nparam, x, iters);

	em_model m = {0};
	quantise(x, pb.nparam, buckets, &m);
	unsigned hit = 0;
	for (size_t i = 0; i < train.n; i++) {
		double p[C];
		predict(&m, &train, i, p);
		hit += (p[0] < 0.5) == (train.y[i] != 0);
	}
	printf("train: %u of %zu escalated or not as labelled\n", hit, train.n);
	for (size_t t = 0; t < ntests; t++) {
		struct data d = {0};
		read_tsv(tests[t], &d, lex, f, buckets);
		for (size_t i = 0; i < d.n; i++) {
			double p[C];
			predict(&m, &d, i, p);
			printf("%s\t%s\t%s", tests[t], d.id[i], em_class_names[d.y[i]]);
			for (int c = 0; c < C; c++)
				printf("\t%.5f", p[c]);
			putchar('\n');
		}
		data_free(&d);
	}
	char about[256];
	snprintf(about, sizeof about, "features %d, %u buckets, l2 %g, %zu training texts",
	         SM_FEATURES_VERSION, buckets, l2, train.n);
	if (out)
		write_text(&m, out, about);
	if (csrc)
		write_c(&m, csrc, about);
	em_free(&m);
	free(x);
	free(f);
	free(tests);
	data_free(&train);
	sentiment_free(lex);
	return 0;
}
