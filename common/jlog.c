/*
 * The journal file: lock, replay, cut a torn tail, append with fsync.
 * The meaning of the lines belongs to the program (cmd/reply/journal.c,
 * cmd/notify/journal.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jlog.h"

jlog *jlog_open(const char *path, const char *who, jlog_replay fn, void *ctx, cp_err *e)
{
	jlog *j = calloc(1, sizeof *j);
	cp_buf all = {0};
	cp_rec r = {0};
	if (!j) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	j->fd = -1;
	j->fn = fn;
	j->ctx = ctx;
	if (!(j->path = strdup(path))) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto fail;
	}
	j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		cp_fail(e, errno == ENOENT ? CP_EX_CANTCREAT : CP_EX_IOERR, "%s: %s", path,
		        strerror(errno));
		goto fail;
	}
	/* Two runs sharing a journal could both send: the second waits for nobody. */
	if (flock(j->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			cp_fail(e, CP_EX_TEMPFAIL, "%s: another %s run holds this journal", path, who);
		else
			cp_fail(e, CP_EX_IOERR, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (state_read(path, &all, e) < 0)
		goto fail;
	size_t end = all.len;
	if (end > 0 && all.p[end - 1] != '\n') {
		/* A torn last line: its write never completed, so what it said
		 * never happened (an intent: nothing was sent yet). */
		while (end > 0 && all.p[end - 1] != '\n')
			end--;
		if (ftruncate(j->fd, (off_t)end) < 0 || fsync(j->fd) < 0) {
			cp_fail(e, CP_EX_IOERR, "%s: %s", path, strerror(errno));
			goto fail;
		}
	}
	for (size_t pos = 0; pos < end;) {
		const char *nl = memchr(all.p + pos, '\n', end - pos);
		size_t len = (size_t)(nl - (all.p + pos));
		j->lines++;
		if (len > 0 && rec_parse(&r, all.p + pos, len) < 0 && r.err == rec_err_oom) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto fail;
		}
		if (len > 0 && (r.err || fn(ctx, &r) < 0)) {
			cp_fail(e, CP_EX_DATAERR, "%s:%llu: not a journal entry; the journal is "
			        "damaged, and %s will not guess what was sent", path,
			        (unsigned long long)j->lines, who);
			goto fail;
		}
		pos += len + 1;
	}
	rec_free(&r);
	buf_free(&all);
	return j;
fail:
	rec_free(&r);
	buf_free(&all);
	jlog_close(j);
	return NULL;
}

int jlog_append(jlog *j, const char *line, size_t len, cp_err *e)
{
	cp_buf b = {0};
	if (buf_add(&b, line, len) < 0 || buf_addc(&b, '\n') < 0) {
		buf_free(&b);
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	int rc = state_append(j->fd, b.p, b.len, e);
	buf_free(&b);
	if (rc < 0) {
		char why[sizeof e->msg];
		memcpy(why, e->msg, sizeof why);
		return cp_fail(e, CP_EX_IOERR, "%s: %s", j->path, why);
	}
	j->lines++;
	return 0;
}

int jlog_begin(cp_buf *b, const char *event)
{
	buf_reset(b);
	return buf_adds(b, "{\"event\":") < 0 || buf_json_str(b, event, strlen(event)) < 0 ? -1 : 0;
}

int jlog_commit(jlog *j, cp_buf *line, bool bad, cp_err *e)
{
	char now[32];
	time_format((int64_t)time(NULL), now);
	bad |= jlog_field(line, "at", now) < 0 || buf_addc(line, '}') < 0;
	int rc = bad || !buf_cstr(line) ? cp_fail(e, CP_EX_OSERR, "out of memory")
	                                : jlog_append(j, line->p, line->len, e);
	if (rc == 0) {
		cp_rec r = {0};
		if (rec_parse(&r, line->p, line->len) < 0 || j->fn(j->ctx, &r) < 0)
			rc = cp_fail(e, CP_EX_OSERR, "out of memory");
		rec_free(&r);
	}
	buf_free(line);
	return rc;
}

int jlog_field(cp_buf *b, const char *key, const char *s)
{
	if (buf_addf(b, ",\"%s\":", key) < 0)
		return -1;
	return s ? buf_json_str(b, s, strlen(s)) : buf_adds(b, "null");
}

char *jlog_str(cp_val v)
{
	cp_buf b = {0};
	if (v.type != VAL_STRING || val_str(v, &b) < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}

char *jlog_set(char **slot, cp_val v)
{
	free(*slot);
	return *slot = jlog_str(v);
}

int64_t jlog_at(const cp_rec *r)
{
	size_t n;
	int64_t t;
	const char *s = val_rawstr(rec_val(r, "at"), &n);
	return s && time_parse(s, n, &t) == 0 ? t : 0;
}

void jlog_close(jlog *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd); /* and the lock with it */
	free(j->path);
	free(j);
}

void *jlog_find(const jlog_index *x, const char *key)
{
	return map_get(&x->m, key, NULL);
}

void *jlog_entry(jlog_index *x, const char *key, size_t size, bool *made)
{
	void *en = map_get(&x->m, key, NULL);
	*made = false;
	if (en)
		return en;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		void **grown = realloc(x->order, cap * sizeof *grown);
		if (!grown)
			return NULL;
		x->order = grown;
		x->cap = cap;
	}
	if (!(en = calloc(1, size)))
		return NULL;
	if (map_put(&x->m, key, en) < 0) {
		free(en);
		return NULL;
	}
	x->order[x->n++] = en;
	*made = true;
	return en;
}

void jlog_index_free(jlog_index *x, void (*fn)(void *))
{
	map_free(&x->m, NULL); /* the entries are order[]'s */
	for (size_t i = 0; i < x->n; i++)
		fn(x->order[i]);
	free(x->order);
	memset(x, 0, sizeof *x);
}
