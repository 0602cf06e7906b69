/*
 * escmodel.h - the trained escalation model: a linear (multinomial
 * logistic regression) classifier of a text into none, privacy, safety,
 * legal or security, over the sentiment model's features (sentmodel.h's
 * sm_extract: hashed word uni/bigrams, character 3/4-grams, negation
 * scope, lexicon scores), so tag extracts them once per record for both.
 *
 * carepipe-rules(5)'s `escalation-model CATEGORY` condition reads its
 * probabilities: it is the fallback after the keyword rules, for phrasing
 * no list names.  The built-in model is generated C
 * (common/escalation_model.c, `make escalation-model`, by
 * scripts/train-escalation.c from labelled escalations); em_load reads
 * the same model from its text form (tag --escalation-model, tag(1)).
 *
 * Ownership: a model loaded by em_load is freed by em_free; the built-in
 * one is static.  Nothing here prints or exits.
 */
#ifndef ESCMODEL_H
#define ESCMODEL_H

#include <stdint.h>

#include "carepipe.h"
#include "sentmodel.h"

enum { EM_NONE, EM_PRIVACY, EM_SAFETY, EM_LEGAL, EM_SECURITY, EM_CLASSES };
/* The text form's first keyword and its classes line (em_load, the trainer). */
#define EM_MAGIC "carepipe-escalation-model"
#define EM_CLASS_NAMES "none privacy safety legal security"

/* The class names, in the order above (as in dev.tsv's label column). */
extern const char *const em_class_names[EM_CLASSES];

typedef struct em_model {
	int features;         /* the SM_FEATURES_VERSION it was trained with */
	uint32_t buckets;     /* a power of two */
	double scale;         /* a weight is its int16 times scale */
	int16_t bias[EM_CLASSES];
	int16_t dense[SM_NDENSE][EM_CLASSES];
	const int16_t (*w)[EM_CLASSES]; /* [buckets] */
	int16_t (*own)[EM_CLASSES];     /* w when loaded from a file */
} em_model;

/* The compiled-in model (common/escalation_model.c); not used when
 * trained with other features than sm_extract's (em_usable). */
extern const em_model em_builtin;

/* Is m made for the features sm_extract gives? */
static inline bool em_usable(const em_model *m)
{
	return m->w && m->features == SM_FEATURES_VERSION;
}

/* Class probabilities of a text's features. */
void em_predict(const em_model *m, const struct sm_feats *f, double p[EM_CLASSES]);

/* Read a model in its text form.  Returns 0, or -1 with e: 78 and
 * "FILE:LINE: message" for a bad file, 66 when missing, 71 for memory. */
int em_load(em_model *m, const char *path, cp_err *e);
void em_free(em_model *m);

#endif
