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

#define TRAINER "train-sentiment"
#include "trainer.h"

#define C SM_CLASSES

static const char *const class_names[C] = { "negative", "neutral", "positive" };

/* --no-lexicon: the lexicon's dense features zeroed, to measure them. */
static bool no_lexicon;

static void add(struct data *d, sentiment *lex, struct sm_feats *f, const char *text, size_t len,
                int y, uint32_t buckets)
{
	sm_extract(lex, text, len, f);
	if (no_lexicon)
		for (int j = 0; j < SM_NDENSE; j++)
			if (j <= 4 || j >= 13)
				f->dense[j] = 0;
	data_add(d, f, y, NULL, buckets);
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

/* ------------------------------------------------------------ output */

static double evaluate(const sm_model *m, const struct data *d, double recall[C])
{
	unsigned hit[C] = {0}, all[C] = {0};
	struct sm_feats f;
	for (size_t i = 0; i < d->n; i++) {
		data_feats(d, i, &f);
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

	struct problem pb = { .d = &train, .classes = C, .l2 = l2, .l2_dense = l2_dense,
	                      .nparam = (size_t)C * (1 + SM_NDENSE + buckets) };
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
	lbfgs(loss, &pb, pb.nparam, x, iters);

	sm_model m = { .features = SM_FEATURES_VERSION, .buckets = buckets };
	if (!(m.own = calloc(buckets, sizeof *m.own)))
		die("out of memory");
	m.scale = quantise(x, pb.nparam, C, buckets, m.bias, &m.dense[0][0], &m.own[0][0]);
	m.w = (const int16_t (*)[C])m.own;
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
