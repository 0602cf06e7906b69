/*
 * The scanner against jq's own parser.  Whatever the input, rec_parse and
 * json_validate must not crash; where both parsers accept, they agree on
 * the top-level keys and on every string value; and anything we accept,
 * jq accepts too (jq is more lenient in places, e.g. invalid UTF-8, which
 * it repairs and we refuse).  Splicing an accepted record must give a line
 * we accept again, with the edit visible.
 */
#include <string.h>

#include "carepipe.h"

static void check(int cond)
{
	if (!cond)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static cp_rec r;
	const char *p = (const char *)data;
	int valid = json_validate(p, size, NULL, NULL) == 0;
	if (rec_parse(&r, p, size) < 0)
		return 0;
	check(valid);
	if (size > (1 << 20))
		return 0;
	jv j = jv_parse_sized(p, (int)size);
	check(jv_is_valid(j) && jv_get_kind(j) == JV_KIND_OBJECT);
	cp_buf b = {0};
	for (size_t i = 0; i < r.nf; i++) {
		cp_val k = { r.f[i].key - 1, r.f[i].keylen + 2, VAL_STRING };
		buf_reset(&b);
		check(val_str(k, &b) == 0);
		jv v = jv_object_get(jv_copy(j), jv_string_sized(b.p, (int)b.len));
		check(jv_is_valid(v));
		cp_val mine = rec_val(&r, b.p);
		if (memchr(b.p, '\0', b.len) == NULL && mine.type == VAL_STRING) {
			cp_buf s = {0};
			check(val_str(mine, &s) == 0);
			check(jv_get_kind(v) == JV_KIND_STRING);
			check((size_t)jv_string_length_bytes(jv_copy(v)) == s.len);
			check(memcmp(jv_string_value(v), s.p, s.len) == 0);
			buf_free(&s);
		}
		jv_free(v);
	}
	jv_free(j);

	rec_edit e = {0};
	edit_set(&e, "fuzz", "[1]", 3);
	if (r.nf)
		edit_del(&e, "zz");
	buf_reset(&b);
	check(edit_apply(&e, &r, &b) == 0);
	cp_rec r2 = {0};
	check(rec_parse(&r2, b.p, b.len) == 0);
	cp_val f = rec_val(&r2, "fuzz");
	check(f.type == VAL_ARRAY && f.n == 3);
	rec_free(&r2);
	edit_free(&e);
	buf_free(&b);
	return 0;
}
