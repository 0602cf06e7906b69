/*
 * unicode.h - the little of Unicode that carepipe needs to measure text
 * the way the platforms do: strict UTF-8 decoding, NFC, extended
 * grapheme clusters (UAX #29) and the emoji properties (UTS #51).
 *
 * The tables in unicode.c are Unicode 14.0 data, the version of the
 * Unicode library the platforms' own counters were checked against.
 *
 * Ownership: uni_nfc returns a string the caller frees; every other
 * function keeps nothing and works on the caller's bytes.  Nothing here
 * prints or exits.
 */
#ifndef CAREPIPE_UNICODE_H
#define CAREPIPE_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The code point at s[0..n) in *cp and its size in bytes (1 to 4), or -1
 * when s does not start with a valid UTF-8 sequence (overlong forms,
 * surrogates and values past U+10FFFF are invalid; n == 0 is too). */
int uni_decode(const char *s, size_t n, uint32_t *cp);

/* Whether s[0..n) is valid UTF-8 throughout. */
bool uni_valid(const char *s, size_t n);

/* The number of code points in valid UTF-8 s[0..n). */
size_t uni_count(const char *s, size_t n);

/* s[0..n) in Normalization Form C, NUL-terminated, its length in *len;
 * NULL when s is not valid UTF-8 or memory ran out. */
char *uni_nfc(const char *s, size_t n, size_t *len);

/* Whether valid UTF-8 s[0..n) is surely in NFC already (false: maybe
 * not), so that uni_nfc can be skipped. */
bool uni_is_nfc(const char *s, size_t n);

/* The end (offset) of the extended grapheme cluster that starts at s[i],
 * i < n.  An invalid byte is a cluster of its own. */
size_t uni_grapheme_end(const char *s, size_t n, size_t i);

/* Grapheme_Cluster_Break values (UAX #29). */
enum uni_gcb {
	GCB_OTHER, GCB_CR, GCB_LF, GCB_CONTROL, GCB_EXTEND, GCB_ZWJ, GCB_RI,
	GCB_PREPEND, GCB_SPACINGMARK, GCB_L, GCB_V, GCB_T, GCB_LV, GCB_LVT,
};
enum uni_gcb uni_gcb(uint32_t c);

/* Canonical_Combining_Class. */
int uni_ccc(uint32_t c);

bool uni_is_extended_pictographic(uint32_t c);
bool uni_is_emoji(uint32_t c);
bool uni_is_emoji_presentation(uint32_t c);
bool uni_is_emoji_modifier(uint32_t c);     /* skin tones U+1F3FB-1F3FF */
bool uni_is_regional_indicator(uint32_t c);

/* White_Space, and the invisible separators a text can be made of and
 * still show nothing (U+180E, U+200B, U+2060, U+FEFF). */
bool uni_is_blank(uint32_t c);

/* The offset past the blanks at the start of valid UTF-8 s[0..n), and the
 * offset where the blanks at its end start. */
size_t uni_skip_blank(const char *s, size_t n);
size_t uni_trim_blank_end(const char *s, size_t n);

/* A letter, digit, symbol or emoji outside ASCII: what may stand in an
 * internationalised host name (Alphabetic but not a mark, Nd, S or
 * Emoji; see unicode.c for the Thai exceptions). */
bool uni_is_word_or_symbol(uint32_t c);

#endif
