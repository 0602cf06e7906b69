/*
 * textlen.h - how long a text is by each platform's own rule, so a reply
 * that the platform would refuse is refused before it is sent.
 *
 *   x         280, weighted as twitter-text 3.1.0 counts with its v3
 *             configuration: the text is NFC-normalised; a URL counts 23;
 *             an emoji sequence twemoji knows (skin tones, ZWJ families,
 *             flags, keycaps) counts 2; every other code point counts 1
 *             in U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F and
 *             U+2032-U+2037, and 2 elsewhere (CJK, a variation selector
 *             or a skin tone standing alone among them).  A text with
 *             U+FFFE, U+FEFF or U+FFFF is refused.
 *   x DM      10,000 code points.
 *   mastodon  500 grapheme clusters; a URL with a scheme counts 23 and a
 *             mention @user@domain counts as @user (Mastodon's validator).
 *   bluesky   300 grapheme clusters and 3,000 UTF-8 bytes (app.bsky.feed.post).
 *   reddit    10,000 code points (comments and private messages).
 *   facebook  8,000 code points (comments).
 *
 * URLs are found as twitter-text's extractUrlsWithIndices finds them: a
 * domain that ends in a TLD of its list (common/tld_table.c), with
 * http:// or https:// or, for X only, without (then only its ASCII part:
 * "example.io", "t.co" and "café.com" are URLs, "例子.com" and
 * "http://1.2.3.4" are not).  Mastodon counts URLs with a scheme only.
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
 * memory ran out (then counted by buf_failures: see uni_nfc). */
long textlen_count(const textlen_rule *r, const char *s, size_t n);

/* The single rules, for tests and other programs. */
long textlen_x_weighted(const char *s, size_t n);
/* The same; *refused (when not NULL) gets whether the text holds a
 * character X refuses (U+FFFE, U+FEFF, U+FFFF). */
long textlen_x_parse(const char *s, size_t n, bool *refused);
long textlen_graphemes(const char *s, size_t n);
long textlen_codepoints(const char *s, size_t n);

/* What textlen_check finds. */
enum textlen_verdict {
	TL_FITS = 1,
	TL_TOO_LONG = 0,
	TL_BAD_UTF8 = -1,
	TL_TOO_MANY_BYTES = -2,
	TL_REFUSED_CHAR = -3,   /* X: U+FFFE, U+FEFF or U+FFFF */
};

/* Whether s fits r; *len gets the length counted (-1 on invalid UTF-8). */
enum textlen_verdict textlen_check(const textlen_rule *r, const char *s, size_t n, long *len);

/* 1 when s fits r (length and bytes, and for X no refused character), 0
 * when not, -1 on invalid UTF-8.  *len gets the length counted. */
int textlen_fits(const textlen_rule *r, const char *s, size_t n, long *len);

/* The URLs of valid UTF-8 s[0..n) one by one, in order, as twitter-text
 * extracts them (bare: domains without a scheme too).  No allocation. */
typedef struct {
	const char *s;
	size_t n;
	bool bare, done, pending, path;
	size_t scan;                    /* where the next search starts */
	size_t dom_e, match_end;        /* a URL without a scheme being split */
	size_t ascii_end;
	bool split;     /* the last URL's end fell inside a character past
	                 * U+FFFF (twitter-text counts in UTF-16 units) */
	size_t next_s, next_e;
	/* Caches that keep the search linear (see textlen.c). */
	size_t run_lo, run_hi, run_us, run_tld;
	bool run_last_dc, ch_valid;
	size_t ch_k0, ch_stop, ch_last_lo, ch_last_end;
} textlen_urls;
void textlen_urls_init(textlen_urls *it, const char *s, size_t n, bool bare);
/* The next URL in [*start, *end); false when there are no more. */
bool textlen_urls_next(textlen_urls *it, size_t *start, size_t *end);

#endif
