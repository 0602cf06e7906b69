/*
 * Editing a record by splicing: the output is the original line with only
 * the touched members changed, so every key a program does not own passes
 * through byte for byte, in order.
 */
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"

/* A reset keeps the keys (ops[nops..cap), NULL where never set): a
 * program sets the same few keys on every record, in the same order, and
 * then needs no allocation per record. */
void edit_reset(rec_edit *e)
{
	e->nops = 0;
	buf_reset(&e->vals);
}

void edit_free(rec_edit *e)
{
	for (size_t i = 0; i < e->cap; i++) {
		free(e->ops[i].key);
		free(e->ops[i].member);
	}
	e->nops = 0;
	buf_free(&e->vals);
	free(e->ops);
	e->ops = NULL;
	e->cap = 0;
	buf_free(&e->vals);
}

/* Is op's key key?  The first bytes compared before strcmp's call: a
 * program's few keys mostly differ there. */
static bool key_is(const struct edit_op *op, const char *key)
{
	return op->key[0] == key[0] && strcmp(op->key, key) == 0;
}

static struct edit_op *find_op(const rec_edit *e, const char *key)
{
	for (size_t i = 0; i < e->nops; i++)
		if (key_is(&e->ops[i], key))
			return &e->ops[i];
	return NULL;
}

/* The op for key, made when there is none; NULL when out of memory. */
static struct edit_op *op_of(rec_edit *e, const char *key)
{
	struct edit_op *op = find_op(e, key);
	if (op)
		return op;
	if (e->nops == e->cap) {
		size_t old = e->cap;
		struct edit_op *n = cp_grow(e->ops, &e->cap, sizeof *n, 8);
		if (!n)
			return NULL;
		memset(n + old, 0, (e->cap - old) * sizeof *n);
		e->ops = n;
	}
	op = &e->ops[e->nops];
	if (op->key && !key_is(op, key)) {
		/* A key an earlier record set in another order, further on
		 * (the keys set so far are ops[0..] up to the first NULL):
		 * swapped into place, not copied again. */
		for (size_t i = e->nops + 1; i < e->cap && e->ops[i].key; i++)
			if (key_is(&e->ops[i], key)) {
				struct edit_op t = e->ops[i];
				e->ops[i] = *op;
				*op = t;
				break;
			}
	}
	if (!op->key || !key_is(op, key)) {
		/* the key, and as a new member starts it (made once: the
		 * keys stay from record to record) */
		char *k = strdup(key);
		cp_buf m = {0};
		if (!k || buf_json_str(&m, key, strlen(key)) < 0 || buf_addc(&m, ':') < 0) {
			free(k);
			buf_free(&m);
			return NULL;
		}
		free(op->key);
		free(op->member);
		op->key = k;
		op->klen = strlen(key);
		op->member = m.p;
		op->mlen = m.len;
	}
	e->nops++;
	return op;
}

static int put_op(rec_edit *e, const char *key, const char *json, size_t len)
{
	struct edit_op *op = op_of(e, key);
	if (!op)
		return -1;
	op->val_off = e->vals.len;
	op->val_len = len;
	return buf_add(&e->vals, json, len);
}

int edit_set(rec_edit *e, const char *key, const char *json, size_t len)
{
	return len ? put_op(e, key, json, len) : -1;
}

int edit_set_str(rec_edit *e, const char *key, const char *s, size_t n)
{
	size_t nops = e->nops;
	struct edit_op *op = op_of(e, key);
	if (!op)
		return -1;
	/* written in place, as JSON; on failure the op is as it was */
	size_t off = e->vals.len;
	if (buf_json_str(&e->vals, s, n) < 0) {
		e->vals.len = off;
		e->nops = nops;
		return -1;
	}
	op->val_off = off;
	op->val_len = e->vals.len - off;
	return 0;
}

int edit_del(rec_edit *e, const char *key)
{
	return put_op(e, key, "", 0);
}

/* The op for a field, by unescaped key comparison.  first has a bit for
 * the first byte of each op's key: a field whose key starts otherwise
 * (most of a record's) has none, and is not compared with each.  An
 * escaped key may start otherwise and still be one, an empty one has no
 * first byte: those are compared. */
static const struct edit_op *op_for(const rec_edit *e, const uint64_t first[4], const rec_field *f)
{
	unsigned char b = f->keylen ? (unsigned char)f->key[0] : 0;
	if (!f->key_escaped && f->keylen && !(first[b >> 6] >> (b & 63) & 1))
		return NULL;
	for (size_t i = 0; i < e->nops; i++) {
		const char *k = e->ops[i].key;
		size_t kl = e->ops[i].klen;
		/* the first bytes compared before memcmp's call: keys of a
		 * length mostly differ there */
		if (!f->key_escaped ? (f->keylen == kl && (!kl || f->key[0] == k[0]) &&
		                       memcmp(f->key, k, kl) == 0)
		                    : val_streq((cp_val){ f->key - 1, f->keylen + 2, VAL_STRING }, k))
			return &e->ops[i];
	}
	return NULL;
}

/* Bytes of the line to copy, gathered: consecutive spans (a separator
 * and the member after it, members left alone in a row) are one copy. */
struct span {
	const char *line;
	size_t start, end;
};

static int span_flush(struct span *sp, cp_buf *out)
{
	int rc = sp->end > sp->start ? buf_add(out, sp->line + sp->start, sp->end - sp->start) : 0;
	sp->start = sp->end = 0;
	return rc;
}

static int span_add(struct span *sp, size_t start, size_t end, cp_buf *out)
{
	int rc = 0;
	if (start != sp->end || sp->end == sp->start) {
		rc = span_flush(sp, out);
		sp->start = start;
	}
	sp->end = end;
	return rc;
}

int edit_apply(const rec_edit *e, const cp_rec *r, cp_buf *out)
{
	const char *L = r->line;
	size_t nf = r->nf;
	/* per op: used; on the stack for the few ops a program sets */
	bool few[16], *used = few;
	if (e->nops > 16 && !(used = malloc(e->nops * sizeof *used)))
		return -1;
	uint64_t firsts[4] = {0};
	for (size_t i = 0; i < e->nops; i++) {
		unsigned char b = (unsigned char)e->ops[i].key[0];
		used[i] = false;
		firsts[b >> 6] |= (uint64_t)1 << (b & 63);
	}
	int rc = 0;

	/* Up to the first member (or the closing brace when there is none). */
	size_t first = nf ? r->f[0].mstart : r->close;
	struct span sp = { L, 0, 0 };
	rc |= span_add(&sp, 0, first, out);

	bool any = false;       /* a member has been written */
	size_t prev_end = 0;    /* end of the last written original member */
	bool adjacent = false;  /* the last original member was written */
	for (size_t i = 0; i < nf; i++) {
		const rec_field *f = &r->f[i];
		const struct edit_op *op = op_for(e, firsts, f);
		if (op) {
			used[op - e->ops] = true;
			/* A duplicate key earlier in the line is dropped, so the
			 * new value is the only one any parser can see. */
			bool later_dup = false;
			for (size_t j = i + 1; j < nf; j++)
				if (op_for(e, firsts, &r->f[j]) == op)
					later_dup = true;
			if (op->val_len == 0 || later_dup) {
				adjacent = false;
				continue;
			}
		}
		if (any)
			/* Keep the original separator when nothing was cut
			 * before this member, else take this member's own. */
			rc |= span_add(&sp, adjacent ? prev_end : r->f[i - 1].mend, f->mstart, out);
		if (op) {
			size_t vstart = (size_t)(f->v.p - L);
			rc |= span_add(&sp, f->mstart, vstart, out);
			rc |= span_flush(&sp, out);
			rc |= buf_add(out, e->vals.p + op->val_off, op->val_len);
		} else {
			rc |= span_add(&sp, f->mstart, f->mend, out);
		}
		any = true;
		adjacent = true;
		prev_end = f->mend;
	}
	rc |= span_flush(&sp, out);
	for (size_t i = 0; i < e->nops; i++) {
		const struct edit_op *op = &e->ops[i];
		if (used[i] || op->val_len == 0)
			continue;
		if (any)
			rc |= buf_addc(out, ',');
		rc |= buf_add(out, op->member, op->mlen);
		rc |= buf_add(out, e->vals.p + op->val_off, op->val_len);
		any = true;
	}
	/* Whatever followed the last member: white space, '}' and beyond. */
	size_t tail = nf ? r->f[nf - 1].mend : r->close;
	rc |= buf_add(out, L + tail, r->len - tail);
	if (used != few)
		free(used);
	return rc ? -1 : 0;
}
