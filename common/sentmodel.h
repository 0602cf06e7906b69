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

#include <stddef.h>
#include <stdint.h>

#include "carepipe.h"

/* Bumped whenever the features change: a model names the version it was
 * trained with and is refused by an extractor of another. */
#define SM_FEATURES_VERSION 3
#define SM_CLASSES 3          /* negative, neutral, positive */
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

#endif
