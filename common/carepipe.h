/*
 * carepipe.h - the library every carepipe program links (libcarepipe.a).
 *
 * One header, one job per .c file:
 *   buf.c      growable byte buffers and JSON string writing
 *   scan.c     the validating, zero-copy record scanner (rec_*)
 *   val.c      typed access to scanned values (val_*)
 *   splice.c   editing a record's top-level keys by splicing bytes (edit_*)
 *   reader.c   line reader: files, stdin, gzip (rd_*)
 *   writer.c   buffered record output (out_*)
 *   timefmt.c  timestamps and durations (time_*, dur_*)
 *   jqx.c      the bridge to libjq (jqx_*)
 *   state.c    atomic state files and run locks (state_*)
 *   clock.c    the monotonic clock (mono_now)
 *   prog.c     the command scaffold (cp_*): options, messages, exit codes
 *   jobs.c     the record loop on several threads (cp_each_record_jobs)
 *
 * Larger modules that only some programs use have a header of their own,
 * each stating its ownership rule at its top: schema.h (the record
 * conventions of carepipe(7) and the one writer of a new record), http.h (the one HTTP client),
 * config.h and platform.h (sources and the per-platform table shared by
 * fetch-mentions and reply), rules.h, textmatch.h, sentiment.h and
 * langid.h (tag's rules and judgement, reused by assign), calendar.h and tz.h (business hours, reused by
 * assign), sketch.h (kpi-report's quantiles), template.h, textlen.h and
 * unicode.h (reply's text), strmap.h and jlog.h (reply's and notify's
 * journals), mail.h (notify's email), cfgfile.h (the one reader of
 * configuration files) and idwin.h (recent ids, so a repeated record
 * counts once).  Two headers are inline only: hash.h (the one string
 * hash, FNV-1a) and utf8.h (the one UTF-8 decoder).
 *
 * Ownership, stated once for every type here:
 *   - A function never takes ownership of a pointer argument; the caller
 *     keeps and frees what it passed in.  The exceptions consume a jv, as in
 *     jq's own jv.h, and say so.
 *   - Scanned values (rec_field, val) point into the caller's line buffer and
 *     are valid only while that buffer is: they are views, not copies.
 *   - Objects made by an X_new or X_open function are freed by the
 *     matching X_free or X_close function, which accepts NULL.
 *   - Every function outside prog.c reports failure through its return value
 *     (and, where said, a message in a caller-provided cp_err); none prints
 *     or exits.  Only the command decides what the user sees.  prog.c is the
 *     command-side scaffold and is called only from main().
 *
 * Allocation failure, stated once for every function in common/:
 *   - A function whose allocation fails fails as it fails for any other
 *     reason: -1 or NULL, and, when it takes a cp_err, code CP_EX_OSERR (71)
 *     with a message saying "out of memory" (it may say what for: a path,
 *     a line's size), never given a FILE:LINE (it is no fault of the
 *     input).  It never aborts or exits, never goes on as if
 *     the allocation had worked, and never turns the failure into an
 *     answer ("no match", "empty", "not found") that hides it.  What it
 *     was building is left as it was, or in a state its X_free frees.
 *     The one exception answers only yes or no: val_streq on an escaped
 *     string that cannot be unescaped says no, and the failure is counted
 *     as below, so nothing built on the answer leaves the process.
 *   - Every failed allocation of a cp_buf is also counted (buf_failures).
 *     So code may append to a buf and check once, at the end, rather than
 *     after every call; and whatever leaves the process - a record
 *     (cp_emit), a state or journal file (state_write, state_append), an
 *     HTTP request (http_do) - refuses to go once the count is not zero,
 *     so a missed check can never post, store or print a thing with a part
 *     missing.
 *   - The command (main, prog.c) turns 71 into "PROG: out of memory" and
 *     exit status 71.
 */
#ifndef CAREPIPE_H
#define CAREPIPE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>

#define CAREPIPE_VERSION "0.1.0"

/* sysexits(3) */
enum {
	EX_OK_ = 0,
	CP_EX_USAGE = 64,
	CP_EX_DATAERR = 65,
	CP_EX_NOINPUT = 66,
	CP_EX_UNAVAILABLE = 69,
	CP_EX_SOFTWARE = 70,
	CP_EX_OSERR = 71,
	CP_EX_CANTCREAT = 73,
	CP_EX_IOERR = 74,
	CP_EX_TEMPFAIL = 75,
	CP_EX_NOPERM = 77,
	CP_EX_CONFIG = 78,
};

/* An error for the caller to report: a message and a suggested exit code. */
typedef struct {
	int code;           /* a CP_EX_* value, 0 when no error */
	char msg[512];
} cp_err;

/* Set e (when not NULL) and return -1, so callers can `return cp_fail(...)`. */
int cp_fail(cp_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---------------------------------------------------------------- buf.c */

/* A growable byte string.  Zero-initialise (cp_buf b = {0}) to start. */
typedef struct {
	char *p;
	size_t len, cap;
} cp_buf;

/* On allocation failure these return -1 and leave the buffer as it was.
 * Every such failure is also counted, in the thread that made it (a
 * worker of cp_each_record_jobs gates its own records): a record, a state
 * file or a request built by code that missed one return value must never
 * go out, so cp_emit, state_write, state_append and http_do refuse to run
 * once any allocation of a buf has failed (see buf_failures, and the
 * allocation rule at the top). */
int buf_reserve(cp_buf *b, size_t extra);
int buf_add(cp_buf *b, const void *p, size_t n);
int buf_addc(cp_buf *b, char c);
int buf_adds(cp_buf *b, const char *s);
int buf_addf(cp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(cp_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append s[0..n) as a JSON string literal, quotes included.  Invalid UTF-8
 * is replaced by U+FFFD so the output is always valid JSON. */
int buf_json_str(cp_buf *b, const char *s, size_t n);
/* NUL-terminate without counting the NUL in len; returns b->p or NULL. */
char *buf_cstr(cp_buf *b);
void buf_reset(cp_buf *b);
void buf_free(cp_buf *b);
/* Zero every allocated byte, then free: for buffers that held a secret. */
void buf_wipe(cp_buf *b);
/* How many buf allocations have failed in this thread so far (the
 * process's, but for the workers of cp_each_record_jobs). */
unsigned long buf_failures(void);
/* Count a failed allocation made outside a buf, where the caller's answer
 * cannot say "out of memory" apart from another failure (uni_nfc's NULL):
 * the gate of cp_emit, state_write, state_append and http_do then holds. */
void buf_note_failure(void);
/* The array p, of *cap elements of size bytes, reallocated to hold more:
 * twice *cap elements, or first when it had none.  Returns the new array
 * (and sets *cap), or NULL with p and *cap as they were when out of memory
 * or the size would overflow.  One growth rule for every growable array. */
void *cp_grow(void *p, size_t *cap, size_t size, size_t first);

/* ---------------------------------------------------------------- scan.c */

enum val_type {
	VAL_NONE = 0, /* missing */
	VAL_NULL, VAL_FALSE, VAL_TRUE, VAL_NUMBER, VAL_STRING, VAL_ARRAY, VAL_OBJECT
};

/* A JSON value inside a scanned line: raw bytes, as written.  For strings,
 * p..p+n includes the quotes. */
typedef struct {
	const char *p;
	size_t n;
	int type;      /* enum val_type */
} cp_val;

/* One top-level member of a record. */
typedef struct {
	const char *key;   /* key bytes between the quotes, still escaped */
	size_t keylen;
	bool key_escaped;  /* the key holds a backslash */
	cp_val v;
	size_t mstart;     /* offset of the key's opening quote */
	size_t mend;       /* offset just past the value */
} rec_field;

/* A scanned record: an index over one line, which it does not own. */
typedef struct {
	const char *line;
	size_t len;
	size_t open, close;  /* offsets of the object's '{' and '}' */
	rec_field *f;
	size_t nf, cap;
	/* on error: */
	const char *err;     /* static reason */
	size_t err_off;      /* byte offset in the line */
} cp_rec;

/* Validate line[0..len) as one JSON text (RFC 8259, UTF-8 checked, any
 * nesting up to 256 levels, the object itself one) that must be an object, and index its
 * top-level members.  Returns 0, or -1 with r->err and r->err_off set.
 * A record is reusable: parse into it again and its arrays are reused. */
int rec_parse(cp_rec *r, const char *line, size_t len);
/* r->err when rec_parse ran out of memory: no fault of the line's. */
extern const char rec_err_oom[];
/* Validate any JSON text, not only an object.  Returns 0 or -1 (with
 * *err / *err_off when not NULL). */
int json_validate(const char *p, size_t n, const char **err, size_t *err_off);
void rec_free(cp_rec *r);

/* Look up a top-level key; the last duplicate wins, as in jq.  NULL when
 * absent.  Keys with escapes are compared after unescaping. */
const rec_field *rec_get(const cp_rec *r, const char *key);
/* The value of a top-level key, or a value with type VAL_NONE. */
cp_val rec_val(const cp_rec *r, const char *key);
/* A nested path: "author.handle", "tags.0", "metrics.likes".  Segments
 * that are all digits index arrays.  Type VAL_NONE when absent. */
cp_val rec_path(const cp_rec *r, const char *path);

/* ---------------------------------------------------------------- val.c */

/* A value inside an object or array found by walking a validated value. */
cp_val val_member(cp_val obj, const char *key);   /* VAL_NONE when absent */
cp_val val_index(cp_val arr, size_t i);           /* VAL_NONE when out of range */
cp_val val_path(cp_val v, const char *path);      /* as rec_path */
/* Iterate an array or object: start with *pos = 0; returns 1 with the next
 * element (and its key for objects, as a VAL_STRING value) or 0 at the end. */
int val_next(cp_val container, size_t *pos, cp_val *key, cp_val *elem);
size_t val_len(cp_val container);              /* element count */

/* Unescape a string value into out (appended, not NUL-counted; out is
 * NUL-terminated).  Returns 0, or -1 when v is not a string or on
 * allocation failure.  Validated input cannot hold a lone surrogate. */
int val_str(cp_val v, cp_buf *out);
/* Equal to the C string s, after unescaping.  False when not a string. */
bool val_streq(cp_val v, const char *s);
/* When v is a string with no escapes, its bytes without quotes; used for
 * fast paths.  Returns NULL otherwise. */
const char *val_rawstr(cp_val v, size_t *n);
/* The text of a string value, as bytes: a view into the line when it has
 * no escapes (the common case, no copy), else unescaped into tmp (reset
 * first; the view then lives as long as tmp's contents).  *p and *n are
 * set; a view is not NUL-terminated.  Returns 0; -1 when v is not a string
 * (*p NULL, *n 0); -2 on allocation failure. */
int val_strview(cp_val v, cp_buf *tmp, const char **p, size_t *n);
/* Number value.  Returns 0, or -1 when not a number. */
int val_num(cp_val v, double *out);
int val_int(cp_val v, int64_t *out);          /* -1 also when not integral */
bool val_truthy(cp_val v);                    /* jq's truth: not null/false/none */

/* ---------------------------------------------------------------- splice.c */

/* A set of edits to a record's top-level keys.  Values are given as JSON
 * text, which the editor copies.  Applying keeps every byte of the line
 * that no edit touches: replaced members keep their key and position,
 * removed members take one adjacent comma with them, and new keys go last,
 * in the order they were set. */
typedef struct {
	struct edit_op {
		char *key;
		size_t val_off, val_len; /* into vals; val_len 0 means remove */
		size_t klen;             /* strlen(key) */
		char *member;            /* the key in JSON and a colon: "key": */
		size_t mlen;
	} *ops;
	size_t nops, cap;
	cp_buf vals;
} rec_edit;

void edit_reset(rec_edit *e);
void edit_free(rec_edit *e);
int edit_set(rec_edit *e, const char *key, const char *json, size_t len);
int edit_set_str(rec_edit *e, const char *key, const char *s, size_t n);
int edit_del(rec_edit *e, const char *key);
/* Append the edited record (no newline) to out.  Returns 0 or -1. */
int edit_apply(const rec_edit *e, const cp_rec *r, cp_buf *out);

/* ---------------------------------------------------------------- reader.c */

/* Reads lines from a file, stdin ("-") or a gzip stream (detected by its
 * magic bytes).  Lines may be of any length; "\n" and "\r\n" both end a
 * line, and a last line without a newline is still a line. */
typedef struct rd cp_rd;

cp_rd *rd_open(const char *path, cp_err *e);   /* NULL with e set (66 or 74) */
/* Open an input named on the command line; "-" is descriptor 0, which the
 * caller must not close.  The one rule of carepipe(7) for an input that
 * cannot be read: missing, unreadable, a directory or a closed standard
 * input is 66; any other failure 74.  Returns a descriptor or -1 (e set). */
int rd_input_fd(const char *path, cp_err *e);
cp_rd *rd_fdopen(int fd, const char *name, cp_err *e);
/* 1 with the next line (a view valid until the next call), 0 at the end,
 * -1 on a read or decompression error (e set, code 74 or 65). */
int rd_line(cp_rd *r, const char **line, size_t *len, cp_err *e);
/* Read the whole remaining input (decompressed) into out; 0 or -1. */
int rd_all(cp_rd *r, cp_buf *out, cp_err *e);
const char *rd_name(const cp_rd *r);           /* "-" shows as "(stdin)" */
uint64_t rd_lineno(const cp_rd *r);            /* number of the last line read */
/* Whether rd_line can return without reading: a whole line, or the end,
 * is in memory (always true of gzip input).  A reader of a live stream
 * waits on the descriptor only when this is false. */
bool rd_has_line(const cp_rd *r);
/* Whether rd_line would wait on a writer now: no whole line in memory,
 * none decoded or to decode, and nothing to read at once from a pipe, a
 * terminal or a socket (a regular file never waits). */
bool rd_may_wait(const cp_rd *r);
void rd_close(cp_rd *r);

/* ---------------------------------------------------------------- writer.c */

/* Buffered record output to a file descriptor.  Records are written whole:
 * the buffer is flushed only at record boundaries, so a crash or a kill
 * never leaves half a line behind a flush. */
typedef struct {
	int fd;
	bool line_buffered;
	bool failed;
	int err_no;
	cp_buf b;
} cp_out;

void out_init(cp_out *o, int fd, bool line_buffered);
/* Write one record and its newline.  Returns 0 or -1 (o->err_no set). */
int out_record(cp_out *o, const char *p, size_t n);
/* Write n bytes of whole records, each with its newline, as out_record
 * would one by one (with line buffering, flushed after the last). */
int out_records(cp_out *o, const char *p, size_t n);
int out_flush(cp_out *o);
/* Flush and free the buffer; the descriptor stays open (it is the
 * caller's).  Returns 0 or -1 (o->err_no set). */
int out_close(cp_out *o);

/* ---------------------------------------------------------------- timefmt.c */

/* Every time carepipe reads or writes lies in 1970-01-01T00:00:00Z ..
 * 9999-12-31T23:59:59Z: a year of four digits, never before the epoch. */
#define TIME_MIN 0LL
#define TIME_MAX 253402300799LL
/* Parse a timestamp: RFC 3339 with any offset ("2017-10-31T22:10:47Z",
 * "2017-10-31T23:10:47.5+01:00"; a space for T is accepted), Twitter's
 * "Tue Oct 31 22:10:47 +0000 2017", or epoch seconds or milliseconds (an
 * integer below 1e11 is seconds, up to the year 5138; 1e11 or more is
 * milliseconds, from March 1973).  Fractions are dropped.  Returns 0 with
 * *t in seconds since the epoch; -1 when s is not a time, -2 when it is
 * one outside TIME_MIN..TIME_MAX. */
int time_parse(const char *s, size_t n, int64_t *t);
/* Format as RFC 3339 UTC, "2017-10-31T22:10:47Z" (20 bytes and a NUL); a
 * t outside TIME_MIN..TIME_MAX is written as the nearer end of that range.
 * Returns the length. */
int time_format(int64_t t, char out[32]);
/* Days since 1970-01-01 for a civil date, and back (proleptic Gregorian). */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);
void time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* The longest duration dur_parse takes: 100 years (36525d). */
#define DUR_MAX 3155760000LL
/* Parse a duration: "90s", "15m", "1h30m", "2d", "1w", a bare number of
 * seconds; sums of units in any order.  Returns 0; -1 when s is not a
 * duration, -2 when it is one longer than DUR_MAX. */
int dur_parse(const char *s, int64_t *secs);
/* Format as "1h30m", "2d", "45s", "0s". */
int dur_format(int64_t secs, char out[32]);
/* A point in time as options take it (--since, --until, --now): "now",
 * "-DURATION" before now ("-7d", "-1h30m"), or a time time_parse reads.
 * Returns 0 with *t, or -1. */
int time_parse_when(const char *s, int64_t now, int64_t *t);

/* ---------------------------------------------------------------- clock.c */

/* Seconds on the monotonic clock (CLOCK_MONOTONIC), which no change of
 * the wall clock moves: for measuring intervals, never for timestamps. */
double mono_now(void);

/* ---------------------------------------------------------------- jqx.c */

#include <jq.h>

/* A compiled jq program.  jqx_run consumes its input jv (jv.h's rule). */
typedef struct jqx jqx;

jqx *jqx_compile(const char *expr, cp_err *e);   /* NULL with e (78) */
/* Run against input; *out gets the first output (caller frees it with
 * jv_free), or jv_invalid() with a message in e when the program raised
 * an error or gave no output (e->code 0 then).  Returns 0 on a value,
 * -1 otherwise. */
int jqx_run(jqx *q, jv input, jv *out, cp_err *e);
/* Run and take jq's truthiness of the first output.  1 true, 0 false,
 * -1 on a runtime error (e set). */
int jqx_test(jqx *q, jv input, cp_err *e);
void jqx_free(jqx *q);
/* A scanned record as a jv (parsed by jq's own parser). */
jv rec_to_jv(const cp_rec *r);
jv val_to_jv(cp_val v);

/* ---------------------------------------------------------------- state.c */

/* Write a whole file atomically: a temp file beside it, fsync, rename over
 * path, fsync the directory.  Mode 0600.  Returns 0 or -1 (e set, 73/74). */
int state_write(const char *path, const void *p, size_t n, cp_err *e);
/* state_write in two steps, for a state that must be on disk before the
 * output it covers is flushed, so that only the rename stands between the
 * two: state_stage writes and fsyncs the contents to the temporary file;
 * state_commit renames it over path and fsyncs the directory;
 * state_discard removes it instead.  Both end the transaction. */
typedef struct {
	char *tmp, *path;
} state_txn;
int state_stage(state_txn *t, const char *path, const void *p, size_t n, cp_err *e);
int state_commit(state_txn *t, cp_err *e);
void state_discard(state_txn *t);
/* An unlinked temporary file, mode 0600, in $TMPDIR (or /tmp when unset or
 * empty), named TAG.XXXXXX while it exists.  Returns a descriptor or -1 (e
 * set, 73).  Every temporary file carepipe makes comes from here. */
int tmp_open(const char *tag, cp_err *e);
/* Read a whole file into out; 1 read, 0 no such file, -1 error. */
int state_read(const char *path, cp_buf *out, cp_err *e);
/* Take an exclusive lock on DIR/.lock (the directory is created 0700 when
 * missing).  wait: block until free; else fail at once with code 75.
 * Returns a descriptor to pass to state_unlock, or -1 (e set). */
int state_lock(const char *dir, bool wait, cp_err *e);
void state_unlock(int fd);
/* Append a line to a journal and fsync it; mode 0600 on create. */
int state_append(int fd, const char *p, size_t n, cp_err *e);

/* ---------------------------------------------------------------- prog.c */

/* The command scaffold: common options, messages, bad-input policy, the
 * record loop and the exit status.  Only main() and its helpers call it. */

#include <getopt.h>

typedef struct cp_prog {
	const char *name;        /* program name, for messages */
	const char *synopsis;    /* usage lines after "usage: " */
	const char *help;        /* option summary printed by --help */
	bool quiet, verbose, strict, line_buffered;
	int exit_status;         /* the worst status so far */
	uint64_t nbad, nrecords;
	FILE *bad;               /* --bad FILE */
	const char *bad_path;
	cp_out out;
	/* A worker's, in cp_each_record_jobs: what is said through it is kept
	 * with its batch (batch set) or said through parent (between). */
	struct cp_batch *batch;
	struct cp_prog *parent;
} cp_prog;

/* Options every program takes; cp_getopt handles these itself. */
#define CP_COMMON_HELP \
	"      --bad FILE        write bad input lines to FILE, verbatim\n" \
	"      --strict          stop at the first bad line\n" \
	"      --line-buffered   flush output after every record\n" \
	"  -q, --quiet           no progress or warnings\n" \
	"  -v, --verbose         trace what is done (never secrets)\n" \
	"  -h, --help            show this help\n" \
	"      --version         show the version\n"

void cp_init(cp_prog *p, const char *name, const char *synopsis, const char *help);
/* getopt_long over the program's own options plus the common ones.
 * Returns the program's option characters as getopt_long does, -1 at the
 * end; handles --help/--version (exit 0) and usage errors (exit 64)
 * itself.  Long options with no short form should use values >= 256. */
int cp_getopt(cp_prog *p, int argc, char **argv, const char *shortopts,
              const struct option *longopts);
/* Open stdout (line buffered on a terminal or with --line-buffered) and
 * the --bad file.  Call after option parsing. */
void cp_start(cp_prog *p);

void cp_warn(cp_prog *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* http.h's and mail.h's on_wait and on_trace, with the cp_prog as ctx: a
 * wait is the program's message (not with -q), and so is a -v trace. */
void cp_on_wait(void *prog, const char *why, double secs);
void cp_on_trace(void *prog, const char *line);
/* Print "PROG: msg" and exit with code, flushing complete output first. */
void cp_die(cp_prog *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
void cp_die_err(cp_prog *p, const cp_err *e) __attribute__((noreturn));
/* Print the usage line and exit 64. */
void cp_usage(cp_prog *p) __attribute__((noreturn));
/* A usage error: "PROG: msg", then the usage line, and exit 64.  Every
 * argument a program refuses is reported so. */
void cp_usage_error(cp_prog *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* Remember an exit status; the highest-priority one wins at exit. */
void cp_status(cp_prog *p, int code);

/* Report a bad input line: "PROG: FILE:LINE: reason" on stderr, the line
 * verbatim to --bad, status 65; with --strict, exit 65 now. */
void cp_bad_line(cp_prog *p, const char *file, uint64_t lineno,
                 const char *line, size_t len, const char *reason);

/* Write a record to stdout; exits 74 on a write error. */
void cp_emit(cp_prog *p, const char *line, size_t len);
/* After p->out failed: exit 71 when its buffer could not grow, else 74
 * with "write error: " and why. */
void cp_out_failed(cp_prog *p) __attribute__((noreturn));
/* Why writing p->out failed: strerror, or "standard output is closed"
 * when the program was started with descriptor 1 closed. */
const char *cp_out_strerror(const cp_prog *p);

/* The record loop.  For each input (argv[0..argc), or stdin when argc is
 * 0) and each line: a blank line is skipped, a line that is not a JSON
 * object goes to cp_bad_line, and fn gets every good record.  fn returns
 * 0 to go on, or a nonzero exit code to stop.  Read errors are reported
 * and set the status (66 for a missing file, 74 for a read error).
 * Returns 0, or the code fn stopped with. */
typedef struct {
	const char *file;     /* display name */
	uint64_t lineno;
} cp_pos;
typedef int (*cp_record_fn)(void *ctx, cp_rec *r, const cp_pos *pos);
int cp_each_record(cp_prog *p, int argc, char **argv, cp_record_fn fn, void *ctx);

/* The record loop on up to n threads (n <= CP_JOBS_MAX), for a program
 * whose fn judges each record by that record alone: cp_each_record's
 * contract, with worker i calling fn with w[i].ctx.  That context must
 * make its calls to cp_emit, cp_warn, cp_status, cp_bad_line and cp_die
 * through &w[i].prog, which this sets up: what a worker says is kept and
 * said through p in input order, so the output, messages, --bad and
 * --strict are byte for byte those of cp_each_record.
 *
 * w[0].ctx is the caller's; the others are made by make(arg, &w[i], i),
 * called on worker i's own thread as it starts, one worker at a time,
 * while worker 0 already judges: make may read what w[0].ctx holds, never
 * change it.  It returns 0, or -1 to do without that worker; the contexts
 * made are the caller's to free after, where not NULL.
 * Threads start once a batch (64 KB) is read: a shorter input, or one
 * that comes a few lines at a time, is judged on the calling thread with
 * w[0], as is everything when n is 1 or no thread can be started.  Memory
 * stays constant: at most 4 batches a thread are read ahead. */
#define CP_JOBS_MAX 64
typedef struct {
	cp_prog prog;
	void *ctx;
} cp_worker;
typedef int (*cp_worker_make_fn)(void *arg, cp_worker *w, int i);
int cp_each_record_jobs(cp_prog *p, int argc, char **argv, cp_record_fn fn,
                        cp_worker *w, int n, cp_worker_make_fn make, void *arg);
/* The processors this process may run on (sched_getaffinity), at least 1. */
int cp_jobs_default(void);

/* The input loop under cp_each_record, for programs that read their
 * inputs some other way (CSV, whole files): for each input (argv[0..argc),
 * or "-", standard input, when argc is 0), open it with rd_open, call fn
 * with the reader and the input's index in argv, and close it.  An input
 * that cannot be opened is reported and sets the status (66 or 74, as
 * rd_open says), and the loop goes on.  fn returns 0 to go on; -1 after a
 * read error with e set, reported as "NAME:LINE: msg" (LINE the one after
 * the last read) with status e->code, and the loop goes on; or a positive
 * exit code to stop.  Returns 0, or the code fn stopped with. */
typedef int (*cp_input_fn)(void *ctx, cp_rd *in, int index, cp_err *e);
int cp_each_input(cp_prog *p, int argc, char **argv, cp_input_fn fn, void *ctx);

/* Flush and check stdout (74 when it fails, e.g. > /dev/full), close
 * --bad, and return the exit status for main to return. */
int cp_finish(cp_prog *p);

/*
 * Progress on a terminal, for a long run: one line, "PROG: ...", redrawn
 * in place at most every CAREPIPE_PROGRESS_SECONDS (default 1).  Only the
 * last stage of a pipeline draws (stderr a terminal, standard output not
 * a pipe, no -q), so stages sharing a terminal do not fight; every
 * message of cp_warn, cp_die and cp_bad_line starts on a fresh line,
 * erasing a progress line the cursor is on (which is drawn again at its
 * next tick).  A run shorter than one interval draws nothing.
 */
typedef struct {
	bool on, drawn;
	double every, start, last;
} cp_progress;
void cp_progress_init(cp_prog *p, cp_progress *pg);
/* Whether a redraw is due (cheap enough to call every few thousand lines). */
bool cp_progress_due(const cp_progress *pg);
/* n per second since init. */
double cp_progress_rate(const cp_progress *pg, uint64_t n);
/* The check a loop makes after counting its n-th unit: every 65536th
 * unit, whether a redraw is due. */
static inline bool cp_progress_tick(const cp_progress *pg, uint64_t n)
{
	return (n & 0xffff) == 0 && cp_progress_due(pg);
}
/* The one progress line of a counting loop: "PROG: [LABEL ]N UNIT[, B
 * bad], R UNIT/s", B being p->nbad when with_bad; final as for
 * cp_progress_show. */
void cp_progress_count(cp_prog *p, cp_progress *pg, bool final, const char *label,
                       uint64_t n, const char *unit, bool with_bad);
/* Draw "PROG: " and the formatted text; final ends the line (and draws
 * only when something was drawn before). */
void cp_progress_show(cp_prog *p, cp_progress *pg, bool final, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
