/*
 * The string-keyed map: open addressing with linear probing, FNV-1a
 * (hash.h), each slot keeping its key's hash so growing rehashes nothing
 * and a probe compares bytes only on a full hash match.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strmap.h"

/* The slot holding key, or the empty slot where it would go; NULL when
 * the table has no slots yet. */
static struct map_slot *probe(const strmap *m, const void *key, size_t n, uint64_t h)
{
	if (m->cap == 0)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct map_slot *s = &m->slot[i];
		if (!s->key || (s->hash == h && s->keylen == n && memcmp(s->key, key, n) == 0))
			return s;
	}
}

struct map_slot *map_findn_h(const strmap *m, const void *key, size_t n, uint64_t h)
{
	struct map_slot *s = probe(m, key, n, h);
	return s && s->key ? s : NULL;
}

struct map_slot *map_findn(const strmap *m, const void *key, size_t n)
{
	return map_findn_h(m, key, n, hash64(key, n));
}

void *map_get(const strmap *m, const char *key, bool *found)
{
	struct map_slot *s = map_findn(m, key, strlen(key));
	if (found)
		*found = s != NULL;
	return s ? s->val : NULL;
}

static int grow(strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : m->first_cap ? m->first_cap : 64;
	struct map_slot *t = calloc(cap, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slot[i].key)
			continue;
		size_t j = m->slot[i].hash & (cap - 1);
		while (t[j].key)
			j = (j + 1) & (cap - 1);
		t[j] = m->slot[i];
	}
	free(m->slot);
	m->slot = t;
	m->cap = cap;
	return 0;
}

struct map_slot *map_addn(strmap *m, const void *key, size_t n)
{
	return map_addn_h(m, key, n, hash64(key, n));
}

struct map_slot *map_addn_h(strmap *m, const void *key, size_t n, uint64_t h)
{
	struct map_slot *s = probe(m, key, n, h);
	if (s && s->key)
		return s;
	if ((m->n + 1) * 2 > m->cap) {
		if (grow(m) < 0)
			return NULL;
		s = probe(m, key, n, h);
	}
	char *copy = malloc(n + 1);
	if (!copy)
		return NULL;
	memcpy(copy, key, n);
	copy[n] = '\0';
	*s = (struct map_slot){ copy, n, h, NULL };
	m->n++;
	return s;
}

int map_put(strmap *m, const char *key, void *val)
{
	struct map_slot *s = map_addn(m, key, strlen(key));
	if (!s)
		return -1;
	s->val = val;
	return 0;
}

/* Backward-shift deletion keeps linear probing free of tombstones: each
 * entry after the hole moves back into it unless its home slot lies
 * cyclically in (hole, entry]. */
void map_del(strmap *m, struct map_slot *s)
{
	size_t mask = m->cap - 1, i = (size_t)(s - m->slot);
	free(s->key);
	s->key = NULL;
	m->n--;
	for (size_t j = (i + 1) & mask; m->slot[j].key; j = (j + 1) & mask) {
		size_t home = m->slot[j].hash & mask;
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			m->slot[i] = m->slot[j];
			m->slot[j].key = NULL;
			i = j;
		}
	}
}

struct map_slot *map_next(const strmap *m, size_t *pos)
{
	while (*pos < m->cap) {
		struct map_slot *s = &m->slot[(*pos)++];
		if (s->key)
			return s;
	}
	return NULL;
}

void map_free(strmap *m, void (*fn)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slot[i].key)
			continue;
		free(m->slot[i].key);
		if (fn)
			fn(m->slot[i].val);
	}
	free(m->slot);
	size_t first = m->first_cap;
	memset(m, 0, sizeof *m);
	m->first_cap = first;
}
