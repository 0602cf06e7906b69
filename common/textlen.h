/*
 * textlen.h - how long a text is by each platform's own rule, so a reply
 * that the platform would refuse is refused before it is sent.
 *
 *   x         280, weighted as twitter-text v3: the text is NFC-normalised;
 *             a URL counts 23; an emoji sequence (skin tones, ZWJ families,
 *             flags, keycaps) counts 2; code points in U+0000-U+10FF,
 *             U+2000-U+200D, U+2010-U+201F and U+2032-U+2037 count 1, all
 *             others (CJK among them) count 2.
 *   x DM      10,000 code points.
 *   mastodon  500 grapheme clusters; a URL with a scheme counts 23 and a
 *             mention @user@domain counts as @user (Mastodon's validator).
 *   bluesky   300 grapheme clusters and 3,000 UTF-8 bytes (app.bsky.feed.post).
 *   reddit    10,000 code points (comments and private messages).
 *   facebook  8,000 code points (comments).
 *
 * URLs are found as twitter-text finds them, simplified: http:// or
 * https:// followed by a host, or, for X only, a bare ASCII domain whose
 * last label is a known generic TLD or any two-letter country code, with a
 * path or a third label (twitter-text also skips "example.fr" alone).
 *
 * Ownership: nothing is kept; every function works on the caller's bytes.
 * Nothing here prints or exits.
 */
#ifndef CAREPIPE_TEXTLEN_H
#define CAREPIPE_TEXTLEN_H

#include <stdbool.h>
#include <stddef.h>

enum textlen_unit {
	TL_WEIGHTED,    /* X's weighted characters */
	TL_CODEPOINTS,
	TL_GRAPHEMES,
};

typedef struct {
	const char *platform;   /* the record platform it applies to */
	bool dm;
	int unit;               /* enum textlen_unit */
	long limit;             /* the most the platform accepts */
	long max_bytes;         /* 0: no byte limit */
	bool urls23;            /* URLs count 23 */
	bool bare_domains;      /* a bare domain is a URL too (X) */
	bool mentions_local;    /* @user@domain counts as @user (Mastodon) */
} textlen_rule;

/* The rule for a record platform ("twitter" or "x", "mastodon", "bluesky",
 * "reddit", "facebook"), for a public reply or a private message (dm).
 * NULL when carepipe knows no rule for it. */
const textlen_rule *textlen_rule_for(const char *platform, bool dm);

/* The length of s[0..n) under rule r, or -1 when s is not valid UTF-8 or
 * memory ran out. */
long textlen_count(const textlen_rule *r, const char *s, size_t n);

/* The single rules, for tests and other programs. */
long textlen_x_weighted(const char *s, size_t n);
long textlen_graphemes(const char *s, size_t n);
long textlen_codepoints(const char *s, size_t n);

/* 1 when s fits r (length and bytes), 0 when not, -1 on invalid UTF-8.
 * *len gets the length counted. */
int textlen_fits(const textlen_rule *r, const char *s, size_t n, long *len);

/* The end (offset) of a URL starting at s[i], or 0 when none starts there.
 * bare: accept a domain without a scheme. */
size_t textlen_url_at(const char *s, size_t n, size_t i, bool bare);

#endif
