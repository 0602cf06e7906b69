/*
 * textmatch.h - text normalisation for matching, and a multi-keyword
 * matcher (Aho-Corasick) that finds every keyword of every rule in one pass.
 *
 * Ownership: a tm_norm and a tm_ac are made zeroed or by tm_ac_new and
 * freed by tm_norm_free / tm_ac_free; what they return (normalised text,
 * offsets) points into them and is valid until their next call.  Strings
 * passed in are copied when kept.  Nothing here prints or exits.
 *
 * Normalisation, for keywords and text alike: case folding (full folds
 * where they matter for matching: German sharp s to "ss", Turkish dotted
 * and dotless i to "i"), accents removed (Latin, Latin-1, Latin Extended-A,
 * parts of -B, Vietnamese, Greek tonos, Cyrillic yo) and combining marks
 * dropped, typographic quotes and dashes made ASCII, fullwidth forms made
 * ASCII, emoji modifiers and variation selectors dropped, and every run
 * of white space made one space.
 */
#ifndef TEXTMATCH_H
#define TEXTMATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "carepipe.h"

/* What a code point is, for word boundaries.  CJK ideographs and kana, and
 * emoji, stand alone: each is a token, so a keyword made of them matches
 * anywhere in a run of them. */
enum tm_class { TM_SPACE, TM_PUNCT, TM_WORD, TM_CJK, TM_EMOJI, TM_MARK };

int tm_class_wide(uint32_t cp);
/* ASCII's classes, by byte. */
extern const unsigned char tm_ascii_class[128];
/* Inline, since callers ask it byte by byte of ASCII text. */
static inline int tm_class(uint32_t cp)
{
	return cp < 0x80 ? tm_ascii_class[cp] : tm_class_wide(cp);
}
/* Decode one UTF-8 code point at s (n bytes left, n > 0); *len gets its
 * length.  What utf8.h finds invalid (overlong forms and surrogates too)
 * decodes as U+FFFD of length 1. */
uint32_t tm_decode(const char *s, size_t n, size_t *len);
/* The folded form of cp as UTF-8 in out (at most 8 bytes); returns its
 * length, 0 when cp is dropped (a combining mark, a modifier). */
size_t tm_fold(uint32_t cp, char out[8]);

/* Normalised text with a map back to the original. */
typedef struct {
	cp_buf text;          /* the normalised text, NUL-terminated */
	uint32_t *src;     /* src[i]: offset in the original of the character
	                      that produced normalised byte i; src[text.len] is
	                      the original length */
	size_t cap;
	bool mapped;          /* src is this text's (tm_normalize's, not
	                         tm_normalize_text's) */
	size_t digits;        /* the ASCII digits of text */
} tm_norm;

int tm_normalize(tm_norm *n, const char *s, size_t len);
/* The same text and digits without src (mapped false): the map costs a
 * store per byte, and only evidence for --explain reads it, which can
 * call tm_normalize on the same s then. */
int tm_normalize_text(tm_norm *n, const char *s, size_t len);
void tm_norm_free(tm_norm *n);

/* The multi-keyword matcher.  Add keywords, build, then scan. */
typedef struct tm_ac tm_ac;

tm_ac *tm_ac_new(void);
/* Add a keyword (raw UTF-8; it is normalised here).  A leading or trailing
 * '*' lifts the whole-word requirement on that side ("refund*" matches
 * "refunds").  Returns the keyword's id (equal keywords share one id),
 * -1 when it is empty after normalisation, -2 on allocation failure. */
int tm_ac_add(tm_ac *a, const char *kw, size_t len);
int tm_ac_build(tm_ac *a);
size_t tm_ac_count(const tm_ac *a);
/* The scan's working memory, the caller's: zeroed at first, reused for
 * every text, freed by tm_scratch_free. */
struct tm_hit { uint32_t start, end; int32_t id; };
typedef struct {
	struct tm_hit *hits;
	size_t n, cap;
} tm_scratch;
void tm_scratch_free(tm_scratch *s);
/* Call fn for every whole-word occurrence of every keyword in the
 * normalised text t, with [start, end) in t's bytes, ordered by end, then
 * start; stops early when fn returns nonzero.  Returns 0, or -1 (and no
 * hit reported) when the scratch could not grow. */
typedef int (*tm_hit_fn)(void *ctx, int id, size_t start, size_t end);
int tm_ac_scan(const tm_ac *a, const tm_norm *t, tm_scratch *s, tm_hit_fn fn, void *ctx);
void tm_ac_free(tm_ac *a);

/* The forms of one word, for keywords written "give~": the word itself,
 * its irregular group (give gave given giving; prendre pris), and the
 * regular English and French inflections (gives giving; donne donnes
 * donnent donné donnée...), folded as the matcher folds.  Forms that are
 * not words cost nothing: they never occur.  Appends each, NUL-ended, to
 * out; returns 0 or -1 (memory). */
int tm_forms(const char *word, cp_buf *out);

/* Phone and card numbers in normalised text: digit runs of 10 to 15
 * digits (an international 00 prefix not counted), written together or in
 * groups split by single spaces, dots or hyphens, with an optional leading
 * + and parentheses; card numbers are 13 to 19 digits in groups split by
 * spaces or hyphens that pass the Luhn check.  A run glued to a word, a
 * handle (@123...), an amount or a path is not one, nor is a number that
 * follows an introducing word ("order #", "order number", "tracking",
 * "case", "commande n°"...).  Returns TM_NUM_PHONE | TM_NUM_CARD for what
 * was found; span[0] (phone) and span[1] (card) get the first one's
 * [start, end) in the normalised text. */
enum { TM_NUM_PHONE = 1, TM_NUM_CARD = 2 };
unsigned tm_numbers(const tm_norm *t, size_t span[2][2]);

#endif
