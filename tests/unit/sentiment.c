/*
 * lm_sums gives the class-at-a-time sums.  sentiment_word remembers
 * its answers (a cache by the word's hash): an answer holds only until
 * the lexicons change, and the same word asked again, or two words
 * sharing a slot, get what the lexicons say.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "carepipe.h"
#include "sentiment.h"
#include "sentmodel.h"
#include "tap.h"

static float word(sentiment *s, const char *w, bool *found)
{
	float boost;
	return sentiment_word(s, w, strlen(w), found, &boost);
}

/* The sums as lm_predict made them before, a class at a time: the
 * eight-lane sums must be the same at every row of the table, the last
 * ones (read one class at a time) included. */
static void plain_sums(int nclass, uint32_t buckets, const int16_t *w, const struct sm_feats *f,
                       int32_t *acc)
{
	for (int c = 0; c < nclass; c++)
		acc[c] = 0;
	for (size_t i = 0; i < f->n; i++)
		for (int c = 0; c < nclass; c++)
			acc[c] += w[(size_t)(f->h[i] & (buckets - 1)) * nclass + c];
}

static void predict_cases(void)
{
	static int16_t w[64 * 5];
	static struct sm_feats f;
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		w[i] = (int16_t)((x = x * 1103515245 + 12345) >> 16); /* negative ones too */
	int bad = 0, cases = 0;
	for (int nclass = 3; nclass <= 5; nclass += 2)
		for (uint32_t buckets = 1; buckets <= 64; buckets *= 2)
			for (size_t n = 0; n <= 40; n += 5) {
				f.n = n;
				for (size_t i = 0; i < n; i++) /* every row, the last ones most */
					f.h[i] = i % 2 ? buckets - 1 - (uint32_t)i % 3 : (x = x * 1103515245 + 12345);
				int32_t got[LM_MAXCLASSES], want[LM_MAXCLASSES];
				lm_sums(nclass, buckets, w, &f, got);
				plain_sums(nclass, buckets, w, &f, want);
				bad += memcmp(got, want, nclass * sizeof got[0]) != 0;
				cases++;
			}
	is_int(bad, 0, "lm_sums equals the class-at-a-time sums in all %d cases (3 and 5 classes, 1 to 64 buckets)", cases);
}

int main(void)
{
	predict_cases();
	sentiment *s = sentiment_new();
	ok(s != NULL, "made");
	bool found = true;
	word(s, "zorbleflux", &found);
	ok(!found, "an unknown word is not found");
	word(s, "zorbleflux", &found);
	ok(!found, "nor the second time (remembered)");
	word(s, "zorblefluxes", &found);
	ok(!found, "nor its plural");
	ok(sentiment_add(s, "zorbleflux", 3) == 0, "added to the lexicon");
	float v = word(s, "zorbleflux", &found);
	ok(found && v > 2.3f && v < 2.5f, "found once added, though asked before (%.3f)", v);
	v = word(s, "zorblefluxes", &found);
	ok(found && v > 2.3f && v < 2.5f, "and its plural, by its stem (%.3f)", v);
	ok(sentiment_add(s, "zorbleflux", -2) == 0, "its score changed");
	v = word(s, "zorbleflux", &found);
	ok(found && v < -1.5f && v > -1.7f, "the new score (%.3f)", v);
	/* Many words through the same few slots: each keeps its own answer. */
	float good = word(s, "good", &found);
	ok(found && good > 0, "good is positive");
	char w[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(w, sizeof w, "w%dx", i);
		word(s, w, &found);
	}
	ok(word(s, "good", &found) == good && found, "good, asked again after 20,000 other words");
	ok(word(s, "awful", &found) < 0 && found, "awful is negative");
	/* A word longer than the remembered keys is still looked up. */
	ok(sentiment_add(s, "supercalifragilisticexpialidocious", 4) == 0, "a long word added");
	word(s, "supercalifragilisticexpialidocious", &found);
	ok(found, "a word of 34 bytes is found");
	sentiment_free(s);
	return done_testing();
}
