/*
 * A string-keyed hash map for ids (reply's and notify's journals and
 * runs): open addressing with linear probing, FNV-1a.
 */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct map_slot *find(const strmap *m, const char *key)
{
	if (m->cap == 0)
		return NULL;
	size_t i = hash(key) & (m->cap - 1);
	while (m->slot[i].key) {
		if (strcmp(m->slot[i].key, key) == 0)
			return &m->slot[i];
		i = (i + 1) & (m->cap - 1);
	}
	return &m->slot[i];
}

void *map_get(const strmap *m, const char *key, bool *found)
{
	struct map_slot *s = find(m, key);
	bool hit = s && s->key;
	if (found)
		*found = hit;
	return hit ? s->val : NULL;
}

static int grow(strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct map_slot *old = m->slot;
	size_t oldcap = m->cap;
	m->slot = calloc(cap, sizeof *m->slot);
	if (!m->slot) {
		m->slot = old;
		return -1;
	}
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].key) = old[i];
	free(old);
	return 0;
}

int map_put(strmap *m, const char *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return -1;
	struct map_slot *s = find(m, key);
	if (s->key) {
		s->val = val;
		return 0;
	}
	if (!(s->key = strdup(key)))
		return -1;
	s->val = val;
	m->n++;
	return 0;
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
	memset(m, 0, sizeof *m);
}
