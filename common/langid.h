/*
 * langid.h - the language of a short text (a post, a comment, a DM), for
 * records that come without a `lang`.
 *
 * Built for customer messages of a few words, where n-gram profiles made
 * for documents guess wildly: the writing system decides first (kana,
 * Hangul, Han, Cyrillic, Greek, Arabic, Hebrew, Thai, Devanagari); Latin
 * text is scored by its function words (articles, pronouns, auxiliaries,
 * prepositions, the everyday words of a support request) and by letters
 * that belong to one language (ñ, ß, ã, œ ...) for English, French,
 * Spanish, German, Italian and Portuguese.  A text whose evidence is thin
 * or split between languages is "und": a wrong language routes a customer
 * to the wrong queue and answers them in the wrong tongue, an unknown one
 * only falls back to the defaults.
 *
 * Ownership: nothing is allocated; the result is a static string.
 * Nothing here prints or exits.
 */
#ifndef LANGID_H
#define LANGID_H

#include <stddef.h>

/* A BCP 47 primary language subtag ("en", "fr", "es", "de", "it", "pt",
 * "ja", "ko", "zh", "ru", "uk", "el", "ar", "fa", "he", "th", "hi") or
 * "und".  text is UTF-8; invalid bytes count as nothing.  Handles
 * (@name), hashtags' # signs and URLs carry no language and are skipped. */
const char *langid_detect(const char *text, size_t len);

#endif
