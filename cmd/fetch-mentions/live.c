/*
 * live.c - fetch-mentions from the sources of a carepipe.conf(5) file.
 *
 * Each source is swept page by page (platform.h).  For each page, the
 * source's new state is written and fsynced to a temporary file, then the
 * page's new records are written and flushed, and only then is the state
 * renamed into place (state_stage, state_commit): the cursor, the position
 * in the sweep, and a bounded window of recent ids that drops records
 * already emitted.  Termination signals are held back while a page is
 * committed, so a kill lands either before the page (nothing of it out,
 * state as before) or after it (all of it out, state covering it): a rerun
 * misses nothing and repeats nothing.  Only a SIGKILL between the flush
 * and the rename can repeat a page: at least once, never lost; ids are
 * unique, so downstream drops the repeats (fetch-mentions(1)).
 *
 * A window (--since, --until) and --limit only choose which of a page's
 * records are written (pick_records); what is not written never joins
 * the seen ids, so a later run can still write it.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fm.h"
#include "http.h"
#include "platform.h"
#include "strmap.h"

/* Recent ids kept per source: more than the pages a sweep can overlap. */
#define SEEN_MAX 5000

/* The window: a ring of the last SEEN_MAX ids, oldest leaving first, and
 * an index of them so a lookup is not a scan.  The ring points at the
 * index's own copies of the keys. */
struct seen {
	const char **id;    /* a ring of SEEN_MAX ids */
	size_t n, next;
	strmap index;       /* id -> nothing: membership */
};

static bool seen_has(const struct seen *s, const char *id, size_t len)
{
	return map_findn(&s->index, id, strnlen(id, len)) != NULL;
}

/* Add an id (one already in the window stays where it is); 0 or -1. */
static int seen_add(struct seen *s, const char *id, size_t len)
{
	if (!s->id && !(s->id = calloc(SEEN_MAX, sizeof *s->id)))
		return -1;
	len = strnlen(id, len);
	if (map_findn(&s->index, id, len))
		return 0;
	const char *old = s->id[s->next];
	struct map_slot *slot = map_addn(&s->index, id, len);
	if (!slot)
		return -1;
	s->id[s->next] = slot->key;
	if (old)   /* the oldest id leaves the window, and the index */
		map_del(&s->index, map_findn(&s->index, old, strlen(old)));
	s->next = (s->next + 1) % SEEN_MAX;
	if (s->n < SEEN_MAX)
		s->n++;
	return 0;
}

static void seen_free(struct seen *s)
{
	map_free(&s->index, NULL);
	free(s->id);
	memset(s, 0, sizeof *s);
}

struct run {
	cp_prog *p;
	const struct fm_opts *o;
	size_t written;     /* records written by this run, for --limit */
	cp_http *http;
	sigset_t hold;      /* signals held while a page is committed */
};

static char *sweep_path(const char *dir, const cp_source *s)
{
	cp_buf b = {0};
	if (buf_addf(&b, "%s/%s.state", dir, s->name) < 0)
		return NULL;
	return b.p;
}

static int str_or_null(cp_buf *b, const char *s)
{
	return s ? buf_json_str(b, s, strlen(s)) : buf_adds(b, "null");
}

/* The state file: one JSON object, the newest ids last. */
static int sweep_text(cp_buf *b, const cp_sweep *sw, const struct seen *seen, cp_err *e)
{
	int rc = 0;
	rc |= buf_adds(b, "{\"cursor\":");
	rc |= str_or_null(b, sw->cursor);
	rc |= buf_adds(b, ",\"newest\":");
	rc |= str_or_null(b, sw->newest);
	rc |= buf_adds(b, ",\"page\":");
	rc |= str_or_null(b, sw->page);
	rc |= buf_adds(b, ",\"seen\":[");
	size_t first = seen->n < SEEN_MAX ? 0 : seen->next;
	for (size_t i = 0; i < seen->n; i++) {
		const char *id = seen->id[(first + i) % SEEN_MAX];
		if (i)
			rc |= buf_addc(b, ',');
		rc |= buf_json_str(b, id, strlen(id));
	}
	rc |= buf_adds(b, "]}\n");
	return rc ? cp_fail(e, CP_EX_OSERR, "out of memory") : 0;
}

static int take_str(cp_val v, char **slot)
{
	cp_buf b = {0};
	if (v.type != VAL_STRING)
		return 0;
	if (val_str(v, &b) < 0)
		return -1;
	int rc = plat_set(slot, b.p ? b.p : "", b.len);
	buf_free(&b);
	return rc;
}

/* A source's state file as sweep_text wrote it, read with common/state.c's
 * state_read: 1 loaded, 0 none yet, -1 (e set).  Named sweep_, not
 * state_, so it cannot be taken for one of state.c's functions. */
static int sweep_load(const char *path, cp_sweep *sw, struct seen *seen, cp_err *e)
{
	cp_buf text = {0};
	cp_rec r = {0};
	int got = state_read(path, &text, e);
	if (got <= 0)
		return got;
	size_t len = text.len;
	while (len > 0 && (text.p[len - 1] == '\n' || text.p[len - 1] == '\r'))
		len--;
	int rc = 0;
	if (rec_parse(&r, text.p, len) < 0) {
		rc = r.err == rec_err_oom ? cp_fail(e, CP_EX_OSERR, "out of memory") :
		     cp_fail(e, CP_EX_DATAERR, "%s: not a state file (%s); move it away to start over",
		             path, r.err);
		goto done;
	}
	if (take_str(rec_val(&r, "cursor"), &sw->cursor) < 0 ||
	    take_str(rec_val(&r, "newest"), &sw->newest) < 0 ||
	    take_str(rec_val(&r, "page"), &sw->page) < 0) {
		rc = cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	cp_val ids = rec_val(&r, "seen"), id;
	size_t pos = 0;
	cp_buf tmp = {0};
	while (val_next(ids, &pos, NULL, &id)) {
		buf_reset(&tmp);
		if (val_str(id, &tmp) == 0 && seen_add(seen, tmp.p ? tmp.p : "", tmp.len) < 0) {
			rc = cp_fail(e, CP_EX_OSERR, "out of memory");
			break;
		}
	}
	buf_free(&tmp);
	if (rc == 0)
		rc = 1;
done:
	rec_free(&r);
	buf_free(&text);
	return rc;
}

/* What pick_records made of a page. */
struct pick {
	size_t total;       /* records on the page */
	size_t picked;      /* new, inside the window, within --limit */
	size_t dups;        /* already written (by id) */
	size_t older;       /* before --since */
	size_t later;       /* at or after --until */
	bool cut;           /* --limit reached with records of the page left */
};

/* Pick the page's records to write into picked: those whose id is new,
 * inside the --since/--until window, up to --limit.  Only what is picked
 * joins the window of seen ids: a record left out now can still come in
 * a later run. */
static int pick_records(struct run *r, const cp_source *s, const cp_buf *page,
                        struct seen *seen, cp_buf *picked, struct pick *pk, cp_err *e)
{
	const struct fm_opts *o = r->o;
	cp_rec rr = {0};
	cp_buf tmp = {0};
	int rc = 0;
	memset(pk, 0, sizeof *pk);
	buf_reset(picked);
	const char *p = page->p, *end = page->p + page->len;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *next = nl ? nl + 1 : end;
		if (rec_parse(&rr, p, len) < 0) {
			rc = rr.err == rec_err_oom ? cp_fail(e, CP_EX_OSERR, "out of memory") :
			     cp_fail(e, CP_EX_SOFTWARE, "source %s: a record made here is not JSON: %s",
			             s->name, rr.err);
			break;
		}
		pk->total++;
		size_t idn;
		const char *id = val_rawstr(rec_val(&rr, "id"), &idn);
		if (!id) {
			/* Ids with escapes are rare; compare them unescaped. */
			buf_reset(&tmp);
			if (val_str(rec_val(&rr, "id"), &tmp) < 0) {
				rc = cp_fail(e, CP_EX_SOFTWARE, "source %s: a record without an id", s->name);
				break;
			}
			id = tmp.p ? tmp.p : "";
			idn = tmp.len;
		}
		if (seen_has(seen, id, idn)) {
			pk->dups++;
			p = next;
			continue;
		}
		if (o->has_since || o->has_until) {
			size_t tn;
			const char *ts = val_rawstr(rec_val(&rr, "created_at"), &tn);
			int64_t t;
			if (!ts || time_parse(ts, tn, &t) < 0) {
				rc = cp_fail(e, CP_EX_SOFTWARE, "source %s: a record made here has no "
				    "created_at", s->name);
				break;
			}
			if (o->has_since && t < o->since) {
				pk->older++;
				p = next;
				continue;
			}
			if (o->has_until && t >= o->until) {
				pk->later++;
				p = next;
				continue;
			}
		}
		if (o->limit && r->written + pk->picked >= (size_t)o->limit) {
			pk->cut = true;
			break;
		}
		if (seen_add(seen, id, idn) < 0 || buf_add(picked, p, len) < 0 ||
		    buf_addc(picked, '\n') < 0) {
			rc = cp_fail(e, CP_EX_OSERR, "out of memory");
			break;
		}
		pk->picked++;
		p = next;
	}
	buf_free(&tmp);
	rec_free(&rr);
	return rc;
}

/* The commit of one page, with termination signals held so it happens
 * whole: write and fsync the state that covers the picked records to its
 * temporary file, write and flush the records, and only then rename the
 * state into place.  A SIGKILL, which cannot be held, repeats the page
 * only when it lands between the flush and the rename. */
static int commit_page(struct run *r, const cp_buf *picked, const char *spath,
                       const cp_sweep *sw, const struct seen *seen, cp_err *e)
{
	sigset_t old;
	state_txn txn = {0};
	bool staged = false;
	int rc = 0;
	sigprocmask(SIG_BLOCK, &r->hold, &old);
	if (spath) {
		cp_buf text = {0};
		rc = sweep_text(&text, sw, seen, e);
		if (rc == 0 && (rc = state_stage(&txn, spath, text.p, text.len, e)) == 0)
			staged = true;
		buf_free(&text);
	}
	for (const char *q = picked->p, *end = picked->p + picked->len; rc == 0 && q && q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		/* cp_emit would exit on an error and leave the temporary file. */
		if (buf_failures())
			rc = cp_fail(e, CP_EX_OSERR, "out of memory");
		else if (out_record(&r->p->out, q, (size_t)(nl - q)) < 0)
			rc = cp_fail(e, CP_EX_IOERR, "write error: %s", cp_out_strerror(r->p));
		else
			r->p->nrecords++;
		q = nl + 1;
	}
	if (rc == 0 && out_flush(&r->p->out) < 0)
		rc = cp_fail(e, CP_EX_IOERR, "write error: %s", cp_out_strerror(r->p));
	if (staged) {
		if (rc == 0)
			rc = state_commit(&txn, e);
		else
			state_discard(&txn);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static bool token_seen(char **tokens, size_t n, const char *t)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tokens[i], t) == 0)
			return true;
	return false;
}

static int fetch_source(struct run *r, const cp_source *s, cp_err *e)
{
	const struct fm_opts *o = r->o;
	/* A window (--since, --until) is a sweep of its own: it starts at the
	 * newest item, stops at the saved cursor, and leaves the cursor and
	 * a pending page as they were (kept), growing only the seen ids; a
	 * --since sweep that completes, with no page pending, moves the
	 * cursor as a plain run does. */
	bool windowed = o->has_since || o->has_until;
	cp_sweep sw = {0}, kept = {0};
	struct seen seen = {0};
	char *spath = NULL;
	char **tokens = NULL;
	size_t ntokens = 0, emitted = 0, dups = 0, outside = 0;
	long pages = 0;
	cp_buf page = {0}, picked = {0};
	cp_conn *c = NULL;
	int rc = -1;

	if (o->state) {
		if (!(spath = sweep_path(o->state, s))) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
		if (sweep_load(spath, windowed ? &kept : &sw, &seen, e) < 0)
			goto done;
		if (windowed && plat_set(&sw.cursor, kept.cursor,
		                         kept.cursor ? strlen(kept.cursor) : 0) < 0) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
	}
	if (!(c = plat_open(r->http, s, e)))
		goto done;
	c->since = o->has_since ? o->since : 0;
	c->until = o->has_until ? o->until : 0;
	for (;;) {
		cp_sweep before = {0};
		size_t n = 0;
		struct pick pk;
		buf_reset(&page);
		if (plat_set(&before.page, sw.page, sw.page ? strlen(sw.page) : 0) < 0) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
		if (c->plat->fetch(c, &sw, o->raw, &page, &n, e) < 0) {
			plat_sweep_free(&before);
			goto done;
		}
		pages++;
		if (pick_records(r, s, &page, &seen, &picked, &pk, e) < 0) {
			plat_sweep_free(&before);
			goto done;
		}
		emitted += pk.picked;
		dups += pk.dups;
		outside += pk.older + pk.later;
		bool looped = sw.page && (token_seen(tokens, ntokens, sw.page) ||
		    (before.page && strcmp(before.page, sw.page) == 0));
		if (looped || pk.cut) {
			/* Keep this page's records (they are new and real) but
			 * not the position: a loop keeps the state where it was,
			 * and a page cut by --limit is read again next time (its
			 * written records are then dropped by id). */
			char *bad = sw.page;
			sw.page = before.page;
			before.page = bad;
		} else if (pk.older && !pk.picked) {
			/* Newest first: a page wholly before --since ends the
			 * sweep, as the cursor would. */
			free(sw.page);
			sw.page = NULL;
		}
		if (!sw.page && !looped && !pk.cut && sw.newest) {
			/* The sweep is complete: its newest item is the next cursor. */
			free(sw.cursor);
			sw.cursor = sw.newest;
			sw.newest = NULL;
			if (windowed && !o->has_until && !kept.page &&
			    plat_set(&kept.cursor, sw.cursor, strlen(sw.cursor)) < 0) {
				plat_sweep_free(&before);
				cp_fail(e, CP_EX_OSERR, "out of memory");
				goto done;
			}
		}
		int crc = commit_page(r, &picked, spath, windowed ? &kept : &sw, &seen, e);
		r->written += pk.picked;
		if (looped && crc == 0)
			cp_fail(e, CP_EX_UNAVAILABLE,
			    "source %s: the server's paging cursor loops (it gave '%s' again); state not advanced",
			    s->name, before.page);
		plat_sweep_free(&before);
		if (crc < 0 || looped)
			goto done;
		if (pk.cut || (o->limit && r->written >= (size_t)o->limit))
			break;  /* the state says where the next run goes on */
		if (!sw.page)
			break;
		char **grown = realloc(tokens, (ntokens + 1) * sizeof *grown);
		if (!grown || !(grown[ntokens] = strdup(sw.page))) {
			free(grown ? grown : tokens);
			tokens = NULL;
			ntokens = 0;
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
		tokens = grown;
		ntokens++;
		if (pages >= s->max_pages) {
			if (r->p->verbose)
				cp_warn(r->p, "source %s: %ld pages, max_pages reached; the next run goes on",
				    s->name, pages);
			break;
		}
	}
	rc = 0;
done:
	if (r->p->verbose) {
		if (windowed)
			cp_warn(r->p, "source %s: %zu records, %zu already seen, %zu outside the "
			    "window, %ld pages", s->name, emitted, dups, outside, pages);
		else
			cp_warn(r->p, "source %s: %zu records, %zu already seen, %ld pages", s->name,
			    emitted, dups, pages);
	}
	for (size_t i = 0; i < ntokens; i++)
		free(tokens[i]);
	free(tokens);
	plat_close(c);
	plat_sweep_free(&sw);
	plat_sweep_free(&kept);
	seen_free(&seen);
	buf_free(&page);
	buf_free(&picked);
	free(spath);
	return rc;
}

int fm_live(cp_prog *p, const struct fm_opts *o)
{
	cp_err e = {0};
	struct run r;
	int lock = -1, status = 0;

	memset(&r, 0, sizeof r);
	r.p = p;
	r.o = o;
	cp_config *cf = cp_config_find_load(o->config, &e);
	if (!cf)
		cp_die_err(p, &e);
	if (o->source && !cp_config_find(cf, o->source))
		cp_usage_error(p, "no source [%s] in %s", o->source, cf->path);
	if (cf->nsrc == 0)   /* a file of notify channels only */
		cp_die(p, CP_EX_CONFIG, "%s: no [source] section", cf->path);
	if (o->state && (lock = state_lock(o->state, o->wait, &e)) < 0)
		cp_die_err(p, &e);

	sigemptyset(&r.hold);
	sigaddset(&r.hold, SIGTERM);
	sigaddset(&r.hold, SIGINT);
	sigaddset(&r.hold, SIGHUP);
	sigaddset(&r.hold, SIGQUIT);

	cp_http_opts ho = {0};
	ho.cacert = o->cacert;
	ho.max_wait = o->max_wait_set ? (double)o->max_wait : 300;
	if (o->max_wait_set && o->max_wait == 0)
		ho.max_wait = 0.001;   /* --max-wait 0: never wait on a rate limit */
	ho.on_wait = cp_on_wait;
	ho.on_trace = p->verbose ? cp_on_trace : NULL;
	ho.ctx = p;
	if (!(r.http = http_new(&ho, &e)))
		cp_die_err(p, &e);

	for (size_t i = 0; i < cf->nsrc; i++) {
		const cp_source *s = &cf->src[i];
		if (o->source && strcmp(o->source, s->name) != 0)
			continue;
		if (o->limit && r.written >= (size_t)o->limit)
			break;
		e.code = 0;
		e.msg[0] = '\0';
		if (fetch_source(&r, s, &e) < 0 || e.code) {
			/* One source failing does not stop the others. */
			cp_warn(p, "%s", e.msg);
			cp_status(p, e.code ? e.code : CP_EX_SOFTWARE);
			if (e.code > status)
				status = e.code;
		}
	}
	http_free(r.http);
	state_unlock(lock);
	cp_config_free(cf);
	return status;
}
