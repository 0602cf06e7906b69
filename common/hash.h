/*
 * hash.h - the one string hash of carepipe: FNV-1a, in 32 and 64 bits,
 * for hash tables (strmap, idwin, tag's keyword and feature tables) and
 * for the ids fetch-mentions makes of a row's content.
 *
 * The 64-bit start value is 1469598103934665603, not FNV's published
 * offset basis (14695981039346656037): the ids fetch-mentions wrote with
 * it are on disk in users' records, so it stays.  Any start value spreads
 * keys as well.
 *
 * The functions are inline: they sit in the innermost loops (the
 * scanner's callers, tag's features).  Incremental use: h = HASH64_INIT;
 * h = hash64_add(h, part, n); ...
 *
 * Ownership: nothing is kept; nothing allocates, prints or exits.
 */
#ifndef CAREPIPE_HASH_H
#define CAREPIPE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASH32_INIT 2166136261u
#define HASH32_PRIME 16777619u
#define HASH64_INIT 1469598103934665603ULL
#define HASH64_PRIME 1099511628211ULL

/* One more byte into a running 32-bit hash. */
static inline uint32_t hash32_byte(uint32_t h, unsigned char c)
{
	return (h ^ c) * HASH32_PRIME;
}

/* p[0..n) into a running hash. */
static inline uint32_t hash32_add(uint32_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * HASH32_PRIME;
	return h;
}

static inline uint64_t hash64_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * HASH64_PRIME;
	return h;
}

/* The hash of p[0..n) alone. */
static inline uint32_t hash32(const void *p, size_t n)
{
	return hash32_add(HASH32_INIT, p, n);
}

static inline uint64_t hash64(const void *p, size_t n)
{
	return hash64_add(HASH64_INIT, p, n);
}

static inline uint64_t hash64_str(const char *s)
{
	return hash64(s, strlen(s));
}

/* MurmurHash3's finalisers: every output bit depends on every input bit,
 * for tables indexed by the low bits of a hash whose low bits fold badly
 * (FNV's) and for HyperLogLog, which reads the high ones. */
static inline uint64_t hash_fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* The hash of p[0..n) for a table indexed by its low bits: FNV-1a, then
 * the final mix (sla-check's, assign's and the twcs importer's tables). */
static inline uint64_t hash64_index(const void *p, size_t n)
{
	return hash_fmix64(hash64(p, n));
}

static inline uint32_t hash_fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

#endif
