/* Text measuring (common/textlen.c, common/unicode.c) on any bytes: no
 * crash; the URLs come in order, inside the text, on character
 * boundaries; grapheme clusters tile the text; NFC is valid UTF-8 and
 * idempotent, and the quick check never passes a text NFC changes. */
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "textlen.h"
#include "unicode.h"

static int boundary(const char *s, size_t n, size_t i)
{
	return i == n || ((unsigned char)s[i] & 0xC0) != 0x80;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *s = (const char *)data;
	bool refused;
	long w = textlen_x_parse(s, size, &refused);
	if ((w < 0) != !uni_valid(s, size))
		__builtin_trap();
	if (w < 0)
		return 0;
	for (int bare = 0; bare < 2; bare++) {
		textlen_urls it;
		size_t a, b, last = 0;
		textlen_urls_init(&it, s, size, bare);
		while (textlen_urls_next(&it, &a, &b)) {
			if (a < last || b <= a || b > size || !boundary(s, size, a) || !boundary(s, size, b))
				__builtin_trap();
			last = a + 1;
		}
	}
	long g = textlen_graphemes(s, size), cps = textlen_codepoints(s, size);
	if (g < 0 || g > cps || (size > 0 && g == 0))
		__builtin_trap();
	size_t len, len2;
	char *t = uni_nfc(s, size, &len);
	if (!t)
		return 0;       /* out of memory */
	if (!uni_valid(t, len))
		__builtin_trap();
	if (uni_is_nfc(s, size) && (len != size || memcmp(t, s, size) != 0))
		__builtin_trap();
	char *t2 = uni_nfc(t, len, &len2);
	if (t2 && (len2 != len || memcmp(t, t2, len) != 0))
		__builtin_trap();
	free(t2);
	free(t);
	return 0;
}
