/*
 * sentmodel.h - the trained sentiment model: feature extraction and a
 * linear (multinomial logistic regression) classifier over hashed features.
 *
 * One feature extractor serves both the trainer (scripts/train-sentiment.c)
 * and tag at run time, so training and inference cannot disagree.  The
 * features of a text: word unigrams (marked when inside a negation's
 * scope, "not good" -> "good" negated), word bigrams, character 3- and
 * 4-grams of each word, emoji and emoticons, elongation ("soooo"), ALL
 * CAPS, exclamation and question marks, and as dense features the
 * lexicons' (sentiment.c) valences of the same words: negated, boosted by
 * intensifiers, weighted by contrast and squashed as the lexicon scorer
 * does, but in this one pass (the full scorer, run as well, cost half
 * again the time for 0.004 of macro-recall on a held-out year).  Word, bigram and
 * character features are hashed (32 bits); the model folds the hash onto
 * its number of buckets.
 *
 * The model: per class (negative, neutral, positive) a bias, a weight per
 * dense feature and a weight per bucket, stored as 16-bit integers times
 * one scale.  The built-in model is generated C (common/sentiment_model.c,
 * `make sentiment-model`); sm_load reads the same model from its text
 * form, documented in tag(1).
 *
 * Ownership: an sm_feats is the caller's (no allocation per text); a model
 * loaded by sm_load is freed by sm_free; the built-in one is static.
 * Nothing here prints or exits.
 */
#ifndef SENTMODEL_H
#define SENTMODEL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "carepipe.h"

/* Bumped whenever the features change: a model names the version it was
 * trained with and is refused by an extractor of another. */
#define SM_FEATURES_VERSION 3
#define SM_CLASSES 3          /* negative, neutral, positive */
/* The text form's first keyword and its classes line (sm_load, the trainer). */
#define SM_MAGIC "carepipe-sentiment-model"
#define SM_CLASS_NAMES "negative neutral positive"
#define SM_NDENSE 16
#define SM_MAXHASH 4096

struct sm_feats {
	uint32_t h[SM_MAXHASH]; /* hashed sparse features, repeats allowed */
	size_t n;
	float dense[SM_NDENSE];
};

struct sentiment;

/* The features of a text; lex scores it for the dense lexicon features. */
void sm_extract(struct sentiment *lex, const char *text, size_t len, struct sm_feats *f);

typedef struct sm_model {
	int features;         /* the SM_FEATURES_VERSION it was trained with */
	uint32_t buckets;     /* a power of two */
	double scale;         /* a weight is its int16 times scale */
	int16_t bias[SM_CLASSES];
	int16_t dense[SM_NDENSE][SM_CLASSES];
	const int16_t (*w)[SM_CLASSES]; /* [buckets] */
	int16_t (*own)[SM_CLASSES];     /* w when loaded from a file */
} sm_model;

/* The compiled-in model (common/sentiment_model.c).  One trained with
 * other features than these is not used (sentiment.c falls back to the
 * lexicon, and the tests fail) until `make sentiment-model` retrains it;
 * the trainer itself links and runs meanwhile. */
extern const sm_model sm_builtin;

/* Class probabilities of a text's features. */
void sm_predict(const sm_model *m, const struct sm_feats *f, double p[SM_CLASSES]);

/* Read a model in its text form.  Returns 0, or -1 with e: 78 and
 * "FILE:LINE: message" for a bad file, 66 when missing, 71 for memory. */
int sm_load(sm_model *m, const char *path, cp_err *e);
void sm_free(sm_model *m);

/* Where a sparse feature's hash lands among a model's buckets. */
static inline uint32_t sm_bucket(uint32_t h, uint32_t buckets)
{
	return h & (buckets - 1);
}

/* The value of each sparse feature of f: the vector of counts scaled to
 * about unit length. */
static inline float sm_sparse_value(const struct sm_feats *f)
{
	return f->n ? 1.0f / __builtin_sqrtf((float)f->n) : 0.0f;
}

/*
 * A linear model over these features with any number of classes (up to
 * LM_MAXCLASSES): what sm_model and escmodel.h's em_model share, seen
 * through flat pointers into their own arrays, so that one predictor and
 * one reader of the text form serve both.
 */
#define LM_MAXCLASSES 8
struct lm_view {
	int nclass;
	const char *magic;    /* the first line's keyword, "carepipe-sentiment-model" */
	const char *classes;  /* the class names as the classes line gives them */
	int *features;
	uint32_t *buckets;
	double *scale;
	int16_t *bias;        /* [nclass] */
	int16_t *dense;       /* [SM_NDENSE][nclass] */
	int16_t **own;        /* set to the [buckets][nclass] weights it allocates */
};

/* Read a model's text form into v (its numbers zeroed first): the
 * header, features, classes, buckets, scale, bias, SM_NDENSE dense lines,
 * w lines and "end N" with the number of w lines, so a truncated file is
 * refused, not half loaded.  Returns 0, or -1 with e as sm_load says;
 * on failure *v->own is freed and NULL. */
int lm_load(const struct lm_view *v, const char *path, cp_err *e);

/* acc[c]: the sum over f's sparse features of class c's int16 weight
 * in w[buckets][nclass]. */
static inline void lm_sums(int nclass, uint32_t buckets, const int16_t *w, const struct sm_feats *f,
                           int32_t acc[LM_MAXCLASSES])
{
	for (int c = 0; c < LM_MAXCLASSES; c++)
		acc[c] = 0;
	uint32_t mask = buckets - 1;
	/* A row is added as eight int16 lanes at once (those past nclass,
	 * the next row's, are summed and ignored), read as four int32: each
	 * one's low half, sign-extended by shifts, goes to an even class's
	 * sum, its high half to the odd one's.  A load, three shifts and two
	 * adds in registers instead of nclass loads and adds; the sums are
	 * the same integers. */
	typedef int32_t lm_v4si __attribute__((vector_size(16)));
	typedef uint32_t lm_v4su __attribute__((vector_size(16)));
	lm_v4si even = {0}, odd = {0};
	size_t total = (size_t)buckets * nclass, n = f->n;
	for (size_t i = 0; i < n; i++) {
		/* the rows are spread over the table: ask for them early */
		if (i + 16 < n)
			__builtin_prefetch(w + (size_t)(f->h[i + 16] & mask) * nclass);
		size_t at = (size_t)(f->h[i] & mask) * nclass;
		if (__builtin_expect(at + LM_MAXCLASSES <= total, 1)) {
			lm_v4si x;
			memcpy(&x, w + at, sizeof x);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			even += x >> 16;
			odd += (lm_v4si)((lm_v4su)x << 16) >> 16;
#else
			even += (lm_v4si)((lm_v4su)x << 16) >> 16;
			odd += x >> 16;
#endif
		} else {
			for (int c = 0; c < nclass; c++)
				acc[c] += w[at + c];
		}
	}
	for (int c = 0; c < nclass; c++)
		acc[c] += c % 2 ? odd[c / 2] : even[c / 2];
}

/* Class probabilities p[nclass] of f under the weights bias[nclass],
 * dense[SM_NDENSE][nclass] and w[buckets][nclass]: a weight is its int16
 * times scale.  Inline so that each caller's constant nclass unrolls. */
static inline void lm_predict(int nclass, uint32_t buckets, double scale, const int16_t *bias,
                              const int16_t *dense, const int16_t *w, const struct sm_feats *f,
                              double *p)
{
	int32_t acc[LM_MAXCLASSES];
	lm_sums(nclass, buckets, w, f, acc);
	double v = sm_sparse_value(f), z[LM_MAXCLASSES], top = -INFINITY, sum = 0;
	for (int c = 0; c < nclass; c++) {
		double d = bias[c] + v * acc[c];
		for (int j = 0; j < SM_NDENSE; j++)
			d += (double)f->dense[j] * dense[j * nclass + c];
		z[c] = d * scale;
		if (z[c] > top)
			top = z[c];
	}
	for (int c = 0; c < nclass; c++)
		sum += p[c] = exp(z[c] - top);
	for (int c = 0; c < nclass; c++)
		p[c] /= sum;
}

#endif
