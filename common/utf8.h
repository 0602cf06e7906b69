/*
 * utf8.h - the one UTF-8 decoder of carepipe, strict as RFC 3629 asks:
 * overlong forms, UTF-16 surrogates (U+D800..U+DFFF), values past
 * U+10FFFF, stray continuation bytes and truncated sequences are all
 * invalid.  The scanner, the JSON string writer, messages and the text
 * measures use it, so a byte sequence is valid in one place exactly when
 * it is in every other.
 *
 * Inline: the scanner calls it for every non-ASCII byte of every record.
 *
 * Ownership: nothing is kept; nothing allocates, prints or exits.
 */
#ifndef CAREPIPE_UTF8_H
#define CAREPIPE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The code point at s[0..n) in *cp and its size in bytes (1 to 4), or -1
 * when s does not start with a valid UTF-8 sequence (n == 0 is not one
 * either); *cp is left alone then. */
static inline int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n == 0)
		return -1;
	unsigned char c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int len;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, v = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, v = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, v = c & 0x07, min = 0x10000;
	else
		return -1;
	if (n < (size_t)len)
		return -1;
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		v = v << 6 | (p[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	*cp = v;
	return len;
}

#endif
