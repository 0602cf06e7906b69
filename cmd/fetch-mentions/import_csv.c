/*
 * --import csv: any CSV with a header line, and a map from the record's
 * fields to its columns (--map).  Rows stream through: one row in, one
 * record out, in bounded memory.
 *
 * The map is a comma list of FIELD=COLUMN (the field takes the column's
 * value) and FIELD:=TEXT (the field is TEXT on every record); a comma or
 * backslash inside a name or text is written \, or \\.  A column named
 * exactly like a field serves it when the map does not mention the field.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fm.h"
#include "hash.h"
#include "schema.h"
#include "tz.h"

enum field {
	F_ID, F_PLATFORM, F_ACCOUNT, F_DIRECTION, F_KIND,
	F_AUTHOR_ID, F_AUTHOR_HANDLE, F_AUTHOR_NAME, F_AUTHOR_FOLLOWERS,
	F_TEXT, F_CREATED_AT, F_IN_REPLY_TO, F_THREAD, F_URL, F_LANG,
	F_LIKES, F_REPOSTS, F_REPLIES, F_QUOTES, NFIELD
};

static const char *const fieldname[NFIELD] = {
	"id", "platform", "account", "direction", "kind",
	"author.id", "author.handle", "author.name", "author.followers",
	"text", "created_at", "in_reply_to", "thread", "url", "lang",
	"metrics.likes", "metrics.reposts", "metrics.replies", "metrics.quotes",
};

/* Where a field's value comes from. */
struct source {
	char *column;           /* FIELD=COLUMN, or NULL */
	char *constant;         /* FIELD:=TEXT, or NULL */
	int col;                /* the column's index in this file, -1 when none */
};

struct cv {
	cp_prog *p;
	const struct fm_opts *o;
	tz *zone;               /* --tz: the zone of dates without an offset */
	struct source src[NFIELD];
	bool have_header, skip;
	size_t ncols;
	char **header;          /* for --raw */
	cp_buf out, id, reply_id, thread_id, raw;
	char why[200];
};

static int field_index(const char *s, size_t n)
{
	for (int i = 0; i < NFIELD; i++)
		if (strlen(fieldname[i]) == n && memcmp(fieldname[i], s, n) == 0)
			return i;
	return -1;
}

/* Parse --map into c->src; dies with 64 on a malformed map. */
static void parse_map(struct cv *c, const char *spec)
{
	cp_buf item = {0};
	const char *s = spec;

	while (*s) {
		buf_reset(&item);
		for (; *s && *s != ','; s++) {
			if (*s == '\\' && (s[1] == ',' || s[1] == '\\'))
				s++;
			if (buf_addc(&item, *s) < 0)
				cp_die(c->p, CP_EX_OSERR, "out of memory");
		}
		if (*s == ',')
			s++;
		if (item.len == 0)
			continue;
		char *it = buf_cstr(&item);
		char *eq = strchr(it, '=');
		if (!eq || eq == it)
			cp_usage_error(c->p, "--map wants FIELD=COLUMN or FIELD:=TEXT: %s", it);
		bool constant = eq[-1] == ':';
		size_t fn = (size_t)(eq - it) - (constant ? 1 : 0);
		int f = field_index(it, fn);
		if (f < 0)
			cp_usage_error(c->p, "--map: no field '%.*s' in a record (see "
			               "fetch-mentions(1))", (int)fn, it);
		if (c->src[f].column || c->src[f].constant)
			cp_usage_error(c->p, "--map: %s is mapped twice", fieldname[f]);
		if (!constant && eq[1] == '\0')
			cp_usage_error(c->p, "--map: %s=: no column named", fieldname[f]);
		char *v = strdup(eq + 1);
		if (!v)
			cp_die(c->p, CP_EX_OSERR, "out of memory");
		if (constant)
			c->src[f].constant = v;
		else
			c->src[f].column = v;
	}
	buf_free(&item);
}

static int header(struct cv *c, const struct fm_csvrec *r)
{
	c->have_header = true;
	c->ncols = r->nf;
	for (size_t i = 0; c->header && c->header[i]; i++)
		free(c->header[i]);
	free(c->header);
	if (!(c->header = calloc(r->nf + 1, sizeof *c->header)))
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	for (size_t i = 0; i < r->nf; i++) {
		const char *s;
		size_t n;
		fm_csv_header_field(r, i, &s, &n);
		if (!(c->header[i] = strndup(s, n)))
			cp_die(c->p, CP_EX_OSERR, "out of memory");
	}
	for (int f = 0; f < NFIELD; f++) {
		struct source *sc = &c->src[f];
		const char *want = sc->column ? sc->column : sc->constant ? NULL : fieldname[f];
		sc->col = -1;
		if (!want)
			continue;
		for (size_t i = 0; i < r->nf && sc->col < 0; i++)
			if (strcmp(c->header[i], want) == 0)
				sc->col = (int)i;
		for (size_t i = 0; i < r->nf && sc->col < 0; i++)
			if (strcasecmp(c->header[i], want) == 0)
				sc->col = (int)i;
		if (sc->col < 0 && sc->column) {
			cp_warn(c->p, "%s:%llu: no column '%s' in the header (for %s)", r->file,
			        (unsigned long long)r->line, sc->column, fieldname[f]);
			cp_status(c->p, CP_EX_DATAERR);
			c->skip = true;
			return 0;
		}
	}
	if (c->src[F_PLATFORM].col < 0 && !c->src[F_PLATFORM].constant)
		cp_usage_error(c->p, "%s: no platform: give --map platform=COLUMN or "
		               "platform:=NAME", r->file);
	if (c->src[F_CREATED_AT].col < 0 && !c->src[F_CREATED_AT].constant)
		cp_usage_error(c->p, "%s: no created_at: give --map created_at=COLUMN",
		               r->file);
	return 0;
}

/* A field's value in this row; NULL when the field has no source.  An
 * empty column gives "", which callers take as absent. */
static const char *get(const struct cv *c, const struct fm_csvrec *r, int f, size_t *n)
{
	const struct source *sc = &c->src[f];
	if (sc->constant) {
		*n = strlen(sc->constant);
		return sc->constant;
	}
	if (sc->col < 0)
		return NULL;
	*n = r->flen[sc->col];
	return r->f[sc->col];
}

static bool has(const struct cv *c, const struct fm_csvrec *r, int f)
{
	size_t n;
	return get(c, r, f, &n) && n > 0;
}

/* Every append to a line is checked: one left out would break the line. */
#define CHK(c, x) do { if ((x) < 0) cp_die((c)->p, CP_EX_OSERR, "out of memory"); } while (0)

/* "platform:native" into b, unless the value already carries the prefix. */
static void make_id(struct cv *c, cp_buf *b, const char *plat, size_t pn, const char *s, size_t n)
{
	buf_reset(b);
	if (!(n > pn && s[pn] == ':' && memcmp(s, plat, pn) == 0)) {
		CHK(c, buf_add(b, plat, pn));
		CHK(c, buf_addc(b, ':'));
	}
	CHK(c, buf_add(b, s, n));
}

/* A field's value as a string; when it is empty or has no source, a value
 * of kind otherwise (null, or left out). */
static rec_value field(const struct cv *c, const struct fm_csvrec *r, int f, int otherwise)
{
	size_t n;
	const char *s = get(c, r, f, &n);
	return s && n ? rv_str(s, n) : (rec_value){ .kind = otherwise };
}

/* A count (row() checked its digits), written as a JSON number. */
static rec_value count(const struct cv *c, const struct fm_csvrec *r, int f)
{
	size_t n;
	const char *s = get(c, r, f, &n);
	return s && n ? rv_json(s, n) : (rec_value){ .kind = RV_ABSENT };
}

/* One part of a row's content into its id's hash, and a separator. */
static uint64_t hash_part(uint64_t h, const char *s, size_t n)
{
	static const unsigned char sep = 0xff;
	return hash64_add(hash64_add(h, s, n), &sep, 1);
}

static bool is_count(const char *s, size_t n)
{
	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static const char *row(struct cv *c, const struct fm_csvrec *r)
{
	const char *plat, *s, *aid, *ah, *reply;
	size_t pn = 0, n = 0, aidn = 0, ahn = 0, replyn = 0;
	int64_t t;
	char ts[32], tmp[40];
	bool out_dir = false;

	if (r->nf != c->ncols) {
		snprintf(c->why, sizeof c->why, "expected %zu fields, got %zu", c->ncols, r->nf);
		return c->why;
	}
	plat = get(c, r, F_PLATFORM, &pn);
	if (pn == 0)
		return "platform is empty";
	s = get(c, r, F_CREATED_AT, &n);
	/* --date-format alone decides; else a date and time without an
	 * offset, in --tz, then RFC 3339, Twitter's format and epochs. */
	int tp = tz_parse_local(c->zone, s, n, c->o->date_format, &t);
	if (tp == -1 && !c->o->date_format)
		tp = time_parse(s, n, &t);
	if (tp < 0) {
		snprintf(c->why, sizeof c->why, "created_at %s: \"%s\"", fm_time_problem(tp),
		         fm_shown(s, n, tmp));
		return c->why;
	}
	time_format(t, ts);
	if ((s = get(c, r, F_DIRECTION, &n)) && n > 0) {
		if ((n == 2 && strncasecmp(s, "in", 2) == 0) ||
		    (n == 7 && strncasecmp(s, "inbound", 7) == 0) ||
		    (n == 4 && strncasecmp(s, "true", 4) == 0))
			out_dir = false;
		else if ((n == 3 && strncasecmp(s, "out", 3) == 0) ||
		    (n == 8 && strncasecmp(s, "outbound", 8) == 0) ||
		    (n == 5 && strncasecmp(s, "false", 5) == 0))
			out_dir = true;
		else {
			snprintf(c->why, sizeof c->why, "direction is not in or out: \"%s\"",
			         fm_shown(s, n, tmp));
			return c->why;
		}
	}
	static const int counts[] = { F_AUTHOR_FOLLOWERS, F_LIKES, F_REPOSTS, F_REPLIES, F_QUOTES };
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		if ((s = get(c, r, counts[i], &n)) && n > 0 && !is_count(s, n)) {
			snprintf(c->why, sizeof c->why, "%s is not a count: \"%s\"",
			         fieldname[counts[i]], fm_shown(s, n, tmp));
			return c->why;
		}
	if (c->src[F_ID].col >= 0 && r->flen[c->src[F_ID].col] == 0)
		return "id is empty";
	aid = get(c, r, F_AUTHOR_ID, &aidn);
	ah = get(c, r, F_AUTHOR_HANDLE, &ahn);
	if (!aid || aidn == 0) {
		aid = ah;
		aidn = ahn;
	}
	if (!ah || ahn == 0) {
		ah = aid;
		ahn = aidn;
	}
	reply = get(c, r, F_IN_REPLY_TO, &replyn);
	if (!reply)
		replyn = 0;

	if (has(c, r, F_ID)) {
		s = get(c, r, F_ID, &n);
		make_id(c, &c->id, plat, pn, s, n);
	} else {
		/* No id column: one made of what identifies a message, so the
		 * same row gets the same id on every import. */
		uint64_t h = HASH64_INIT;
		const char *txt = get(c, r, F_TEXT, &n);
		h = hash_part(h, ah ? ah : "", ah ? ahn : 0);
		h = hash_part(h, ts, strlen(ts));
		h = hash_part(h, txt ? txt : "", txt ? n : 0);
		char hex[24];
		snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
		make_id(c, &c->id, plat, pn, hex, 16);
	}
	rec_values v = {
		.id = rv_str(c->id.p, c->id.len),
		.platform = rv_str(plat, pn),
		.account = field(c, r, F_ACCOUNT, RV_NULL),
		.direction = out_dir ? REC_DIR_OUT : REC_DIR_IN,
		.kind = field(c, r, F_KIND, RV_ABSENT),
		.author_id = aid && aidn ? rv_str(aid, aidn) : (rec_value){ .kind = RV_NULL },
		.author_handle = ah && ahn ? rv_str(ah, ahn) : (rec_value){ .kind = RV_NULL },
		.author_name = field(c, r, F_AUTHOR_NAME, RV_ABSENT),
		.author_followers = count(c, r, F_AUTHOR_FOLLOWERS),
		.created_at = rv_str(ts, strlen(ts)),
		.in_reply_to = { .kind = RV_NULL },
		.url = field(c, r, F_URL, RV_ABSENT),
		.lang = field(c, r, F_LANG, RV_ABSENT),
		.metrics = { count(c, r, F_LIKES), count(c, r, F_REPOSTS), count(c, r, F_REPLIES),
		             count(c, r, F_QUOTES) },
	};
	if (v.account.kind == RV_NULL && out_dir && ah && ahn)
		v.account = rv_str(ah, ahn);    /* the brand wrote it */
	if (v.kind.kind == RV_ABSENT)
		v.kind = rv_cstr(replyn ? "reply" : "post");
	s = get(c, r, F_TEXT, &n);
	v.text = rv_str(s ? s : "", s ? n : 0);
	if (replyn) {
		make_id(c, &c->reply_id, plat, pn, reply, replyn);
		v.in_reply_to = rv_str(c->reply_id.p, c->reply_id.len);
	}
	if (has(c, r, F_THREAD)) {
		s = get(c, r, F_THREAD, &n);
		make_id(c, &c->thread_id, plat, pn, s, n);
		v.thread = rv_str(c->thread_id.p, c->thread_id.len);
	} else if (replyn) {
		v.thread = v.in_reply_to;
	} else {
		v.thread = v.id;     /* its own root */
	}
	if (c->o->raw) {
		buf_reset(&c->raw);
		CHK(c, buf_addc(&c->raw, '{'));
		for (size_t i = 0; i < r->nf; i++) {
			if (i)
				CHK(c, buf_addc(&c->raw, ','));
			CHK(c, buf_json_str(&c->raw, c->header[i], strlen(c->header[i])));
			CHK(c, buf_addc(&c->raw, ':'));
			CHK(c, buf_json_str(&c->raw, r->f[i], r->flen[i]));
		}
		CHK(c, buf_addc(&c->raw, '}'));
		v.raw = rv_json(c->raw.p, c->raw.len);
	}
	buf_reset(&c->out);
	CHK(c, record_write(&c->out, &v));
	return NULL;
}

static int on_record(void *ctx, const struct fm_csvrec *r)
{
	struct cv *c = ctx;
	const char *why;

	if (c->skip)
		return 0;
	if (!c->have_header)
		return header(c, r);
	if ((why = row(c, r)) != NULL)
		cp_bad_line(c->p, r->file, r->line, r->raw, r->rawlen, why);
	else
		cp_emit(c->p, c->out.p, c->out.len);
	return 0;
}

/* One input, fed line by line to the CSV reader: rows stream through. */
static int csv_input(void *ctx, cp_rd *in, int index, cp_err *e)
{
	struct cv *c = ctx;
	struct fm_csvrd *rdr = fm_csvrd_new(c->p, rd_name(in), on_record, c);
	const char *line;
	size_t len;
	int got;
	(void)index;
	if (!rdr)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	c->have_header = c->skip = false;
	/* rd_line takes "\r\n" and "\n" off; give libcsv a "\n" back. */
	while ((got = rd_line(in, &line, &len, e)) > 0)
		if (fm_csvrd_feed(rdr, line, len) < 0 || fm_csvrd_feed(rdr, "\n", 1) < 0)
			cp_die(c->p, CP_EX_OSERR, "out of memory");
	if (got < 0) {
		/* Said before the rows the reader still holds come out. */
		cp_warn(c->p, "%s:%llu: %s", rd_name(in), (unsigned long long)rd_lineno(in) + 1, e->msg);
		cp_status(c->p, e->code);
	}
	if (fm_csvrd_finish(rdr) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	fm_csvrd_free(rdr);
	return 0;
}

int fm_import_csv(cp_prog *p, const struct fm_opts *o)
{
	struct cv c = { .p = p, .o = o };
	cp_err e = {0};

	for (int i = 0; i < o->nmap; i++)
		parse_map(&c, o->map[i]);
	if (o->tz && !(c.zone = tz_load(o->tz, &e)))
		cp_usage_error(p, "--tz: %s", e.msg);
	cp_each_input(p, o->nfiles, o->files, csv_input, &c);
	for (int f = 0; f < NFIELD; f++) {
		free(c.src[f].column);
		free(c.src[f].constant);
	}
	for (size_t i = 0; c.header && c.header[i]; i++)
		free(c.header[i]);
	free(c.header);
	tz_free(c.zone);
	buf_free(&c.out);
	buf_free(&c.id);
	buf_free(&c.reply_id);
	buf_free(&c.thread_id);
	buf_free(&c.raw);
	return 0;
}
