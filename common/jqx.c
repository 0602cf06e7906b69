/*
 * The bridge to libjq, for the places where a user hands us a jq
 * expression.  Records reach jq through jq's own parser, so a program sees
 * exactly what jq would.
 */
#include <ctype.h>
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

/* jq allows import, include and module directives only before the body,
 * so a program uses modules exactly when its first token (after blanks
 * and comments) is one of these keywords. */
static bool uses_modules(const char *expr)
{
	const char *p = expr;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != '#')
			break;
		while (*p && *p != '\n')
			p++;
	}
	static const char *const kw[] = { "import", "include", "module" };
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
		size_t n = strlen(kw[i]);
		if (strncmp(p, kw[i], n) == 0 && !isalnum((unsigned char)p[n]) && p[n] != '_' &&
		    p[n] != ':')
			return true;
	}
	return false;
}

/* Discards what the builtin debug would print: common/ never prints, and
 * a record's text must not reach a terminal raw. */
static void on_debug(void *data, jv msg)
{
	(void)data;
	jv_free(msg);
}

/* The record is the only input: the end of input, as jq's own command
 * line gives it after the last input (`inputs` is empty, `input` fails). */
static jv no_more_inputs(jq_state *jq, void *data)
{
	(void)jq;
	(void)data;
	return jv_invalid();
}

jqx *jqx_compile(const char *expr, cp_err *e)
{
	if (uses_modules(expr)) {
		cp_fail(e, CP_EX_CONFIG, "jq modules (import, include, module) are not "
		        "available in a carepipe expression");
		return NULL;
	}
	struct jqx *q = calloc(1, sizeof *q);
	cp_err local = {0};
	if (!q || !(q->jq = jq_init())) {
		free(q);
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	/* jq 1.6's jq_init leaves the input and debug hooks uninitialised (its
	 * own main sets them), so `input` and `debug` would call through
	 * garbage; and with no library path, modulemeta asserts.  No inputs
	 * beyond the record (`input` fails with "No more inputs", `inputs` is
	 * empty), debug prints nothing, and the library path is empty. */
	jq_set_input_cb(q->jq, no_more_inputs, NULL);
	jq_set_debug_cb(q->jq, on_debug, NULL);
	jq_set_attr(q->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
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

jv rec_to_jv(const cp_rec *r)
{
	return jv_parse_sized(r->line, (int)r->len);
}

jv val_to_jv(cp_val v)
{
	if (v.type == VAL_NONE)
		return jv_null();
	return jv_parse_sized(v.p, (int)v.n);
}
