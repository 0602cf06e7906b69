/*
 * notify's journal: the meaning of its lines (the file, its lock and its
 * torn tail are common/jlog.c's).  An intent is on disk before a message
 * leaves and a done right after the channel said yes, so a crash leaves
 * nothing (not sent), an intent alone (unknown: sent again with the same
 * key by the next run) or a done (sent).
 */
#include <stdlib.h>
#include <string.h>

#include "notify.h"

static void entry_free(void *v)
{
	nentry *ne = v;
	free(ne->channel);
	free(ne->id);
	free(ne->key);
	free(ne->body);
	free(ne->line);
	for (size_t i = 0; i < ne->nitems; i++)
		free(ne->items[i]);
	free(ne->items);
	free(ne);
}

static int mapkey(cp_buf *k, const char *channel, const char *id)
{
	buf_reset(k);
	if (buf_adds(k, channel) < 0 || buf_addc(k, '\n') < 0 || buf_adds(k, id) < 0 || !buf_cstr(k))
		return -1;
	return 0;
}

static nentry *lookup(const njournal *j, const char *channel, const char *id)
{
	cp_buf k = {0};
	nentry *ne = mapkey(&k, channel, id) < 0 ? NULL : jlog_find(&j->ix, k.p);
	buf_free(&k);
	return ne;
}

static nentry *entry_for(njournal *j, const char *channel, const char *id)
{
	cp_buf k = {0};
	bool made = false;
	nentry *ne = mapkey(&k, channel, id) < 0 ? NULL : jlog_entry(&j->ix, k.p, sizeof *ne, &made);
	buf_free(&k);
	/* A new entry without its names is freed with the index. */
	if (ne && made && (!(ne->channel = strdup(channel)) || !(ne->id = strdup(id))))
		return NULL;
	return ne;
}

/* Apply one line to the in-memory view. */
static int apply(void *ctx, const cp_rec *r)
{
	njournal *j = ctx;
	cp_val ev = rec_val(r, "event");
	char *channel = jlog_str(rec_val(r, "channel"));
	char *id = jlog_str(rec_val(r, "id"));
	nentry *ne = channel && id ? entry_for(j, channel, id) : NULL;
	int rc = 0;
	if (!ne) {
		rc = -1;
		goto out;
	}
	ne->at = jlog_at(r);
	if (val_streq(ev, "queued")) {
		/* Queued again after a failed digest changes nothing. */
		if (ne->state != N_QUEUED)
			ne->queued_at = ne->at;
		ne->state = N_QUEUED;
		if (!jlog_set(&ne->line, rec_val(r, "line")))
			rc = -1;
	} else if (val_streq(ev, "intent") || val_streq(ev, "pending")) {
		ne->state = val_streq(ev, "intent") ? N_INTENT : N_PENDING;
		jlog_set(&ne->key, rec_val(r, "key"));
		jlog_set(&ne->body, rec_val(r, "body"));
		if (!ne->key || !ne->body) {
			rc = -1;
			goto out;
		}
		cp_val items = rec_val(r, "items");
		for (size_t i = 0; i < ne->nitems; i++)
			free(ne->items[i]);
		free(ne->items);
		ne->items = NULL;
		ne->nitems = 0;
		if (items.type == VAL_ARRAY) {
			size_t pos = 0, n = val_len(items);
			cp_val k, el;
			if (n && !(ne->items = calloc(n, sizeof *ne->items))) {
				rc = -1;
				goto out;
			}
			while (val_next(items, &pos, &k, &el)) {
				char *s = jlog_str(el);
				nentry *it = s ? entry_for(j, channel, s) : NULL;
				if (!it) {
					free(s);
					rc = -1;
					goto out;
				}
				it->in_digest = true;
				ne->items[ne->nitems++] = s;
			}
		}
	} else if (val_streq(ev, "done") || val_streq(ev, "failed")) {
		bool done = val_streq(ev, "done");
		ne->state = done ? N_DONE : N_FAILED;
		/* A failed message is sent again from the journal (its record
		 * may never come again); a sent one need not keep its body. */
		if (done) {
			free(ne->body);
			free(ne->key);
			ne->body = ne->key = NULL;
		}
		for (size_t i = 0; i < ne->nitems; i++) {
			nentry *it = lookup(j, channel, ne->items[i]);
			if (!it)
				continue;
			it->in_digest = false;
			if (done) {
				it->state = N_DONE;
				it->at = ne->at;
			}
		}
	} else {
		rc = -1;
	}
out:
	free(channel);
	free(id);
	return rc;
}

njournal *nj_open(const char *path, cp_err *e)
{
	njournal *j = calloc(1, sizeof *j);
	if (!j) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	if (!(j->log = jlog_open(path, "notify", apply, j, e))) {
		nj_close(j);
		return NULL;
	}
	return j;
}

const nentry *nj_get(const njournal *j, const char *channel, const char *id)
{
	return j ? lookup(j, channel, id) : NULL;
}


static int head(cp_buf *b, const char *event, const char *channel, const char *id)
{
	int bad = jlog_begin(b, event) < 0;
	bad |= jlog_field(b, "channel", channel) < 0;
	bad |= jlog_field(b, "id", id) < 0;
	return bad;
}

int nj_queued(njournal *j, const char *channel, const char *id, const char *line, cp_err *e)
{
	cp_buf b = {0};
	int bad = head(&b, "queued", channel, id);
	bad |= jlog_field(&b, "line", line) < 0;
	return jlog_commit(j->log, &b, bad, e);
}

int nj_intent(njournal *j, const char *channel, const char *id, const char *key,
              const char *body, const char *const *items, size_t nitems, cp_err *e)
{
	cp_buf b = {0};
	int bad = head(&b, "intent", channel, id);
	bad |= jlog_field(&b, "key", key) < 0;
	if (items) {
		bad |= buf_adds(&b, ",\"items\":[") < 0;
		for (size_t i = 0; i < nitems; i++) {
			if (i)
				bad |= buf_addc(&b, ',') < 0;
			bad |= buf_json_str(&b, items[i], strlen(items[i])) < 0;
		}
		bad |= buf_addc(&b, ']') < 0;
	}
	bad |= jlog_field(&b, "body", body) < 0;
	return jlog_commit(j->log, &b, bad, e);
}

int nj_pending(njournal *j, const char *channel, const char *id, const char *key,
               const char *body, cp_err *e)
{
	cp_buf b = {0};
	int bad = head(&b, "pending", channel, id);
	bad |= jlog_field(&b, "key", key) < 0;
	bad |= jlog_field(&b, "body", body) < 0;
	return jlog_commit(j->log, &b, bad, e);
}

int nj_done(njournal *j, const char *channel, const char *id, long code, cp_err *e)
{
	cp_buf b = {0};
	int bad = head(&b, "done", channel, id);
	bad |= buf_addf(&b, ",\"code\":%ld", code) < 0;
	return jlog_commit(j->log, &b, bad, e);
}

int nj_failed(njournal *j, const char *channel, const char *id, const char *reason, cp_err *e)
{
	cp_buf b = {0};
	int bad = head(&b, "failed", channel, id);
	bad |= jlog_field(&b, "reason", reason) < 0;
	return jlog_commit(j->log, &b, bad, e);
}

void nj_close(njournal *j)
{
	if (!j)
		return;
	jlog_close(j->log); /* and the lock with it */
	jlog_index_free(&j->ix, entry_free);
	free(j);
}
