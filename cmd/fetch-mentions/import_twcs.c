/*
 * --import twcs: the Kaggle "Customer Support on Twitter" CSV.
 *
 * A row says little by itself: its thread and, for a customer's tweet,
 * the brand it is addressed to are found through the other rows, which
 * come in no particular order.  So this importer, alone among the
 * formats, holds its input: every row is read and checked first (bad rows
 * are reported as they are met), then the reply chains are resolved, then
 * the records go out in input order.  Memory is O(rows).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fm.h"
#include "hash.h"
#include "schema.h"

enum {
	C_TWEET_ID, C_AUTHOR_ID, C_INBOUND, C_CREATED_AT, C_TEXT,
	C_RESPONSE_TWEET_ID, C_IN_RESPONSE_TO, NCOL
};

static const char *const colname[NCOL] = {
	"tweet_id", "author_id", "inbound", "created_at", "text",
	"response_tweet_id", "in_response_to_tweet_id",
};

/* A span of the arena. */
struct span {
	size_t off;
	uint32_t len;
};

struct row {
	uint32_t file;
	uint32_t nf;
	uint64_t line;
	size_t f0;              /* --raw: first field in the field table */
	struct span id, par;    /* normalised ids; par.len 0: not a reply */
	struct span author, text;
	int64_t t;
	bool inbound;
	int32_t parent;         /* row replied to, or -1 when not in the input */
	int32_t root;
	int32_t responder;      /* earliest brand reply to this row, or -1 */
};

struct file {
	const char *name;
	int col[NCOL];          /* field index of each column */
	size_t ncols;
	size_t h0;              /* header names in the field table */
	bool have_header;
	bool skip;              /* not a twcs file: its rows are not read */
};

/* Open addressing over spans of the arena, values are row numbers. */
struct table {
	struct slot {
		struct span k;
		uint32_t h;
		int32_t v;          /* -1: empty */
	} *s;
	size_t cap, n;
};

struct twcs {
	cp_prog *p;
	const struct fm_opts *o;
	struct file *files;
	struct file *cur;
	uint32_t curno;
	cp_buf arena;
	struct span *fields;
	size_t nfields, fcap;
	struct row *rows;
	size_t nrows, rcap;
	struct table ids;       /* tweet id -> row */
	struct table brands;    /* lowercased brand handle -> a row it wrote */
	cp_buf data;            /* the input being read */
};

static void __attribute__((noreturn)) nomem(struct twcs *w)
{
	cp_die(w->p, CP_EX_OSERR, "out of memory");
}

static const char *at(const struct twcs *w, struct span s)
{
	return w->arena.p + s.off;
}

static struct span keep(struct twcs *w, const char *s, size_t n)
{
	struct span sp = { w->arena.len, (uint32_t)n };
	if (n > UINT32_MAX || buf_add(&w->arena, s, n) < 0)
		nomem(w);
	return sp;
}

static struct slot *lookup(const struct twcs *w, const struct table *t, const char *k, size_t n,
                           uint32_t h)
{
	if (t->cap == 0)
		return NULL;
	for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct slot *s = &t->s[i];
		if (s->v < 0)
			return s;
		if (s->h == h && s->k.len == n && memcmp(at(w, s->k), k, n) == 0)
			return s;
	}
}

static int32_t find(const struct twcs *w, const struct table *t, const char *k, size_t n)
{
	struct slot *s = lookup(w, t, k, n, (uint32_t)hash64_index(k, n));
	return s ? s->v : -1;
}

static void grow(struct twcs *w, struct table *t)
{
	if ((t->n + 1) * 2 <= t->cap)
		return;
	size_t cap = t->cap ? t->cap * 2 : 1024;
	struct slot *old = t->s;
	size_t oldcap = t->cap;
	t->s = malloc(cap * sizeof *t->s);
	if (!t->s)
		nomem(w);
	for (size_t i = 0; i < cap; i++)
		t->s[i].v = -1;
	t->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].v >= 0) {
			size_t j = old[i].h & (cap - 1);
			while (t->s[j].v >= 0)
				j = (j + 1) & (cap - 1);
			t->s[j] = old[i];
		}
	free(old);
}

/* Insert k (already in the arena) unless present; returns the value there. */
static int32_t insert(struct twcs *w, struct table *t, struct span k, int32_t v)
{
	uint32_t h = (uint32_t)hash64_index(at(w, k), k.len);
	grow(w, t);
	struct slot *s = lookup(w, t, at(w, k), k.len, h);
	if (s->v >= 0)
		return s->v;
	s->k = k;
	s->h = h;
	s->v = v;
	t->n++;
	return v;
}

/*
 * A tweet id as the dataset writes it: digits, or a float that pandas made
 * of one ("3.0", "1.5e3").  The digits are shifted as text, not through a
 * double, so 19-digit ids stay exact.  Writes at most 40 bytes to out.
 */
static int norm_id(const char *s, size_t n, char out[48], size_t *outn)
{
	char d[48];
	size_t nd = 0, nfrac = 0, i = 0;
	long exp = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || !(s[i] >= '0' && s[i] <= '9'))
		return -1;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (nd < 40)
			d[nd++] = s[i];
		else
			return -1;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (nd >= 40)
				return -1;
			d[nd++] = s[i];
			nfrac++;
		}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int sign = 1, any = 0;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			sign = s[i++] == '-' ? -1 : 1;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, any = 1)
			if ((exp = exp * 10 + (s[i] - '0')) > 40)
				return -1;
		if (!any)
			return -1;
		exp *= sign;
	}
	if (i != n)
		return -1;
	long shift = exp - (long)nfrac;
	if (shift < 0) {
		/* what falls after the point must be zeros */
		if ((size_t)-shift > nd)
			return -1;
		for (size_t k = nd - (size_t)-shift; k < nd; k++)
			if (d[k] != '0')
				return -1;
		nd -= (size_t)-shift;
	} else {
		if (nd + (size_t)shift > 40)
			return -1;
		memset(d + nd, '0', (size_t)shift);
		nd += (size_t)shift;
	}
	size_t z = 0;
	while (z + 1 < nd && d[z] == '0')
		z++;
	if (nd == 0)
		return -1;
	memcpy(out, d + z, nd - z);
	*outn = nd - z;
	return 0;
}

static void bad(struct twcs *w, const struct fm_csvrec *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct twcs *w, const struct fm_csvrec *r, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	cp_bad_line(w->p, r->file, r->line, r->raw, r->rawlen, why);
}

static int header(struct twcs *w, const struct fm_csvrec *r)
{
	struct file *f = w->cur;

	f->have_header = true;
	for (int k = 0; k < NCOL; k++)
		f->col[k] = -1;
	f->ncols = r->nf;
	f->h0 = w->nfields;
	for (size_t i = 0; i < r->nf; i++) {
		const char *s;
		size_t n;
		fm_csv_header_field(r, i, &s, &n);
		if (w->nfields == w->fcap) {
			w->fcap = w->fcap ? w->fcap * 2 : 4096;
			if (!(w->fields = realloc(w->fields, w->fcap * sizeof *w->fields)))
				nomem(w);
		}
		w->fields[w->nfields++] = keep(w, s, n);
		for (int k = 0; k < NCOL; k++)
			if (strlen(colname[k]) == n && strncasecmp(colname[k], s, n) == 0 &&
			    f->col[k] < 0)
				f->col[k] = (int)i;
	}
	for (int k = 0; k < NCOL; k++) {
		/* response_tweet_id is not needed to build a record */
		if (f->col[k] < 0 && k != C_RESPONSE_TWEET_ID) {
			cp_warn(w->p, "%s:%llu: not a twcs header: no column %s", r->file,
			        (unsigned long long)r->line, colname[k]);
			cp_status(w->p, CP_EX_DATAERR);
			f->skip = true;
			return 0;
		}
	}
	return 0;
}

static int on_row(void *ctx, const struct fm_csvrec *r)
{
	struct twcs *w = ctx;
	struct file *f = w->cur;
	struct row row = {0};
	char id[48], par[48], tmp[40];
	size_t idn, parn = 0;
	const char *s;
	size_t n;

	if (f->skip)
		return 0;
	if (!f->have_header)
		return header(w, r);
	if (r->nf != f->ncols) {
		bad(w, r, "expected %zu fields, got %zu", f->ncols, r->nf);
		return 0;
	}
	s = r->f[f->col[C_TWEET_ID]];
	n = r->flen[f->col[C_TWEET_ID]];
	if (norm_id(s, n, id, &idn) < 0) {
		bad(w, r, "tweet_id is not an id: \"%s\"", fm_shown(s, n, tmp));
		return 0;
	}
	if (r->flen[f->col[C_AUTHOR_ID]] == 0) {
		bad(w, r, "author_id is empty");
		return 0;
	}
	s = r->f[f->col[C_INBOUND]];
	n = r->flen[f->col[C_INBOUND]];
	if (n == 4 && strncasecmp(s, "true", 4) == 0)
		row.inbound = true;
	else if (n == 5 && strncasecmp(s, "false", 5) == 0)
		row.inbound = false;
	else {
		bad(w, r, "inbound is neither True nor False: \"%s\"", fm_shown(s, n, tmp));
		return 0;
	}
	s = r->f[f->col[C_CREATED_AT]];
	n = r->flen[f->col[C_CREATED_AT]];
	int tp = time_parse(s, n, &row.t);
	if (tp < 0) {
		bad(w, r, "created_at %s: \"%s\"", fm_time_problem(tp), fm_shown(s, n, tmp));
		return 0;
	}
	s = r->f[f->col[C_IN_RESPONSE_TO]];
	n = r->flen[f->col[C_IN_RESPONSE_TO]];
	if (n > 0 && norm_id(s, n, par, &parn) < 0) {
		bad(w, r, "in_response_to_tweet_id is not an id: \"%s\"", fm_shown(s, n, tmp));
		return 0;
	}
	if (w->nrows >= INT32_MAX)
		cp_die(w->p, CP_EX_SOFTWARE, "%s: more than %d rows", r->file, INT32_MAX);
	/* One probe both finds a repeated id and files a new one. */
	row.id = keep(w, id, idn);
	int32_t seen = insert(w, &w->ids, row.id, (int32_t)w->nrows);
	if (seen != (int32_t)w->nrows) {
		const struct row *o = &w->rows[seen];
		w->arena.len = row.id.off;
		bad(w, r, "tweet_id %.*s repeats %s:%llu", (int)idn, id, w->files[o->file].name,
		    (unsigned long long)o->line);
		return 0;
	}
	row.file = w->curno;
	row.line = r->line;
	row.par = parn ? keep(w, par, parn) : (struct span){0, 0};
	row.author = keep(w, r->f[f->col[C_AUTHOR_ID]], r->flen[f->col[C_AUTHOR_ID]]);
	row.text = keep(w, r->f[f->col[C_TEXT]], r->flen[f->col[C_TEXT]]);
	/* The other fields are only needed again for --raw. */
	if (w->o->raw) {
		row.nf = (uint32_t)r->nf;
		row.f0 = w->nfields;
		if (w->nfields + r->nf > w->fcap) {
			while (w->nfields + r->nf > w->fcap)
				w->fcap = w->fcap ? w->fcap * 2 : 4096;
			if (!(w->fields = realloc(w->fields, w->fcap * sizeof *w->fields)))
				nomem(w);
		}
		for (size_t i = 0; i < r->nf; i++)
			w->fields[w->nfields++] = keep(w, r->f[i], r->flen[i]);
	}
	if (w->nrows == w->rcap) {
		w->rcap = w->rcap ? w->rcap * 2 : 4096;
		if (!(w->rows = realloc(w->rows, w->rcap * sizeof *w->rows)))
			nomem(w);
	}
	w->rows[w->nrows++] = row;
	return 0;
}

/* Thread roots: follow each chain up to the first row whose parent is not
 * in the input.  Iterative, and safe on cycles (ids that reply to each
 * other): the row where a cycle closes is taken as its root. */
static void find_roots(struct twcs *w)
{
	int32_t *stack = malloc((w->nrows + 1) * sizeof *stack);
	unsigned char *state = calloc(w->nrows + 1, 1);   /* 0 new, 1 on stack, 2 done */
	if (!stack || !state)
		nomem(w);
	for (size_t i = 0; i < w->nrows; i++) {
		size_t sp = 0;
		int32_t j = (int32_t)i, root;
		while (state[j] == 0) {
			state[j] = 1;
			stack[sp++] = j;
			if (w->rows[j].parent < 0)
				break;
			j = w->rows[j].parent;
		}
		if (state[j] == 2)
			root = w->rows[j].root;
		else
			root = j;       /* no parent here, or the cycle closes at j */
		while (sp > 0) {
			int32_t k = stack[--sp];
			w->rows[k].root = root;
			state[k] = 2;
		}
	}
	free(stack);
	free(state);
}

/* Is a earlier than b: by time, then by input order. */
static bool earlier(const struct twcs *w, int32_t a, int32_t b)
{
	if (b < 0)
		return true;
	if (w->rows[a].t != w->rows[b].t)
		return w->rows[a].t < w->rows[b].t;
	return a < b;
}

static bool handle_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_';
}

/* The first @handle in text that names a brand of the input: its row. */
static int32_t mentioned_brand(struct twcs *w, struct span text)
{
	char h[64];
	const char *s = at(w, text);
	for (size_t i = 0; i < text.len; i++) {
		if (s[i] != '@' || (i > 0 && handle_char((unsigned char)s[i - 1])))
			continue;
		size_t n = 0, k = i + 1;
		for (; k < text.len && handle_char((unsigned char)s[k]) && n < sizeof h; k++)
			h[n++] = s[k] >= 'A' && s[k] <= 'Z' ? (char)(s[k] | 0x20) : s[k];
		if (n == 0 || n == sizeof h)
			continue;
		int32_t b = find(w, &w->brands, h, n);
		if (b >= 0)
			return b;
	}
	return -1;
}

static void resolve(struct twcs *w, int32_t **accountp)
{
	int32_t *thread_brand = malloc((w->nrows + 1) * sizeof *thread_brand);
	int32_t *account = malloc((w->nrows + 1) * sizeof *account);
	if (!thread_brand || !account)
		nomem(w);
	for (size_t i = 0; i < w->nrows; i++) {
		struct row *r = &w->rows[i];
		r->parent = r->par.len ? find(w, &w->ids, at(w, r->par), r->par.len) : -1;
		r->responder = -1;
		thread_brand[i] = -1;
	}
	find_roots(w);
	for (size_t i = 0; i < w->nrows; i++) {
		struct row *r = &w->rows[i];
		if (r->inbound)
			continue;
		struct span a = r->author;
		char low[256];
		if (a.len < sizeof low) {
			for (size_t k = 0; k < a.len; k++) {
				char c = at(w, a)[k];
				low[k] = c >= 'A' && c <= 'Z' ? c | 0x20 : c;
			}
			if (find(w, &w->brands, low, a.len) < 0)
				insert(w, &w->brands, keep(w, low, a.len), (int32_t)i);
		}
		if (earlier(w, (int32_t)i, thread_brand[r->root]))
			thread_brand[r->root] = (int32_t)i;
		if (r->parent >= 0 && earlier(w, (int32_t)i, w->rows[r->parent].responder))
			w->rows[r->parent].responder = (int32_t)i;
	}
	for (size_t i = 0; i < w->nrows; i++) {
		struct row *r = &w->rows[i];
		int32_t b;
		if (!r->inbound)
			b = (int32_t)i;
		else if (r->responder >= 0)
			b = r->responder;
		else if (r->parent >= 0 && !w->rows[r->parent].inbound)
			b = r->parent;
		else if (thread_brand[r->root] >= 0)
			b = thread_brand[r->root];
		else
			b = mentioned_brand(w, r->text);
		account[i] = b;
	}
	free(thread_brand);
	*accountp = account;
}

static rec_value span_str(const struct twcs *w, struct span s)
{
	return rv_str(at(w, s), s.len);
}

static rec_value span_id(const struct twcs *w, struct span s)
{
	return rv_id("twitter", at(w, s), s.len);
}

static void emit(struct twcs *w, const int32_t *account)
{
	cp_buf b = {0}, raw = {0};
	char ts[32];

	for (size_t i = 0; i < w->nrows; i++) {
		const struct row *r = &w->rows[i];
		size_t tn = (size_t)time_format(r->t, ts);
		rec_values v = {
			.id = span_id(w, r->id),
			.platform = rv_cstr("twitter"),
			.account = account[i] >= 0 ? span_str(w, w->rows[account[i]].author)
			                           : (rec_value){ .kind = RV_NULL },
			.direction = r->inbound ? REC_DIR_IN : REC_DIR_OUT,
			.kind = rv_cstr(r->par.len ? "reply" : "post"),
			.author_id = span_str(w, r->author),
			.author_handle = span_str(w, r->author),
			.text = span_str(w, r->text),
			.created_at = rv_str(ts, tn),
			.in_reply_to = r->par.len ? span_id(w, r->par) : (rec_value){ .kind = RV_NULL },
			.thread = span_id(w, w->rows[r->root].id),
		};
		if (w->o->raw) {
			/* Every append is checked: a piece left out would make a
			 * broken line. */
			const struct file *f = &w->files[r->file];
			int rc = 0;
			buf_reset(&raw);
			rc |= buf_addc(&raw, '{');
			for (size_t k = 0; k < r->nf; k++) {
				if (k)
					rc |= buf_addc(&raw, ',');
				rc |= buf_json_str(&raw, at(w, w->fields[f->h0 + k]), w->fields[f->h0 + k].len);
				rc |= buf_addc(&raw, ':');
				rc |= buf_json_str(&raw, at(w, w->fields[r->f0 + k]), w->fields[r->f0 + k].len);
			}
			rc |= buf_addc(&raw, '}');
			if (rc)
				nomem(w);
			v.raw = rv_json(raw.p, raw.len);
		}
		buf_reset(&b);
		if (record_write(&b, &v) < 0)
			nomem(w);
		cp_emit(w->p, b.p, b.len);
	}
	buf_free(&b);
	buf_free(&raw);
}

/* One input, read whole: a reply can come before the tweet it answers. */
static int twcs_input(void *ctx, cp_rd *in, int index, cp_err *e)
{
	struct twcs *w = ctx;
	w->cur = &w->files[index];
	w->curno = (uint32_t)index;
	/* The name outlives the reader: rows are resolved after every input. */
	const char *arg = w->o->nfiles ? w->o->files[index] : "-";
	w->cur->name = strcmp(arg, "-") == 0 ? "(stdin)" : arg;
	buf_free(&w->data);
	if (rd_all(in, &w->data, e) < 0) {
		cp_warn(w->p, "%s: %s", rd_name(in), e->msg);
		cp_status(w->p, e->code);
	}
	struct fm_csvrd *c = fm_csvrd_new(w->p, w->cur->name, on_row, w);
	if (!c)
		nomem(w);
	if (fm_csvrd_feed(c, w->data.p ? w->data.p : "", w->data.len) < 0 || fm_csvrd_finish(c) < 0)
		nomem(w);
	fm_csvrd_free(c);
	return 0;
}

int fm_import_twcs(cp_prog *p, const struct fm_opts *o)
{
	struct twcs w = { .p = p, .o = o };
	int32_t *account;

	if (!(w.files = calloc(o->nfiles ? (size_t)o->nfiles : 1, sizeof *w.files)))
		nomem(&w);
	cp_each_input(p, o->nfiles, o->files, twcs_input, &w);
	buf_free(&w.data);
	resolve(&w, &account);
	emit(&w, account);
	free(account);
	free(w.files);
	free(w.fields);
	free(w.rows);
	free(w.ids.s);
	free(w.brands.s);
	buf_free(&w.arena);
	return 0;
}
