/*
 * The reply journal: what makes "at most once" survive kill -9 (the file
 * itself, its lock and its torn tail are common/jlog.c's).  An intent
 * is on disk before the request leaves, and a done right after the answer
 * comes, so a crash anywhere leaves either nothing (not sent), an intent
 * alone (outcome unknown: reconciled before anything is sent again), or a
 * done (sent).
 */
#include <stdlib.h>
#include <string.h>

#include "reply.h"

static void entry_free(void *v)
{
	jentry *je = v;
	if (!je)
		return;
	free(je->key);
	free(je->text);
	free(je->reply_id);
	free(je->url);
	free(je);
}

static jentry *entry_for(journal *j, const char *mention)
{
	jentry *je = map_get(&j->m, mention, NULL);
	if (je)
		return je;
	if (!(je = calloc(1, sizeof *je)))
		return NULL;
	if (map_put(&j->m, mention, je) < 0) {
		free(je);
		return NULL;
	}
	return je;
}

static void set_str(char **slot, char *s)
{
	free(*slot);
	*slot = s;
}

/* Apply one journal line to the map. */
static int apply(journal *j, const cp_rec *r)
{
	cp_val ev = rec_val(r, "event");
	char *mention = jlog_str(rec_val(r, "mention"));
	if (!mention)
		return -1;
	jentry *je = entry_for(j, mention);
	free(mention);
	if (!je)
		return -1;
	cp_val at = rec_val(r, "at");
	size_t atn;
	const char *ats = val_rawstr(at, &atn);
	if (!ats || time_parse(ats, atn, &je->at) < 0)
		je->at = 0;
	if (val_streq(ev, "intent")) {
		je->state = J_INTENT;
		set_str(&je->key, jlog_str(rec_val(r, "key")));
		set_str(&je->text, jlog_str(rec_val(r, "text")));
		je->dm = rec_val(r, "dm").type == VAL_TRUE;
		if (!je->key || !je->text)
			return -1;
	} else if (val_streq(ev, "done")) {
		je->state = J_DONE;
		set_str(&je->reply_id, jlog_str(rec_val(r, "id")));
		set_str(&je->url, jlog_str(rec_val(r, "url")));
	} else if (val_streq(ev, "failed")) {
		je->state = J_FAILED;
	} else {
		return -1;
	}
	return 0;
}

static int replay(void *ctx, const cp_rec *r)
{
	return apply(ctx, r);
}

journal *journal_open(const char *path, cp_err *e)
{
	journal *j = calloc(1, sizeof *j);
	if (!j) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	if (!(j->log = jlog_open(path, "reply", replay, j, e))) {
		journal_close(j);
		return NULL;
	}
	j->path = j->log->path;
	return j;
}

const jentry *journal_get(const journal *j, const char *mention)
{
	return j ? map_get(&j->m, mention, NULL) : NULL;
}


int journal_intent(journal *j, const char *mention, const char *key, const char *text,
                   bool dm, const char *at, cp_err *e)
{
	cp_buf b = {0};
	int bad = 0;
	bad |= buf_adds(&b, "{\"event\":\"intent\"") < 0;
	bad |= jlog_field(&b, "mention", mention) < 0;
	bad |= jlog_field(&b, "key", key) < 0;
	bad |= buf_addf(&b, ",\"dm\":%s", dm ? "true" : "false") < 0;
	bad |= jlog_field(&b, "text", text) < 0;
	bad |= jlog_field(&b, "at", at) < 0;
	bad |= buf_addc(&b, '}') < 0;
	return jlog_commit(j->log, &b, bad, e);
}

int journal_done(journal *j, const char *mention, const char *id, const char *url,
                 const char *at, cp_err *e)
{
	cp_buf b = {0};
	int bad = 0;
	bad |= buf_adds(&b, "{\"event\":\"done\"") < 0;
	bad |= jlog_field(&b, "mention", mention) < 0;
	bad |= jlog_field(&b, "id", id) < 0;
	bad |= jlog_field(&b, "url", url && *url ? url : NULL) < 0;
	bad |= jlog_field(&b, "at", at) < 0;
	bad |= buf_addc(&b, '}') < 0;
	return jlog_commit(j->log, &b, bad, e);
}

int journal_failed(journal *j, const char *mention, const char *reason, const char *at,
                   cp_err *e)
{
	cp_buf b = {0};
	int bad = 0;
	bad |= buf_adds(&b, "{\"event\":\"failed\"") < 0;
	bad |= jlog_field(&b, "mention", mention) < 0;
	bad |= jlog_field(&b, "reason", reason) < 0;
	bad |= jlog_field(&b, "at", at) < 0;
	bad |= buf_addc(&b, '}') < 0;
	return jlog_commit(j->log, &b, bad, e);
}

void journal_close(journal *j)
{
	if (!j)
		return;
	jlog_close(j->log); /* and the lock with it */
	map_free(&j->m, entry_free);
	free(j);
}
