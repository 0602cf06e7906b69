/*
 * idwin.h - a window of recently seen record ids, to count a repeated
 * record once.  fetch-mentions delivers at least once: a SIGKILL at the
 * wrong moment repeats a page in the next run's output (fetch-mentions(1)),
 * so a repeat comes soon after its first copy.  The window remembers at
 * least the last IDWIN_MIN ids and at most twice as many, in two
 * generations of 64-bit hashes (1 MB), so memory does not grow with
 * the input.  Both generations of a hash share one cache line, so a new
 * id (the common case) costs one cache miss, not two.  Ids are compared
 * by a 64-bit hash of their bytes as written.
 *
 * Ownership: zero-initialise (idwin w = {0}); idwin_free releases it.
 * Nothing here prints or exits.
 */
#ifndef CAREPIPE_IDWIN_H
#define CAREPIPE_IDWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDWIN_MIN 32768

typedef struct {
	uint64_t *lines;    /* cache lines, each four slots of either generation */
	unsigned cur;       /* the generation being filled: 0 or 1 */
	size_t n;           /* ids in it */
} idwin;

/* 1 when id is among the recent ids, 0 when it is new (and is now
 * remembered), -1 when out of memory. */
int idwin_seen(idwin *w, const char *id, size_t len);

/* The same with the caller's hash of the id, for a caller that hashes it
 * anyway: h must mix every bit of the id into its low bits (as
 * hash_fmix64's output does), and one window must be given one kind of
 * hash only.  With idwin_prefetch(w, h) first, the record's other work can
 * hide the wait for the hash's cache line. */
int idwin_seen_hash(idwin *w, uint64_t h);
void idwin_prefetch(const idwin *w, uint64_t h);

void idwin_free(idwin *w);

#endif
