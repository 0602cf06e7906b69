/*
 * train-sentiment - train tag's sentiment model: multinomial logistic
 * regression over the features of common/sentmodel.c, by full-batch
 * L-BFGS (deterministic: no sampling, a fixed order, one thread).
 *
 *   train-sentiment [-b BITS] [-l L2] [-d L2DENSE] [-i ITERS] [-o MODEL]
 *                   [-c SOURCE] [--val TEXT LABELS] [--holdout SOURCE] TRAIN.tsv
 *
 * TRAIN.tsv: label<TAB>text<TAB>source with a header line, label
 * negative, neutral or positive (../shared/data/semeval-sentiment).
 * Classes are weighted inversely to their frequency.  -b: 2^BITS buckets
 * of hashed features; -l: the L2 penalty of their weights, -d that of the
 * dense (lexicon and count) features' (the bias is not penalised).
 * --holdout leaves out the tweets whose source starts with SOURCE
 * ("twitter-2016") and scores the model on them: how the regularisation
 * was chosen, for robustness to a later year.  --no-lexicon zeroes the
 * lexicon's features, to measure what they bring.  --val scores the
 * quantised model, exactly as tag runs it, on TweetEval's val files (one
 * tweet per line; labels 0 negative, 1 neutral, 2 positive) and prints the
 * macro-averaged recall; it is never trained on.  -o writes the model's
 * text form (tag --model), -c the C source compiled into tag
 * (common/sentiment_model.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "sentiment.h"
#include "sentmodel.h"
#include "lbfgs.h"

#define C SM_CLASSES

static const char *const class_names[C] = { "negative", "neutral", "positive" };

struct data {
	size_t n;
	uint32_t *start;     /* [n + 1] into idx */
	uint32_t *idx;       /* bucket numbers */
	float *dense;        /* [n][SM_NDENSE] */
	float *value;        /* [n] the sparse features' value */
	unsigned char *y;
	size_t cap, icap;
};

static void data_free(struct data *d)
{
	free(d->start);
	free(d->idx);
	free(d->dense);
	free(d->value);
	free(d->y);
}

static void die(const char *msg)
{
	fprintf(stderr, "train-sentiment: %s\n", msg);
	exit(70);
}

static void *xrealloc(void *p, size_t n)
{
	if (!(p = realloc(p, n)))
		die("out of memory");
	return p;
}

/* --no-lexicon: the lexicon's dense features zeroed, to measure them. */
static bool no_lexicon;

static void add(struct data *d, sentiment *lex, struct sm_feats *f, const char *text, size_t len,
                int y, uint32_t buckets)
{
	if (d->n + 1 >= d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4096;
		d->start = xrealloc(d->start, (d->cap + 1) * sizeof *d->start);
		d->dense = xrealloc(d->dense, d->cap * SM_NDENSE * sizeof *d->dense);
		d->value = xrealloc(d->value, d->cap * sizeof *d->value);
		d->y = xrealloc(d->y, d->cap);
	}
	sm_extract(lex, text, len, f);
	if (no_lexicon)
		for (int j = 0; j < SM_NDENSE; j++)
			if (j <= 4 || j >= 13)
				f->dense[j] = 0;
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
	d->n++;
}

static char *slurp(const char *path, size_t *len)
{
	cp_buf b = {0};
	cp_err e = {0};
	int r = state_read(path, &b, &e);
	if (r <= 0) {
		fprintf(stderr, "train-sentiment: %s: %s\n", path, r ? e.msg : "no such file");
		exit(66);
	}
	*len = b.len;
	if (!buf_cstr(&b))
		die("out of memory");
	return b.p;
}

static void read_train(const char *path, struct data *d, struct data *held, const char *holdout,
                       sentiment *lex, struct sm_feats *f, uint32_t buckets)
{
	size_t len;
	char *p = slurp(path, &len);
	unsigned lineno = 0;
	for (char *line = p, *next; line < p + len; line = next) {
		next = strchr(line, '\n');
		next = next ? (*next = '\0', next + 1) : p + len;
		if (++lineno == 1)
			continue;
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		int y = -1;
		for (int c = 0; t1 && c < C; c++)
			if ((size_t)(t1 - line) == strlen(class_names[c]) &&
			    !memcmp(line, class_names[c], (size_t)(t1 - line)))
				y = c;
		if (!t2 || y < 0) {
			fprintf(stderr, "train-sentiment: %s:%u: expected label<TAB>text<TAB>source\n",
			        path, lineno);
			exit(65);
		}
		bool out = holdout && !strncmp(t2 + 1, holdout, strlen(holdout));
		add(out ? held : d, lex, f, t1 + 1, (size_t)(t2 - t1 - 1), y, buckets);
	}
	free(p);
}

static void read_val(const char *tpath, const char *lpath, struct data *d, sentiment *lex,
                     struct sm_feats *f, uint32_t buckets)
{
	size_t tl, ll;
	char *t = slurp(tpath, &tl), *l = slurp(lpath, &ll), *lp = l;
	unsigned lineno = 0;
	for (char *line = t, *next; line < t + tl; line = next) {
		next = strchr(line, '\n');
		next = next ? (*next = '\0', next + 1) : t + tl;
		lineno++;
		while (*lp == '\n' || *lp == ' ' || *lp == '\r')
			lp++;
		if (*lp < '0' || *lp > '2') {
			fprintf(stderr, "train-sentiment: %s: no label for line %u of %s\n", lpath,
			        lineno, tpath);
			exit(65);
		}
		add(d, lex, f, line, strlen(line), *lp++ - '0', buckets);
	}
	free(t);
	free(l);
}

/* ------------------------------------------------------------ the loss */

struct problem {
	const struct data *d;
	double cw[C];        /* class weights, summing to 1 over the examples */
	double l2, l2_dense;
	uint32_t buckets;
	size_t nparam;       /* C bias, then SM_NDENSE * C, then buckets * C */
};

#define P_DENSE C
#define P_W (C + SM_NDENSE * C)

/* Weighted mean log loss plus l2/2 |w|^2 (the bias unpenalised); fills g. */
static double loss(const void *problem, const double *x, double *g)
{
	const struct problem *pb = problem;
	const struct data *d = pb->d;
	double f = 0;
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
	for (size_t k = C; k < pb->nparam; k++) {
		double l2 = k < P_W ? pb->l2_dense : pb->l2;
		f += 0.5 * l2 * x[k] * x[k];
		g[k] += l2 * x[k];
	}
	return f;
}

/* ------------------------------------------------------------ output */

static void quantise(const double *x, size_t n, uint32_t buckets, sm_model *m)
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

static double evaluate(const sm_model *m, const struct data *d, double recall[C])
{
	unsigned hit[C] = {0}, all[C] = {0};
	struct sm_feats f;
	for (size_t i = 0; i < d->n; i++) {
		f.n = d->start[i + 1] - d->start[i];
		/* the buckets are already folded; folding again changes nothing */
		memcpy(f.h, d->idx + d->start[i], f.n * sizeof *f.h);
		memcpy(f.dense, d->dense + i * SM_NDENSE, sizeof f.dense);
		double p[C];
		sm_predict(m, &f, p);
		int best = p[2] > p[1] && p[2] > p[0] ? 2 : p[0] > p[1] && p[0] >= p[2] ? 0 : 1;
		all[d->y[i]]++;
		hit[d->y[i]] += best == d->y[i];
	}
	double macro = 0;
	for (int c = 0; c < C; c++)
		macro += recall[c] = all[c] ? (double)hit[c] / all[c] : 0;
	return macro / C;
}

static FILE *create(const char *path)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		fprintf(stderr, "train-sentiment: %s: %s\n", path, strerror(errno));
		exit(73);
	}
	return fp;
}

static void finish(FILE *fp, const char *path)
{
	if (ferror(fp) | fclose(fp)) {
		fprintf(stderr, "train-sentiment: %s: write error\n", path);
		exit(74);
	}
}

static void write_text(const sm_model *m, const char *path, const char *about)
{
	FILE *fp = create(path);
	unsigned long nw = 0;
	fprintf(fp, "# tag(1) sentiment model: %s\n", about);
	fprintf(fp, "carepipe-sentiment-model 1\nfeatures %d\nclasses negative neutral positive\n",
	        SM_FEATURES_VERSION);
	fprintf(fp, "buckets %u\nscale %.17g\nbias %d %d %d\n", m->buckets, m->scale, m->bias[0],
	        m->bias[1], m->bias[2]);
	for (int j = 0; j < SM_NDENSE; j++)
		fprintf(fp, "dense %d %d %d %d\n", j, m->dense[j][0], m->dense[j][1], m->dense[j][2]);
	for (uint32_t b = 0; b < m->buckets; b++)
		if (m->w[b][0] || m->w[b][1] || m->w[b][2]) {
			fprintf(fp, "w %u %d %d %d\n", b, m->w[b][0], m->w[b][1], m->w[b][2]);
			nw++;
		}
	fprintf(fp, "end %lu\n", nw);
	finish(fp, path);
}

static void write_c(const sm_model *m, const char *path, const char *about)
{
	FILE *fp = create(path);
	fprintf(fp, "/* Generated by scripts/train-sentiment.c (make sentiment-model): do not edit.\n"
	            " * %s */\n#include \"sentmodel.h\"\n\n", about);
	fprintf(fp, "static const int16_t weights[%u][SM_CLASSES] = {\n", m->buckets);
	for (uint32_t b = 0; b < m->buckets; b++)
		fprintf(fp, "{%d,%d,%d},%s", m->w[b][0], m->w[b][1], m->w[b][2], b % 6 == 5 ? "\n" : "");
	fprintf(fp, "};\n\nconst sm_model sm_builtin = {\n\t.features = %d,\n\t.buckets = %u,\n"
	        "\t.scale = %.17g,\n", SM_FEATURES_VERSION, m->buckets, m->scale);
	fprintf(fp, "\t.bias = {%d, %d, %d},\n\t.dense = {", m->bias[0], m->bias[1], m->bias[2]);
	for (int j = 0; j < SM_NDENSE; j++)
		fprintf(fp, "%s{%d, %d, %d}", j ? ", " : "", m->dense[j][0], m->dense[j][1],
		        m->dense[j][2]);
	fprintf(fp, "},\n\t.w = weights,\n};\n");
	finish(fp, path);
}

static void usage(void)
{
	fprintf(stderr, "usage: train-sentiment [-b BITS] [-l L2] [-d L2DENSE] [-i ITERS] [-o MODEL] [-c SOURCE]\n"
	                "                       [--val TEXT LABELS] [--holdout SOURCE] [--no-lexicon] TRAIN.tsv\n");
	exit(64);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "val", required_argument, NULL, 'v' },
		{ "holdout", required_argument, NULL, 'H' },
		{ "no-lexicon", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	int bits = 16, iters = 300, ch;
	double l2 = 1e-4, l2_dense = -1;
	const char *holdout = NULL;
	const char *out = NULL, *csrc = NULL, *vtext = NULL, *vlabels = NULL;
	while ((ch = getopt_long(argc, argv, "b:l:d:i:o:c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': bits = atoi(optarg); break;
		case 'l': l2 = atof(optarg); break;
		case 'd': l2_dense = atof(optarg); break;
		case 'H': holdout = optarg; break;
		case 'N': no_lexicon = true; break;
		case 'i': iters = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'c': csrc = optarg; break;
		case 'v':
			if (optind >= argc)
				usage();
			vtext = optarg;
			vlabels = argv[optind++];
			break;
		default: usage();
		}
	}
	if (optind + 1 != argc || bits < 8 || bits > 24 || !(l2 >= 0) || iters < 1)
		usage();
	uint32_t buckets = 1u << bits;
	sentiment *lex = sentiment_new();
	struct sm_feats *f = malloc(sizeof *f);
	if (!lex || !f)
		die("out of memory");
	if (l2_dense < 0)
		l2_dense = l2;
	struct data train = {0}, val = {0}, held = {0};
	read_train(argv[optind], &train, &held, holdout, lex, f, buckets);
	if (vtext)
		read_val(vtext, vlabels, &val, lex, f, buckets);

	struct problem pb = { .d = &train, .l2 = l2, .l2_dense = l2_dense, .buckets = buckets,
	                      .nparam = P_W + (size_t)buckets * C };
	unsigned count[C] = {0};
	for (size_t i = 0; i < train.n; i++)
		count[train.y[i]]++;
	for (int c = 0; c < C; c++) /* balanced: each class weighs a third */
		pb.cw[c] = count[c] ? 1.0 / (3.0 * count[c]) : 0;
	fprintf(stderr, "train-sentiment: %zu tweets (%u negative, %u neutral, %u positive), "
	        "%zu features, %u buckets, l2 %g\n", train.n, count[0], count[1], count[2],
	        (size_t)train.start[train.n], buckets, l2);
	double *x = calloc(pb.nparam, sizeof *x);
	if (!x)
		die("out of memory");
	lbfgs("train-sentiment", loss, &pb, pb.nparam, x, iters);

	sm_model m = {0};
	quantise(x, pb.nparam, buckets, &m);
	double r[C];
	double macro = evaluate(&m, &train, r);
	printf("train: macro-recall %.4f (negative %.3f, neutral %.3f, positive %.3f)\n", macro, r[0],
	       r[1], r[2]);
	char about[256];
	snprintf(about, sizeof about, "features %d, %u buckets, l2 %g, %zu training tweets",
	         SM_FEATURES_VERSION, buckets, l2, train.n);
	if (vtext) {
		macro = evaluate(&m, &val, r);
		printf("val: macro-recall %.4f (negative %.3f, neutral %.3f, positive %.3f)\n", macro,
		       r[0], r[1], r[2]);
	}
	if (holdout) {
		macro = evaluate(&m, &held, r);
		printf("held out (%s, %zu tweets): macro-recall %.4f (negative %.3f, neutral %.3f, "
		       "positive %.3f)\n", holdout, held.n, macro, r[0], r[1], r[2]);
	}
	if (out)
		write_text(&m, out, about);
	if (csrc)
		write_c(&m, csrc, about);
	sm_free(&m);
	free(x);
	free(f);
	data_free(&train);
	data_free(&val);
	data_free(&held);
	sentiment_free(lex);
	return 0;
}
