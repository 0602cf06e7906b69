/*
 * sentiment_word remembers its answers (a cache by the word's hash): an
 * answer holds only until the lexicons change, and the same word asked
 * again, or two words sharing a slot, get what the lexicons say.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "carepipe.h"
#include "sentiment.h"
#include "tap.h"

static float word(sentiment *s, const char *w, bool *found)
{
	float boost;
	return sentiment_word(s, w, strlen(w), found, &boost);
}

int main(void)
{
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
