/*
 * fm.h - fetch-mentions, shared between its files: main.c (options),
 * import_*.c (the offline importers) and live.c (the live sources).
 *
 * Ownership: struct fm_opts only points into argv and string literals;
 * nothing in it is freed.  Each fm_* function reports to the user through
 * the cp_prog scaffold (it is command code, not common/ code) and returns
 * the exit status for main to pass on (0, or a CP_EX_* code); records go
 * out through cp_emit.
 */
#ifndef FETCH_MENTIONS_FM_H
#define FETCH_MENTIONS_FM_H

#include <stdbool.h>
#include <stdint.h>

#include "carepipe.h"

enum fm_format {
	FM_LIVE = 0,        /* no --import: the sources of the config file */
	FM_TWCS,            /* Kaggle "Customer Support on Twitter" CSV */
	FM_NDJSON,          /* records already in the schema */
	FM_CSV,             /* any CSV with a header, plus --map */
};

#define FM_MAX_MAPS 16

struct fm_opts {
	enum fm_format format;
	const char *map[FM_MAX_MAPS];  /* each --map SPEC (csv import) */
	int nmap;
	const char *date_format; /* --date-format FMT (csv import), strptime(3) */
	const char *tz;          /* --tz ZONE (csv import): zone of naive dates */
	bool raw;               /* --raw: keep the original payload under raw */
	const char *config;     /* --config FILE, NULL for the default */
	const char *state;      /* --state DIR, NULL for none */
	bool wait;              /* --wait: wait for the state lock */
	const char *cacert;     /* --cacert FILE: a private CA */
	int64_t max_wait;       /* --max-wait, seconds */
	bool max_wait_set;      /* --max-wait was given */
	const char *source;     /* --source NAME: only this config section */
	int64_t since, until;   /* --since, --until: the window, epoch s */
	bool has_since, has_until;
	long limit;             /* --limit N: records in all, 0 for no limit */
	bool check;             /* --check: verify each source's credentials */
	int nfiles;             /* the operands: input files for --import */
	char **files;
};

/* Live sources (live.c). */
int fm_live(cp_prog *p, const struct fm_opts *o);
/* --check (check.c): one authenticated call per source, one line each. */
int fm_check(cp_prog *p, const struct fm_opts *o);

/* Importers (import_*.c): read o->files (stdin when none, gzip allowed). */
int fm_import_twcs(cp_prog *p, const struct fm_opts *o);
int fm_import_ndjson(cp_prog *p, const struct fm_opts *o);
int fm_import_csv(cp_prog *p, const struct fm_opts *o);

/*
 * The CSV record reader (import_csvrd.c) under the twcs and csv importers:
 * libcsv in its lenient mode, fed any chunks of a file, handing out whole
 * records with the physical line where each starts and its bytes as read
 * (for --bad).  Leading and trailing spaces of fields are kept.
 */
struct fm_csvrec {
	const char *file;       /* display name */
	uint64_t line;          /* physical line where the record starts */
	const char *raw;        /* the record as read, without its line end */
	size_t rawlen;
	size_t nf;              /* fields, each NUL-terminated */
	const char **f;
	const size_t *flen;
};
/* Return 0 to go on, or an exit status to stop. */
typedef int (*fm_csv_fn)(void *ctx, const struct fm_csvrec *r);
struct fm_csvrd;

/* On a terminal and without -q, progress goes to stderr once a second. */
struct fm_csvrd *fm_csvrd_new(cp_prog *p, const char *file, fm_csv_fn fn, void *ctx);
/* Feed bytes; fn runs for every record they complete.  0, fn's nonzero
 * status, or -1 on allocation failure. */
int fm_csvrd_feed(struct fm_csvrd *c, const char *p, size_t n);
/* The end of the input: the last record may lack its line end. */
int fm_csvrd_finish(struct fm_csvrd *c);
void fm_csvrd_free(struct fm_csvrd *c);
/* Header field i of r, without the UTF-8 byte order mark a spreadsheet
 * puts before the first one. */
void fm_csv_header_field(const struct fm_csvrec *r, size_t i, const char **s, size_t *n);

/* A value for a message, quoted by the caller: at most 32 bytes, cut at a
 * character boundary with "...", line ends and tabs made spaces. */
const char *fm_shown(const char *s, size_t n, char out[40]);
/* What is wrong with a created_at that time_parse refused (its return
 * value): "is not a date", or "is outside 1970 to 9999". */
const char *fm_time_problem(int time_parse_rc);

#endif
