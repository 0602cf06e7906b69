/*
 * template.h - saved-reply templates: literal text with {{name}} and
 * {{name|fallback}} placeholders.
 *
 * A template is split into literal pieces and placeholders once, when it
 * is compiled; expanding it appends each literal as is and each
 * placeholder's value as is.  A value is never scanned for placeholders
 * again, so a customer who writes "{{agent}}" in their name gets
 * "{{agent}}" back, never the agent's initials.  A placeholder whose value
 * is missing, null or empty takes its fallback (which is literal text), or
 * nothing.  "{{{{" is not special: only "{{" NAME ["|" FALLBACK] "}}" with
 * NAME made of letters, digits, "_", "-" and "." is a placeholder;
 * anything else between braces is a compile error, so a typo in a saved
 * reply is found before any reply is sent.
 *
 * Ownership: tmpl_compile copies the text; tmpl_free releases it (NULL is
 * fine).  Expansion appends to the caller's buf.  Nothing here prints or
 * exits.
 */
#ifndef CAREPIPE_TEMPLATE_H
#define CAREPIPE_TEMPLATE_H

#include "carepipe.h"

typedef struct tmpl tmpl;

/* Compile text[0..n).  NULL with e set (78, "line L: reason") on a
 * malformed placeholder, a NUL byte or bytes that are not UTF-8, or (71)
 * when memory runs out. */
tmpl *tmpl_compile(const char *text, size_t n, cp_err *e);
/* The same, naming where the text came from (a file, "--text"): the
 * message is "WHERE:L: reason". */
tmpl *tmpl_compile_named(const char *text, size_t n, const char *where, cp_err *e);
void tmpl_free(tmpl *t);

/* Look a placeholder name up: append its value to out and return 1, or
 * return 0 when it has none (the fallback is used), -1 on error. */
typedef int (*tmpl_lookup)(void *ctx, const char *name, cp_buf *out);

/* Expand t into out.  Returns 0, or -1 when a lookup failed. */
int tmpl_expand(const tmpl *t, tmpl_lookup fn, void *ctx, cp_buf *out);

/* The names a template uses, for checks: calls fn for each placeholder. */
void tmpl_names(const tmpl *t, void (*fn)(void *ctx, const char *name), void *ctx);

/* A lookup over a scanned record: a name is a path into the record
 * ("author.name", "tags.0", "account"); strings are unescaped, numbers and
 * booleans written as in JSON; null, empty strings, arrays and objects
 * count as missing.  vars are extra names looked up first, given as a
 * NULL-ended array of name/value pairs ("agent", "^JD", NULL). */
typedef struct {
	const cp_rec *r;
	const char *const *vars;
} tmpl_rec_ctx;
int tmpl_rec_lookup(void *ctx, const char *name, cp_buf *out);

#endif
