/*
 * The rules parser (carepipe-rules(5)) on arbitrary text, with tag's
 * actions: no crash; what parses also compiles, translates to jq and
 * evaluates on a record without a memory error.
 */
#include <string.h>

#include "carepipe.h"
#include "rules.h"
#include "../../cmd/tag/actions.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char line[] =
	    "{\"id\":\"x:1\",\"platform\":\"twitter\",\"text\":\"My refund is LATE, \\u00e9t\\u00e9 "
	    "r\\u00e9sili\\u00e9 @acme #fail\",\"author\":{\"handle\":\"bob\",\"followers\":12},"
	    "\"tags\":[\"vip\"],\"lang\":\"en\"}";
	static const char text[] = "My refund is LATE, \xc3\xa9t\xc3\xa9 r\xc3\xa9sili\xc3\xa9 @acme #fail";
	if (size > 20000)
		return 0;
	cp_err e = {0};
	rules *rs = rules_new(tag_actions, tag_nactions);
	if (!rs)
		return 0;
	if (rules_parse(rs, "fuzz", (const char *)data, size, &e) == 0 &&
	    rules_compile(rs, &e) == 0) {
		cp_buf jq = {0};
		rules_to_jq(rs, &jq, &tag_actions_jq);
		buf_free(&jq);
		cp_rec r = {0};
		if (rec_parse(&r, line, sizeof line - 1) < 0)
			__builtin_trap();
		rules_ctx *c = rules_ctx_new(rs);
		if (c && rules_begin(c, &r, text, sizeof text - 1) == 0) {
			rules_set_var(c, "sentiment", "-0.5");
			for (size_t i = 0; i < rules_count(rs); i++) {
				if (rules_test(c, i, true, &e) == 1) {
					cp_buf ex = {0};
					rules_explain(c, &ex);
					buf_free(&ex);
					const struct rules_rule *ru = rules_get(rs, i);
					for (size_t k = 0; k < ru->nactions; k++)
						if (ru->actions[k].id == A_TAG)
							rules_add_tag(c, ru->actions[k].arg);
				}
			}
		}
		rules_ctx_free(c);
		rec_free(&r);
	}
	rules_free(rs);
	return 0;
}
