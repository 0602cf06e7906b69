/*
 * inifile.h - the one reader of carepipe's line-and-section files:
 * carepipe.conf(5), SLA policy files (carepipe-sla(5)) and rosters
 * (carepipe-roster(5)).  It reads the file through cfgfile.h (so every
 * failure to read is 78, as for any configuration file), splits it into
 * lines, trims them, tells comments and blank lines apart, and puts
 * "FILE:LINE: " in front of every error a line's handler returns, so no
 * parser forgets it.  What a line means (a section, a directive, key =
 * value) is the caller's; ini_section reads the usual "[KIND NAME]"
 * header, and split_list the usual "a, b, c" value.
 *
 * Ownership: the reader keeps nothing; the ini_line given to a handler
 * (and the strings it points to) lives until the handler returns, and the
 * handler may write into its text and raw (to cut them up).  split_list's
 * list is the caller's, freed with list_free.  Nothing here prints or
 * exits; out of memory is 71.
 */
#ifndef CAREPIPE_INIFILE_H
#define CAREPIPE_INIFILE_H

#include "carepipe.h"

/* One line, as the handler sees it. */
typedef struct {
	const char *path;     /* the file's name, as given (for messages) */
	const char *dir;      /* the file's directory, for the relative names it
	                       * holds (include, holidays): "." when none */
	unsigned lineno;      /* from 1 */
	char *raw;            /* the line as written, without "\n" */
	char *text;           /* raw without white space at either end; "" for a
	                       * blank line or a comment line */
	size_t len;           /* strlen(text) */
} ini_line;

/* A handler: 0 to go on, or -1 with e set (the reader adds "FILE:LINE: "
 * in front of the message, except for out of memory, 71). */
typedef int (*ini_fn)(void *ctx, ini_line *l, cp_err *e);

/* Call fn on every line of text[0..n), blank and comment lines included
 * (their text is ""): a comment line is one whose first character that is
 * not white space is in comments ("#", or "#;" for carepipe.conf).  A last
 * line without a newline is a line; an empty text has none.  A NUL byte in
 * a line is an error ("FILE:LINE: NUL byte", 78).  path names the text in
 * messages and gives the directory.  Returns 0, or -1 with e set at the
 * first error. */
int ini_parse(const char *path, const char *text, size_t n, const char *comments, ini_fn fn,
              void *ctx, cp_err *e);
/* ini_parse over the file at path, read with cfg_read_file. */
int ini_read(const char *path, const char *comments, ini_fn fn, void *ctx, cp_err *e);

/* The directory of path into out: "." when path has no '/', "/" for a
 * file at the root. */
void ini_dir(const char *path, char *out, size_t n);

/* A section header: text is "[KIND]" or "[KIND NAME]", with white space
 * allowed around the words, KIND of 1 to 15 characters and NAME of 1 to
 * 127, neither holding white space or ']'.  Returns 1 with kind and name
 * (name "" when none), or 0 when text is no such header (when it starts
 * with '[', a malformed one: the caller says what it wanted). */
int ini_section(const char *text, char kind[16], char name[128]);

/* Split s into items separated by any character of seps (white space
 * around an item is dropped, empty items are skipped), appending copies to
 * the list *out of *n items (start from NULL and 0).  Returns 0, or -1 when
 * out of memory, the items so far still in the list. */
int split_list(const char *s, const char *seps, char ***out, size_t *n);
void list_free(char **list, size_t n);

#endif
