/*
 * Saved-reply templates: placeholders, fallbacks, compile errors, and
 * values that look like template or jq syntax staying text.
 */
#include <string.h>

#include "carepipe.h"
#include "template.h"
#include "tap.h"

static cp_rec r;

static const char *expand(const char *tpl, const char *record, const char *const *vars)
{
	static cp_buf out;
	static cp_err e;
	memset(&e, 0, sizeof e);
	buf_reset(&out);
	if (rec_parse(&r, record, strlen(record)) < 0)
		return "(bad record)";
	tmpl *t = tmpl_compile(tpl, strlen(tpl), &e);
	if (!t)
		return e.msg;
	tmpl_rec_ctx c = { &r, vars };
	if (tmpl_expand(t, tmpl_rec_lookup, &c, &out) < 0)
		return "(expand failed)";
	tmpl_free(t);
	return buf_cstr(&out) ? out.p : "";
}

static const char *compile_error(const char *tpl)
{
	static cp_err e;
	memset(&e, 0, sizeof e);
	tmpl *t = tmpl_compile(tpl, strlen(tpl), &e);
	if (t) {
		tmpl_free(t);
		return "(compiled)";
	}
	return e.msg;
}

int main(void)
{
	const char *agent[] = { "agent", "^JD", NULL };
	const char *jane = "{\"id\":\"twitter:1\",\"account\":\"AcmeCare\",\"author\":{\"handle\":\"jane\","
	                   "\"name\":\"Jane \\\"JJ\\\" Doe\"},\"tags\":[\"billing\",\"refund\"],\"n\":3}";

	is_str(expand("Hi {{author.name}}, {{agent}}", jane, agent), "Hi Jane \"JJ\" Doe, ^JD",
	       "name (unescaped) and agent");
	is_str(expand("@{{author.handle}} about {{tags.0}} / {{tags.1}} from {{account}}", jane, NULL),
	       "@jane about billing / refund from AcmeCare", "handle, tags by index, account");
	is_str(expand("{{ author.handle }}", jane, NULL), "jane", "spaces inside braces");
	is_str(expand("Hi {{author.nickname|there}}!", jane, NULL), "Hi there!", "fallback when missing");
	is_str(expand("Hi {{author.nickname}}!", jane, NULL), "Hi !", "missing without fallback is empty");
	is_str(expand("Hi {{author.name|there}}", "{\"author\":{\"name\":\"\"}}", NULL), "Hi there",
	       "fallback when empty");
	is_str(expand("Hi {{author.name|there}}", "{\"author\":{\"name\":null}}", NULL), "Hi there",
	       "fallback when null");
	is_str(expand("{{tags|none}}", jane, NULL), "none", "an array is missing");
	is_str(expand("{{n}} {{agent|}}", jane, NULL), "3 ", "numbers as written; empty fallback");
	is_str(expand("{{agent|no agent}}", jane, agent), "^JD", "vars come first");
	is_str(expand("no placeholders at all", jane, NULL), "no placeholders at all", "plain text");
	is_str(expand("", jane, NULL), "", "empty template");
	is_str(expand("a } b { c }} d", jane, NULL), "a } b { c }} d", "lone braces are text");

	/* Injection: values are never expanded again. */
	const char *evil = "{\"author\":{\"name\":\"{{agent}}\",\"handle\":\"{{author.handle}}\"},"
	                   "\"text\":\"$__loc__ | env | .token\"}";
	is_str(expand("Hi {{author.name}} ({{author.handle}})", evil, agent),
	       "Hi {{agent}} ({{author.handle}})", "a name that looks like a placeholder stays text");
	is_str(expand("You said: {{text}}", evil, agent), "You said: $__loc__ | env | .token",
	       "jq syntax in a value stays text");
	const char *fb = "{\"author\":{\"name\":\"{{author.name|x}}\"}}";
	is_str(expand("{{author.name|there}}", fb, NULL), "{{author.name|x}}",
	       "a value with a fallback-looking placeholder stays text");
	const char *braces = "{\"author\":{\"name\":\"}}{{\"}}";
	is_str(expand("[{{author.name}}]", braces, NULL), "[}}{{]", "braces in a value stay text");

	/* Compile errors. */
	is_str(compile_error("Hi {{author.name"), "line 1: '{{' does not start a placeholder {{name}} or {{name|fallback}}",
	       "unclosed placeholder");
	is_str(compile_error("ok\nHi {{}}"), "line 2: '{{' does not start a placeholder {{name}} or {{name|fallback}}",
	       "empty name, with its line");
	is_str(compile_error("{{author name}}"), "line 1: '{{' does not start a placeholder {{name}} or {{name|fallback}}",
	       "a space inside the name");
	is_str(compile_error("{{a|b\n}}"), "line 1: '{{' does not start a placeholder {{name}} or {{name|fallback}}",
	       "a fallback does not span lines");
	is_str(compile_error("{{a.b-c_d.0}} {{x|y z!}}"), "(compiled)", "names and fallbacks accepted");

	/* Text only: NUL bytes and bytes that are not UTF-8 are compile errors,
	 * named by place when the caller gives one. */
	cp_err e = {0};
	tmpl *t = tmpl_compile_named("ab\n\ncd\0ef", 9, "lib/x.txt", &e);
	ok(t == NULL && e.code == CP_EX_CONFIG, "a NUL byte does not compile (78)");
	is_str(e.msg, "lib/x.txt:3: a NUL byte: a saved reply is text", "... named by file and line");
	static const char *not_utf8[] = { "caf\xe9", "\xc3(", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	                                  "\xc0\xaf", "ok \xe2\x82" };
	for (size_t i = 0; i < sizeof not_utf8 / sizeof not_utf8[0]; i++)
		is_str(compile_error(not_utf8[i]), "line 1: not valid UTF-8", "bytes that are not UTF-8");
	is_str(compile_error("Café {{author.name|à vous}} 🙏 \xe2\x82\xac"), "(compiled)",
	       "UTF-8 text compiles");
	memset(&e, 0, sizeof e);
	t = tmpl_compile_named("a\nb {{", 6, "--text", &e);
	ok(t == NULL, "a bad placeholder does not compile");
	is_str(e.msg, "--text:2: '{{' does not start a placeholder {{name}} or {{name|fallback}}",
	       "placeholder errors are named by place too");
	rec_free(&r);
	return done_testing();
}
