/*
 * strmap.h - strings to small values, for ids: reply's mentions answered
 * and seen, the entries of reply's and notify's journals.
 *
 * Ownership: the map copies its keys and frees them in map_free; values
 * stay the caller's (map_free calls fn on each to free them).  A zeroed
 * strmap is empty.  Nothing here prints or exits.
 */
#ifndef CAREPIPE_STRMAP_H
#define CAREPIPE_STRMAP_H

#include "carepipe.h"

/* Open addressing, never shrinks. */
typedef struct {
	struct map_slot {
		char *key;
		void *val;
	} *slot;
	size_t n, cap;
} strmap;

/* The value for key, or NULL.  *found (when not NULL) tells a stored NULL
 * apart from a missing key. */
void *map_get(const strmap *m, const char *key, bool *found);
/* Store a copy of key with val (replacing); 0 or -1 (out of memory). */
int map_put(strmap *m, const char *key, void *val);
/* Call fn on every value (to free them). */
void map_free(strmap *m, void (*fn)(void *));

#endif
