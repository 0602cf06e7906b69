/* Sentiment: any bytes as a text, through the model's feature extraction
 * (fixed buffers, no allocation) and the lexicon scorer, give a score in
 * [-1, 1] and a label; any bytes as a model file (first byte 'M') load or
 * are refused with a configuration error, never half loaded. */
#include <math.h>
#include <string.h>

#include "fuzz_util.h"
#include "sentiment.h"
#include "sentmodel.h"

static sentiment *s;

static void check(int label, double score)
{
	if (label < SENT_NEGATIVE || label > SENT_POSITIVE || !(score >= -1 && score <= 1))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (!s && !(s = sentiment_new()))
		__builtin_trap();
	if (size && data[0] == 'M') {
		const char *path = fuzz_file("m.model", data + 1, size - 1);
		sm_model m;
		cp_err e = {0};
		if (!path)
			return 0;
		if (sm_load(&m, path, &e) == 0) {
			struct sm_feats *f = malloc(sizeof *f);
			double p[SM_CLASSES];
			if (!f || !m.w || m.features != SM_FEATURES_VERSION)
				__builtin_trap();
			sm_extract(s, "not good at all :(", 18, f);
			sm_predict(&m, f, p);
			if (!(fabs(p[0] + p[1] + p[2] - 1) < 1e-9))
				__builtin_trap();
			free(f);
			sm_free(&m);
		} else if (e.code != CP_EX_CONFIG && e.code != CP_EX_OSERR) {
			__builtin_trap();
		}
		return 0;
	}
	double score;
	const char *text = (const char *)data;
	int label = sentiment_score(s, text, size, NULL, &score);
	check(label, score);
	label = sentiment_score(s, text, size, "fr", &score);
	check(label, score);
	label = sentiment_lexicon_score(s, text, size, "en", &score);
	check(label, score);
	return 0;
}
