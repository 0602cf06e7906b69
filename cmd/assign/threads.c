/*
 * The threads assign knows, in a chained hash table, each also on one of
 * two lists kept in order of activity, so that releasing stale items and
 * forgetting old owners costs only what is released or forgotten.  And the
 * state file that carries them from one run to the next: one JSON object
 * a line, read back with the record scanner.
 */
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "hash.h"

struct assign_thread *th_find(struct threads *t, const char *key, size_t len)
{
	if (!t->nb)
		return NULL;
	uint64_t h = hash64_index(key, len);
	for (struct assign_thread *th = t->b[h & (t->nb - 1)]; th; th = th->hnext)
		if (th->hash == h && th->keylen == len && !memcmp(th->key, key, len))
			return th;
	return NULL;
}

static void list_unlink(struct tlist *l, struct assign_thread *th)
{
	if (th->prev)
		th->prev->next = th->next;
	else
		l->head = th->next;
	if (th->next)
		th->next->prev = th->prev;
	else
		l->tail = th->prev;
	th->prev = th->next = NULL;
	l->n--;
}

static void list_append(struct tlist *l, struct assign_thread *th)
{
	th->next = NULL;
	th->prev = l->tail;
	if (l->tail)
		l->tail->next = th;
	else
		l->head = th;
	l->tail = th;
	l->n++;
}

static int grow(struct threads *t)
{
	size_t nb = t->nb ? t->nb * 2 : 1024;
	struct assign_thread **b = calloc(nb, sizeof *b);
	if (!b)
		return -1;
	for (size_t i = 0; i < t->nb; i++)
		for (struct assign_thread *th = t->b[i], *next; th; th = next) {
			next = th->hnext;
			th->hnext = b[th->hash & (nb - 1)];
			b[th->hash & (nb - 1)] = th;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
	return 0;
}

struct assign_thread *th_add(struct threads *t, const char *key, size_t len, int64_t now)
{
	if (t->n >= t->nb && grow(t) < 0)
		return NULL;
	struct assign_thread *th = calloc(1, sizeof *th + len + 1);
	if (!th)
		return NULL;
	memcpy(th->key, key, len);
	th->keylen = len;
	th->hash = hash64_index(key, len);
	th->agent = th->queue = -1;
	th->last = th->since = now;
	th->hnext = t->b[th->hash & (t->nb - 1)];
	t->b[th->hash & (t->nb - 1)] = th;
	t->n++;
	list_append(&t->closed, th);
	return th;
}

void th_touch(struct threads *t, struct assign_thread *th, int64_t now)
{
	struct tlist *l = th->open ? &t->open : &t->closed;
	th->last = now;
	if (l->tail != th) {
		list_unlink(l, th);
		list_append(l, th);
	}
}

int th_open(struct threads *t, struct assign_thread *th, const char *item, size_t ilen,
            const char *account, size_t alen, int64_t since, int64_t now)
{
	char *i = malloc(ilen + 1), *a = NULL;
	if (!i || (account && !(a = malloc(alen + 1)))) {
		free(i);
		return -1;
	}
	memcpy(i, item, ilen);
	i[ilen] = '\0';
	if (a) {
		memcpy(a, account, alen);
		a[alen] = '\0';
	}
	free(th->item);
	free(th->account);
	th->item = i;
	th->account = a;
	th->since = since;
	if (!th->open) {
		list_unlink(&t->closed, th);
		th->open = true;
		list_append(&t->open, th);
	}
	th_touch(t, th, now);
	return 0;
}

void th_close(struct threads *t, struct assign_thread *th, int64_t now)
{
	if (th->open) {
		list_unlink(&t->open, th);
		th->open = false;
		list_append(&t->closed, th);
	}
	free(th->item);
	free(th->account);
	th->item = th->account = NULL;
	th_touch(t, th, now);
}

void th_del(struct threads *t, struct assign_thread *th)
{
	struct assign_thread **pp = &t->b[th->hash & (t->nb - 1)];
	while (*pp != th)
		pp = &(*pp)->hnext;
	*pp = th->hnext;
	list_unlink(th->open ? &t->open : &t->closed, th);
	t->n--;
	free(th->item);
	free(th->account);
	free(th);
}

void th_free(struct threads *t)
{
	for (size_t i = 0; i < t->nb; i++)
		for (struct assign_thread *th = t->b[i], *next; th; th = next) {
			next = th->hnext;
			free(th->item);
			free(th->account);
			free(th);
		}
	free(t->b);
	memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ the file */

#define STATE_MAGIC "carepipe-assign"

static int put_time(cp_buf *b, const char *key, int64_t t)
{
	char ts[32];
	int n = time_format(t, ts);
	return buf_addf(b, ",\"%s\":\"%.*s\"", key, n, ts);
}

/* Every append is checked: a state file with a piece left out would be
 * written whole and be wrong.  Returns 0 or -1. */
static int put_thread(cp_buf *b, const struct roster *ro, const struct assign_thread *th)
{
	int bad = 0;
	bad |= buf_adds(b, "{\"thread\":") < 0;
	bad |= buf_json_str(b, th->key, th->keylen) < 0;
	bad |= buf_adds(b, ",\"agent\":") < 0;
	if (th->agent >= 0)
		bad |= buf_json_str(b, ro->a[th->agent].id, strlen(ro->a[th->agent].id)) < 0;
	else
		bad |= buf_adds(b, "null") < 0;
	if (th->queue >= 0) {
		bad |= buf_adds(b, ",\"queue\":") < 0;
		bad |= buf_add(b, ro->q[th->queue].json.p, ro->q[th->queue].json.len) < 0;
	}
	bad |= put_time(b, "last", th->last) < 0;
	if (th->open) {
		bad |= buf_adds(b, ",\"open\":{\"id\":") < 0;
		bad |= buf_json_str(b, th->item, strlen(th->item)) < 0;
		bad |= buf_adds(b, ",\"account\":") < 0;
		if (th->account)
			bad |= buf_json_str(b, th->account, strlen(th->account)) < 0;
		else
			bad |= buf_adds(b, "null") < 0;
		bad |= put_time(b, "since", th->since) < 0;
		bad |= buf_addc(b, '}') < 0;
	}
	bad |= buf_adds(b, "}\n") < 0;
	return bad ? -1 : 0;
}

int assign_state_save(const char *path, const struct roster *ro, const struct threads *t,
                      int64_t clock, uint64_t seq, cp_err *e)
{
	cp_buf b = {0};
	int bad = 0;
	bad |= buf_addf(&b, "{\"" STATE_MAGIC "\":1") < 0;
	bad |= put_time(&b, "clock", clock) < 0;
	bad |= buf_addf(&b, ",\"seq\":%llu}\n", (unsigned long long)seq) < 0;
	for (size_t i = 0; i < ro->na; i++) {
		bad |= buf_adds(&b, "{\"agent\":") < 0;
		bad |= buf_json_str(&b, ro->a[i].id, strlen(ro->a[i].id)) < 0;
		bad |= buf_addf(&b, ",\"load\":%ld,\"capacity\":%ld,\"last_seq\":%llu}\n",
		                ro->a[i].load, ro->a[i].capacity,
		                (unsigned long long)ro->a[i].last_seq) < 0;
	}
	for (size_t i = 0; i < ro->nq; i++) {
		if (ro->q[i].rr < 0)
			continue;
		bad |= buf_adds(&b, "{\"queue\":") < 0;
		bad |= buf_add(&b, ro->q[i].json.p, ro->q[i].json.len) < 0;
		bad |= buf_adds(&b, ",\"round_robin\":") < 0;
		const char *id = ro->a[ro->q[i].rr].id;
		bad |= buf_json_str(&b, id, strlen(id)) < 0;
		bad |= buf_adds(&b, "}\n") < 0;
	}
	/* Oldest first, so reading back rebuilds the lists in order. */
	for (const struct assign_thread *th = t->closed.head; th; th = th->next)
		bad |= put_thread(&b, ro, th) < 0;
	for (const struct assign_thread *th = t->open.head; th; th = th->next)
		bad |= put_thread(&b, ro, th) < 0;
	if (bad || !buf_cstr(&b)) {
		buf_free(&b);
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	int rc = state_write(path, b.p, b.len, e);
	buf_free(&b);
	return rc;
}

static int get_time(cp_val v, int64_t *t)
{
	size_t n;
	const char *s = val_rawstr(v, &n);
	return s && time_parse(s, n, t) == 0 ? 0 : -1;
}

static int agent_of(const struct roster *ro, cp_val v)
{
	size_t n;
	const char *s = val_rawstr(v, &n);
	return s ? roster_agent(ro, s, n) : -1;
}

int assign_state_load(const char *path, struct roster *ro, struct threads *t, int64_t *clock,
                      uint64_t *seq, cp_err *e)
{
	cp_buf text = {0}, key = {0};
	int got = state_read(path, &text, e);
	if (got <= 0) {
		buf_free(&text);
		return got;
	}
	cp_rec r = {0};
	int rc = 1;
	unsigned lineno = 0;
	const char *p = text.p, *end = text.p + text.len;
	while (p < end && rc == 1) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *line = p;
		p = nl ? nl + 1 : end;
		lineno++;
		if (rec_parse(&r, line, len) < 0) {
			if (r.err == rec_err_oom)
				goto oom;
			goto bad;
		}
		if (lineno == 1) {
			int64_t v, s;
			if (!rec_get(&r, STATE_MAGIC) || get_time(rec_val(&r, "clock"), &v) < 0 ||
			    val_int(rec_val(&r, "seq"), &s) < 0 || s < 0)
				goto bad;
			*clock = v;
			*seq = (uint64_t)s;
			continue;
		}
		cp_val v;
		if ((v = rec_val(&r, "thread")).type == VAL_STRING) {
			buf_reset(&key);
			int64_t last, since = 0;
			if (val_str(v, &key) < 0 || get_time(rec_val(&r, "last"), &last) < 0)
				goto bad;
			cp_val av = rec_val(&r, "agent");
			int a = agent_of(ro, av);
			size_t qn;
			const char *qs = val_rawstr(rec_val(&r, "queue"), &qn);
			int q = qs ? roster_queue(ro, qs, qn) : -1;
			if (a < 0 && av.type != VAL_NULL)
				continue;      /* no longer on the roster: their threads go */
			if (a < 0 && q < 0)
				continue;      /* a thread with neither agent nor queue is nothing */
			if (th_find(t, key.p, key.len))
				goto bad;
			struct assign_thread *th = th_add(t, key.p, key.len, last);
			if (!th)
				goto oom;
			th->agent = a;
			th->queue = q;
			cp_val open = rec_val(&r, "open");
			if (open.type == VAL_OBJECT) {
				cp_buf item = {0}, acc = {0};
				cp_val av = val_member(open, "account");
				int bad = val_str(val_member(open, "id"), &item) < 0 ||
				          get_time(val_member(open, "since"), &since) < 0 ||
				          (av.type == VAL_STRING && val_str(av, &acc) < 0);
				int orc = bad ? 0 : th_open(t, th, item.p, item.len,
				                            av.type == VAL_STRING ? acc.p : NULL, acc.len,
				                            since, last);
				buf_free(&item);
				buf_free(&acc);
				if (bad)
					goto bad;
				if (orc < 0)
					goto oom;
				ro->a[a].load++;
			}
		} else if ((v = rec_val(&r, "agent")).type == VAL_STRING) {
			int a = agent_of(ro, v);
			int64_t s;
			if (val_int(rec_val(&r, "last_seq"), &s) < 0 || s < 0)
				goto bad;
			if (a >= 0)
				ro->a[a].last_seq = (uint64_t)s;
		} else if ((v = rec_val(&r, "queue")).type == VAL_STRING) {
			size_t n;
			const char *s = val_rawstr(v, &n);
			int q = s ? roster_queue(ro, s, n) : -1;
			int a = agent_of(ro, rec_val(&r, "round_robin"));
			if (q >= 0 && a >= 0)
				ro->q[q].rr = a;
		} else {
			goto bad;
		}
	}
	if (lineno == 0) {
		lineno = 1;
		goto bad;
	}
	goto done;
bad:
	rc = cp_fail(e, CP_EX_DATAERR, "%s:%u: not an assign state file; move it away to start "
	             "over", path, lineno);
	goto done;
oom:
	rc = cp_fail(e, CP_EX_OSERR, "out of memory");
done:
	rec_free(&r);
	buf_free(&text);
	buf_free(&key);
	return rc;
}
