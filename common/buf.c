/* Growable byte buffers, and JSON string output that is always valid. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "utf8.h"

/* Per thread: a worker of cp_each_record_jobs checks its own. */
static _Thread_local unsigned long failures;

unsigned long buf_failures(void)
{
	return failures;
}

void buf_note_failure(void)
{
	failures++;
}

void *cp_grow(void *p, size_t *cap, size_t size, size_t first)
{
	size_t ncap = *cap ? *cap * 2 : first;
	if (ncap < *cap || (size && ncap > SIZE_MAX / size))
		return NULL;
	void *np = realloc(p, ncap * size);
	if (np)
		*cap = ncap;
	return np;
}

int buf_reserve(cp_buf *b, size_t extra)
{
	if (b->cap - b->len > extra)
		return 0;
	size_t need = b->len + extra + 1, cap = b->cap ? b->cap : 64;
	if (need < b->len) {
		failures++; /* overflow */
		return -1;
	}
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	char *p = realloc(b->p, cap);
	if (!p) {
		failures++;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

int buf_add(cp_buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int buf_addc(cp_buf *b, char c)
{
	if (b->cap - b->len <= 1 && buf_reserve(b, 1) < 0)
		return -1;
	b->p[b->len++] = c;
	return 0;
}

int buf_adds(cp_buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_vaddf(cp_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0 || buf_reserve(b, (size_t)n + 1) < 0) {
		va_end(again);
		return -1;
	}
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
	va_end(again);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(cp_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int buf_json_str(cp_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	if (buf_reserve(b, n + 2) < 0)
		return -1;
	/* The bytes that need no escape, nearly all of a key, a tag or a
	 * text, straight into the room just reserved (n + 2 bytes: both
	 * quotes fit); a call per run cost more than the copy for the short
	 * strings written on every record. */
	char *o = b->p + b->len;
	*o++ = '"';
	while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		*o++ = (char)*p++;
	if (p == end) {
		*o++ = '"';
		b->len = (size_t)(o - b->p);
		return 0;
	}
	b->len = (size_t)(o - b->p);
	while (p < end) {
		const unsigned char *run = p;
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (buf_add(b, run, (size_t)(p - run)) < 0)
			return -1;
		if (p >= end)
			break;
		unsigned c = *p;
		int rc = 0;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			rc = buf_add(b, e, 2);
			p++;
		} else if (c < 0x20) {
			const char *e = NULL;
			switch (c) {
			case '\n': e = "\\n"; break;
			case '\t': e = "\\t"; break;
			case '\r': e = "\\r"; break;
			case '\b': e = "\\b"; break;
			case '\f': e = "\\f"; break;
			}
			if (e) {
				rc = buf_add(b, e, 2);
			} else {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				rc = buf_add(b, u, 6);
			}
			p++;
		} else {
			uint32_t cp;
			int l = utf8_decode((const char *)p, (size_t)(end - p), &cp);
			if (l > 0) {
				rc = buf_add(b, p, (size_t)l);
				p += l;
			} else {
				rc = buf_add(b, "\xef\xbf\xbd", 3);
				p++;
			}
		}
		if (rc < 0)
			return -1;
	}
	return buf_addc(b, '"');
}

char *buf_cstr(cp_buf *b)
{
	if (buf_reserve(b, 1) < 0)
		return NULL;
	b->p[b->len] = '\0';
	return b->p;
}

void buf_reset(cp_buf *b)
{
	b->len = 0;
}

void buf_free(cp_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void buf_wipe(cp_buf *b)
{
	if (b->p)
		explicit_bzero(b->p, b->cap);
	buf_free(b);
}

int cp_fail(cp_err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		e->code = code;
	}
	return -1;
}
