/*
 * Template compilation and expansion on arbitrary text: no crash, and a
 * value is never expanded again (a record whose text holds "{{agent}}"
 * expands to that text verbatim).
 */
#include <string.h>

#include "carepipe.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char line[] =
	    "{\"id\":\"x:1\",\"text\":\"{{agent}} \\u00e9\",\"author\":{\"name\":\"{{{{\",\"handle\":\"\"},"
	    "\"tags\":[\"a\",\"b\"],\"n\":-1.5e3,\"ok\":true,\"z\":null}";
	static const char *const vars[] = { "agent", "^JD", "empty", "", NULL };
	cp_err e = {0};
	tmpl *t = tmpl_compile((const char *)data, size, &e);
	if (!t)
		return 0;
	cp_rec r = {0};
	if (rec_parse(&r, line, sizeof line - 1) < 0)
		__builtin_trap();
	tmpl_rec_ctx ctx = { &r, vars };
	cp_buf out = {0};
	if (tmpl_expand(t, tmpl_rec_lookup, &ctx, &out) < 0)
		__builtin_trap();
	buf_free(&out);
	tmpl_free(t);
	rec_free(&r);
	return 0;
}
