/*
 * The CSV record reader: libcsv does the quoting; this file adds what
 * libcsv does not track, the physical line where a record starts and the
 * record's own bytes, so a bad row is reported as FILE:LINE and copied to
 * --bad verbatim.  Input is cut after every CR and LF before it reaches
 * libcsv; a record can only end at such a byte, so after each piece we
 * know whether the record in hand is complete.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "fm.h"

struct fm_csvrd {
	struct csv_parser cp;
	cp_prog *p;
	cp_progress pg;         /* on a terminal: rows so far */
	uint64_t nrec;
	const char *file;
	fm_csv_fn fn;
	void *ctx;
	uint64_t line;          /* physical line of the next byte fed */
	uint64_t rec_line;
	bool in_rec;            /* the bytes of a record are coming */
	bool ended;             /* libcsv just ended the record */
	bool nomem;
	cp_buf raw;
	cp_buf fbytes;             /* field bytes, each followed by a NUL */
	size_t *foff, *flen;
	const char **fptr;
	size_t nf, fcap;
};

/* Spaces around unquoted fields are data (customers type them). */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct fm_csvrd *c = data;
	if (c->nf == c->fcap) {
		size_t cap = c->fcap ? c->fcap * 2 : 16;
		size_t *o = realloc(c->foff, cap * sizeof *o);
		if (o)
			c->foff = o;
		size_t *l = realloc(c->flen, cap * sizeof *l);
		if (l)
			c->flen = l;
		const char **f = realloc(c->fptr, cap * sizeof *f);
		if (f)
			c->fptr = f;
		if (!o || !l || !f) {
			c->nomem = true;
			return;
		}
		c->fcap = cap;
	}
	c->foff[c->nf] = c->fbytes.len;
	c->flen[c->nf] = len;
	if (buf_add(&c->fbytes, s ? s : "", len) < 0 || buf_addc(&c->fbytes, '\0') < 0) {
		c->nomem = true;
		return;
	}
	c->nf++;
}

static void on_record(int term, void *data)
{
	struct fm_csvrd *c = data;
	(void)term;
	c->ended = true;
}

static void progress(struct fm_csvrd *c, bool final)
{
	cp_progress_show(c->p, &c->pg, final, "%s: %llu rows, %llu bad, %.0f rows/s", c->file,
	    (unsigned long long)c->nrec, (unsigned long long)c->p->nbad,
	    cp_progress_rate(&c->pg, c->nrec));
}

struct fm_csvrd *fm_csvrd_new(cp_prog *p, const char *file, fm_csv_fn fn, void *ctx)
{
	struct fm_csvrd *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (csv_init(&c->cp, 0) != 0) {
		free(c);
		return NULL;
	}
	csv_set_space_func(&c->cp, no_space);
	c->p = p;
	cp_progress_init(p, &c->pg);
	c->file = file;
	c->fn = fn;
	c->ctx = ctx;
	c->line = 1;
	return c;
}

static int deliver(struct fm_csvrd *c)
{
	struct fm_csvrec r;
	size_t n = c->raw.len;
	int rc;

	c->ended = false;
	c->in_rec = false;
	if (c->nomem)
		return -1;
	/* Drop the line end that closed the record: one CR, LF or CRLF. */
	if (n && c->raw.p[n - 1] == '\n')
		n--;
	if (n && c->raw.p[n - 1] == '\r')
		n--;
	for (size_t i = 0; i < c->nf; i++)
		c->fptr[i] = c->fbytes.p + c->foff[i];
	r.file = c->file;
	r.line = c->rec_line;
	r.raw = c->raw.p ? c->raw.p : "";
	r.rawlen = n;
	r.nf = c->nf;
	r.f = c->fptr;
	r.flen = c->flen;
	rc = c->fn(c->ctx, &r);
	if ((++c->nrec & 0x3fff) == 0 && cp_progress_due(&c->pg))
		progress(c, false);
	c->nf = 0;
	buf_reset(&c->fbytes);
	buf_reset(&c->raw);
	return rc;
}

int fm_csvrd_feed(struct fm_csvrd *c, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *q = p;
		while (q < end && *q != '\n' && *q != '\r')
			q++;
		if (q < end)
			q++;            /* the piece ends with its CR or LF */
		if (!c->in_rec && !(q - p == 1 && (*p == '\n' || *p == '\r'))) {
			c->in_rec = true;
			c->rec_line = c->line;
			buf_reset(&c->raw);
		}
		if (c->in_rec && buf_add(&c->raw, p, q - p) < 0)
			return -1;
		if (csv_parse(&c->cp, p, q - p, on_field, on_record, c) != (size_t)(q - p))
			return -1;
		if (q[-1] == '\n')
			c->line++;
		p = q;
		if (c->ended) {
			int rc = deliver(c);
			if (rc)
				return rc;
		}
		if (c->nomem)
			return -1;
	}
	return 0;
}

int fm_csvrd_finish(struct fm_csvrd *c)
{
	int rc = 0;
	if (csv_fini(&c->cp, on_field, on_record, c) != 0)
		return -1;
	if (c->ended)
		rc = deliver(c);
	else if (c->nomem)
		rc = -1;
	progress(c, true);
	return rc;
}

void fm_csvrd_free(struct fm_csvrd *c)
{
	if (!c)
		return;
	csv_free(&c->cp);
	buf_free(&c->raw);
	buf_free(&c->fbytes);
	free(c->foff);
	free(c->flen);
	free(c->fptr);
	free(c);
}

/* A field for a message: shortened at a character boundary, and on one
 * line, since it may be customer text. */
const char *fm_time_problem(int time_parse_rc)
{
	return time_parse_rc == -2 ? "is outside 1970 to 9999" : "is not a date";
}

const char *fm_shown(const char *s, size_t n, char out[40])
{
	size_t k = n > 32 ? 29 : n;
	while (k < n && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	for (size_t i = 0; i < k; i++)
		out[i] = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
	strcpy(out + k, k < n ? "..." : "");
	return out;
}

void fm_csv_header_field(const struct fm_csvrec *r, size_t i, const char **s, size_t *n)
{
	*s = r->f[i];
	*n = r->flen[i];
	if (i == 0 && *n >= 3 && memcmp(*s, "\xEF\xBB\xBF", 3) == 0) {
		*s += 3;
		*n -= 3;
	}
}
