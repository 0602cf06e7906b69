/*
 * The validating record scanner.  One pass over the line validates it per
 * RFC 8259 (UTF-8 included) and records where each top-level member is; no
 * tree is built and nothing is copied.  Speed matters here more than
 * anywhere: the common case, a run of plain ASCII inside a string, is
 * skipped eight bytes at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "utf8.h"

/* jq 1.6 refuses deeper nesting; agreeing with it keeps the jv bridge safe. */
#define MAX_DEPTH 256

struct sc {
	const char *p, *end, *start;
	const char *err;
	const char *err_at;
};

const char rec_err_oom[] = "out of memory";

static const char *fail(struct sc *s, const char *at, const char *why)
{
	if (!s->err) {
		s->err = why;
		s->err_at = at;
	}
	return NULL;
}

static inline const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return 0;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Nonzero when any byte of w needs a closer look inside a string: a quote,
 * a backslash, a control character or a non-ASCII byte. */
static inline uint64_t special8(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"');
	uint64_t b = w ^ (ONES * '\\');
	uint64_t t = ((q - ONES) & ~q) | ((b - ONES) & ~b) | (w - ONES * 0x20);
	return (t | w) & HIGHS;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* The offset of the first byte of p[0..16) that special8 would flag, or
 * 16: sixteen bytes a step, and the exact place, where most string
 * bytes are plain ASCII.  As signed bytes, control characters and
 * non-ASCII bytes alike are below 0x20. */
static inline unsigned special16(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
	                         _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
	unsigned bits = (unsigned)_mm_movemask_epi8(m);
	return bits ? (unsigned)__builtin_ctz(bits) : 16;
}
#endif

/* p is just past the opening quote; returns just past the closing one.
 * *escaped is set when the string holds a backslash. */
static const char *scan_string_slow(struct sc *s, const char *p, bool *escaped)
{
	const char *end = s->end;
	for (;;) {
#ifdef __SSE2__
		/* Where sixteen bytes remain, special16 says exactly where the
		 * byte to look at is: straight to it, without the 8-byte step
		 * (which would only find it again). */
		while (end - p >= 16) {
			unsigned k = special16(p);
			p += k;
			if (k < 16)
				goto look;
		}
#endif
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			if (special8(w))
				break;
			p += 8;
		}
		if (p >= end)
			return fail(s, p, "unterminated string");
#ifdef __SSE2__
	look:;
#endif
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c == '\\') {
			*escaped = true;
			if (p + 1 >= end)
				return fail(s, p, "unterminated string");
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u': {
				unsigned u, u2;
				if (hex4(p + 2, end, &u) < 0)
					return fail(s, p, "bad \\u escape");
				p += 6;
				if (u >= 0xdc00 && u <= 0xdfff)
					return fail(s, p - 6, "lone low surrogate in \\u escape");
				if (u >= 0xd800 && u <= 0xdbff) {
					if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
					    hex4(p + 2, end, &u2) < 0 || u2 < 0xdc00 || u2 > 0xdfff)
						return fail(s, p - 6, "lone high surrogate in \\u escape");
					p += 6;
				}
				break;
			}
			default:
				return fail(s, p, "bad escape in string");
			}
			continue;
		}
		if (c < 0x20)
			return fail(s, p, c == 0 ? "NUL byte in string" :
			            "unescaped control character in string");
		if (c < 0x80) {
			p++;
			continue;
		}
		uint32_t cp;
		int n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n < 0)
			return fail(s, p, "invalid UTF-8");
		p += n;
	}
}

/* Most strings of a record (its keys, ids, names, times) are plain ASCII
 * shorter than sixteen bytes: one look finds the closing quote, here,
 * without a call; anything else goes to scan_string_slow. */
static inline const char *scan_string(struct sc *s, const char *p, bool *escaped)
{
#ifdef __SSE2__
	if (s->end - p >= 16) {
		unsigned k = special16(p);
		if (k < 16 && p[k] == '"')
			return p + k + 1;
	}
#endif
	return scan_string_slow(s, p, escaped);
}

static const char *scan_number(struct sc *s, const char *p)
{
	const char *end = s->end, *start = p;
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return fail(s, start, "bad number");
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return fail(s, start, "bad number");
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, start, "bad number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, start, "bad number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *scan_value(struct sc *s, const char *p, int depth, int *type);

static const char *scan_literal(struct sc *s, const char *p, const char *lit, size_t n)
{
	if ((size_t)(s->end - p) < n || memcmp(p, lit, n) != 0)
		return fail(s, p, "invalid literal");
	return p + n;
}

static const char *scan_array(struct sc *s, const char *p, int depth)
{
	int t;
	p = skip_ws(p + 1, s->end);
	if (p < s->end && *p == ']')
		return p + 1;
	for (;;) {
		p = scan_value(s, p, depth, &t);
		if (!p)
			return NULL;
		p = skip_ws(p, s->end);
		if (p >= s->end)
			return fail(s, p, "unterminated array");
		if (*p == ']')
			return p + 1;
		if (*p != ',')
			return fail(s, p, "expected ',' or ']' in array");
		p = skip_ws(p + 1, s->end);
	}
}

/* Scan an object.  When r is given (the top level), index its members. */
static const char *scan_object(struct sc *s, const char *p, int depth, cp_rec *r)
{
	int t;
	p = skip_ws(p + 1, s->end);
	if (p < s->end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= s->end)
			return fail(s, p, "unterminated object");
		if (*p != '"')
			return fail(s, p, "expected a string key in object");
		const char *kstart = p;
		bool esc = false;
		p = scan_string(s, p + 1, &esc);
		if (!p)
			return NULL;
		const char *kend = p - 1;
		p = skip_ws(p, s->end);
		if (p >= s->end || *p != ':')
			return fail(s, p, "expected ':' after object key");
		p = skip_ws(p + 1, s->end);
		const char *vstart = p;
		p = scan_value(s, p, depth, &t);
		if (!p)
			return NULL;
		if (r) {
			if (r->nf == r->cap) {
				rec_field *nf = cp_grow(r->f, &r->cap, sizeof *nf, 32);
				if (!nf)
					return fail(s, kstart, rec_err_oom);
				r->f = nf;
			}
			rec_field *f = &r->f[r->nf++];
			f->key = kstart + 1;
			f->keylen = (size_t)(kend - kstart - 1);
			f->key_escaped = esc;
			f->v.p = vstart;
			f->v.n = (size_t)(p - vstart);
			f->v.type = t;
			f->mstart = (size_t)(kstart - s->start);
			f->mend = (size_t)(p - s->start);
		}
		p = skip_ws(p, s->end);
		if (p >= s->end)
			return fail(s, p, "unterminated object");
		if (*p == '}')
			return p + 1;
		if (*p != ',')
			return fail(s, p, "expected ',' or '}' in object");
		p = skip_ws(p + 1, s->end);
	}
}

static const char *scan_value(struct sc *s, const char *p, int depth, int *type)
{
	bool esc = false;
	if (p >= s->end)
		return fail(s, p, "expected a value");
	switch (*p) {
	case '"':
		*type = VAL_STRING;
		return scan_string(s, p + 1, &esc);
	case '{':
		*type = VAL_OBJECT;
		if (depth >= MAX_DEPTH)
			return fail(s, p, "nesting too deep");
		return scan_object(s, p, depth + 1, NULL);
	case '[':
		*type = VAL_ARRAY;
		if (depth >= MAX_DEPTH)
			return fail(s, p, "nesting too deep");
		return scan_array(s, p, depth + 1);
	case 't':
		*type = VAL_TRUE;
		return scan_literal(s, p, "true", 4);
	case 'f':
		*type = VAL_FALSE;
		return scan_literal(s, p, "false", 5);
	case 'n':
		*type = VAL_NULL;
		return scan_literal(s, p, "null", 4);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		*type = VAL_NUMBER;
		return scan_number(s, p);
	case '\0':
		return fail(s, p, "NUL byte");
	default:
		return fail(s, p, "unexpected character");
	}
}

int rec_parse(cp_rec *r, const char *line, size_t len)
{
	struct sc s = { line, line + len, line, NULL, NULL };
	const char *p;

	r->line = line;
	r->len = len;
	r->nf = 0;
	r->err = NULL;
	r->err_off = 0;
	p = skip_ws(line, s.end);
	if (p >= s.end) {
		r->err = "empty line";
		return -1;
	}
	if (*p != '{') {
		r->err = "not a JSON object";
		r->err_off = (size_t)(p - line);
		/* Say why, when the line is not even JSON. */
		const char *e;
		size_t off;
		if (json_validate(line, len, &e, &off) < 0) {
			r->err = e;
			r->err_off = off;
		}
		return -1;
	}
	r->open = (size_t)(p - line);
	p = scan_object(&s, p, 1, r);
	if (p) {
		r->close = (size_t)(p - 1 - line);
		p = skip_ws(p, s.end);
		if (p < s.end)
			fail(&s, p, "trailing data after the object");
	}
	if (s.err) {
		r->err = s.err;
		r->err_off = (size_t)(s.err_at - line);
		return -1;
	}
	return 0;
}

int json_validate(const char *buf, size_t n, const char **err, size_t *err_off)
{
	struct sc s = { buf, buf + n, buf, NULL, NULL };
	int t;
	const char *p = skip_ws(buf, s.end);
	p = scan_value(&s, p, 0, &t);
	if (p) {
		p = skip_ws(p, s.end);
		if (p < s.end)
			fail(&s, p, "trailing data");
	}
	if (s.err) {
		if (err)
			*err = s.err;
		if (err_off)
			*err_off = (size_t)(s.err_at - buf);
		return -1;
	}
	return 0;
}

void rec_free(cp_rec *r)
{
	free(r->f);
	r->f = NULL;
	r->nf = r->cap = 0;
}

static bool key_equals(const rec_field *f, const char *key, size_t klen)
{
	if (!f->key_escaped)
		return f->keylen == klen && (!klen || f->key[0] == key[0]) &&
		       memcmp(f->key, key, klen) == 0;
	cp_val v = { f->key - 1, f->keylen + 2, VAL_STRING };
	return val_streq(v, key);
}

const rec_field *rec_get(const cp_rec *r, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = r->nf; i-- > 0;)
		if (key_equals(&r->f[i], key, klen))
			return &r->f[i];
	return NULL;
}

cp_val rec_val(const cp_rec *r, const char *key)
{
	const rec_field *f = rec_get(r, key);
	cp_val none = { NULL, 0, VAL_NONE };
	return f ? f->v : none;
}

cp_val rec_path(const cp_rec *r, const char *path)
{
	cp_val none = { NULL, 0, VAL_NONE };
	const char *dot = strchr(path, '.');
	if (!dot)
		return rec_val(r, path);
	char head[256];
	size_t n = (size_t)(dot - path);
	if (n >= sizeof head)
		return none;
	memcpy(head, path, n);
	head[n] = '\0';
	cp_val v = rec_val(r, head);
	if (v.type == VAL_NONE)
		return none;
	return val_path(v, dot + 1);
}
