/*
 * sentiment.h - sentiment for short social posts, in English and French:
 * a score in [-1, 1] and a label.
 *
 * English (and any language but French) is scored by a trained linear
 * model (sentmodel.h): the label is the most probable class, the score
 * P(positive) - P(negative).  French is scored by the lexicon scorer,
 * which the model also uses as a feature:
 *
 * The lexicon score sums the valence of the words, emoji and emoticons found in the
 * project's own lexicons (common/lexicon_en.c, lexicon_fr.c, AFINN scale
 * -5..5), adjusted by the rules of how people write online: negation
 * ("not good", "pas terrible"), intensifiers and dampeners ("very",
 * "un peu"), contrast ("but" and "mais" weigh what follows), elongation
 * ("soooo goood"), ALL CAPS, and exclamation marks, while capitalised
 * words in a run mid-sentence are names ("Best Buy"); the sum is squashed
 * into [-1, 1] as x / sqrt(x^2 + 15).
 *
 * Ownership: made by sentiment_new or sentiment_new_sharing, freed by
 * sentiment_free.  Strings passed in are copied when kept.  Nothing here
 * prints or exits.  A scorer is one thread's at a time; sentiment_new_sharing
 * makes another for another thread.
 */
#ifndef SENTIMENT_H
#define SENTIMENT_H

#include <stddef.h>

#include "carepipe.h"

enum sentiment_label { SENT_NEGATIVE, SENT_NEUTRAL, SENT_POSITIVE };

/* Scores at or beyond these are positive or negative: one mildly
 * coloured word alone (AFINN 1, a score of 0.2) stays neutral, one
 * clearly coloured word (AFINN 2, 0.38) does not. */
#define SENT_POS_THRESHOLD 0.25
#define SENT_NEG_THRESHOLD (-0.25)

typedef struct sentiment sentiment;

/* With the built-in English and French lexicons loaded. */
sentiment *sentiment_new(void);
/* Load a lexicon file, "word<TAB>score" per line (AFINN style, -5..5;
 * '#' comments and blank lines allowed; a phrase may hold spaces).  Its
 * entries take precedence over the built-in ones.  Returns 0 or -1 with e
 * (78 for a bad line, as "FILE:LINE: message"; 66/74 when unreadable). */
int sentiment_load(sentiment *s, const char *path, cp_err *e);
/* Add or replace one user entry. */
int sentiment_add(sentiment *s, const char *word, double score);
/* Score a text (UTF-8).  lang is the record's language tag or NULL: "fr"
 * (fr-CA, ...) goes to the lexicon scorer, anything else to the model.
 * Returns the label and sets *score. */
int sentiment_score(sentiment *s, const char *text, size_t len, const char *lang,
                    double *score);
/* The lexicon scorer alone: "fr" prefers the French lexicon, anything
 * else the English one, and words one lexicon lacks are looked up in the
 * other. */
int sentiment_lexicon_score(sentiment *s, const char *text, size_t len, const char *lang,
                            double *score);
/* The valence of one folded word (apostrophes dropped: "dont") in the
 * lexicons, English first, on their internal -4..4 scale; *found says
 * whether it is there at all, *boost what it adds to the next word's
 * strength when it is an intensifier ("very", > 0) or a dampener ("kinda"). */
float sentiment_word(const sentiment *s, const char *k, size_t n, bool *found, float *boost);
/* Use the model in FILE (its text form, tag(1)) instead of the built-in
 * one.  Returns 0 or -1 with e (78 "FILE:LINE: message" for a bad file). */
int sentiment_load_model(sentiment *s, const char *path, cp_err *e);
/* The model's features (sentmodel.h) of the text sentiment_score has
 * just scored, given again as text: extracted by the scorer when the
 * model scored it, else now, so another model (escmodel.h) shares them. */
struct sm_feats;
const struct sm_feats *sentiment_features(sentiment *s, const char *text, size_t len);
/* false: the lexicon scorer for every language. */
void sentiment_use_model(sentiment *s, bool on);
/* Is there an emoticon at s?  Its length (0: none), with *v its valence. */
size_t sentiment_emoticon(const char *s, size_t n, float *v);
const char *sentiment_label_name(int label);
/* A scorer for another thread: s's lexicons and model, read where s
 * keeps them, with caches and scratch space of its own.  s must take no
 * more entries or models, and outlive it.  NULL when out of memory. */
sentiment *sentiment_new_sharing(const sentiment *s);
void sentiment_free(sentiment *s);

/* The built-in lexicons: lines "SCORE word word ...", phrases written with
 * '_' for spaces. */
extern const char sentiment_lexicon_en[];
extern const char sentiment_lexicon_fr[];

#endif
