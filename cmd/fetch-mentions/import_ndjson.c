/*
 * --import ndjson: records already in the schema (carepipe.7), from a log,
 * another tool or a previous run.  Each is checked and normalised in
 * place: created_at becomes RFC 3339 UTC, bare ids gain their platform
 * prefix, and every other byte passes through.  A record that is already
 * normal is written as it came, without an edit; that is the common case
 * and the fast path.
 */
#include <stdlib.h>
#include <string.h>

#include "fm.h"

struct nd {
	cp_prog *p;
	rec_edit edit;
	buf out, tmp, id;
	char why[160];
};

/* The text of a string value: raw bytes when it has no escapes. */
static const char *str_of(struct nd *c, val v, size_t *n)
{
	const char *s = val_rawstr(v, n);
	if (s)
		return s;
	buf_reset(&c->tmp);
	if (val_str(v, &c->tmp) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	*n = c->tmp.len;
	return c->tmp.p;
}

/* id, in_reply_to and thread name records: "platform:native". */
static void prefix_id(struct nd *c, const char *key, val v, const char *plat, size_t platn)
{
	size_t n;
	const char *s = str_of(c, v, &n);
	if (memchr(s, ':', n))
		return;
	buf_reset(&c->id);
	buf_add(&c->id, plat, platn);
	buf_addc(&c->id, ':');
	buf_add(&c->id, s, n);
	if (edit_set_str(&c->edit, key, c->id.p, c->id.len) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
}

static const char *check(struct nd *c, const rec *r)
{
	static const struct { const char *key; unsigned types; } shape[] = {
		{ "account", 1u << VAL_STRING | 1u << VAL_NULL },
		{ "kind", 1u << VAL_STRING },
		{ "author", 1u << VAL_OBJECT },
		{ "text", 1u << VAL_STRING },
		{ "in_reply_to", 1u << VAL_STRING | 1u << VAL_NULL },
		{ "thread", 1u << VAL_STRING },
	};
	val id = rec_val(r, "id"), plat = rec_val(r, "platform");
	val when = rec_val(r, "created_at"), dir = rec_val(r, "direction");
	const char *s, *ps;
	size_t n, pn;
	int64_t t;
	char ts[32];

	if (id.type == VAL_NONE)
		return "no id";
	if (id.type != VAL_STRING || id.n == 2)
		return "id is not a non-empty string";
	if (plat.type == VAL_NONE)
		return "no platform";
	if (plat.type != VAL_STRING || plat.n == 2)
		return "platform is not a non-empty string";
	if (when.type == VAL_NONE)
		return "no created_at";
	if (when.type != VAL_STRING && when.type != VAL_NUMBER)
		return "created_at is not a string";
	if (when.type == VAL_STRING)
		s = str_of(c, when, &n);
	else {
		s = when.p;
		n = when.n;
	}
	if (time_parse(s, n, &t) < 0) {
		snprintf(c->why, sizeof c->why, "created_at is not a date: %.*s",
		         (int)(n > 40 ? 40 : n), s);
		return c->why;
	}
	if (dir.type != VAL_NONE && !val_streq(dir, "in") && !val_streq(dir, "out"))
		return "direction is neither \"in\" nor \"out\"";
	for (size_t i = 0; i < sizeof shape / sizeof shape[0]; i++) {
		val v = rec_val(r, shape[i].key);
		if (v.type != VAL_NONE && !(shape[i].types & 1u << v.type)) {
			snprintf(c->why, sizeof c->why, "%s has the wrong type", shape[i].key);
			return c->why;
		}
	}

	edit_reset(&c->edit);
	n = (size_t)time_format(t, ts);
	if (when.type != VAL_STRING || when.n != n + 2 || memcmp(when.p + 1, ts, n) != 0)
		if (edit_set_str(&c->edit, "created_at", ts, n) < 0)
			cp_die(c->p, CP_EX_OSERR, "out of memory");
	ps = val_rawstr(plat, &pn);
	if (!ps) {
		static buf pb;
		buf_reset(&pb);
		if (val_str(plat, &pb) < 0)
			cp_die(c->p, CP_EX_OSERR, "out of memory");
		ps = pb.p;
		pn = pb.len;
	}
	prefix_id(c, "id", id, ps, pn);
	val v = rec_val(r, "in_reply_to");
	if (v.type == VAL_STRING)
		prefix_id(c, "in_reply_to", v, ps, pn);
	v = rec_val(r, "thread");
	if (v.type == VAL_STRING)
		prefix_id(c, "thread", v, ps, pn);
	return NULL;
}

static int each(void *ctx, rec *r, const cp_pos *pos)
{
	struct nd *c = ctx;
	const char *why = check(c, r);

	if (why) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len, why);
		return 0;
	}
	if (c->edit.nops == 0) {
		cp_emit(c->p, r->line, r->len);
		return 0;
	}
	buf_reset(&c->out);
	if (edit_apply(&c->edit, r, &c->out) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	cp_emit(c->p, c->out.p, c->out.len);
	return 0;
}

int fm_import_ndjson(cp_prog *p, const struct fm_opts *o)
{
	struct nd c = { .p = p };
	int rc = cp_each_record(p, o->nfiles, o->files, each, &c);

	edit_free(&c.edit);
	buf_free(&c.out);
	buf_free(&c.tmp);
	buf_free(&c.id);
	return rc;
}
