/*
 * textlen_tables.h - generated tables behind common/textlen.c (internal).
 *
 *   tld_table.c      scripts/gen-tlds, from twitter-text's tld_lib.yml
 *   twemoji_table.c  scripts/gen-twemoji, from twemoji-parser's expression
 *
 * Ownership: static data; nothing to free.
 */
#ifndef CAREPIPE_TEXTLEN_TABLES_H
#define CAREPIPE_TEXTLEN_TABLES_H

#include <stdint.h>

extern const char *const tld_ascii[];     /* lower case, strcmp order */
extern const unsigned tld_ascii_len;
extern const char *const tld_unicode[];   /* UTF-8, longest first */
extern const unsigned tld_unicode_len;

/* A trie of the emoji sequences twitter-text counts 2.  Node 0 is the
 * root; a node's children are twemoji_trie[first .. first + n), sorted by
 * code point.  final: 0 not the end of a sequence, 1 the end of one, 2 the
 * end of one unless U+FE0E (text presentation) comes next. */
struct twemoji_node {
	uint32_t cp;
	uint8_t final;
	uint16_t first;
	uint16_t n;
};
extern const struct twemoji_node twemoji_trie[];
extern const unsigned twemoji_trie_len;
extern const unsigned twemoji_longest;

#endif
