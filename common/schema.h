/*
 * schema.h - the record conventions of carepipe(7), in one place: how a
 * program reads a record's direction, thread, the id it answers and the
 * signature that ends a brand reply; the names of SLA statuses and
 * sentiment labels; and record_write, the one writer of a new record in
 * the schema's key order (fetch-mentions' platforms and importers, and
 * reply's record of a sent reply).
 *
 * Ownership:
 *   - Nothing here takes ownership of an argument.  A string these
 *     functions hand back through (s, n) points either into the record's
 *     line (when the JSON string has no escapes) or into the caller's
 *     scratch buffer (when it had to be unescaped): it is valid while both
 *     are and until the scratch is used again.  It is not NUL-terminated.
 *   - record_write only appends to the caller's buffer, and reads the
 *     rec_values it is given; the views in them stay the caller's.
 *   - Nothing here prints or exits: -1 means an allocation failed (the
 *     command reports it, exit 71).
 */
#ifndef CAREPIPE_SCHEMA_H
#define CAREPIPE_SCHEMA_H

#include "carepipe.h"

/* ---------------------------------------------------------------- reading */

/*
 * direction: the string "in" or "out", compared after unescaping (JSON
 * text "\u0069n" is "in", as jq sees it).  A record that lacks one (no key,
 * or null: REC_DIR_NONE) or has anything else (REC_DIR_BAD) is a bad line
 * to sla-check, assign, reply and kpi-report; tag takes anything but
 * REC_DIR_OUT for inbound (carepipe(7)).
 */
enum rec_dir { REC_DIR_NONE = 0, REC_DIR_IN, REC_DIR_OUT, REC_DIR_BAD };
int rec_direction(const cp_rec *r);
int rec_direction_of(cp_val direction);
/* The reason for a bad line, for REC_DIR_NONE or REC_DIR_BAD:
 * "no \"direction\" of \"in\" or \"out\"". */
#define REC_DIR_REASON "no \"direction\" of \"in\" or \"out\""

/*
 * The key of a record's conversation: the first of thread, in_reply_to and
 * id that is a non-empty string (after unescaping).  1 with (*s, *n), 0
 * when the record has none of the three, -1 on allocation failure.
 */
int rec_thread_key(const cp_rec *r, cp_buf *scratch, const char **s, size_t *n);
int rec_thread_key_of(cp_val thread, cp_val in_reply_to, cp_val id, cp_buf *scratch,
                      const char **s, size_t *n);

/*
 * The id of the record a brand reply answers: for an outbound record, its
 * in_reply_to when that is a non-empty string (after unescaping).  1 with
 * (*s, *n); 0 for an inbound record, one without a valid direction, or
 * one that answers nothing; -1 on allocation failure.
 */
int rec_answers(const cp_rec *r, cp_buf *scratch, const char **s, size_t *n);
int rec_answers_of(cp_val direction, cp_val in_reply_to, cp_buf *scratch,
                   const char **s, size_t *n);

/*
 * The agent's signature that ends a brand reply: after any trailing blanks
 * (space, tab, CR, LF), a last word that is "^" or "-" followed by 1 to
 * REC_SIGNATURE_MAX ASCII letters or digits, at least one of them a letter,
 * at the start of the text or after a blank ("... ^JD", "... -KC",
 * "^JD2").  1 with the initials (without the "^" or "-") in (*s, *n); 0
 * when the text (a string value, after unescaping) ends in none; -1 on
 * allocation failure.  reply --agent and a roster's initials write only
 * what this reads back (rec_initials_ok).
 */
#define REC_SIGNATURE_MAX 16
int rec_signature(cp_val text, cp_buf *scratch, const char **s, size_t *n);
/* Whether s[0..n) is initials rec_signature reads back: 1 to
 * REC_SIGNATURE_MAX ASCII letters or digits, at least one a letter. */
bool rec_initials_ok(const char *s, size_t n);

/* ---------------------------------------------------------------- names */

/* sla.status, as sla-check writes it and notify and kpi-report read it.
 * The order is kpi-report's, whose partial aggregates store counts by it:
 * it must not change. */
enum sla_status { SLA_MET, SLA_BREACHED, SLA_MISSED, SLA_PENDING, SLA_AT_RISK, SLA_NSTATUS };
extern const char *const sla_status_names[SLA_NSTATUS];   /* "met", ... "at_risk" */
/* The status a string value names (compared after unescaping), or -1. */
int sla_status_of(cp_val v);

/* sentiment.label, as tag writes it, indexed by sentiment.h's enum
 * sentiment_label (SENT_NEGATIVE, SENT_NEUTRAL, SENT_POSITIVE). */
#define SENT_NLABELS 3
extern const char *const sentiment_label_names[SENT_NLABELS]; /* "negative", "neutral", "positive" */
/* The label a string value names (an enum sentiment_label), or -1. */
int sentiment_label_of(cp_val v);

/* ---------------------------------------------------------------- writing */

/* One value of a record to write. */
enum rec_value_kind {
	RV_ABSENT = 0, /* a key every record has is written as null; an optional one is left out */
	RV_NULL,       /* null */
	RV_STR,        /* p[0..n) as a JSON string, "PREFIX:" before it when prefix is set */
	RV_JSON,       /* p[0..n) is JSON text, copied as it is (a number, an object) */
	RV_COMPACT,    /* p[0..n) is validated JSON text, copied without the white
	                  space between its tokens, so a pretty-printed payload
	                  cannot break the record's line */
};
typedef struct {
	int kind;               /* enum rec_value_kind */
	const char *p;
	size_t n;
	const char *prefix;     /* RV_STR: a platform name for ids ("twitter" -> "twitter:p") */
} rec_value;

/* Constructors; a NULL string is RV_NULL. */
rec_value rv_str(const char *p, size_t n);
rec_value rv_cstr(const char *s);
rec_value rv_id(const char *prefix, const char *native, size_t n);
rec_value rv_json(const char *p, size_t n);

/*
 * A new record, in the schema's key order: id, platform, account,
 * direction, kind, author {id, handle, name, followers}, text, created_at,
 * in_reply_to, thread, then url, lang, metrics {likes, reposts, replies,
 * quotes} and raw when given.  Zero-initialise and set what is known.
 * Every key up to thread is always written (RV_ABSENT as null; direction
 * REC_DIR_OUT is "out", anything else "in"); author.name, author.followers,
 * url, lang, each metric and raw are left out when RV_ABSENT, and metrics
 * is written when any one of its four is given.
 */
typedef struct {
	rec_value id, platform, account;
	int direction;          /* REC_DIR_IN or REC_DIR_OUT */
	rec_value kind;
	rec_value author_id, author_handle, author_name, author_followers;
	rec_value text, created_at, in_reply_to, thread;
	rec_value url, lang;
	rec_value metrics[4];   /* likes, reposts, replies, quotes (JSON numbers) */
	rec_value raw;
} rec_values;

/* Append the record (one line, no newline) to out.  Every append is
 * checked: 0, or -1 on allocation failure, and then out holds a partial
 * line the caller must not write. */
int record_write(cp_buf *out, const rec_values *r);

#endif
