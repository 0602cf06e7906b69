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
	free(je->key);
	free(je->text);
	free(je->reply_id);
	free(je->url);
	free(je);
}

/* Apply one journal line to the index. */
static int replay(void *ctx, const cp_rec *r)
{
	journal *j = ctx;
	cp_val ev = rec_val(r, "event");
	char *mention = jlog_str(rec_val(r, "mention"));
	bool made;
	jentry *je = mention ? jlog_entry(&j->ix, mention, sizeof *je, &made) : NULL;
	free(mention);
	if (!je)
		return -1;
	je->at = jlog_at(r);
	if (val_streq(ev, "intent")) {
		je->state = J_INTENT;
		je->dm = rec_val(r, "dm").type == VAL_TRUE;
		jlog_set(&je->key, rec_val(r, "key"));
		jlog_set(&je->text, rec_val(r, "text"));
		if (!je->key || !je->text)
			return -1;
	} else if (val_streq(ev, "done")) {
		je->state = J_DONE;
		jlog_set(&je->reply_id, rec_val(r, "id"));
		jlog_set(&je->url, rec_val(r, "url"));
	} else if (val_streq(ev, "failed")) {
		je->state = J_FAILED;
	} else {
		return -1;
	}
	return 0;
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
	return j ? jlog_find(&j->ix, mention) : NULL;
}


int journal_intent(journal *j, const char *mention, const char *key, const char *text,
                   bool dm, cp_err *e)
{
	cp_buf b = {0};
	int bad = 0;
	bad |= jlog_begin(&b, "intent") < 0;
	bad |= jlog_field(&b, "mention", mention) < 0;
	bad |= jlog_field(&b, "key", key) < 0;
	bad |= buf_addf(&b, ",\"dm\":%s", dm ? "true" : "false") < 0;
	bad |= jlog_field(&b, "text", text) < 0;
	return jlog_commit(j->log, &b, bad, e);
}

int journal_done(journal *j, const char *mention, const char *id, const char *url,
                 cp_err *e)
{
	cp_buf b = {0};
	int bad = 0;
	bad |= jlog_begin(&b, "done") < 0;
	bad |= jlog_field(&b, "mention", mention) < 0;
	bad |= jlog_field(&b, "id", id) < 0;
	bad |= jlog_field(&b, "url", url && *url ? url : NULL) < 0;
	return jlog_commit(j->log, &b, bad, e);
}

int journal_failed(journal *j, const char *mention, const char *reason, cp_err *e)
{
	cp_buf b = {0};
	int bad = 0;
	bad |= jlog_begin(&b, "failed") < 0;
	bad |= jlog_field(&b, "mention", mention) < 0;
	bad |= jlog_field(&b, "reason", reason) < 0;
	return jlog_commit(j->log, &b, bad, e);
}

void journal_close(journal *j)
{
	if (!j)
		return;
	jlog_close(j->log); /* and the lock with it */
	jlog_index_free(&j->ix, entry_free);
	free(j);
}
