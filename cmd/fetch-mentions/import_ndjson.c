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
#include "schema.h"

struct nd {
	cp_prog *p;
	rec_edit edit;
	cp_buf out, tmp, id, plat;
	char why[160];
};

/* The text of a string value: raw bytes when it has no escapes. */
static const char *str_of(struct nd *c, cp_val v, size_t *n)
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
static void prefix_id(struct nd *c, const char *key, cp_val v, const char *plat, size_t platn)
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

enum { K_ID, K_PLATFORM, K_CREATED_AT, K_DIRECTION, K_ACCOUNT, K_KIND, K_AUTHOR,
       K_TEXT, K_IN_REPLY_TO, K_THREAD, NKEY };

static const char *const keyname[NKEY] = {
	"id", "platform", "created_at", "direction", "account", "kind", "author",
	"text", "in_reply_to", "thread",
};

/* The types each key may have; 0 for keys checked by hand. */
static const unsigned keytypes[NKEY] = {
	[K_ACCOUNT] = 1u << VAL_STRING | 1u << VAL_NULL,
	[K_KIND] = 1u << VAL_STRING,
	[K_AUTHOR] = 1u << VAL_OBJECT,
	[K_TEXT] = 1u << VAL_STRING,
	[K_IN_REPLY_TO] = 1u << VAL_STRING | 1u << VAL_NULL,
	[K_THREAD] = 1u << VAL_STRING,
};

/* The schema's keys in one pass over the record; the last duplicate wins,
 * as with rec_val.  Keys written with escapes go through rec_val. */
static void schema_keys(const cp_rec *r, cp_val v[NKEY])
{
	bool escaped = false;

	memset(v, 0, NKEY * sizeof *v);
	for (size_t i = 0; i < r->nf; i++) {
		const rec_field *f = &r->f[i];
		int k = -1;
		if (f->key_escaped) {
			escaped = true;
			continue;
		}
		switch (f->keylen) {
		case 2: k = memcmp(f->key, "id", 2) == 0 ? K_ID : -1; break;
		case 4:
			k = memcmp(f->key, "kind", 4) == 0 ? K_KIND :
			    memcmp(f->key, "text", 4) == 0 ? K_TEXT : -1;
			break;
		case 6:
			k = memcmp(f->key, "author", 6) == 0 ? K_AUTHOR :
			    memcmp(f->key, "thread", 6) == 0 ? K_THREAD : -1;
			break;
		case 7: k = memcmp(f->key, "account", 7) == 0 ? K_ACCOUNT : -1; break;
		case 8: k = memcmp(f->key, "platform", 8) == 0 ? K_PLATFORM : -1; break;
		case 9: k = memcmp(f->key, "direction", 9) == 0 ? K_DIRECTION : -1; break;
		case 10: k = memcmp(f->key, "created_at", 10) == 0 ? K_CREATED_AT : -1; break;
		case 11: k = memcmp(f->key, "in_reply_to", 11) == 0 ? K_IN_REPLY_TO : -1; break;
		}
		if (k >= 0)
			v[k] = f->v;
	}
	if (escaped)
		for (int k = 0; k < NKEY; k++)
			v[k] = rec_val(r, keyname[k]);
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Already "YYYY-MM-DDTHH:MM:SSZ", a real date: what time_format would
 * write, so neither time_parse nor time_format need run (most records). */
static bool canonical_time(cp_val v)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *s = v.p + 1;

	if (v.type != VAL_STRING || v.n != 22)
		return false;
	for (int i = 0; i < 20; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return false;
	int y = two(s) * 100 + two(s + 2), m = two(s + 5), d = two(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    two(s + 11) > 23 || two(s + 14) > 59 || two(s + 17) > 59)
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	return true;
}

static const char *check(struct nd *c, const cp_rec *r)
{
	cp_val v[NKEY];
	const char *s, *ps;
	size_t n, pn;
	int64_t t;
	char ts[32];

	schema_keys(r, v);
	cp_val id = v[K_ID], plat = v[K_PLATFORM], when = v[K_CREATED_AT], dir = v[K_DIRECTION];
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
	bool canonical = canonical_time(when);
	if (!canonical) {
		if (when.type == VAL_STRING)
			s = str_of(c, when, &n);
		else {
			s = when.p;
			n = when.n;
		}
		int tp = time_parse(s, n, &t);
		if (tp < 0) {
			char tmp[40];
			snprintf(c->why, sizeof c->why, "created_at %s: %s", fm_time_problem(tp),
			         fm_shown(s, n, tmp));
			return c->why;
		}
	}
	/* The key may be left out here (a record from elsewhere): fetch-mentions
	 * passes it on without one; a null or any other value is bad. */
	int d = rec_direction_of(dir);
	if (dir.type != VAL_NONE && d != REC_DIR_IN && d != REC_DIR_OUT)
		return "direction is neither \"in\" nor \"out\"";
	for (int k = 0; k < NKEY; k++)
		if (keytypes[k] && v[k].type != VAL_NONE && !(keytypes[k] & 1u << v[k].type)) {
			snprintf(c->why, sizeof c->why, "%s has the wrong type", keyname[k]);
			return c->why;
		}

	edit_reset(&c->edit);
	if (!canonical) {
		n = (size_t)time_format(t, ts);
		if (when.type != VAL_STRING || when.n != n + 2 || memcmp(when.p + 1, ts, n) != 0)
			if (edit_set_str(&c->edit, "created_at", ts, n) < 0)
				cp_die(c->p, CP_EX_OSERR, "out of memory");
	}
	ps = val_rawstr(plat, &pn);
	if (!ps) {
		buf_reset(&c->plat);
		if (val_str(plat, &c->plat) < 0)
			cp_die(c->p, CP_EX_OSERR, "out of memory");
		ps = c->plat.p;
		pn = c->plat.len;
	}
	prefix_id(c, "id", id, ps, pn);
	if (v[K_IN_REPLY_TO].type == VAL_STRING)
		prefix_id(c, "in_reply_to", v[K_IN_REPLY_TO], ps, pn);
	if (v[K_THREAD].type == VAL_STRING)
		prefix_id(c, "thread", v[K_THREAD], ps, pn);
	return NULL;
}

static int each(void *ctx, cp_rec *r, const cp_pos *pos)
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
	buf_free(&c.plat);
	return rc;
}
