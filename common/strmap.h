/*
 * strmap.h - the one string-keyed map of carepipe: ids for reply's
 * mentions answered and seen, the entries of reply's and notify's
 * journals, fetch-mentions' seen ids, kpi-report's groups and tags, and
 * any table keyed by bytes.  Three tables stay their own, for what a
 * map of copied keys and pointer values cannot give them: sla-check's
 * response index (slots of half the size: strmap cost it 5-14% CPU),
 * assign's threads (each also on an activity list) and the twcs
 * importer's ids (keys borrowed from its arena, row numbers as values);
 * they hash with hash.h's hash64_index.
 *
 * Keys are byte strings of any content (NUL included) given with their
 * length, or C strings; values are a pointer each.  Open addressing with
 * linear probing and backward-shift deletion (no tombstones), hashed with
 * hash.h's FNV-1a or the caller's hash (map_findn_h, map_addn_h); the
 * table is at most half full and never shrinks.  Iteration order depends
 * only on the hashes, first_cap and the order of additions and deletions.
 *
 * Ownership: the map copies its keys (NUL-terminated, the NUL not in
 * keylen) and frees them in map_del and map_free; values stay the
 * caller's (map_free calls fn on each to free them).  A slot pointer is
 * valid until the next map_put, map_addn or map_del.  A zeroed strmap is
 * empty.  Nothing here prints or exits.  On allocation failure map_put
 * and map_addn fail and leave the map as it was.
 */
#ifndef CAREPIPE_STRMAP_H
#define CAREPIPE_STRMAP_H

#include "carepipe.h"

typedef struct {
	struct map_slot {
		char *key;       /* NULL: an empty slot */
		size_t keylen;
		uint64_t hash;
		void *val;
	} *slot;
	size_t n, cap;
	size_t first_cap;    /* slots at the first growth, a power of two;
	                        0: 64 (small maps, many of them: 16) */
} strmap;

/* The value for key, or NULL.  *found (when not NULL) tells a stored NULL
 * apart from a missing key. */
void *map_get(const strmap *m, const char *key, bool *found);
/* Store a copy of key with val (replacing); 0 or -1 (out of memory). */
int map_put(strmap *m, const char *key, void *val);

/* The slot of key[0..n), or NULL when absent. */
struct map_slot *map_findn(const strmap *m, const void *key, size_t n);
/* The slot of key[0..n), added (with val NULL) when absent; NULL when out
 * of memory. */
struct map_slot *map_addn(strmap *m, const void *key, size_t n);
/* The same with the caller's hash of the key, for a caller that hashes
 * it anyway (kpi-report keeps its keys' hashes in its partials): h must
 * mix the key's bits into its low ones, and a map must be given one kind
 * of hash only (these, or the ones above). */
struct map_slot *map_findn_h(const strmap *m, const void *key, size_t n, uint64_t h);
struct map_slot *map_addn_h(strmap *m, const void *key, size_t n, uint64_t h);
/* Remove the slot's entry, freeing its key (not its value). */
void map_del(strmap *m, struct map_slot *s);
/* Iterate: start with *pos = 0; returns the next entry's slot, or NULL at
 * the end, in no particular order.  The map must not change meanwhile
 * (map_del moves entries: collect first, delete after). */
struct map_slot *map_next(const strmap *m, size_t *pos);

/* Call fn (when not NULL) on every value, then free the keys and table;
 * the map is left empty, first_cap as it was. */
void map_free(strmap *m, void (*fn)(void *));

#endif
