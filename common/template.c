/*
 * Saved-reply templates.  Compiling splits the text once; expansion only
 * appends, so substituted values can never become template syntax.
 */
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "unicode.h"

struct piece {
	size_t off, len;        /* literal: text; placeholder: the name */
	size_t fb_off, fb_len;  /* fallback text */
	bool is_name, has_fb;
};

struct tmpl {
	char *text;
	struct piece *p;
	size_t np, cap;
};

static int add_piece(tmpl *t, struct piece pc)
{
	if (t->np == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct piece *np = realloc(t->p, cap * sizeof *np);
		if (!np)
			return -1;
		t->p = np;
		t->cap = cap;
	}
	t->p[t->np++] = pc;
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static int line_of(const char *s, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

/* Set e for a problem at text[off]: "WHERE:LINE: why", or "line LINE: why"
 * without a where. */
static void fail_at(cp_err *e, const char *where, const char *text, size_t off,
                    const char *why)
{
	if (where)
		cp_fail(e, CP_EX_CONFIG, "%s:%d: %s", where, line_of(text, off), why);
	else
		cp_fail(e, CP_EX_CONFIG, "line %d: %s", line_of(text, off), why);
}

/* A saved reply is text: a NUL byte would end it early wherever it is
 * handled as a C string, and bytes that are not UTF-8 cannot be posted.
 * Both are found here, when the template is compiled at start-up, rather
 * than in each reply.  Returns the offset of the first such byte, or n. */
static size_t first_bad_byte(const char *s, size_t n, const char **why)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0) {
			*why = "a NUL byte: a saved reply is text";
			return i;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (k < 0) {
			*why = "not valid UTF-8";
			return i;
		}
		i += (size_t)k;
	}
	return n;
}

tmpl *tmpl_compile(const char *text, size_t n, cp_err *e)
{
	return tmpl_compile_named(text, n, NULL, e);
}

tmpl *tmpl_compile_named(const char *text, size_t n, const char *where, cp_err *e)
{
	const char *why;
	size_t bad = first_bad_byte(text, n, &why);
	if (bad < n) {
		fail_at(e, where, text, bad, why);
		return NULL;
	}
	tmpl *t = calloc(1, sizeof *t);
	if (!t || !(t->text = malloc(n + 1))) {
		free(t);
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	memcpy(t->text, text, n);
	t->text[n] = '\0';
	const char *s = t->text;
	size_t lit = 0, i = 0;
	while (i < n) {
		if (!(s[i] == '{' && i + 1 < n && s[i + 1] == '{')) {
			i++;
			continue;
		}
		size_t open = i;
		size_t j = i + 2;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		size_t name = j;
		while (j < n && name_char(s[j]))
			j++;
		size_t name_len = j - name;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		struct piece ph = { name, name_len, 0, 0, true, false };
		if (j < n && s[j] == '|') {
			ph.has_fb = true;
			ph.fb_off = ++j;
			while (j < n && !(s[j] == '}' && j + 1 < n && s[j + 1] == '}') &&
			       s[j] != '\n' && !(s[j] == '{' && j + 1 < n && s[j + 1] == '{'))
				j++;
			ph.fb_len = j - ph.fb_off;
		}
		if (name_len == 0 || j + 1 >= n || s[j] != '}' || s[j + 1] != '}') {
			fail_at(e, where, s, open, "'{{' does not start a placeholder "
			        "{{name}} or {{name|fallback}}");
			tmpl_free(t);
			return NULL;
		}
		if (open > lit && add_piece(t, (struct piece){ lit, open - lit, 0, 0, false, false }) < 0)
			goto oom;
		if (add_piece(t, ph) < 0)
			goto oom;
		i = lit = j + 2;
	}
	if (n > lit && add_piece(t, (struct piece){ lit, n - lit, 0, 0, false, false }) < 0)
		goto oom;
	return t;
oom:
	tmpl_free(t);
	cp_fail(e, CP_EX_OSERR, "out of memory");
	return NULL;
}

void tmpl_free(tmpl *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->p);
	free(t);
}

int tmpl_expand(const tmpl *t, tmpl_lookup fn, void *ctx, cp_buf *out)
{
	char name[256];
	for (size_t k = 0; k < t->np; k++) {
		const struct piece *pc = &t->p[k];
		if (!pc->is_name) {
			if (buf_add(out, t->text + pc->off, pc->len) < 0)
				return -1;
			continue;
		}
		size_t nl = pc->len < sizeof name - 1 ? pc->len : sizeof name - 1;
		memcpy(name, t->text + pc->off, nl);
		name[nl] = '\0';
		size_t before = out->len;
		int got = fn(ctx, name, out);
		if (got < 0)
			return -1;
		if (got == 0 || out->len == before) {
			out->len = before;
			if (pc->has_fb && buf_add(out, t->text + pc->fb_off, pc->fb_len) < 0)
				return -1;
		}
	}
	if (buf_cstr(out) == NULL)
		return -1;
	return 0;
}

void tmpl_names(const tmpl *t, void (*fn)(void *ctx, const char *name), void *ctx)
{
	char name[256];
	for (size_t k = 0; k < t->np; k++) {
		const struct piece *pc = &t->p[k];
		if (!pc->is_name)
			continue;
		size_t nl = pc->len < sizeof name - 1 ? pc->len : sizeof name - 1;
		memcpy(name, t->text + pc->off, nl);
		name[nl] = '\0';
		fn(ctx, name);
	}
}

int tmpl_rec_lookup(void *ctx, const char *name, cp_buf *out)
{
	const tmpl_rec_ctx *c = ctx;
	for (const char *const *v = c->vars; v && v[0]; v += 2)
		if (strcmp(v[0], name) == 0)
			return v[1] && *v[1] ? (buf_adds(out, v[1]) < 0 ? -1 : 1) : 0;
	if (!c->r)
		return 0;
	cp_val v = rec_path(c->r, name);
	switch (v.type) {
	case VAL_STRING:
		return val_str(v, out) < 0 ? -1 : 1;
	case VAL_NUMBER:
	case VAL_TRUE:
	case VAL_FALSE:
		return buf_add(out, v.p, v.n) < 0 ? -1 : 1;
	default:
		return 0;
	}
}
