/*
 * The trained escalation model: prediction and the text form's reader
 * (see escmodel.h), both sentmodel.h's linear-model core with five
 * classes.  Prediction runs once per inbound record on features already
 * extracted, so it allocates nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "escmodel.h"

const char *const em_class_names[EM_CLASSES] = { "none", "privacy", "safety", "legal", "security" };

void em_predict(const em_model *m, const struct sm_feats *f, double p[EM_CLASSES])
{
	lm_predict(EM_CLASSES, m->buckets, m->scale, m->bias, &m->dense[0][0], &m->w[0][0], f, p);
}

void em_free(em_model *m)
{
	if (!m)
		return;
	free(m->own);
	m->own = NULL;
	m->w = NULL;
}

int em_load(em_model *m, const char *path, cp_err *e)
{
	memset(m, 0, sizeof *m);
	int16_t *own = NULL;
	struct lm_view v = {
		.nclass = EM_CLASSES, .magic = EM_MAGIC,
		.classes = EM_CLASS_NAMES, .features = &m->features,
		.buckets = &m->buckets, .scale = &m->scale, .bias = m->bias,
		.dense = &m->dense[0][0], .own = &own,
	};
	if (lm_load(&v, path, e) < 0)
		return -1;
	m->own = (int16_t (*)[EM_CLASSES])own;
	m->w = (const int16_t (*)[EM_CLASSES])m->own;
	return 0;
}
