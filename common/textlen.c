/*
 * Platform length rules.  unicode.c does the Unicode work (NFC, grapheme
 * clusters, emoji properties) from the Unicode Character Database's own
 * data, so the counts follow the rules the platforms themselves use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "textlen.h"
#include "unicode.h"

static const textlen_rule rules[] = {
	{ "twitter",  false, TL_WEIGHTED,   280,   0,    true,  true,  false },
	{ "twitter",  true,  TL_CODEPOINTS, 10000, 0,    false, false, false },
	{ "mastodon", false, TL_GRAPHEMES,  500,   0,    true,  false, true },
	{ "mastodon", true,  TL_GRAPHEMES,  500,   0,    true,  false, true },
	{ "bluesky",  false, TL_GRAPHEMES,  300,   3000, false, false, false },
	{ "reddit",   false, TL_CODEPOINTS, 10000, 0,    false, false, false },
	{ "reddit",   true,  TL_CODEPOINTS, 10000, 0,    false, false, false },
	{ "facebook", false, TL_CODEPOINTS, 8000,  0,    false, false, false },
};

const textlen_rule *textlen_rule_for(const char *platform, bool dm)
{
	if (!platform)
		return NULL;
	if (strcmp(platform, "x") == 0)
		platform = "twitter";
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (strcmp(rules[i].platform, platform) == 0 && rules[i].dm == dm)
			return &rules[i];
	return NULL;
}

/* ------------------------------------------------------------ URLs */

/* Generic TLDs recognised in a bare domain; any two ASCII letters are
 * taken as a country code. */
static const char *const gtlds[] = {
	"aero", "agency", "app", "asia", "biz", "blog", "care", "cat", "center",
	"click", "cloud", "club", "com", "community", "company", "coop", "design",
	"dev", "digital", "edu", "email", "fun", "global", "gov", "help", "info",
	"int", "jobs", "life", "link", "live", "media", "mil", "mobi", "museum",
	"name", "net", "network", "news", "online", "org", "page", "pro", "services",
	"shop", "site", "social", "solutions", "space", "store", "studio", "support",
	"team", "tech", "tel", "today", "top", "travel", "vip", "website", "world",
	"xxx", "xyz", "zone",
};

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

static bool known_tld(const char *p, size_t n)
{
	if (n == 2)
		return ((p[0] | 32) >= 'a' && (p[0] | 32) <= 'z' &&
		        (p[1] | 32) >= 'a' && (p[1] | 32) <= 'z');
	for (size_t i = 0; i < sizeof gtlds / sizeof gtlds[0]; i++)
		if (strlen(gtlds[i]) == n && strncasecmp(gtlds[i], p, n) == 0)
			return true;
	return false;
}

/* The code point at s[i] (valid UTF-8 assumed by callers), its size in *len. */
static uint32_t cp_at(const char *s, size_t n, size_t i, int *len)
{
	uint32_t c = 0xFFFD;
	int k = uni_decode(s + i, n - i, &c);
	*len = k > 0 ? k : 1;
	return c;
}

static bool host_char(const char *s, size_t n, size_t i, int *len)
{
	unsigned char c = (unsigned char)s[i];
	*len = 1;
	if (is_alnum(c) || c == '-' || c == '_')
		return true;
	if (c < 0x80)
		return false;
	return uni_is_word_or_symbol(cp_at(s, n, i, len));
}

/* Characters that may appear inside a URL path: ASCII URL characters and
 * letters of the Latin and Cyrillic blocks, as twitter-text allows. */
static bool path_char(const char *s, size_t n, size_t i, int *len)
{
	unsigned char c = (unsigned char)s[i];
	*len = 1;
	if (c < 0x80)
		return c > ' ' && c != '"' && c != '<' && c != '>' && c != '`' &&
		       c != '{' && c != '}' && c != '|' && c != '\\' && c != '^' && c != 0x7f;
	uint32_t u = cp_at(s, n, i, len);
	return (u >= 0xC0 && u <= 0x24F) || (u >= 0x400 && u <= 0x4FF);
}

/* A host at s[i]: labels separated by dots.  Returns its end, or 0. */
static size_t host_end(const char *s, size_t n, size_t i, bool ascii_only,
                       size_t *tld_start, int *nlabels)
{
	size_t j = i, label_start = i;
	int labels = 0, len;
	*tld_start = i;
	for (;;) {
		label_start = j;
		while (j < n && host_char(s, n, j, &len) &&
		       !(ascii_only && (unsigned char)s[j] >= 0x80))
			j += (size_t)len;
		if (j == label_start || s[label_start] == '-' || s[j - 1] == '-' ||
		    j - label_start > 63)
			return 0;
		labels++;
		if (j + 1 < n && s[j] == '.' &&
		    host_char(s, n, j + 1, &len) && !(ascii_only && (unsigned char)s[j + 1] >= 0x80)) {
			j++;
			continue;
		}
		break;
	}
	*tld_start = label_start;
	*nlabels = labels;
	return j;
}

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return n > 0;
}

/* The end of the path, query and fragment at s[j], without the trailing
 * punctuation that ends a sentence rather than a URL. */
static size_t path_end(const char *s, size_t n, size_t j)
{
	size_t end = j;
	int len, depth = 0;
	while (end < n && path_char(s, n, end, &len)) {
		if (s[end] == '(')
			depth++;
		else if (s[end] == ')') {
			if (depth == 0)
				break;
			depth--;
		}
		end += (size_t)len;
	}
	while (end > j) {
		unsigned char c = (unsigned char)s[end - 1];
		if (c >= 0x80 || is_alnum(c) || strchr("=_#/+-)", c))
			break;
		end--;
	}
	return end;
}

size_t textlen_url_at(const char *s, size_t n, size_t i, bool bare)
{
	if (i > 0) {
		unsigned char p = (unsigned char)s[i - 1];
		if (is_alnum(p) || p == '@' || p == '$' || p == '#')
			return 0;
	}
	size_t j = i;
	bool scheme = false;
	if (n - i >= 7 && strncasecmp(s + i, "http://", 7) == 0) {
		j = i + 7;
		scheme = true;
	} else if (n - i >= 8 && strncasecmp(s + i, "https://", 8) == 0) {
		j = i + 8;
		scheme = true;
	}
	if (!scheme) {
		if (!bare)
			return 0;
		if (i > 0 && strchr("-_./", s[i - 1]))
			return 0;
	}
	size_t tld, end;
	int labels;
	if (scheme && j < n && s[j] == '[') {
		/* An IPv6 literal. */
		end = j + 1;
		while (end < n && (is_alnum((unsigned char)s[end]) || s[end] == ':' || s[end] == '.'))
			end++;
		if (end >= n || s[end] != ']')
			return 0;
		end++;
		labels = 2;
		tld = end;
	} else {
		end = host_end(s, n, j, !scheme, &tld, &labels);
		if (end == 0 || labels < 2)
			return 0;
		size_t tlen = end - tld;
		if (all_digits(s + tld, tlen)) {
			if (!scheme || labels != 4)
				return 0;
			/* An IPv4 address: four numbers up to 255. */
			size_t k = j;
			for (int q = 0; q < 4; q++) {
				long v = strtol(s + k, NULL, 10);
				if (v > 255)
					return 0;
				while (k < end && s[k] != '.')
					k++;
				k++;
			}
		} else if (!scheme) {
			if (!known_tld(s + tld, tlen))
				return 0;
			for (size_t k = tld; k < end; k++)
				if (s[k] == '_')
					return 0;
		} else {
			/* The TLD must be letters (IDN TLDs are letters too). */
			for (size_t k = tld; k < end; k++) {
				unsigned char c = (unsigned char)s[k];
				if (c < 0x80 && !((c | 32) >= 'a' && (c | 32) <= 'z'))
					return 0;
			}
			if (tlen < 2)
				return 0;
		}
		/* A domain runs into more word characters: not a URL here. */
		int len;
		if (end < n && (s[end] == '@' || (host_char(s, n, end, &len) && !scheme)))
			return 0;
	}
	size_t host_stop = end;
	if (end + 1 < n && s[end] == ':' && s[end + 1] >= '0' && s[end + 1] <= '9') {
		end++;
		while (end < n && s[end] >= '0' && s[end] <= '9')
			end++;
	}
	bool path = end < n && (s[end] == '/' || (scheme && (s[end] == '?' || s[end] == '#')));
	if (path)
		end = path_end(s, n, end);
	if (!scheme && !path && labels == 2 && host_stop - tld == 2 &&
	    !(host_stop - i == 4 && strncasecmp(s + i, "t.co", 4) == 0))
		return 0;
	return end;
}

/* ------------------------------------------------------------ counting */

static int weight_of(uint32_t c)
{
	if (c <= 4351 || (c >= 8192 && c <= 8205) || (c >= 8208 && c <= 8223) ||
	    (c >= 8242 && c <= 8247))
		return 1;
	return 2;
}

/* Whether the grapheme cluster s[0..n) is an emoji as twemoji sees one. */
static bool emoji_cluster(const char *s, size_t n)
{
	uint32_t first, c;
	int k = uni_decode(s, n, &first);
	if (k <= 0)
		return false;
	if (uni_is_regional_indicator(first)) {
		/* A flag is a pair of regional indicators. */
		return (size_t)k < n && uni_decode(s + k, n - k, &c) > 0 &&
		       uni_is_regional_indicator(c);
	}
	bool vs16 = false, keycap = false, more = false;
	for (size_t i = (size_t)k; i < n;) {
		int m = uni_decode(s + i, n - i, &c);
		if (m <= 0)
			break;
		if (c == 0xFE0F)
			vs16 = true;
		else if (c == 0x20E3)
			keycap = true;
		else if (c == 0x200D || uni_is_emoji_modifier(c))
			more = true;
		i += (size_t)m;
	}
	if ((first == '#' || first == '*' || (first >= '0' && first <= '9')))
		return keycap;
	if (uni_is_emoji_presentation(first))
		return true;
	return uni_is_emoji(first) && (vs16 || more);
}

long textlen_codepoints(const char *s, size_t n)
{
	if (!uni_valid(s, n))
		return -1;
	return (long)uni_count(s, n);
}

long textlen_graphemes(const char *s, size_t n)
{
	if (!uni_valid(s, n))
		return -1;
	long count = 0;
	for (size_t i = 0; i < n; i = uni_grapheme_end(s, n, i))
		count++;
	return count;
}

long textlen_x_weighted(const char *s, size_t n)
{
	size_t len = 0;
	char *t = uni_nfc(s, n, &len);
	if (!t)
		return -1;
	long w = 0;
	size_t i = 0;
	while (i < len) {
		size_t u = textlen_url_at(t, len, i, true);
		if (u > i) {
			w += 23;
			i = u;
			continue;
		}
		size_t glen = uni_grapheme_end(t, len, i) - i;
		if (emoji_cluster(t + i, glen)) {
			w += 2;
			i += glen;
			continue;
		}
		uint32_t c = 0xFFFD;
		int k = uni_decode(t + i, len - i, &c);
		w += weight_of(c);
		i += (size_t)(k > 0 ? k : 1);
	}
	free(t);
	return w;
}

/* Graphemes with a URL counting 23 and @user@domain counting as @user. */
static long mastodon_len(const char *s, size_t n)
{
	if (!uni_valid(s, n))
		return -1;
	long count = 0;
	size_t i = 0;
	while (i < n) {
		size_t u = textlen_url_at(s, n, i, false);
		if (u > i) {
			count += 23;
			i = u;
			continue;
		}
		if (s[i] == '@' && (i == 0 || !(is_alnum((unsigned char)s[i - 1]) || s[i - 1] == '_' ||
		                                 s[i - 1] == '/'))) {
			size_t j = i + 1;
			while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '_' ||
			                 ((s[j] == '.' || s[j] == '-') && j + 1 < n &&
			                  (is_alnum((unsigned char)s[j + 1]) || s[j + 1] == '_'))))
				j++;
			if (j > i + 1 && j + 1 < n && s[j] == '@' && is_alnum((unsigned char)s[j + 1])) {
				size_t d = j + 1;
				while (d < n && (is_alnum((unsigned char)s[d]) || s[d] == '-' ||
				                 (s[d] == '.' && d + 1 < n && is_alnum((unsigned char)s[d + 1]))))
					d++;
				count += (long)(j - i); /* "@user": ASCII, one grapheme each */
				i = d;
				continue;
			}
		}
		i = uni_grapheme_end(s, n, i);
		count++;
	}
	return count;
}

long textlen_count(const textlen_rule *r, const char *s, size_t n)
{
	switch (r->unit) {
	case TL_WEIGHTED:
		return textlen_x_weighted(s, n);
	case TL_GRAPHEMES:
		return r->mentions_local ? mastodon_len(s, n) : textlen_graphemes(s, n);
	default:
		return textlen_codepoints(s, n);
	}
}

int textlen_fits(const textlen_rule *r, const char *s, size_t n, long *len)
{
	long l = textlen_count(r, s, n);
	if (len)
		*len = l;
	if (l < 0)
		return -1;
	if (r->max_bytes && (long)n > r->max_bytes)
		return 0;
	return l <= r->limit;
}
