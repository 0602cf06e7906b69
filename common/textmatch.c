/*
 * Normalisation and one-pass keyword matching.  The folding tables are
 * written out by hand for the scripts customers of a European brand write
 * in; anything else passes through unchanged, which still matches itself.
 */
#include <stdlib.h>
#include <string.h>

#include "textmatch.h"
#include "hash.h"
#include "utf8.h"

uint32_t tm_decode(const char *s, size_t n, size_t *len)
{
	uint32_t c;
	int k = utf8_decode(s, n, &c);
	if (k < 0) {
		*len = 1;
		return 0xfffd;
	}
	*len = (size_t)k;
	return c;
}

static size_t put_utf8(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* White space (space, \t to \r), letters, digits and '_' words, the rest
 * punctuation. */
#define S TM_SPACE
#define P TM_PUNCT
#define W TM_WORD
const unsigned char tm_ascii_class[128] = {
	P, P, P, P, P, P, P, P, P, S, S, S, S, S, P, P,
	P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
	S, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
	W, W, W, W, W, W, W, W, W, W, P, P, P, P, P, P,
	P, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
	W, W, W, W, W, W, W, W, W, W, W, P, P, P, P, W,
	P, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
	W, W, W, W, W, W, W, W, W, W, W, P, P, P, P, P,
};
#undef S
#undef P
#undef W

/* The class of a code point from U+0080 on. */
int tm_class_wide(uint32_t c)
{
	if (c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200b) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000)
		return TM_SPACE;
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	    (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
	    (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xfe20 && c <= 0xfe2f) || c == 0x200d ||
	    (c >= 0x1f3fb && c <= 0x1f3ff) || (c >= 0xe0100 && c <= 0xe01ef))
		return TM_MARK;
	if (c < 0xc0)
		return (c == 0xaa || c == 0xb5 || c == 0xba) ? TM_WORD : TM_PUNCT;
	if (c == 0xd7 || c == 0xf7)
		return TM_PUNCT;
	if ((c >= 0x1f000 && c <= 0x1faff) || (c >= 0x2600 && c <= 0x27bf) ||
	    (c >= 0x2300 && c <= 0x23ff) || (c >= 0x2b00 && c <= 0x2bff) || c == 0x3297 ||
	    c == 0x3299 || c == 0x2764)
		return TM_EMOJI;
	if ((c >= 0x2e80 && c <= 0x2fdf) || (c >= 0x3040 && c <= 0x31ff) ||
	    (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff))
		return TM_CJK;
	if ((c >= 0x2010 && c <= 0x2bff) || (c >= 0x3001 && c <= 0x303f) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff01 && c <= 0xff0f) ||
	    (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) ||
	    (c >= 0xff5b && c <= 0xff65) || c == 0xfffd || (c >= 0x2e00 && c <= 0x2e7f))
		return TM_PUNCT;
	return TM_WORD;
}

/* U+00C0..U+00FF: the letter each folds to ("" keeps it). */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* U+0100..U+017F, one base letter each; '1' is ij, '2' is oe. */
static const char latin_ext_a[129] =
	"aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "11" "jj"
	"kkk" "llllllllll" "nnnnnnnnn" "oooooo" "22" "rrrrrr" "ssssssss" "tttttt"
	"uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";

/* U+1EA0..U+1EF9, Vietnamese. */
static char vietnamese(uint32_t c)
{
	if (c <= 0x1eb7) return 'a';
	if (c <= 0x1ec7) return 'e';
	if (c <= 0x1ecb) return 'i';
	if (c <= 0x1ee3) return 'o';
	if (c <= 0x1ef1) return 'u';
	return 'y';
}

static size_t ascii(const char *s, char out[8])
{
	size_t n = strlen(s);
	memcpy(out, s, n);
	return n;
}

size_t tm_fold(uint32_t c, char out[8])
{
	if (c < 0x80) {
		out[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		return 1;
	}
	if (tm_class(c) == TM_MARK)
		return 0;
	if (c >= 0xc0 && c <= 0xff) {
		if (*latin1[c - 0xc0])
			return ascii(latin1[c - 0xc0], out);
		return put_utf8(c, out);
	}
	if (c >= 0x100 && c <= 0x17f) {
		char l = latin_ext_a[c - 0x100];
		if (l == '1')
			return ascii("ij", out);
		if (l == '2')
			return ascii("oe", out);
		out[0] = l;
		return 1;
	}
	if (c >= 0x180 && c <= 0x24f) {
		switch (c) {
		case 0x180: case 0x183: case 0x182: return ascii("b", out);
		case 0x187: case 0x188: return ascii("c", out);
		case 0x189: case 0x18a: case 0x18b: case 0x18c: return ascii("d", out);
		case 0x191: case 0x192: return ascii("f", out);
		case 0x193: return ascii("g", out);
		case 0x197: return ascii("i", out);
		case 0x198: case 0x199: return ascii("k", out);
		case 0x19a: return ascii("l", out);
		case 0x19d: case 0x19e: return ascii("n", out);
		case 0x19f: case 0x1a0: case 0x1a1: return ascii("o", out);
		case 0x1a4: case 0x1a5: return ascii("p", out);
		case 0x1ab: case 0x1ac: case 0x1ad: case 0x1ae: return ascii("t", out);
		case 0x1af: case 0x1b0: return ascii("u", out);
		case 0x1b3: case 0x1b4: return ascii("y", out);
		case 0x1b5: case 0x1b6: return ascii("z", out);
		case 0x1c4: case 0x1c5: case 0x1c6: return ascii("dz", out);
		case 0x1c7: case 0x1c8: case 0x1c9: return ascii("lj", out);
		case 0x1ca: case 0x1cb: case 0x1cc: return ascii("nj", out);
		case 0x1cd: case 0x1ce: return ascii("a", out);
		case 0x1cf: case 0x1d0: return ascii("i", out);
		case 0x1d1: case 0x1d2: return ascii("o", out);
		case 0x1d3: case 0x1d4: case 0x1d5: case 0x1d6: case 0x1d7: case 0x1d8:
		case 0x1d9: case 0x1da: case 0x1db: case 0x1dc: return ascii("u", out);
		case 0x1e2: case 0x1e3: case 0x1fc: case 0x1fd: return ascii("ae", out);
		case 0x1e6: case 0x1e7: case 0x1f4: case 0x1f5: return ascii("g", out);
		case 0x1e8: case 0x1e9: return ascii("k", out);
		case 0x1ea: case 0x1eb: case 0x1ec: case 0x1ed: case 0x1fe: case 0x1ff:
			return ascii("o", out);
		case 0x1f0: return ascii("j", out);
		case 0x1f8: case 0x1f9: return ascii("n", out);
		case 0x1fa: case 0x1fb: return ascii("a", out);
		case 0x200: case 0x201: case 0x202: case 0x203: case 0x226: case 0x227:
			return ascii("a", out);
		case 0x204: case 0x205: case 0x206: case 0x207: case 0x228: case 0x229:
			return ascii("e", out);
		case 0x208: case 0x209: case 0x20a: case 0x20b: return ascii("i", out);
		case 0x20c: case 0x20d: case 0x20e: case 0x20f: case 0x22a: case 0x22b:
		case 0x22c: case 0x22d: case 0x22e: case 0x22f: case 0x230: case 0x231:
			return ascii("o", out);
		case 0x210: case 0x211: case 0x212: case 0x213: return ascii("r", out);
		case 0x214: case 0x215: case 0x216: case 0x217: return ascii("u", out);
		case 0x218: case 0x219: return ascii("s", out);
		case 0x21a: case 0x21b: return ascii("t", out);
		case 0x21e: case 0x21f: return ascii("h", out);
		case 0x232: case 0x233: return ascii("y", out);
		}
		return put_utf8(c, out);
	}
	/* Greek: capitals to small, tonos and dialytika removed, final sigma. */
	if (c >= 0x370 && c <= 0x3ff) {
		switch (c) {
		case 0x386: case 0x3ac: c = 0x3b1; break;
		case 0x388: case 0x3ad: c = 0x3b5; break;
		case 0x389: case 0x3ae: c = 0x3b7; break;
		case 0x38a: case 0x3af: case 0x3aa: case 0x3ca: case 0x390: c = 0x3b9; break;
		case 0x38c: case 0x3cc: c = 0x3bf; break;
		case 0x38e: case 0x3cd: case 0x3ab: case 0x3cb: case 0x3b0: c = 0x3c5; break;
		case 0x38f: case 0x3ce: c = 0x3c9; break;
		case 0x3c2: c = 0x3c3; break;
		default:
			if (c >= 0x391 && c <= 0x3a9)
				c += 0x20;
		}
		return put_utf8(c, out);
	}
	/* Cyrillic: capitals to small, yo to ye, short i to i. */
	if (c >= 0x400 && c <= 0x52f) {
		if (c >= 0x400 && c <= 0x40f)
			c += 0x50;
		else if (c >= 0x410 && c <= 0x42f)
			c += 0x20;
		else if (c >= 0x460 && c <= 0x52f && !(c & 1))
			c += 1;
		if (c == 0x451)
			c = 0x435;
		else if (c == 0x439)
			c = 0x438;
		return put_utf8(c, out);
	}
	if (c >= 0x1e00 && c <= 0x1eff) {
		if (c == 0x1e9e)
			return ascii("ss", out);
		if (c >= 0x1ea0 && c <= 0x1ef9) {
			out[0] = vietnamese(c);
			return 1;
		}
		/* Latin Extended Additional pairs, base letter by range. */
		static const struct { uint16_t lo, hi; char l; } ext[] = {
			{0x1e00, 0x1e01, 'a'}, {0x1e02, 0x1e07, 'b'}, {0x1e08, 0x1e09, 'c'},
			{0x1e0a, 0x1e13, 'd'}, {0x1e14, 0x1e1d, 'e'}, {0x1e1e, 0x1e1f, 'f'},
			{0x1e20, 0x1e21, 'g'}, {0x1e22, 0x1e2b, 'h'}, {0x1e2c, 0x1e2f, 'i'},
			{0x1e30, 0x1e35, 'k'}, {0x1e36, 0x1e3d, 'l'}, {0x1e3e, 0x1e43, 'm'},
			{0x1e44, 0x1e4b, 'n'}, {0x1e4c, 0x1e53, 'o'}, {0x1e54, 0x1e57, 'p'},
			{0x1e58, 0x1e5f, 'r'}, {0x1e60, 0x1e69, 's'}, {0x1e6a, 0x1e71, 't'},
			{0x1e72, 0x1e7b, 'u'}, {0x1e7c, 0x1e7f, 'v'}, {0x1e80, 0x1e89, 'w'},
			{0x1e8a, 0x1e8d, 'x'}, {0x1e8e, 0x1e8f, 'y'}, {0x1e90, 0x1e95, 'z'},
		};
		for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
			if (c >= ext[i].lo && c <= ext[i].hi) {
				out[0] = ext[i].l;
				return 1;
			}
		return put_utf8(c, out);
	}
	switch (c) {
	case 0x2018: case 0x2019: case 0x201b: case 0x2032: case 0x02bc: case 0xff07:
		return ascii("'", out);
	case 0x201c: case 0x201d: case 0x201e: case 0x2033: case 0xab: case 0xbb:
		return ascii("\"", out);
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212:
		return ascii("-", out);
	case 0x2026:
		return ascii("...", out);
	case 0xfb00: return ascii("ff", out);
	case 0xfb01: return ascii("fi", out);
	case 0xfb02: return ascii("fl", out);
	}
	if (c >= 0xff01 && c <= 0xff5e) {
		c -= 0xfee0;
		out[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		return 1;
	}
	return put_utf8(c, out);
}

static int norm_reserve(tm_norm *n, size_t need)
{
	if (need + 1 <= n->cap)
		return 0;
	size_t cap = n->cap ? n->cap : 256;
	while (cap < need + 1)
		cap *= 2;
	uint32_t *s = realloc(n->src, cap * sizeof *s);
	if (!s)
		return -1;
	n->src = s;
	n->cap = cap;
	return 0;
}

/* An ASCII byte folded: the byte, a capital made small, and white space
 * (space, \t to \r) ASCII_SPACE, which no byte folds to. */
#define ASCII_SPACE 0xff
#define F4(x) (x), (x) + 1, (x) + 2, (x) + 3
#define F16(x) F4(x), F4((x) + 4), F4((x) + 8), F4((x) + 12)
static const unsigned char ascii_fold[128] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, ASCII_SPACE, ASCII_SPACE, ASCII_SPACE, ASCII_SPACE, ASCII_SPACE, 14, 15,
	F16(16), ASCII_SPACE, 33, 34, 35, F4(36), F4(40), F4(44), F16(48),
	'@', F4('a'), F4('e'), F4('i'), F4('m'), F4('q'), F4('u'), 'y', 'z', 91, 92, 93, 94, 95,
	F16(96), F16(112),
};
#undef F16
#undef F4

/* map is a constant in each caller below, so the stores to src
 * vanish from tm_normalize_text's copy. */
static inline __attribute__((always_inline)) int normalize(tm_norm *n, const char *s, size_t len, bool map)
{
	buf_reset(&n->text);
	/* Folding grows a character at most from 1 byte to 3 ("..."), or 2 to 3. */
	if (buf_reserve(&n->text, 3 * len + 1) < 0 || (map && norm_reserve(n, 3 * len + 1) < 0))
		return -1;
	char *o = n->text.p;
	uint32_t *src = n->src;
	size_t k = 0, i = 0, digits = 0;
	bool space = true; /* drop leading space */
	while (i < len) {
		unsigned char b = (unsigned char)s[i];
		if (b < 0x80) {
			/* ASCII, nearly all of most texts: folded in place, by
			 * a table (ASCII_SPACE for white space) */
			unsigned char fb = ascii_fold[b];
			if (fb == ASCII_SPACE) {
				if (!space) {
					if (map)
						src[k] = (uint32_t)i;
					o[k++] = ' ';
					space = true;
				}
			} else {
				if (map)
					src[k] = (uint32_t)i;
				digits += (unsigned)(b - '0') < 10;
				o[k++] = (char)fb;
				space = false;
			}
			i++;
			continue;
		}
		size_t l;
		uint32_t c = tm_decode(s + i, len - i, &l);
		char f[8];
		size_t fl;
		if (tm_class(c) == TM_SPACE) {
			/* a run of white space is one space */
			f[0] = ' ';
			fl = !space;
			space = true;
		} else {
			fl = tm_fold(c, f);
			if (fl)
				space = false;
		}
		for (size_t j = 0; j < fl; j++) {
			if (map)
				src[k] = (uint32_t)i;
			digits += (unsigned)((unsigned char)f[j] - '0') < 10;
			o[k++] = f[j];
		}
		i += l;
	}
	if (k && o[k - 1] == ' ')
		k--;
	o[k] = '\0';
	if (map)
		src[k] = (uint32_t)len;
	n->mapped = map;
	n->digits = digits;
	n->text.len = k;
	return 0;
}

int tm_normalize(tm_norm *n, const char *s, size_t len)
{
	return normalize(n, s, len, true);
}

int tm_normalize_text(tm_norm *n, const char *s, size_t len)
{
	return normalize(n, s, len, false);
}

void tm_norm_free(tm_norm *n)
{
	buf_free(&n->text);
	free(n->src);
	n->src = NULL;
	n->cap = 0;
}

/* ------------------------------------------------------ keyword matching */

/*
 * Two matchers, one result.  Nearly every keyword starts a word ("refund",
 * "phone number"): it can only start where a word does, so the scan walks
 * a trie of those keywords from each word start only, and most walks end
 * after a byte or two.  The trie is a double array (eight bytes a state),
 * small enough to stay in cache.  The rest (a leading "*", a keyword
 * starting with punctuation, an emoji or an ideograph) can start
 * anywhere: an Aho-Corasick automaton of them alone follows every byte
 * that can be part of one.  A single automaton of every keyword (13,000
 * states of 84 byte classes for consumer.rules, 2.2 MB) spent a cache
 * miss on nearly every byte of text.
 *
 * The hits are gathered, then reported as that single automaton did: by
 * end, then by start, then (keywords of one text: "refund" and "refund*")
 * the one added last first.
 */

struct kw {
	char *s;        /* normalised */
	size_t len;
	bool open_start, open_end;
	bool walk;      /* found by the word-start walks, not the automaton */
	bool word_first, word_last; /* its first, last character is a word's */
};

/* A table of transitions over byte classes, state << 1 | output, in 16
 * bits when the states fit (half the cache), else 32. */
struct table {
	uint8_t cls[256];
	int nclass;
	uint16_t *t16;
	int32_t *t32;
	int32_t *out;        /* per state: keyword ending here, or -1 */
	size_t nstates;
};

/* The walks' trie as a double array: state s goes on class c to slot
 * base[s] + c when that slot's check names s.  Eight bytes a state
 * (100 KB for consumer.rules' 13,000) where dense rows took 1.2 MB: the
 * deep states a walk reaches stay in cache. */
struct dslot {
	int32_t base;
	uint32_t check;      /* parent << 1 | output; DA_FREE when free */
};
#define DA_FREE 0xffffffffu

/* The same in four bytes a state, when the array has fewer than 32,768
 * slots (check: parent << 1 | output in 16 bits): half the cache. */
struct dslot16 {
	uint16_t base;
	uint16_t check;      /* 0xffff when free */
};

struct tm_ac {
	struct kw *kw;
	size_t nkw, kwcap;
	int32_t *same;       /* per keyword: the next one of the same text ending
	                        at its state ("refund" and "refund*"), or -1 */
	/* the walks' trie: classes, and out by slot */
	struct table trie;
	struct dslot *da;
	struct dslot16 *da16; /* da in 16 bits, when it fits; else NULL */
	size_t nda;
	/* the automaton of the other keywords */
	struct table ac;
	int32_t *dict;       /* per state: next state on the fail chain with an output */
	size_t nac;          /* keywords in it */
	/* keyword ids by hash, for tm_ac_add to find an equal keyword fast */
	int32_t *slots;
	size_t nslots;
	bool built;
};

static uint32_t kw_hash(const char *s, size_t n, bool os, bool oe)
{
	return hash32_add(HASH32_INIT ^ (uint32_t)(os << 1 | oe), s, n);
}

/* Keep the table at most half full. */
static int kw_rehash(tm_ac *a)
{
	size_t n = a->nslots ? 2 * a->nslots : 256;
	int32_t *sl = malloc(n * sizeof *sl);
	if (!sl)
		return -1;
	memset(sl, 0xff, n * sizeof *sl);
	for (size_t i = 0; i < a->nkw; i++) {
		const struct kw *k = &a->kw[i];
		size_t j = kw_hash(k->s, k->len, k->open_start, k->open_end) & (n - 1);
		while (sl[j] >= 0)
			j = (j + 1) & (n - 1);
		sl[j] = (int32_t)i;
	}
	free(a->slots);
	a->slots = sl;
	a->nslots = n;
	return 0;
}

tm_ac *tm_ac_new(void)
{
	return calloc(1, sizeof(tm_ac));
}

size_t tm_ac_count(const tm_ac *a)
{
	return a->nkw;
}

int tm_ac_add(tm_ac *a, const char *kw, size_t len)
{
	bool open_start = false, open_end = false;
	if (len && kw[0] == '*') {
		open_start = true;
		kw++;
		len--;
	}
	if (len && kw[len - 1] == '*') {
		open_end = true;
		len--;
	}
	tm_norm n = {0};
	if (tm_normalize(&n, kw, len) < 0) {
		tm_norm_free(&n);
		return -2;
	}
	if (n.text.len == 0) {
		tm_norm_free(&n);
		return -1;
	}
	if (2 * (a->nkw + 1) > a->nslots && kw_rehash(a) < 0) {
		tm_norm_free(&n);
		return -2;
	}
	size_t slot = kw_hash(n.text.p, n.text.len, open_start, open_end) & (a->nslots - 1);
	for (; a->slots[slot] >= 0; slot = (slot + 1) & (a->nslots - 1)) {
		const struct kw *k = &a->kw[a->slots[slot]];
		if (k->len == n.text.len && !memcmp(k->s, n.text.p, n.text.len) &&
		    k->open_start == open_start && k->open_end == open_end) {
			tm_norm_free(&n);
			return (int)a->slots[slot];
		}
	}
	if (a->nkw == a->kwcap) {
		size_t cap = a->kwcap ? 2 * a->kwcap : 64;
		struct kw *k = realloc(a->kw, cap * sizeof *k);
		if (!k) {
			tm_norm_free(&n);
			return -2;
		}
		a->kw = k;
		a->kwcap = cap;
	}
	struct kw *k = &a->kw[a->nkw];
	k->s = n.text.p; /* take the buffer */
	k->len = n.text.len;
	k->open_start = open_start;
	k->open_end = open_end;
	k->walk = false;
	free(n.src);
	a->slots[slot] = (int32_t)a->nkw;
	a->built = false;
	return (int)a->nkw++;
}

static void table_free(struct table *t)
{
	free(t->t16);
	free(t->t32);
	free(t->out);
	t->t16 = NULL;
	t->t32 = NULL;
	t->out = NULL;
	t->nstates = 0;
}

/* The transition of state s on byte class c, as state << 1 | output. */
static inline uint32_t step(const struct table *t, uint32_t s, int c)
{
	size_t i = (size_t)s * (size_t)t->nclass + (size_t)c;
	return t->t16 ? t->t16[i] : (uint32_t)t->t32[i];
}

/* The double array under construction: slots, and for finding free ones
 * fast a skip list (a slot's skip is itself while free, else a slot
 * further on that was free, compressed as it is followed). */
struct dabuild {
	struct dslot *da;
	uint32_t *skip;
	size_t cap;
};

/* Room for slot i, new slots free. */
static int da_reserve(struct dabuild *d, size_t i)
{
	if (i < d->cap)
		return 0;
	size_t n = d->cap ? d->cap : 1024;
	while (n <= i)
		n *= 2;
	struct dslot *da = realloc(d->da, n * sizeof *da);
	if (da)
		d->da = da;
	uint32_t *sk = realloc(d->skip, n * sizeof *sk);
	if (sk)
		d->skip = sk;
	if (!da || !sk)
		return -1;
	for (size_t k = d->cap; k < n; k++) {
		d->da[k] = (struct dslot){ 0, DA_FREE };
		d->skip[k] = (uint32_t)k;
	}
	d->cap = n;
	return 0;
}

/* The first free slot at or after i (i < cap; the last slot stays free). */
static size_t da_free_from(struct dabuild *d, size_t i)
{
	size_t r = i;
	while (d->skip[r] != r)
		r = d->skip[r];
	while (d->skip[i] != i) {
		size_t n = d->skip[i];
		d->skip[i] = (uint32_t)r;
		i = n;
	}
	return r;
}

static void da_use(struct dabuild *d, size_t i, uint32_t check)
{
	d->da[i].check = check;
	d->skip[i] = (uint32_t)(i + 1);
}

/* The trie (next: ns states of nc classes, 0 for no edge; queue: the
 * states but the root, breadth first) as a double array in a->da, with
 * t->out by slot.  Each state's children go at the first base where
 * their slots are all free; breadth first, the shallow states share the
 * array's first cache lines. */
static int build_da(tm_ac *a, struct table *t, const int32_t *next, size_t nc, size_t ns,
                    const int32_t *queue, size_t qt, const int32_t *out)
{
	struct dabuild d = {0};
	size_t top = 1;
	int32_t *slot = malloc(ns * sizeof *slot);
	uint8_t *kids = malloc(nc);
	if (!slot || !kids || da_reserve(&d, 2 * ns + 2 * nc) < 0)
		goto fail;
	slot[0] = 0;
	da_use(&d, 0, 0); /* the root's slot */
	for (size_t q = 0; q <= qt; q++) {
		size_t st = q ? (size_t)queue[q - 1] : 0;
		size_t nk = 0;
		for (size_t c = 1; c < nc; c++)
			if (next[st * nc + c] > 0)
				kids[nk++] = (uint8_t)c;
		if (!nk)
			continue;
		/* the first kid at a free slot, the others where they fall */
		size_t b;
		for (size_t p = da_free_from(&d, kids[0] + 1);; p = da_free_from(&d, p + 1)) {
			b = p - kids[0];
			if (da_reserve(&d, b + nc + 1) < 0)
				goto fail;
			size_t k = 1;
			while (k < nk && d.da[b + kids[k]].check == DA_FREE)
				k++;
			if (k == nk)
				break;
		}
		uint32_t me = (uint32_t)slot[st];
		d.da[me].base = (int32_t)b;
		for (size_t k = 0; k < nk; k++) {
			size_t u = (size_t)next[st * nc + kids[k]];
			size_t at = b + kids[k];
			slot[u] = (int32_t)at;
			da_use(&d, at, me << 1 | (out[u] >= 0));
			if (at + 1 > top)
				top = at + 1;
		}
	}
	/* any base + class stays inside */
	size_t nda = top + nc;
	if (da_reserve(&d, nda) < 0 || !(t->out = malloc(nda * sizeof *t->out)))
		goto fail;
	for (size_t i = 0; i < nda; i++)
		t->out[i] = -1;
	for (size_t st = 0; st < ns; st++)
		if (out[st] >= 0)
			t->out[slot[st]] = out[st];
	free(a->da);
	free(a->da16);
	a->da = d.da;
	a->da16 = NULL;
	a->nda = nda;
	if (nda < 32768 && (a->da16 = malloc(nda * sizeof *a->da16)))
		for (size_t i = 0; i < nda; i++)
			a->da16[i] = (struct dslot16){ (uint16_t)d.da[i].base,
			                               (uint16_t)(d.da[i].check == DA_FREE ? 0xffff :
			                                          d.da[i].check) };
	t->nstates = ns;
	free(d.skip);
	free(slot);
	free(kids);
	return 0;
fail:
	free(d.da);
	free(d.skip);
	free(slot);
	free(kids);
	return -1;
}

/*
 * The trie of the keywords with walk == want, into t: classes, dense
 * transitions (-1: none yet), out and same.  With fail (the automaton),
 * also fail links, dict and the complete transition function.  States are
 * numbered breadth first: the root and the shallow states, where a scan
 * spends nearly all its time, share cache lines at the table's start.
 */
static int build_table(tm_ac *a, struct table *t, bool want, int32_t **dictp)
{
	table_free(t);
	memset(t->cls, 0, sizeof t->cls);
	t->nclass = 1;
	size_t total = 1;
	for (size_t i = 0; i < a->nkw; i++) {
		if (a->kw[i].walk != want)
			continue;
		total += a->kw[i].len;
		for (size_t j = 0; j < a->kw[i].len; j++) {
			unsigned char b = (unsigned char)a->kw[i].s[j];
			if (!t->cls[b])
				t->cls[b] = (uint8_t)t->nclass++;
		}
	}
	size_t nc = (size_t)t->nclass;
	int32_t *next = malloc(total * nc * sizeof *next);
	int32_t *out = malloc(total * sizeof *out);
	int32_t *dict = dictp ? malloc(total * sizeof *dict) : NULL;
	int32_t *fail = malloc(total * sizeof *fail);
	int32_t *queue = malloc(total * sizeof *queue);
	int32_t *perm = malloc(total * sizeof *perm);
	int rc = -1;
	if (!next || !out || (dictp && !dict) || !fail || !queue || !perm)
		goto done;
	memset(next, 0xff, nc * sizeof *next);
	out[0] = -1;
	size_t ns = 1;
	for (size_t i = 0; i < a->nkw; i++) {
		if (a->kw[i].walk != want)
			continue;
		int32_t s = 0;
		for (size_t j = 0; j < a->kw[i].len; j++) {
			size_t c = t->cls[(unsigned char)a->kw[i].s[j]];
			if (next[s * nc + c] < 0) {
				memset(next + ns * nc, 0xff, nc * sizeof *next);
				out[ns] = -1;
				next[s * nc + c] = (int32_t)ns++;
			}
			s = next[s * nc + c];
		}
		a->same[i] = out[s];
		out[s] = (int32_t)i;
	}
	/* Breadth first: the order, and for the automaton fail links and the
	 * complete transition function, so its scan follows one edge per
	 * byte.  In the trie a missing edge becomes the root: no edge leads
	 * there, so it reads as "none". */
	size_t qh = 0, qt = 0;
	if (dict)
		dict[0] = -1;
	for (size_t c = 0; c < nc; c++) {
		int32_t s = next[c];
		if (s < 0) {
			next[c] = 0;
		} else {
			fail[s] = 0;
			if (dict)
				dict[s] = -1;
			queue[qt++] = s;
		}
	}
	while (qh < qt) {
		int32_t s = queue[qh++];
		for (size_t c = 0; c < nc; c++) {
			int32_t u = next[s * nc + c];
			if (!dict) {
				if (u < 0)
					next[s * nc + c] = 0;
				else
					queue[qt++] = u;
				continue;
			}
			int32_t f = next[fail[s] * nc + c];
			if (u < 0) {
				next[s * nc + c] = f;
			} else {
				fail[u] = f;
				dict[u] = out[f] >= 0 ? f : dict[f];
				queue[qt++] = u;
			}
		}
	}
	if (!dictp) {
		if (build_da(a, t, next, nc, ns, queue, qt, out) < 0)
			goto done;
		rc = 0;
		goto done;
	}
	perm[0] = 0;
	for (size_t k = 0; k < qt; k++)
		perm[queue[k]] = (int32_t)(k + 1);
	t->out = malloc(ns * sizeof *t->out);
	if (ns < 32768)
		t->t16 = malloc(ns * nc * sizeof *t->t16);
	else
		t->t32 = malloc(ns * nc * sizeof *t->t32);
	if (!t->out || (!t->t16 && !t->t32))
		goto done;
	for (size_t st = 0; st < ns; st++)
		t->out[perm[st]] = out[st];
	if (dict) {
		/* fail is free again: the permuted dict */
		for (size_t st = 0; st < ns; st++)
			fail[perm[st]] = dict[st] >= 0 ? perm[dict[st]] : -1;
		memcpy(dict, fail, ns * sizeof *dict);
	}
	for (size_t st = 0; st < ns; st++)
		for (size_t c = 0; c < nc; c++) {
			int32_t u = perm[next[st * nc + c]];
			/* the output bit: a keyword ends here, or on the fail chain */
			bool o = t->out[u] >= 0 || (dict && dict[u] >= 0);
			size_t i = (size_t)perm[st] * nc + c;
			if (t->t16)
				t->t16[i] = (uint16_t)(u << 1 | o);
			else
				t->t32[i] = u << 1 | o;
		}
	t->nstates = ns;
	if (dictp) {
		free(*dictp);
		*dictp = dict;
		dict = NULL;
	}
	rc = 0;
done:
	if (rc < 0)
		table_free(t);
	free(next);
	free(out);
	free(dict);
	free(fail);
	free(queue);
	free(perm);
	return rc;
}

static int class_before(const char *t, size_t i);

int tm_ac_build(tm_ac *a)
{
	a->built = false;
	free(a->same);
	a->same = malloc((a->nkw + 1) * sizeof *a->same);
	if (!a->same)
		return -1;
	/* The walks find the keywords that must start a word; the automaton
	 * the others. */
	a->nac = 0;
	for (size_t i = 0; i < a->nkw; i++) {
		struct kw *k = &a->kw[i];
		size_t l;
		k->word_first = tm_class(tm_decode(k->s, k->len, &l)) == TM_WORD;
		k->word_last = class_before(k->s, k->len) == TM_WORD;
		k->walk = !k->open_start && k->word_first;
		a->nac += !k->walk;
	}
	if (build_table(a, &a->trie, true, NULL) < 0 ||
	    build_table(a, &a->ac, false, &a->dict) < 0)
		return -1;
	a->built = true;
	return 0;
}

void tm_scratch_free(tm_scratch *s)
{
	free(s->hits);
	s->hits = NULL;
	s->n = s->cap = 0;
}

/* The class of the character that ends just before byte i of t. */
static int class_before(const char *t, size_t i)
{
	size_t j = i - 1, l;
	while (j > 0 && ((unsigned char)t[j] & 0xc0) == 0x80)
		j--;
	return tm_class(tm_decode(t + j, i - j, &l));
}

/* Is the character at byte i of t (i < tlen) a word's? */
static inline bool word_at(const char *t, size_t tlen, size_t i)
{
	unsigned char b = (unsigned char)t[i];
	if (b < 0x80)
		return (b >= '0' && b <= '9') || ((b | 32) >= 'a' && (b | 32) <= 'z') || b == '_';
	size_t l;
	return tm_class(tm_decode(t + i, tlen - i, &l)) == TM_WORD;
}

static inline bool boundary_ok(const struct kw *k, const char *t, size_t tlen, size_t start,
                        size_t end)
{
	if (!k->open_start && start > 0 && k->word_first &&
	    ((unsigned char)t[start - 1] < 0x80 ? word_at(t, tlen, start - 1)
	                                        : class_before(t, start) == TM_WORD))
		return false;
	if (!k->open_end && end < tlen && k->word_last && word_at(t, tlen, end))
		return false;
	return true;
}

/* The keywords of state st's output chain that fit [start, end) as whole
 * words, into the scratch; -1 when it cannot grow. */
static int keep_hits(const tm_ac *a, int32_t id, const char *t, size_t n, size_t start,
                     size_t end, tm_scratch *sc)
{
	for (; id >= 0; id = a->same[id]) {
		if (!boundary_ok(&a->kw[id], t, n, start, end))
			continue;
		if (sc->n == sc->cap) {
			struct tm_hit *h = cp_grow(sc->hits, &sc->cap, sizeof *h, 64);
			if (!h)
				return -1;
			sc->hits = h;
		}
		sc->hits[sc->n++] = (struct tm_hit){ (uint32_t)start, (uint32_t)end, id };
	}
	return 0;
}

/* By end, then start, then the keyword added last first: the order of
 * one automaton of every keyword. */
static int hit_cmp(const void *x, const void *y)
{
	const struct tm_hit *a = x, *b = y;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->id < b->id) - (a->id > b->id);
}

/* What a byte says of its character's class, for finding word starts
 * without a branch per byte: 1 an ASCII word character (tm_class), 0
 * another ASCII one, 2 a UTF-8 lead byte (decode it), 3 a continuation. */
#define W1(x) [x] = 1
#define W10(x) W1(x), W1(x + 1), W1(x + 2), W1(x + 3), W1(x + 4), W1(x + 5), W1(x + 6), \
	W1(x + 7), W1(x + 8), W1(x + 9)
#define R16(v, x) [x] = v, [x + 1] = v, [x + 2] = v, [x + 3] = v, [x + 4] = v, [x + 5] = v, \
	[x + 6] = v, [x + 7] = v, [x + 8] = v, [x + 9] = v, [x + 10] = v, [x + 11] = v, \
	[x + 12] = v, [x + 13] = v, [x + 14] = v, [x + 15] = v
static const uint8_t word_byte[256] = {
	W10('0'), W10('a'), W10('k'), W1('u'), W1('v'), W1('w'), W1('x'), W1('y'), W1('z'),
	W10('A'), W10('K'), W1('U'), W1('V'), W1('W'), W1('X'), W1('Y'), W1('Z'), W1('_'),
	R16(3, 0x80), R16(3, 0x90), R16(3, 0xa0), R16(3, 0xb0),
	R16(2, 0xc0), R16(2, 0xd0), R16(2, 0xe0), R16(2, 0xf0),
};
#undef W1
#undef W10
#undef R16

/* A walk of the trie from the word start at i, keeping the hits. */
static int walk(const tm_ac *a, const uint8_t *cls, const char *t, size_t n, size_t i,
                tm_scratch *sc)
{
	const struct dslot *da = a->da;
	const struct dslot16 *da16 = a->da16;
	uint32_t s = 0;
	for (size_t j = i; j < n; j++) {
		unsigned c = cls[(unsigned char)t[j]];
		if (!c)
			break;
		uint32_t to, ck;
		if (da16) {
			to = da16[s].base + c;
			ck = da16[to].check;
		} else {
			to = (uint32_t)da[s].base + c;
			ck = da[to].check;
		}
		if (ck >> 1 != s)
			break;
		s = to;
		if ((ck & 1) && keep_hits(a, a->trie.out[s], t, n, i, j + 1, sc) < 0)
			return -1;
	}
	return 0;
}

int tm_ac_scan(const tm_ac *a, const tm_norm *tn, tm_scratch *sc, tm_hit_fn fn, void *ctx)
{
	sc->n = 0;
	if (!a->built || a->nkw == 0 || !tn->text.len)
		return 0;
	const char *t = tn->text.p;
	size_t n = tn->text.len;
	if (a->nkw > a->nac) {
		/* A walk from each word start, as far as the trie goes. */
		const uint8_t *cls = a->trie.cls;
		bool prev_word = false;
		for (size_t i = 0; i < n; i++) {
			unsigned char b = (unsigned char)t[i];
			bool word = word_byte[b] == 1;
			if (word_byte[b] > 1) {
				/* a continuation byte: its character's class holds */
				if (word_byte[b] == 3)
					continue;
				size_t l;
				word = tm_class(tm_decode(t + i, n - i, &l)) == TM_WORD;
			}
			if ((word & !prev_word) && walk(a, cls, t, n, i, sc) < 0)
				return -1;
			prev_word = word;
		}
	}
	if (a->nac) {
		/* The automaton, every byte; at the root a byte of no keyword
		 * leaves it there. */
		const struct table *ac = &a->ac;
		uint32_t s = 0;
		for (size_t i = 0; i < n; i++) {
			int c = ac->cls[(unsigned char)t[i]];
			if (!c && !s)
				continue;
			s = step(ac, s >> 1, c);
			if (!(s & 1))
				continue;
			int32_t st = (int32_t)(s >> 1);
			for (int32_t o = ac->out[st] >= 0 ? st : a->dict[st]; o >= 0; o = a->dict[o])
				if (keep_hits(a, ac->out[o], t, n, i + 1 - a->kw[ac->out[o]].len, i + 1,
				              sc) < 0)
					return -1;
		}
	}
	/* Few hits a text: insertion sort, the walks' hits nearly in order. */
	struct tm_hit *h = sc->hits;
	if (sc->n > 64) {
		qsort(h, sc->n, sizeof *h, hit_cmp);
	} else {
		for (size_t i = 1; i < sc->n; i++) {
			struct tm_hit x = h[i];
			size_t j = i;
			for (; j > 0 && hit_cmp(&h[j - 1], &x) > 0; j--)
				h[j] = h[j - 1];
			h[j] = x;
		}
	}
	for (size_t i = 0; i < sc->n; i++)
		if (fn(ctx, (int)h[i].id, h[i].start, h[i].end))
			break;
	return 0;
}

void tm_ac_free(tm_ac *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nkw; i++)
		free(a->kw[i].s);
	free(a->kw);
	free(a->slots);
	free(a->same);
	free(a->dict);
	table_free(&a->trie);
	table_free(&a->ac);
	free(a->da);
	free(a->da16);
	free(a);
}

/* ------------------------------------------------------------ word forms */

/* Irregular forms, one group a line, that suffix rules cannot make: the
 * verbs customers use to say what happened (English), and the French
 * verbs whose participles or present change their stem.  Every word of a
 * group stands for the whole group. */
static const char *const irregular[] = {
	"be am is are was were been being", "have has had having",
	"do does did done doing", "go goes went gone going",
	"give gives gave given giving", "sell sells sold selling",
	"tell tells told telling", "send sends sent sending",
	"take takes took taken taking", "get gets got gotten getting",
	"find finds found finding", "burn burns burned burnt burning",
	"bite bites bit bitten biting", "fall falls fell fallen falling",
	"catch catches caught catching", "break breaks broke broken breaking",
	"see sees saw seen seeing", "show shows showed shown showing",
	"write writes wrote written writing", "leave leaves left leaving",
	"lose loses lost losing", "pay pays paid paying", "buy buys bought buying",
	"hurt hurts hurting", "hit hits hitting", "feel feels felt feeling",
	"make makes made making", "put puts putting", "choose chooses chose chosen choosing",
	"drive drives drove driven driving", "throw throws threw thrown throwing",
	"fly flies flew flown flying", "say says said saying",
	"speak speaks spoke spoken speaking", "hear hears heard hearing",
	"eat eats ate eaten eating", "hide hides hid hidden hiding",
	"know knows knew known knowing", "shake shakes shook shaken shaking",
	"cut cuts cutting", "sting stings stung stinging", "freeze freezes froze frozen freezing",
	"blow blows blew blown blowing", "tear tears tore torn tearing",
	"hold holds held holding", "keep keeps kept keeping", "lead leads led leading",
	"bleed bleeds bled bleeding", "run runs ran running", "come comes came coming",
	"begin begins began begun beginning", "steal steals stole stolen stealing",
	"forget forgets forgot forgotten forgetting", "let lets letting",
	"leak leaks leaked leaking", "swell swells swelled swollen swelling",
	"spend spends spent spending", "lend lends lent lending",
	"mean means meant meaning", "meet meets met meeting", "read reads reading",
	"set sets setting", "shoot shoots shot shooting", "slide slides slid sliding",
	"smell smells smelled smelt smelling", "spill spills spilled spilt spilling",
	"strike strikes struck striking", "swallow swallows swallowed swallowing",
	"take takes took taken taking", "wake wakes woke woken waking",
	"die dies died dying", "lie lies lay lain lying",
	"prendre prends prend prenons prenez prennent pris prise prises prenait prenaient",
	"mettre mets met mettons mettez mettent mis mise mises mettait",
	"faire fais fait faisons faites font faite faits faites faisait",
	"voir vois voit voyons voyez voient vu vue vus vues voyait",
	"dire dis dit disons dites disent dite dits disait",
	"ecrire ecris ecrit ecrivons ecrivez ecrivent ecrite ecrits ecrivait",
	"recevoir recois recoit recevons recevez recoivent recu recue recus recues recevait",
	"envoyer envoie envoies envoient envoyons envoyez envoye envoyee envoyes envoyees envoyait envoyaient",
	"payer paie paies paient paye payes payent payons payez payee payees payait",
	"ouvrir ouvre ouvres ouvrent ouvert ouverte ouverts ouvertes ouvrait",
	"offrir offre offrent offert offerte offerts",
	"mourir meurt meurent mort morte morts mortes mourait",
	"perdre perds perd perdons perdez perdent perdu perdue perdus perdues perdait",
	"vendre vends vend vendons vendez vendent vendu vendue vendus vendues vendait vendaient",
	"rendre rends rend rendons rendez rendent rendu rendue rendus rendues rendait",
	"poursuivre poursuis poursuit poursuivons poursuivez poursuivent poursuivi poursuivie poursuivis poursuivait",
	"avoir ai as a avons avez ont eu eue eus avait avaient",
	"etre suis es est sommes etes sont ete etait etaient",
};

static int form_add(cp_buf *out, const char *stem, size_t n, const char *suffix)
{
	if (buf_add(out, stem, n) < 0 || buf_adds(out, suffix) < 0 || buf_addc(out, '\0') < 0)
		return -1;
	return 0;
}

static bool is_vowel(char c)
{
	return strchr("aeiouy", c) != NULL;
}

int tm_forms(const char *word, cp_buf *out)
{
	/* Folded first, as the matcher sees it: forms are made without
	 * accents, and match accented text alike. */
	tm_norm n = {0};
	if (tm_normalize(&n, word, strlen(word)) < 0) {
		tm_norm_free(&n);
		return -1;
	}
	const char *w = n.text.p ? n.text.p : "";
	size_t l = n.text.len;
	int rc = form_add(out, w, l, "");
	/* An irregular group: all of it. */
	for (size_t g = 0; rc == 0 && g < sizeof irregular / sizeof irregular[0]; g++) {
		const char *p = irregular[g];
		bool in = false;
		while (*p && !in) {
			size_t k = strcspn(p, " ");
			in = k == l && !memcmp(p, w, l);
			p += k + (p[k] == ' ');
		}
		for (p = irregular[g]; in && *p && rc == 0;) {
			size_t k = strcspn(p, " ");
			rc = form_add(out, p, k, "");
			p += k + (p[k] == ' ');
		}
	}
	if (rc < 0 || l < 3) {
		tm_norm_free(&n);
		return rc;
	}
	bool accented = false;
	for (const char *q = word; *q; q++)
		accented |= (*q & 0x80) != 0;
	char last = w[l - 1], prev = w[l - 2];
	/* The common forms only: present, past participle, imperfect. */
	static const char *const fr_er[] = {
		"er", "e", "es", "ent", "ez", "e", "ee", "es", "ees", "ait", "aient", "ant", NULL };
	static const char *const fr_ir[] = {
		"ir", "is", "it", "issent", "i", "ie", "ies", "issait", NULL };
	static const char *const fr_re[] = {
		"re", "s", "t", "ent", "u", "ue", "us", "ues", "ait", NULL };
	/* A participle written as such agrees: blessé, blessée, blessés. */
	static const char *const fr_pp[] = { "", "e", "s", "es", NULL };
	const char *const *fr = NULL;
	size_t frstem = 0;
	/* English: plural and third person, past, -ing; not for a word
	 * written with accents, which is French ("blessé" is not "blessed"). */
	if (accented)
		goto french;
	if (last == 's' || last == 'x' || last == 'z' || last == 'o' ||
	    (l > 2 && (!strcmp(w + l - 2, "ch") || !strcmp(w + l - 2, "sh"))))
		rc |= form_add(out, w, l, "es");
	if (last == 'y' && !is_vowel(prev)) {
		rc |= form_add(out, w, l - 1, "ies");
		rc |= form_add(out, w, l - 1, "ied");
		rc |= form_add(out, w, l, "ing");
	} else if (last == 'e') {
		rc |= form_add(out, w, l, "s");
		rc |= form_add(out, w, l, "d");
		rc |= form_add(out, w, prev == 'e' ? l : l - 1, "ing");
	} else {
		rc |= form_add(out, w, l, "s");
		rc |= form_add(out, w, l, "ed");
		rc |= form_add(out, w, l, "ing");
		/* stop, stopped: a short final consonant doubles. */
		if (!is_vowel(last) && is_vowel(prev) && !is_vowel(w[l - 3]) &&
		    !strchr("wxy", last)) {
			char dbl[2] = { last, '\0' };
			cp_buf b = {0};
			rc |= buf_add(&b, w, l) | buf_adds(&b, dbl);
			if (b.p) {
				rc |= form_add(out, b.p, b.len, "ed");
				rc |= form_add(out, b.p, b.len, "ing");
			}
			buf_free(&b);
		}
	}
french:
	/* French: verbs by their infinitive or past participle, nouns and
	 * adjectives by gender and number. */
	if (l > 3 && !strcmp(w + l - 2, "er")) {
		fr = fr_er;
		frstem = l - 2;
	} else if (l > 3 && last == 'e' && strlen(word) > 2 &&
	           !memcmp(word + strlen(word) - 2, "\xc3\xa9", 2)) {
		fr = fr_pp; /* blessé (é folded to e) */
		frstem = l;
	} else if (l > 3 && !strcmp(w + l - 2, "ir")) {
		fr = fr_ir;
		frstem = l - 2;
	} else if (l > 3 && !strcmp(w + l - 2, "re")) {
		fr = fr_re;
		frstem = l - 2;
	}
	for (size_t i = 0; fr && fr[i]; i++)
		rc |= form_add(out, w, frstem, fr[i]);
	/* French gender and number only for a word that looks French (an
	 * accent, a verb ending): "hack" gets no "hacke", which would only
	 * grow the automaton. */
	if (!accented && !fr) {
		if (last != 's')
			rc |= form_add(out, w, l, "s");
		tm_norm_free(&n);
		return rc < 0 ? -1 : 0;
	}
	if (last != 's' && last != 'x')
		rc |= form_add(out, w, l, last == 'u' ? "x" : "s");
	if (last != 'e') {
		rc |= form_add(out, w, l, "e");
		rc |= form_add(out, w, l, "es");
	}
	if (l > 3 && !strcmp(w + l - 2, "al"))
		rc |= form_add(out, w, l - 2, "aux");
	if (l > 3 && !strcmp(w + l - 3, "eux")) {
		rc |= form_add(out, w, l - 1, "se");
		rc |= form_add(out, w, l - 1, "ses");
	}
	if (l > 3 && !strcmp(w + l - 2, "if")) {
		rc |= form_add(out, w, l - 1, "ve");
		rc |= form_add(out, w, l - 1, "ves");
	}
	tm_norm_free(&n);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------ number detectors */

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool luhn(const char *digits, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(digits[n - 1 - i] - '0');
		if (i & 1)
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	return sum % 10 == 0;
}

/* Words that introduce a number that is not personal data: order,
 * booking, case and tracking references, in English and French.  Filler
 * between them and the number is skipped. */
static const char *const introducers[] = {
	"order", "orders", "commande", "booking", "reservation", "confirmation", "conf",
	"ref", "reference", "case", "ticket", "tracking", "suivi", "invoice", "facture",
	"receipt", "transaction", "dossier", "colis", "parcel", "package", "shipment",
	"claim", "incident", "request", "complaint", "reclamation", "waybill", "awb",
	"imei", "serial", "model", "sku", "item", "product", "produit", "article", "pnr",
	"voucher", "coupon", "promo", NULL };
static const char *const fillers[] = {
	"number", "numbers", "no", "nr", "num", "numero", "id", "is", "was", "de", "du", "la",
	"le", "my", "mon", "ma", "the", "n", "est", "your", "votre", "code", "#", NULL };

static bool in_list(const char *const *list, const char *w, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && !memcmp(list[i], w, n))
			return true;
	return false;
}

static bool introduced(const char *t, size_t start)
{
	size_t i = start;
	for (int words = 0; words < 4;) {
		/* skip white space and the punctuation between word and number */
		while (i > 0 && strchr(" #:.-\xc2\xb0(", t[i - 1]))
			i--;
		size_t end = i;
		while (i > 0 && (tm_class((unsigned char)t[i - 1]) == TM_WORD ||
		                 ((unsigned char)t[i - 1] & 0x80)))
			i--;
		if (i == end)
			return false;
		if (in_list(introducers, t + i, end - i))
			return true;
		if (!in_list(fillers, t + i, end - i))
			return false;
		words++;
	}
	return false;
}

unsigned tm_numbers(const tm_norm *tn, size_t span[2][2])
{
	const char *t = tn->text.p;
	size_t n = tn->text.len;
	unsigned found = 0;
	/* Either number has ten digits at least: most texts have not as many
	 * in all (normalising counted them), and need no closer look. */
	if (tn->digits < 10)
		return 0;
	char dg[24];
	for (size_t i = 0; i < n && found != (TM_NUM_PHONE | TM_NUM_CARD);) {
		char c = t[i];
		bool opens = digit(c) || ((c == '+' || c == '(') && i + 1 < n && digit(t[i + 1]));
		if (!opens) {
			i++;
			continue;
		}
		/* Part of a word, a handle, an amount or a path: not a number
		 * on its own. */
		char b = i ? t[i - 1] : ' ';
		bool attached = i && (tm_class((unsigned char)b) == TM_WORD || ((unsigned char)b & 0x80) ||
		                      (strchr("@#/$.,-_:=&%", b) && !(c == '+' && b == '/')));
		if (attached) {
			/* Skip just its digits: a number may follow after a space
			 * ("@115712 0612345678"). */
			while (i < n && (digit(t[i]) || t[i] == '+' || t[i] == '('))
				i++;
			continue;
		}
		size_t j = i, nd = 0, last = i, group = 0, ngroups = 1, maxgroup = 0, dots = 0;
		bool plus = false, paren = false, odd_sep = false, seps = false;
		if (t[j] == '+') {
			plus = true;
			j++;
		}
		while (j < n) {
			if (digit(t[j])) {
				if (nd < sizeof dg)
					dg[nd] = t[j];
				nd++;
				group++;
				maxgroup = group > maxgroup ? group : maxgroup;
				last = ++j;
				continue;
			}
			/* A group of one digit after the first ends the number:
			 * "1 2 5 ms" is a list, not a number. */
			bool next_digit = j + 1 < n && (digit(t[j + 1]) || t[j + 1] == '(') &&
			                  !(j + 2 < n && digit(t[j + 1]) && !digit(t[j + 2]));
			if ((t[j] == ' ' || t[j] == '.' || t[j] == '-') && next_digit && !paren) {
				dots += t[j] == '.';
				group = 0;
				ngroups++;
				odd_sep |= t[j] == '.';
				seps = true;
				j++;
				continue;
			}
			if (t[j] == '(' && !paren && j + 1 < n && digit(t[j + 1])) {
				paren = odd_sep = seps = true;
				group = 0;
				ngroups++;
				j++;
				continue;
			}
			if (t[j] == ')' && paren) {
				paren = false;
				group = 0;
				ngroups++;
				j++;
				if (j + 1 < n && (t[j] == ' ' || t[j] == '-') && digit(t[j + 1]))
					j++;
				continue;
			}
			break;
		}
		/* What follows must not continue it either. */
		bool glued = last < n && (tm_class((unsigned char)t[last]) == TM_WORD ||
		                          ((unsigned char)t[last] & 0x80) ||
		                          (strchr("/.,:", t[last]) && last + 1 < n && digit(t[last + 1])));
		/* An IPv4 address is four dotted groups of one to three digits. */
		bool ipv4 = dots == 3 && ngroups == 4 && maxgroup <= 3;
		if (!glued && !ipv4 && !introduced(t, i)) {
			size_t intl = nd > 2 && dg[0] == '0' && dg[1] == '0' ? 2 : 0;
			if (!(found & TM_NUM_PHONE) && nd - intl >= 10 && nd - intl <= 15) {
				found |= TM_NUM_PHONE;
				span[0][0] = i;
				span[0][1] = last;
			}
			(void)seps;
			if (!(found & TM_NUM_CARD) && !plus && !odd_sep && nd >= 13 && nd <= 19 &&
			    luhn(dg, nd)) {
				found |= TM_NUM_CARD;
				span[1][0] = i;
				span[1][1] = last;
			}
		}
		i = j > i ? j : i + 1;
	}
	return found;
}
