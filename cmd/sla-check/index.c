/*
 * Tables for sla-check: an intrusive hash table (held records by id and by
 * thread) and the response index, whose entries live in an arena because
 * they are all dropped together: at the end of the run, or, with --sorted,
 * whenever the clock of the stream moves on.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "sla.h"

static bool same_key(const struct hnode *n, const char *key, size_t len, uint64_t hash)
{
	return n->hash == hash && n->len == len && memcmp(n->key, key, len) == 0;
}

struct hnode *ht_get(const struct htab *t, const char *key, size_t len, uint64_t hash)
{
	if (!t->nb)
		return NULL;
	for (struct hnode *n = t->b[hash & (t->nb - 1)]; n; n = n->next)
		if (same_key(n, key, len, hash))
			return n;
	return NULL;
}

struct hnode *ht_next_same(struct hnode *n)
{
	for (struct hnode *m = n->next; m; m = m->next)
		if (same_key(m, n->key, n->len, n->hash))
			return m;
	return NULL;
}

static int note_used(struct htab *t, size_t i)
{
	if (t->nused >= 2 * t->nb) {
		/* Buckets emptied by ht_del and filled again: recount. */
		t->nused = 0;
		for (size_t k = 0; k < t->nb; k++)
			if (t->b[k] && k != i)
				t->used[t->nused++] = k;
	}
	if (t->nused == t->capused) {
		size_t cap = t->capused ? t->capused * 2 : 64;
		size_t *u = realloc(t->used, cap * sizeof *u);
		if (!u)
			return -1;
		t->used = u;
		t->capused = cap;
	}
	t->used[t->nused++] = i;
	return 0;
}

static int grow(struct htab *t)
{
	size_t nb = t->nb ? t->nb * 2 : 64;
	struct hnode **b = calloc(nb, sizeof *b);
	if (!b)
		return -1;
	size_t nused = 0;
	size_t *used = malloc(nb * sizeof *used);
	if (!used) {
		free(b);
		return -1;
	}
	for (size_t k = 0; k < t->nused; k++) {
		struct hnode *n = t->b[t->used[k]], *next;
		t->b[t->used[k]] = NULL;
		for (; n; n = next) {
			next = n->next;
			size_t i = n->hash & (nb - 1);
			if (!b[i])
				used[nused++] = i;
			n->next = b[i];
			b[i] = n;
		}
	}
	free(t->b);
	free(t->used);
	t->b = b;
	t->nb = nb;
	t->used = used;
	t->nused = nused;
	t->capused = nb;
	return 0;
}

int ht_put(struct htab *t, struct hnode *n)
{
	if (t->n >= t->nb && grow(t) < 0)
		return -1;
	size_t i = n->hash & (t->nb - 1);
	if (!t->b[i] && note_used(t, i) < 0)
		return -1;
	/* Append, so nodes with one key stay in the order they came. */
	struct hnode **at = &t->b[i];
	while (*at)
		at = &(*at)->next;
	n->next = NULL;
	*at = n;
	t->n++;
	return 0;
}

void ht_del(struct htab *t, struct hnode *n)
{
	for (struct hnode **at = &t->b[n->hash & (t->nb - 1)]; *at; at = &(*at)->next) {
		if (*at == n) {
			*at = n->next;
			t->n--;
			return;
		}
	}
}

void ht_clear(struct htab *t)
{
	for (size_t k = 0; k < t->nused; k++)
		t->b[t->used[k]] = NULL;
	t->nused = 0;
	t->n = 0;
}

void ht_free(struct htab *t)
{
	free(t->b);
	free(t->used);
	memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ arena */

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	char data[];
};

#define ARENA_CHUNK (1 << 20)

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (n > a->left) {
		struct arena_chunk *c;
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->size = size;
		c->next = a->head;
		a->head = c;
		a->p = c->data;
		a->left = size;
	}
	void *r = a->p;
	a->p += n;
	a->left -= n;
	return r;
}

void arena_reset(struct arena *a)
{
	/* Keep the newest chunk: --sorted resets every second of input. */
	struct arena_chunk *keep = a->head;
	if (!keep)
		return;
	for (struct arena_chunk *c = keep->next, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	keep->next = NULL;
	a->p = keep->data;
	a->left = keep->size;
}

static void arena_free(struct arena *a)
{
	for (struct arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	memset(a, 0, sizeof *a);
}

/* ------------------------------------------------------------ responses */

struct rkey {
	const char *key;
	size_t len;
	struct resp *list;
};

/* Open addressing, slots of (hash, key): a probe touches one slot, and a
 * key's memory only when the hashes agree. */
static inline struct rslot *probe_in(struct rslot *slots, size_t nslots, const char *key,
                                     size_t len, uint64_t hash)
{
	size_t mask = nslots - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct rslot *s = &slots[i];
		if (!s->k || (s->hash == hash && s->k->len == len && memcmp(s->k->key, key, len) == 0))
			return s;
	}
}

static struct rslot *probe(const struct resp_index *x, const char *key, size_t len,
                           uint64_t hash)
{
	return probe_in(x->slots, x->nslots, key, len, hash);
}

static int rgrow(struct resp_index *x)
{
	size_t n = x->nslots ? x->nslots * 2 : 1024;
	struct rslot *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	/* Each key once: its probe in the new table ends at an empty slot. */
	for (size_t i = 0; i < x->nslots; i++) {
		const struct rslot *s = &x->slots[i];
		if (s->k)
			*probe_in(slots, n, s->k->key, s->k->len, s->hash) = *s;
	}
	free(x->slots);
	x->slots = slots;
	x->nslots = n;
	return 0;
}

int resp_add(struct resp_index *x, const char *key, size_t keylen, int64_t t, const char *id,
             size_t idlen)
{
	uint64_t hash = hash64_index(key, keylen);
	if (x->nkeys + 1 > x->nslots / 4 * 3 && rgrow(x) < 0)
		return -1;
	struct rslot *s = probe(x, key, keylen, hash);
	if (!s->k) {
		struct rkey *k = arena_alloc(&x->a, sizeof *k + keylen);
		if (!k)
			return -1;
		memcpy(k + 1, key, keylen);
		k->key = (const char *)(k + 1);
		k->len = keylen;
		k->list = NULL;
		s->hash = hash;
		s->k = k;
		if (x->nkeys < RESP_RECENT)
			x->recent[x->nkeys] = (size_t)(s - x->slots);
		x->nkeys++;
	}
	struct resp *r = arena_alloc(&x->a, sizeof *r + idlen + 1);
	if (!r)
		return -1;
	char *icopy = (char *)(r + 1);
	memcpy(icopy, id, idlen);
	icopy[idlen] = '\0';
	r->t = t;
	r->id = icopy;
	r->idlen = idlen;
	r->next = s->k->list;
	s->k->list = r;
	x->nresp++;
	return 0;
}

static int idcmp(const struct resp *a, const struct resp *b)
{
	size_t n = a->idlen < b->idlen ? a->idlen : b->idlen;
	int c = memcmp(a->id, b->id, n);
	return c ? c : (a->idlen > b->idlen) - (a->idlen < b->idlen);
}

bool resp_better(const struct resp *a, const struct resp *b)
{
	return !b || a->t < b->t || (a->t == b->t && idcmp(a, b) < 0);
}

const struct resp *resp_earliest(const struct resp_index *x, const char *key, size_t keylen,
                                 int64_t min_t)
{
	const struct resp *best = NULL;
	if (!x->nkeys)
		return NULL;
	struct rslot *s = probe(x, key, keylen, hash64_index(key, keylen));
	if (!s->k)
		return NULL;
	for (const struct resp *r = s->k->list; r; r = r->next)
		if (r->t >= min_t && resp_better(r, best))
			best = r;
	return best;
}

void resp_clear(struct resp_index *x)
{
	if (!x->nkeys)
		return;
	if (x->nslots > 1024) {
		/* A burst made the table big: give the memory back. */
		free(x->slots);
		x->slots = NULL;
		x->nslots = 0;
	} else if (x->nkeys <= RESP_RECENT) {
		for (size_t i = 0; i < x->nkeys; i++)
			x->slots[x->recent[i]].k = NULL;
	} else {
		memset(x->slots, 0, x->nslots * sizeof *x->slots);
	}
	arena_reset(&x->a);
	x->nresp = x->nkeys = 0;
}

void resp_free(struct resp_index *x)
{
	free(x->slots);
	arena_free(&x->a);
	memset(x, 0, sizeof *x);
}
