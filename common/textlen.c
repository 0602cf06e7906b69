/*
 * Platform length rules.  unicode.c does the Unicode work (NFC, grapheme
 * clusters) from the Unicode Character Database's own data, so the counts
 * follow the rules the platforms themselves use.
 *
 * X's count is twitter-text 3.1.0's parseTweet, step by step: its URL
 * extractor (extractUrlsWithIndices and the regular expressions under it)
 * is followed below as code, the TLDs come from its tld_lib.yml
 * (tld_table.c), and emoji are twemoji-parser 11.0.2's sequences
 * (twemoji_table.c), the version twitter-text 3.1.0 depends on.  Positions
 * here are UTF-8 offsets where twitter-text's are UTF-16 ones; lengths it
 * compares (a label's 63, a URL's 4096) are counted in UTF-16 units as it
 * does.  Nothing allocates but the NFC copy, and not even that when the
 * text is already in NFC.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "textlen.h"
#include "textlen_tables.h"
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

/* ------------------------------------------------------------ characters */

static bool is_alpha(unsigned char c)
{
	return (c | 32) >= 'a' && (c | 32) <= 'z';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(unsigned char c)
{
	return is_alpha(c) || is_digit(c);
}

/* The code point at s[i] (valid UTF-8 assumed by callers), its size in *len. */
static uint32_t cp_at(const char *s, size_t n, size_t i, int *len)
{
	uint32_t c = 0xFFFD;
	int k = utf8_decode(s + i, n - i, &c);
	*len = k > 0 ? k : 1;
	return c;
}

/* The size of the UTF-8 sequence that starts with byte b. */
static size_t seq_len(unsigned char b)
{
	return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* twitter-text's invalid characters: a post with one is refused. */
static bool refused_char(uint32_t c)
{
	return c == 0xFFFE || c == 0xFEFF || c == 0xFFFF;
}

/* validDomainChars: anything but twitter-text's punctuation, spaces,
 * invalid characters and directional marks. */
static bool domain_char(uint32_t c)
{
	if (c < 0x80)
		return !(c >= 0x09 && c <= 0x0D) && c != ' ' &&
		       !(c != 0 && strchr("!'#%&()*+,\\-./:;<=>?@[]^_{|}~$", (int)c));
	if (c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200A) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000)
		return false;
	if (refused_char(c))
		return false;
	return !((c >= 0x202A && c <= 0x202E) || c == 0x061C || c == 0x200E || c == 0x200F ||
	         (c >= 0x2066 && c <= 0x2069));
}

/* validUrlPrecedingChars: what may stand right before a URL. */
static bool url_may_follow(uint32_t c)
{
	if (c < 0x80)
		return !is_alnum((unsigned char)c) && c != '@' && c != '$' && c != '#';
	return c != 0xFF20 && c != 0xFF03 && !refused_char(c);
}

/* latinAccentChars. */
static bool latin_accent(uint32_t c)
{
	return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x24F) ||
	       c == 0x253 || c == 0x254 || c == 0x256 || c == 0x257 || c == 0x259 || c == 0x25B ||
	       c == 0x263 || c == 0x268 || c == 0x26F || c == 0x272 || c == 0x289 || c == 0x28B ||
	       c == 0x2BB || (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}

/* validGeneralUrlPathChars (case-insensitive, as its expression is). */
static bool path_char(uint32_t c)
{
	if (c < 0x80)
		return is_alnum((unsigned char)c) || (c != 0 && strchr("!*';:=+,.$/%#[]-_~@|&", (int)c));
	return c == 0x2013 || (c >= 0x400 && c <= 0x4FF) || latin_accent(c);
}

/* validUrlPathEndingChars, the character class. */
static bool path_end_char(uint32_t c)
{
	if (c < 0x80)
		return is_alnum((unsigned char)c) || (c != 0 && strchr("+-=_#/", (int)c));
	return (c >= 0x400 && c <= 0x4FF) || latin_accent(c);
}

/* validUrlQueryChars and validUrlQueryEndingChars. */
static bool query_char(unsigned char c)
{
	return is_alnum(c) || (c != 0 && strchr("!?*'@();:&=+$/%#[]-_.,~|", c));
}

static bool query_end_char(unsigned char c)
{
	return is_alnum(c) || (c != 0 && strchr("-_&=#/", c));
}

/* ------------------------------------------------------------ domains */

/* The lookahead after a TLD: (?=[^0-9a-zA-Z@+-]|$), the end being n. */
static bool tld_ends(const char *s, size_t n, size_t j)
{
	return j >= n || !(is_alnum((unsigned char)s[j]) || s[j] == '@' || s[j] == '+' || s[j] == '-');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The length of the TLD (validGTLD, validCCTLD or validPunycode) at s[i],
 * or 0.  Where one TLD is the prefix of another the longer wins, as in
 * twitter-text's alternation. */
static size_t tld_at(const char *s, size_t n, size_t i)
{
	size_t run = i, best = 0;
	/* No TLD is 32 letters long: stop counting there. */
	while (run < n && is_alpha((unsigned char)s[run]) && run - i < 32)
		run++;
	if (run > i && run - i < 32 && tld_ends(s, n, run)) {
		char low[32];
		for (size_t k = i; k < run; k++)
			low[k - i] = (char)(s[k] | 32);
		low[run - i] = '\0';
		const char *key = low;
		if (bsearch(&key, tld_ascii, tld_ascii_len, sizeof *tld_ascii, cmp_str))
			best = run - i;
	}
	/* A TLD outside ASCII has a byte past 0x7F where the letters stop. */
	if (run < n && (unsigned char)s[run] >= 0x80) {
		for (unsigned t = 0; t < tld_unicode_len; t++) {
			size_t len = strlen(tld_unicode[t]);
			if (len > best && len <= n - i && strncasecmp(s + i, tld_unicode[t], len) == 0 &&
			    tld_ends(s, n, i + len)) {
				best = len;
				break;  /* longest first */
			}
		}
	}
	if (best == 0 && n - i > 4 && strncasecmp(s + i, "xn--", 4) == 0) {
		size_t k = i + 4;
		while (k < n && (is_alnum((unsigned char)s[k]) || s[k] == '-'))
			k++;
		if (k > i + 4)
			best = k - i;
	}
	return best;
}

/* One domain label at s[j]: the run of domain characters, '-' and '_'.
 * Its end; *us gets one past its last '_' (0: none), *last_dc whether it
 * ends with a domain character. */
static size_t label_run(const char *s, size_t n, size_t j, size_t *us, bool *last_dc)
{
	size_t k = j;
	*us = 0;
	*last_dc = false;
	while (k < n) {
		if (s[k] == '-' || s[k] == '_') {
			if (s[k] == '_')
				*us = k + 1;
			*last_dc = false;
			k++;
			continue;
		}
		int len;
		if (!domain_char(cp_at(s, n, k, &len)))
			break;
		*last_dc = true;
		k += (size_t)len;
	}
	return k;
}

/* The labels after the dot at s[k], as validSubdomain* goes on: the end of
 * the last one that is a domain name (no '_') followed by a TLD, or 0.
 * Cached: a later dot of the same chain has the same answer (or none),
 * so a long chain is walked once, not once per start. */
static size_t chain_after(textlen_urls *it, size_t k)
{
	if (it->ch_valid && k >= it->ch_k0 && k < it->ch_stop)
		return it->ch_last_lo > k ? it->ch_last_end : 0;
	const char *s = it->s;
	size_t n = it->n, j = k + 1, last_lo = 0, last_end = 0;
	for (;;) {
		size_t us;
		bool last_dc;
		size_t e = label_run(s, n, j, &us, &last_dc);
		/* A label starts and ends with a domain character; only a
		 * subdomain may hold '_'. */
		if (e == j || e >= n || s[e] != '.' || s[j] == '-' || s[j] == '_' || !last_dc)
			break;
		if (!us) {
			size_t t = tld_at(s, n, e + 1);
			if (t) {
				last_lo = j;
				last_end = e + 1 + t;
			}
		}
		j = e + 1;
	}
	it->ch_valid = true;
	it->ch_k0 = k;
	it->ch_stop = j;
	it->ch_last_lo = last_lo;
	it->ch_last_end = last_end;
	return last_end;
}

/* validDomain at s[j]: validSubdomain* validDomainName TLD.  Labels end in
 * a dot; the greedy subdomains give back labels until a domain name
 * followed by a TLD fits, so the match is the one with the most labels.
 * Its end, or 0.  The first label's run is cached too: every start inside
 * it ends it at the same place. */
static size_t domain_at(textlen_urls *it, size_t j)
{
	const char *s = it->s;
	size_t n = it->n;
	if (!(j >= it->run_lo && j < it->run_hi)) {
		it->run_lo = j;
		it->run_hi = label_run(s, n, j, &it->run_us, &it->run_last_dc);
		it->run_tld = SIZE_MAX;
	}
	size_t k = it->run_hi;
	if (k == j || k >= n || s[k] != '.' || s[j] == '-' || s[j] == '_' || !it->run_last_dc)
		return 0;
	size_t later = chain_after(it, k);
	if (later)
		return later;
	if (it->run_us > j)
		return 0;       /* a '_' in the domain name */
	if (it->run_tld == SIZE_MAX)
		it->run_tld = tld_at(s, n, k + 1);
	return it->run_tld ? k + 1 + it->run_tld : 0;
}

/* validAsciiDomain: ([-a-z0-9 latin accents]+\.)+ TLD, the first match in
 * s[from..n), n being the end of the domain.  1 with it in [*ms, *me). */
static bool ascii_domain(const char *s, size_t n, size_t from, size_t *ms, size_t *me)
{
	for (size_t p = from; p < n; p += seq_len((unsigned char)s[p])) {
		size_t j = p, best = 0;
		for (;;) {
			size_t k = j;
			int len;
			while (k < n) {
				uint32_t c = cp_at(s, n, k, &len);
				if (!(c < 0x80 ? is_alnum((unsigned char)c) || c == '-' : latin_accent(c)))
					break;
				k += (size_t)len;
			}
			if (k == j || k >= n || s[k] != '.')
				break;
			size_t t = tld_at(s, n, k + 1);
			if (t)
				best = k + 1 + t;
			j = k + 1;
		}
		if (best) {
			*ms = p;
			*me = best;
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ URLs */

/* A balanced parenthesis group at s[k] == '(' in a path
 * (validUrlBalancedParens, one level of nesting).  Its end, or 0. */
static size_t path_parens(const char *s, size_t n, size_t k)
{
	size_t r = k + 1;
	int len;
	while (r < n && path_char(cp_at(s, n, r, &len)))
		r += (size_t)len;
	if (r > k + 1 && r < n && s[r] == ')')
		return r + 1;
	if (r < n && s[r] == '(') {
		size_t r2 = r + 1;
		while (r2 < n && path_char(cp_at(s, n, r2, &len)))
			r2 += (size_t)len;
		if (r2 > r + 1 && r2 < n && s[r2] == ')') {
			size_t r3 = r2 + 1;
			while (r3 < n && path_char(cp_at(s, n, r3, &len)))
				r3 += (size_t)len;
			if (r3 < n && s[r3] == ')')
				return r3 + 1;
		}
	}
	return 0;
}

/* The end of validUrlPath* from s[p] (just past the slash).  Each unit is
 * the longest run of path characters and balanced groups that ends with an
 * ending character, or one balanced group alone; the greedy regular
 * expression takes units until none fits. */
static size_t path_end(const char *s, size_t n, size_t p)
{
	size_t q = p;
	for (;;) {
		size_t k = q, last = 0;
		while (k < n) {
			if (s[k] == '(') {
				size_t b = path_parens(s, n, k);
				if (!b)
					break;
				k = b;
				continue;
			}
			int len;
			uint32_t c = cp_at(s, n, k, &len);
			if (!path_char(c))
				break;
			k += (size_t)len;
			if (path_end_char(c))
				last = k;
		}
		if (last) {
			q = last;
			continue;
		}
		size_t b = q < n && s[q] == '(' ? path_parens(s, n, q) : 0;
		if (!b)
			return q;
		q = b;
	}
}

/* (\?validUrlQueryChars*validUrlQueryEndingChars)? at s[e]: its end. */
static size_t query_end(const char *s, size_t n, size_t e)
{
	if (e >= n || s[e] != '?')
		return e;
	size_t end = e;
	for (size_t k = e + 1; k < n && query_char((unsigned char)s[k]); k++)
		if (query_end_char((unsigned char)s[k]))
			end = k + 1;
	return end;
}

/* One match of twitter-text's extractUrl expression. */
struct url_match {
	size_t start, end;      /* the URL, without the preceding character */
	size_t dom_s, dom_e;    /* its domain */
	size_t scheme;          /* 0, or the length of http:// or https:// */
	bool path;              /* a path follows the domain */
	uint32_t before;        /* the preceding character, 0 at the start */
	uint32_t low;           /* 0, or the low surrogate the domain starts
	                         * with (see url_search) */
};

/* The URL at s[u] as extractUrl matches it (scheme, domain, port, path,
 * query), before any of extractUrlsWithIndices' checks. */
static bool url_match_at(textlen_urls *it, size_t u, struct url_match *m)
{
	const char *s = it->s;
	size_t n = it->n, j = u;
	m->scheme = 0;
	if (n - u >= 7 && strncasecmp(s + u, "http://", 7) == 0)
		m->scheme = 7;
	else if (n - u >= 8 && strncasecmp(s + u, "https://", 8) == 0)
		m->scheme = 8;
	j += m->scheme;
	/* Without the scheme the domain would start with "http:": no match. */
	size_t e = domain_at(it, j);
	if (!e)
		return false;
	m->start = u;
	m->low = 0;
	m->dom_s = j;
	m->dom_e = e;
	if (e + 1 < n && s[e] == ':' && is_digit((unsigned char)s[e + 1]))
		for (e++; e < n && is_digit((unsigned char)s[e]); e++)
			;
	m->path = e < n && s[e] == '/';
	if (m->path)
		e = path_end(s, n, e + 1);
	m->end = query_end(s, n, e);
	return true;
}

/* The length of s[0..n) (valid UTF-8) in UTF-16 code units. */
static size_t utf16_len(const char *s, size_t n)
{
	size_t units = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if ((b & 0xC0) != 0x80)
			units += b >= 0xF0 ? 2 : 1;
	}
	return units;
}

/* The code point at s[i], or low instead when i is 0 and low is not. */
static uint32_t cp_or(const char *s, size_t n, size_t i, int *len, uint32_t low)
{
	uint32_t c = cp_at(s, n, i, len);
	return i == 0 && low ? low : c;
}

/* The length of the Punycode encoding (RFC 3492) of s[0..n), without the
 * "xn--" prefix; low: see label_ascii_len. */
static size_t punycode_len(const char *s, size_t n, uint32_t low)
{
	enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700 };
	size_t out = 0, total = 0, basic = 0;
	for (size_t i = 0; i < n; i += seq_len((unsigned char)s[i])) {
		total++;
		if ((unsigned char)s[i] < 0x80)
			basic++;
	}
	out = basic + (basic > 0);
	uint64_t delta = 0;
	uint32_t cur = 0x80, bias = 72;
	int len;
	for (size_t h = basic; h < total;) {
		uint32_t next = 0x110000;
		for (size_t i = 0; i < n; i += (size_t)len) {
			uint32_t c = cp_or(s, n, i, &len, low);
			if (c >= cur && c < next)
				next = c;
		}
		delta += (uint64_t)(next - cur) * (h + 1);
		cur = next;
		for (size_t i = 0; i < n; i += (size_t)len) {
			uint32_t c = cp_or(s, n, i, &len, low);
			if (c < cur)
				delta++;
			if (c != cur)
				continue;
			uint64_t q = delta;
			for (uint32_t k = BASE;; k += BASE) {
				uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
				if (q < t)
					break;
				out++;
				q = (q - t) / (BASE - t);
			}
			out++;
			/* adapt() */
			uint64_t d = h == basic ? delta / DAMP : delta / 2;
			d += d / (h + 1);
			uint32_t kk = 0;
			while (d > ((BASE - TMIN) * TMAX) / 2) {
				d /= BASE - TMIN;
				kk += BASE;
			}
			bias = kk + (uint32_t)((BASE - TMIN + 1) * d / (d + SKEW));
			delta = 0;
			h++;
		}
		delta++;
		cur++;
	}
	return out;
}

/* punycode.toASCII of one label, as twitter-text's idna.toAscii calls it:
 * its length in UTF-16 units.  punycode.js splits on the ideographic and
 * full-width full stops too.  low: when not 0, the label starts with only
 * the low surrogate (this value) of its first character. */
static size_t label_ascii_len(const char *s, size_t n, uint32_t low)
{
	/* Each code point gives at least one character: past 63 of them
	 * the label is too long whatever Punycode makes of it. */
	if (uni_count(s, n) > 63)
		return 64;
	size_t total = 0, a = 0;
	for (size_t i = 0;; i += seq_len((unsigned char)s[i])) {
		uint32_t c = 0;
		int len = 1;
		if (i < n)
			c = cp_at(s, n, i, &len);
		if (i < n && c != 0x3002 && c != 0xFF0E && c != 0xFF61)
			continue;
		bool plain = true;
		for (size_t k = a; k < i; k++)
			if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] > 0x7E)
				plain = false;
		total += plain ? i - a : 4 + punycode_len(s + a, i - a, a == 0 ? low : 0);
		if (i >= n)
			break;
		total++;        /* the separator, as '.' */
		a = i + (size_t)len;
	}
	return total;
}

/* extractUrlsWithIndices' isValidUrl: every label 1 to 63 characters once
 * in Punycode, the whole URL at most 4096 UTF-16 units (with the scheme
 * counted twice, as it does). */
static bool url_valid(const char *s, const struct url_match *m)
{
	const char *d = s + m->dom_s;
	size_t dn = m->dom_e - m->dom_s, ms, me;
	if (dn >= 4 && memcmp(d, "xn--", 4) == 0 && !ascii_domain(s, m->dom_e, m->dom_s, &ms, &me))
		return false;
	size_t a = 0;
	for (size_t i = 0; i <= dn; i++) {
		if (i < dn && d[i] != '.')
			continue;
		size_t l = label_ascii_len(d + a, i - a, a == 0 ? m->low : 0);
		if (l < 1 || l > 63)
			return false;
		a = i + 1;
	}
	/* idna.toAscii returns the labels as they were, so the Punycode
	 * lengths cancel out of the sum. */
	size_t url16 = utf16_len(s + m->start, m->end - m->start) - (m->low != 0);
	return (m->scheme ? m->scheme : 8) + url16 <= 4096;
}

/* The offset units UTF-16 units past s[a]; *split tells whether that
 * falls inside a character past U+FFFF (the end is then after it). */
static size_t skip_units(const char *s, size_t n, size_t a, size_t units, bool *split)
{
	*split = false;
	while (units > 0 && a < n) {
		size_t k = seq_len((unsigned char)s[a]);
		size_t u = k == 4 ? 2 : 1;
		a += k;
		if (u > units) {
			*split = true;
			break;
		}
		units -= u;
	}
	return a;
}

void textlen_urls_init(textlen_urls *it, const char *s, size_t n, bool bare)
{
	memset(it, 0, sizeof *it);
	it->run_tld = SIZE_MAX;
	it->s = s;
	it->n = n;
	it->bare = bare;
	/* twitter-text looks no further in a text without a dot (or, for
	 * URLs with a scheme only, without a colon). */
	it->done = memchr(s, bare ? '.' : ':', n) == NULL;
}

/* extractUrl's next match from it->scan, as RegExp.exec finds it: the
 * leftmost start with a preceding character (or the very start). */
static bool url_search(textlen_urls *it, struct url_match *m)
{
	const char *s = it->s;
	size_t n = it->n;
	for (size_t st = it->scan; st < n;) {
		int len;
		uint32_t c = cp_at(s, n, st, &len);
		bool found = false;
		/* JavaScript strings are UTF-16: at a character past U+FFFF the
		 * expression first takes its high surrogate as the preceding
		 * character and starts the domain with the low one, which is
		 * a domain character like the whole. */
		if (len == 4 && url_match_at(it, st, m) && !m->scheme) {
			m->before = 0xD800;
			m->low = 0xDC00 + ((c - 0x10000) & 0x3FF);
			it->scan = m->end;
			return true;
		}
		if (url_may_follow(c) && st + (size_t)len < n &&
		    url_match_at(it, st + (size_t)len, m)) {
			m->before = c;
			found = true;
		} else if (st == 0 && url_match_at(it, 0, m)) {
			m->before = 0;
			found = true;
		}
		if (found) {
			it->scan = m->end;
			return true;
		}
		st += (size_t)len;
	}
	it->scan = n;
	return false;
}

bool textlen_urls_next(textlen_urls *it, size_t *start, size_t *end)
{
	const char *s = it->s;
	for (;;) {
		if (it->pending) {
			/* The ASCII domains of a URL without a scheme, one by
			 * one; the last takes the path and query. */
			size_t a = it->next_s, b = it->next_e;
			/* twitter-text places each at the first copy of its
			 * text after the one before (String.indexOf), which is
			 * not always where it matched. */
			const char *copy = memmem(s + it->ascii_end, it->dom_e - it->ascii_end, s + a, b - a);
			if (copy) {
				b = (size_t)(copy - s) + (b - a);
				a = (size_t)(copy - s);
			}
			it->ascii_end = b;
			/* parseTweet then skips as many UTF-16 units as the URL
			 * has: the domain's ASCII part, and after the last one
			 * the path and query (replacing the whole domain). */
			size_t units = utf16_len(s + a, b - a);
			if (!ascii_domain(s, it->dom_e, it->next_e, &it->next_s, &it->next_e)) {
				it->pending = false;
				if (it->path)
					units += utf16_len(s + it->dom_e, it->match_end - it->dom_e);
			}
			*start = a;
			*end = skip_units(s, it->n, a, units, &it->split);
			return true;
		}
		if (it->done)
			return false;
		struct url_match m;
		if (!url_search(it, &m)) {
			it->done = true;
			return false;
		}
		if (!url_valid(s, &m))
			continue;
		if (!m.scheme) {
			if (!it->bare || (m.before && m.before < 0x80 && strchr("-_./", (int)m.before)))
				continue;
			if (!ascii_domain(s, m.dom_e, m.dom_s, &it->next_s, &it->next_e))
				continue;
			it->pending = true;
			it->ascii_end = m.dom_s;
			it->dom_e = m.dom_e;
			it->match_end = m.end;
			it->path = m.path;
			continue;
		}
		/* validTcoUrl: a t.co link ends with its slug (and a query). */
		size_t p = m.start + m.scheme;
		if (m.end - p > 5 && strncasecmp(s + p, "t.co/", 5) == 0 &&
		    is_alnum((unsigned char)s[p + 5])) {
			size_t q = p + 5;
			while (q < m.end && is_alnum((unsigned char)s[q]))
				q++;
			if (q - (p + 5) > 40)
				continue;
			size_t e = q;
			if (q < m.end && s[q] == '?')
				for (size_t k = q + 1; k < m.end && query_char((unsigned char)s[k]); k++)
					if (query_end_char((unsigned char)s[k]))
						e = k + 1;
			m.end = e;
		}
		it->split = false;
		*start = m.start;
		*end = m.end;
		return true;
	}
}

/* ------------------------------------------------------------ emoji */

/* The longest twemoji sequence at s[i], in bytes, or 0. */
static size_t emoji_match(const char *s, size_t n, size_t i)
{
	unsigned char b = (unsigned char)s[i];
	if (b < 0x80 && b != '#' && b != '*' && !is_digit(b))
		return 0;
	const struct twemoji_node *node = &twemoji_trie[0];
	size_t j = i, best = 0;
	while (j < n && node->n) {
		uint32_t c;
		int k = utf8_decode(s + j, n - j, &c);
		if (k < 0)
			break;
		size_t lo = node->first, hi = (size_t)node->first + node->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (twemoji_trie[mid].cp < c)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo >= (size_t)node->first + node->n || twemoji_trie[lo].cp != c)
			break;
		node = &twemoji_trie[lo];
		j += (size_t)k;
		uint32_t next = 0;
		if (node->final == 1 ||
		    (node->final == 2 && !(j < n && utf8_decode(s + j, n - j, &next) > 0 && next == 0xFE0E)))
			best = j;
	}
	return best ? best - i : 0;
}

/* twemoji-parser scans the whole text left to right, whatever the URLs:
 * the emoji that starts at s[i], or 0 when none does (or s[i] is inside
 * one).  *scan is where the scan has got to. */
static size_t emoji_at(const char *s, size_t n, size_t i, size_t *scan)
{
	while (*scan < i) {
		size_t m = emoji_match(s, n, *scan);
		*scan += m ? m : seq_len((unsigned char)s[*scan]);
	}
	if (*scan > i)
		return 0;
	size_t m = emoji_match(s, n, i);
	*scan = i + (m ? m : seq_len((unsigned char)s[i]));
	return m;
}

/* ------------------------------------------------------------ counting */

/* config v3's ranges weigh 100 (here 1); all else defaultWeight 200 (2). */
static int weight_of(uint32_t c)
{
	if (c <= 4351 || (c >= 8192 && c <= 8205) || (c >= 8208 && c <= 8223) ||
	    (c >= 8242 && c <= 8247))
		return 1;
	return 2;
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

long textlen_x_parse(const char *s, size_t n, bool *refused)
{
	size_t len = n;
	char *copy = NULL;
	const char *t = s;
	if (!uni_valid(s, n))
		return -1;
	if (!uni_is_nfc(s, n)) {
		if (!(copy = uni_nfc(s, n, &len)))
			return -1;
		t = copy;
	}
	textlen_urls urls;
	textlen_urls_init(&urls, t, len, true);
	size_t us = 0, ue = 0, escan = 0;
	bool have = textlen_urls_next(&urls, &us, &ue);
	long w = 0;
	bool bad = false;
	for (size_t i = 0; i < len;) {
		/* A URL that starts inside an emoji is not counted as one. */
		while (have && us < i)
			have = textlen_urls_next(&urls, &us, &ue);
		if (have && us == i) {
			/* A URL that ends inside a character past U+FFFF leaves
			 * its low surrogate, which weighs 2. */
			w += urls.split ? 23 + 2 : 23;
			i = ue;
			continue;
		}
		size_t e = emoji_at(t, len, i, &escan);
		if (e) {
			w += 2;
			i += e;
			continue;
		}
		int k;
		uint32_t c = cp_at(t, len, i, &k);
		bad |= refused_char(c);
		w += weight_of(c);
		i += (size_t)k;
	}
	free(copy);
	if (refused)
		*refused = bad;
	return w;
}

long textlen_x_weighted(const char *s, size_t n)
{
	return textlen_x_parse(s, n, NULL);
}

/* Graphemes with a URL counting 23 and @user@domain counting as @user. */
static long mastodon_len(const char *s, size_t n)
{
	if (!uni_valid(s, n))
		return -1;
	long count = 0;
	size_t i = 0, us = 0, ue = 0;
	textlen_urls urls;
	textlen_urls_init(&urls, s, n, false);
	bool have = textlen_urls_next(&urls, &us, &ue);
	while (i < n) {
		while (have && us < i)
			have = textlen_urls_next(&urls, &us, &ue);
		if (have && us == i) {
			count += 23;
			i = ue;
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

enum textlen_verdict textlen_check(const textlen_rule *r, const char *s, size_t n, long *len)
{
	bool refused = false;
	long l = r->unit == TL_WEIGHTED ? textlen_x_parse(s, n, &refused) : textlen_count(r, s, n);
	if (len)
		*len = l;
	if (l < 0)
		return TL_BAD_UTF8;
	if (refused)
		return TL_REFUSED_CHAR;
	if (l > r->limit)
		return TL_TOO_LONG;
	if (r->max_bytes && (long)n > r->max_bytes)
		return TL_TOO_MANY_BYTES;
	return TL_FITS;
}

int textlen_fits(const textlen_rule *r, const char *s, size_t n, long *len)
{
	enum textlen_verdict v = textlen_check(r, s, n, len);
	return v == TL_FITS ? 1 : v == TL_BAD_UTF8 ? -1 : 0;
}
