/*
 * A window of recent ids (idwin.h): two open-addressing sets of hashes.
 * When the current one holds IDWIN_MIN ids it becomes the previous one and
 * the oldest is dropped whole, so nothing is ever deleted from a set.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "idwin.h"

#define SLOTS (4 * IDWIN_MIN)   /* a set is at most a quarter full */

static uint64_t hash(const char *p, size_t n)
{
	uint64_t h = hash64(p, n);
	return h ? h : 1;                      /* 0 marks an empty slot */
}

static bool has(const uint64_t *set, uint64_t h)
{
	if (!set)
		return false;
	for (size_t i = h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
		if (set[i] == h)
			return true;
		if (!set[i])
			return false;
	}
}

int idwin_seen(idwin *w, const char *id, size_t len)
{
	uint64_t h = hash(id, len);
	if (has(w->gen[0], h) || has(w->gen[1], h))
		return 1;
	if (!w->gen[0] || w->n >= IDWIN_MIN) {
		uint64_t *old = w->gen[1];
		if (old)
			memset(old, 0, SLOTS * sizeof *old);
		else if (!(old = calloc(SLOTS, sizeof *old)))
			return -1;
		w->gen[1] = w->gen[0];
		w->gen[0] = old;
		w->n = 0;
	}
	size_t i = h & (SLOTS - 1);
	while (w->gen[0][i])
		i = (i + 1) & (SLOTS - 1);
	w->gen[0][i] = h;
	w->n++;
	return 0;
}

void idwin_free(idwin *w)
{
	free(w->gen[0]);
	free(w->gen[1]);
	w->gen[0] = w->gen[1] = NULL;
	w->n = 0;
}
