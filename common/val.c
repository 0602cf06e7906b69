/*
 * Typed access to values inside a line that rec_parse has validated.  The
 * walkers here trust that validation, so they only skip, never check.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"

static const cp_val none = { NULL, 0, VAL_NONE };

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Just past the end of a string that starts at p (the opening quote). */
static const char *skip_string(const char *p, const char *end)
{
	p++;
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			return end;
		/* An odd run of backslashes before the quote escapes it. */
		const char *b = q;
		while (b > p && b[-1] == '\\')
			b--;
		if (((q - b) & 1) == 0)
			return q + 1;
		p = q + 1;
	}
}

static int type_of(char c)
{
	switch (c) {
	case '"': return VAL_STRING;
	case '{': return VAL_OBJECT;
	case '[': return VAL_ARRAY;
	case 't': return VAL_TRUE;
	case 'f': return VAL_FALSE;
	case 'n': return VAL_NULL;
	default: return VAL_NUMBER;
	}
}

/* Just past the value starting at p. */
static const char *skip_value(const char *p, const char *end)
{
	if (*p == '"')
		return skip_string(p, end);
	if (*p == '{' || *p == '[') {
		int depth = 0;
		while (p < end) {
			char c = *p;
			if (c == '"') {
				p = skip_string(p, end);
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0)
					return p + 1;
			}
			p++;
		}
		return end;
	}
	while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' &&
	       *p != '\t' && *p != '\n' && *p != '\r')
		p++;
	return p;
}

int val_next(cp_val c, size_t *pos, cp_val *key, cp_val *elem)
{
	const char *end = c.p + c.n, *p;
	if (c.type != VAL_ARRAY && c.type != VAL_OBJECT)
		return 0;
	p = c.p + (*pos ? *pos : 1);
	p = skip_ws(p, end);
	if (p >= end || *p == ']' || *p == '}')
		return 0;
	if (*p == ',')
		p = skip_ws(p + 1, end);
	if (c.type == VAL_OBJECT) {
		const char *k = p;
		p = skip_string(p, end);
		if (key) {
			key->p = k;
			key->n = (size_t)(p - k);
			key->type = VAL_STRING;
		}
		p = skip_ws(p, end);
		p = skip_ws(p + 1, end); /* the colon */
	}
	const char *v = p;
	p = skip_value(p, end);
	if (elem) {
		elem->p = v;
		elem->n = (size_t)(p - v);
		elem->type = type_of(*v);
	}
	*pos = (size_t)(p - c.p);
	return 1;
}

size_t val_len(cp_val c)
{
	size_t pos = 0, n = 0;
	while (val_next(c, &pos, NULL, NULL))
		n++;
	return n;
}

cp_val val_member(cp_val obj, const char *key)
{
	size_t pos = 0;
	cp_val k, v, found = none;
	if (obj.type != VAL_OBJECT)
		return none;
	while (val_next(obj, &pos, &k, &v))
		if (val_streq(k, key))
			found = v; /* last duplicate wins, as in jq */
	return found;
}

cp_val val_index(cp_val arr, size_t i)
{
	size_t pos = 0, n = 0;
	cp_val v;
	if (arr.type != VAL_ARRAY)
		return none;
	while (val_next(arr, &pos, NULL, &v))
		if (n++ == i)
			return v;
	return none;
}

cp_val val_path(cp_val v, const char *path)
{
	char seg[256];
	while (*path && v.type != VAL_NONE) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof seg)
			return none;
		memcpy(seg, path, n);
		seg[n] = '\0';
		path += n;
		if (*path == '.')
			path++;
		if (v.type == VAL_ARRAY && n > 0 && strspn(seg, "0123456789") == n)
			v = val_index(v, (size_t)strtoul(seg, NULL, 10));
		else
			v = val_member(v, seg);
	}
	return v;
}

static void put_utf8(cp_buf *out, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(out, b, n);
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else v |= (unsigned)(c - 'A' + 10);
	}
	return v;
}

int val_str(cp_val v, cp_buf *out)
{
	if (v.type != VAL_STRING)
		return -1;
	const char *p = v.p + 1, *end = v.p + v.n - 1;
	if (buf_reserve(out, v.n + 1) < 0)
		return -1;
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		if (!bs) {
			buf_add(out, p, (size_t)(end - p));
			break;
		}
		buf_add(out, p, (size_t)(bs - p));
		p = bs + 1;
		switch (*p++) {
		case 'b': buf_addc(out, '\b'); break;
		case 'f': buf_addc(out, '\f'); break;
		case 'n': buf_addc(out, '\n'); break;
		case 'r': buf_addc(out, '\r'); break;
		case 't': buf_addc(out, '\t'); break;
		case 'u': {
			unsigned cp = hex4(p);
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				/* The scanner guaranteed the low half follows. */
				unsigned lo = hex4(p + 2);
				p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			put_utf8(out, cp);
			break;
		}
		default: buf_addc(out, p[-1]); break;
		}
	}
	return buf_cstr(out) ? 0 : -1;
}

const char *val_rawstr(cp_val v, size_t *n)
{
	if (v.type != VAL_STRING)
		return NULL;
	if (memchr(v.p + 1, '\\', v.n - 2))
		return NULL;
	*n = v.n - 2;
	return v.p + 1;
}

int val_strview(cp_val v, cp_buf *tmp, const char **p, size_t *n)
{
	*p = NULL;
	*n = 0;
	if (v.type != VAL_STRING)
		return -1;
	if ((*p = val_rawstr(v, n)))
		return 0;
	buf_reset(tmp);
	if (val_str(v, tmp) < 0) {
		*n = 0;
		return -2;
	}
	*p = tmp->p;
	*n = tmp->len;
	return 0;
}

bool val_streq(cp_val v, const char *s)
{
	size_t n;
	const char *raw = val_rawstr(v, &n);
	if (raw)
		return n == strlen(s) && memcmp(raw, s, n) == 0;
	if (v.type != VAL_STRING)
		return false;
	cp_buf b = {0};
	bool eq = val_str(v, &b) == 0 && b.len == strlen(s) && memcmp(b.p, s, b.len) == 0;
	buf_free(&b);
	return eq;
}

/* A short decimal ("-0.382", "12", "3.5"), the numbers records and tag's
 * variables hold, without strtod: its at most 15 digits as an integer
 * (below 2^53, exact) divided by a power of ten up to 10^15 (exact) is
 * one correctly rounded division, the value strtod gives (Clinger's fast
 * path).  false for anything else (an exponent, more digits), which
 * strtod reads as before. */
static bool short_decimal(const char *p, size_t n, double *out)
{
	static const double pow10[16] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	bool neg = n && p[0] == '-', dot = false;
	uint64_t m = 0;
	int nd = 0, k = 0;
	for (size_t i = neg; i < n; i++) {
		char c = p[i];
		if (c >= '0' && c <= '9') {
			if (++nd > 15)
				return false;
			m = m * 10 + (uint64_t)(c - '0');
			k += dot;
		} else if (c == '.' && !dot && nd) {
			dot = true;
		} else {
			return false;
		}
	}
	if (!nd || (dot && !k))
		return false;
	double d = (double)m / pow10[k];
	*out = neg ? -d : d;
	return true;
}

int val_num(cp_val v, double *out)
{
	char tmp[64];
	if (v.type != VAL_NUMBER)
		return -1;
	if (short_decimal(v.p, v.n, out))
		return 0;
	if (v.n < sizeof tmp) {
		memcpy(tmp, v.p, v.n);
		tmp[v.n] = '\0';
		*out = strtod(tmp, NULL);
		return 0;
	}
	cp_buf b = {0};
	if (buf_add(&b, v.p, v.n) < 0 || !buf_cstr(&b)) {
		buf_free(&b);
		return -1;
	}
	*out = strtod(b.p, NULL);
	buf_free(&b);
	return 0;
}

int val_int(cp_val v, int64_t *out)
{
	if (v.type != VAL_NUMBER)
		return -1;
	/* Fast path for plain integers, the common case. */
	if (v.n <= 18 && !memchr(v.p, '.', v.n) && !memchr(v.p, 'e', v.n) &&
	    !memchr(v.p, 'E', v.n)) {
		int64_t x = 0;
		size_t i = v.p[0] == '-';
		for (; i < v.n; i++)
			x = x * 10 + (v.p[i] - '0');
		*out = v.p[0] == '-' ? -x : x;
		return 0;
	}
	double d;
	if (val_num(v, &d) < 0 || d != floor(d) || fabs(d) > 9.2e18)
		return -1;
	*out = (int64_t)d;
	return 0;
}

bool val_truthy(cp_val v)
{
	return v.type != VAL_NONE && v.type != VAL_NULL && v.type != VAL_FALSE;
}
