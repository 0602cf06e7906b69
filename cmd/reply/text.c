/*
 * The reply's text: a template (--text, or the library's pick) or a jq
 * expression over the record, trimmed and signed, and addressed to the
 * customer on Mastodon.
 */
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "unicode.h"

static void uses_agent(void *ctx, const char *name)
{
	if (strcmp(name, "agent") == 0)
		*(bool *)ctx = true;
}

/* Build the reply's text for r into c->text.  0 with text, or -1 with the
 * outcome set (skipped or failed). */
int compose(struct reply *c, const cp_rec *r, struct outcome *o)
{
	buf_reset(&c->text);
	bool signed_in_text = false;
	if (c->jq) {
		cp_err e = {0};
		jv res;
		if (jqx_run(c->jq, rec_to_jv(r), &res, &e) < 0) {
			o->status = e.code ? "failed" : "skipped";
			why(o, "--jq: %s", e.msg);
			o->code = e.code ? CP_EX_DATAERR : 0;
			return -1;
		}
		if (jv_get_kind(res) != JV_KIND_STRING) {
			jv_free(res);
			o->status = "failed";
			why(o, "--jq gave a %s, not a string", jv_kind_name(jv_get_kind(res)));
			o->code = CP_EX_DATAERR;
			return -1;
		}
		buf_add(&c->text, jv_string_value(res), (size_t)jv_string_length_bytes(jv_copy(res)));
		jv_free(res);
	} else {
		const tmpl *t = c->tpl;
		const char *which = NULL;
		if (!t && !(t = library_pick(c->lib, r, &which, &c->tmp))) {
			o->status = "skipped";
			why(o, "no saved reply for its tags, and no default.txt in %s", c->lib->dir);
			return -1;
		}
		const char *vars[] = { "agent", c->sig, NULL };
		tmpl_rec_ctx ctx = { r, vars };
		if (tmpl_expand(t, tmpl_rec_lookup, &ctx, &c->text) < 0)
			cp_die(c->p, CP_EX_OSERR, "out of memory");
		tmpl_names(t, uses_agent, &signed_in_text);
	}
	/* Trim blanks (any Unicode white space, and the invisible
	 * separators), then sign when the template did not place the
	 * signature.  A reply of NBSPs or thin spaces is empty too. */
	size_t a = uni_skip_blank(c->text.p, c->text.len);
	size_t z = a + uni_trim_blank_end(c->text.p + a, c->text.len - a);
	memmove(c->text.p, c->text.p + a, z - a);
	c->text.len = z - a;
	if (c->text.len == 0) {
		o->status = "skipped";
		o->reason = "empty after expansion";
		return -1;
	}
	/* Templates are checked at start; a NUL can still come from a
	 * record's value or --jq, and would cut the reply short when posted. */
	if (memchr(c->text.p, '\0', c->text.len)) {
		o->status = "failed";
		o->reason = "the reply holds a NUL byte";
		o->code = CP_EX_DATAERR;
		return -1;
	}
	if (*c->sig && !signed_in_text) {
		buf_addc(&c->text, ' ');
		buf_adds(&c->text, c->sig);
	}
	if (!buf_cstr(&c->text))
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	return 0;
}

/* A Mastodon status reaches only the people it mentions, and a direct one
 * reaches nobody else at all: address the customer unless the text does. */
void mastodon_address(struct reply *c, const cp_rec *r)
{
	const char *h = str_of(rec_path(r, "author.handle"), &c->scratch);
	if (*h == '@')
		h++;
	if (!*h)
		return;
	cp_buf at = {0};
	buf_addf(&at, "@%s", h);
	if (buf_cstr(&at) && !strstr(c->text.p, at.p)) {
		buf_addc(&at, ' ');
		buf_add(&at, c->text.p, c->text.len);
		buf_reset(&c->text);
		buf_add(&c->text, at.p, at.len);
		buf_cstr(&c->text);
	}
	buf_free(&at);
}
