/*
 * A window of recent ids (idwin.h): two open-addressing sets of hashes,
 * interleaved so that the slots either set probes first for a hash lie in
 * the same 64-byte line.  When the current set holds IDWIN_MIN ids it
 * becomes the previous one and the oldest is dropped whole, so nothing is
 * ever deleted from a set.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "idwin.h"

#define WAYS 4                          /* slots of one set in a line */
/* A set is at most half full: 1 MB for both, so that the window stays in a
 * core's L2 cache beside the caller's tables (at a quarter full, 2 MB, a
 * new id cost kpi-report a tenth of its time in cache misses). */
#define LINES (2 * IDWIN_MIN / WAYS)
#define LINE_WORDS (2 * WAYS)           /* 64 bytes: both sets' slots */

/* The line is chosen by the low bits: FNV-1a's are mixed first. */
static uint64_t hash(const char *p, size_t n)
{
	return hash_fmix64(hash64(p, n));
}

/* The slots of set g in line i. */
static uint64_t *slots(const idwin *w, size_t i, unsigned g)
{
	return w->lines + i * LINE_WORDS + g * WAYS;
}

static bool has(const idwin *w, unsigned g, uint64_t h)
{
	for (size_t i = h & (LINES - 1);; i = (i + 1) & (LINES - 1)) {
		const uint64_t *s = slots(w, i, g);
		for (int k = 0; k < WAYS; k++) {
			if (s[k] == h)
				return true;
			if (!s[k])
				return false;
		}
	}
}

void idwin_prefetch(const idwin *w, uint64_t h)
{
	if (w->lines)
		__builtin_prefetch(slots(w, h & (LINES - 1), 0));
}

int idwin_seen(idwin *w, const char *id, size_t len)
{
	return idwin_seen_hash(w, hash(id, len));
}

int idwin_seen_hash(idwin *w, uint64_t h)
{
	if (!h)
		h = 1;                         /* 0 marks an empty slot */
	if (!w->lines) {
		size_t size = (size_t)LINES * LINE_WORDS * sizeof *w->lines;
		if (!(w->lines = aligned_alloc(64, size)))
			return -1;
		memset(w->lines, 0, size);
		w->cur = 0;
		w->n = 0;
	}
	if (has(w, w->cur, h) || has(w, w->cur ^ 1, h))
		return 1;
	if (w->n >= IDWIN_MIN) {               /* the older set is dropped */
		w->cur ^= 1;
		for (size_t i = 0; i < LINES; i++)
			memset(slots(w, i, w->cur), 0, WAYS * sizeof *w->lines);
		w->n = 0;
	}
	for (size_t i = h & (LINES - 1);; i = (i + 1) & (LINES - 1)) {
		uint64_t *s = slots(w, i, w->cur);
		for (int k = 0; k < WAYS; k++)
			if (!s[k]) {
				s[k] = h;
				w->n++;
				return 0;
			}
	}
}

void idwin_free(idwin *w)
{
	free(w->lines);
	w->lines = NULL;
	w->cur = 0;
	w->n = 0;
}
