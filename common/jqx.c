/*
 * The bridge to libjq, for the places where a user hands us a jq
 * expression.  Records reach jq through jq's own parser, so a program sees
 * exactly what jq would.
 */
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"

struct jqx {
	jq_state *jq;
	cp_err *compile_err;
};

static void on_error(void *data, jv msg)
{
	struct jqx *q = data;
	if (q->compile_err && q->compile_err->code == 0) {
		if (jv_get_kind(msg) == JV_KIND_STRING) {
			cp_fail(q->compile_err, CP_EX_CONFIG, "%s", jv_string_value(msg));
			/* jq quotes the program on a second line; keep one line. */
			for (char *c = q->compile_err->msg; *c; c++)
				if (*c == '\n')
					*c = ' ';
		} else
			cp_fail(q->compile_err, CP_EX_CONFIG, "jq error");
	}
	jv_free(msg);
}

jqx *jqx_compile(const char *expr, cp_err *e)
{
	struct jqx *q = calloc(1, sizeof *q);
	cp_err local = {0};
	if (!q || !(q->jq = jq_init())) {
		free(q);
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	q->compile_err = &local;
	jq_set_error_cb(q->jq, on_error, q);
	if (!jq_compile(q->jq, expr)) {
		if (local.code == 0)
			cp_fail(&local, CP_EX_CONFIG, "cannot compile jq expression");
		if (e)
			*e = local;
		jq_teardown(&q->jq);
		free(q);
		return NULL;
	}
	q->compile_err = NULL;
	jq_set_error_cb(q->jq, NULL, NULL);
	return q;
}

int jqx_run(jqx *q, jv input, jv *out, cp_err *e)
{
	jq_start(q->jq, input, 0);
	jv r = jq_next(q->jq);
	if (jv_is_valid(r)) {
		*out = r;
		return 0;
	}
	*out = jv_invalid();
	if (jv_invalid_has_msg(jv_copy(r))) {
		jv msg = jv_invalid_get_msg(r);
		if (jv_get_kind(msg) == JV_KIND_STRING) {
			cp_fail(e, CP_EX_DATAERR, "jq: error: %s", jv_string_value(msg));
			jv_free(msg);
		} else {
			jv s = jv_dump_string(msg, 0);
			cp_fail(e, CP_EX_DATAERR, "jq: error (not a string): %s",
			        jv_string_value(s));
			jv_free(s);
		}
	} else {
		jv_free(r);
		cp_fail(e, 0, "jq expression gave no output");
	}
	return -1;
}

int jqx_test(jqx *q, jv input, cp_err *e)
{
	jv r;
	if (jqx_run(q, input, &r, e) < 0)
		return e && e->code ? -1 : 0; /* no output is false, like select */
	jv_kind k = jv_get_kind(r);
	jv_free(r);
	return k != JV_KIND_NULL && k != JV_KIND_FALSE;
}

void jqx_free(jqx *q)
{
	if (!q)
		return;
	jq_teardown(&q->jq);
	free(q);
}

jv rec_to_jv(const rec *r)
{
	return jv_parse_sized(r->line, (int)r->len);
}

jv val_to_jv(val v)
{
	if (v.type == VAL_NONE)
		return jv_null();
	return jv_parse_sized(v.p, (int)v.n);
}
