/*
 * notify.h - what the parts of notify share: the journal (journal.c), the
 * messages (message.c), the selection (select.c), the decision for a
 * record (records.c), sending (send.c) and setup (setup.c); main.c reads
 * the options, runs the loop and exits.
 *
 * Ownership: every object here is made by X_open/X_new and freed by the
 * matching X_close/X_free (NULL is fine); strings handed in are copied.
 * Functions return errors in a cp_err; only main.c prints or exits.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include "carepipe.h"
#include "config.h"
#include "http.h"
#include "jlog.h"
#include "strmap.h"
#include "template.h"

/* ---------------------------------------------------------- journal.c */

/*
 * The journal: one JSON object per line (common/jlog.h), keyed by channel
 * and item (a record's id, or "alert:METRIC:HOUR"):
 *   {"event":"queued","channel":C,"id":I,"line":L,"at":T}
 *       --digest: the item waits for its channel's next digest;
 *   {"event":"intent","channel":C,"id":I,"key":K,"body":B,"at":T}
 *       on disk before the message leaves; B is exactly what is sent, K
 *       its idempotency key (Idempotency-Key header, Message-ID);
 *       a digest's id is "digest:K" and it lists its "items";
 *   {"event":"pending","channel":C,"id":I,"key":K,"body":B,"at":T}
 *       not sent in its run (--max, or the channel was failing): the next
 *       run sends it first, even if its record does not come again;
 *   {"event":"done","channel":C,"id":I,"code":N,"at":T}
 *       the channel said yes (HTTP 2xx, SMTP 250); a digest's done is
 *       done for each of its items;
 *   {"event":"failed","channel":C,"id":I,"reason":R,"at":T}
 *       not sent: the next run sends the body of its intent again first
 *       (a failed digest is not: its items wait for the next one).
 * An item whose last event is "intent" has an unknown outcome: the next
 * run sends the same body with the same key again before anything else.
 */
enum nstate { N_QUEUED = 1, N_INTENT, N_DONE, N_FAILED, N_PENDING };

typedef struct {
	int state;          /* enum nstate */
	char *channel, *id;
	char *key, *body;   /* intent, pending, failed: what is (to be) sent */
	char *line;         /* queued: its line in the digest */
	char **items;       /* digest intent: the items it carries */
	size_t nitems;
	bool in_digest;     /* queued item carried by an open digest */
	int64_t at;         /* the last event's time (the clock) */
	int64_t queued_at;
} nentry;

typedef struct {
	jlog *log;
	jlog_index ix;      /* "CHANNEL\nID" -> nentry, in first-seen order */
} njournal;

njournal *nj_open(const char *path, cp_err *e);
const nentry *nj_get(const njournal *j, const char *channel, const char *id);
int nj_queued(njournal *j, const char *channel, const char *id, const char *line, cp_err *e);
int nj_intent(njournal *j, const char *channel, const char *id, const char *key,
              const char *body, const char *const *items, size_t nitems, cp_err *e);
int nj_pending(njournal *j, const char *channel, const char *id, const char *key,
               const char *body, cp_err *e);
int nj_done(njournal *j, const char *channel, const char *id, long code, cp_err *e);
int nj_failed(njournal *j, const char *channel, const char *id, const char *reason, cp_err *e);
void nj_close(njournal *j);

/* ---------------------------------------------------------- message.c */

enum nkind { NK_RECORD, NK_ESCALATION, NK_SLA, NK_ALERT };
const char *kind_name(int kind);

/* Escaping of the values a template takes from a record (never of the
 * template's own text): chosen by the channel's type. */
enum nfmt { NF_PLAIN, NF_SLACK, NF_TEAMS, NF_JSON };
int fmt_for(const char *type);

/* Built-in templates: the whole message for a kind, the one line a digest
 * gives it, and an email subject. */
const char *default_template(int kind);
const char *default_line(int kind);
const char *default_subject(int kind);

/* Expand t over record r for format f: values escaped for f, control
 * characters (but newlines) made spaces; now is the time "due_in" is
 * counted from.  Appends to out; 0 or -1 (out of memory). */
int render(const tmpl *t, const cp_rec *r, int kind, int fmt, int64_t now, cp_buf *out);

/* The JSON body for a webhook type (slack, teams, webhook); record is the
 * raw line (NULL for a digest); items the digest's ids. */
int webhook_body(cp_buf *out, const char *type, const char *channel, const char *kind,
                 const char *id, const char *text, const char *record, size_t rlen,
                 const char *const *items, size_t nitems);
/* The whole email: headers (Message-ID from key, X-Carepipe-Id: id, for
 * filters) and a quoted-printable body. */
int email_message(cp_buf *out, const cp_channel *ch, const char *subject, const char *text,
                  const char *key, const char *id, int64_t now);

/* ---------------------------------------------------------- the run */

#define DIGEST_MAX_ITEMS 200

/* The whole run: the selection, the channel, the journal, the counts. */
struct notify {
	cp_prog *p;
	/* selection */
	jqx *jq;
	bool escalated, alerts, any_selector;
	char *sla_list;          /* ",at_risk,breached," */
	/* the channel */
	const char *config_path, *channel_name, *template_path, *cacert;
	cp_config *cfg;
	const cp_channel *ch;
	int fmt;
	tmpl *custom, *tpl[4], *line[4], *subj[4], *subj_custom;
	cp_buf secret;              /* the channel's token, webhook URL or password */
	char **rcpt;             /* email recipients */
	size_t nrcpt;
	cp_http *http;
	/* the run */
	bool send, mark, only;
	int64_t digest;          /* seconds; -1 without --digest */
	long max, used;
	int64_t now;             /* --now, or -1 */
	njournal *j;
	int64_t oldest;          /* --digest: the oldest queued item's time */
	bool oldest_known;       /* (INT64_MAX: none), so a record need not scan */
	bool down;               /* the channel failed: no more sends this run */
	cp_err down_err;
	cp_buf pv_lines;            /* preview of a digest */
	size_t pv_n;
	unsigned long nsent, npreview, nqueued, nskipped, npending, nfailed, nsettled;
	rec_edit edit;
	cp_buf out, msg, body, subject, id, key, tmp;
};

/* What happened to one selected record. */
struct outcome {
	const char *status;      /* preview, sent, queued, skipped, pending, failed */
	char reason[600];
};

/* select.c: 1 selected, 0 not, -1 when --if failed on it (reported). */
int selected(struct notify *c, const cp_rec *r, const cp_pos *pos);
int kind_of(const cp_rec *r);
/* The item a record is in the journal, into c->id: its id, or for an
 * alert "alert:METRIC:HOUR" and its group.  0, or -1 when it has none. */
int item_id(struct notify *c, const cp_rec *r, int kind);
/* A stable key for what is sent for an item, into out. */
void make_key(cp_buf *out, const char *channel, const char *id);

/* records.c: decide what one selected record gets (o), and write it with
 * its "notify" key (--mark); the digest's preview at the end. */
void decide(struct notify *c, const cp_rec *r, int kind, struct outcome *o);
void mark(struct notify *c, const cp_rec *r, const struct outcome *o, int kind,
          const char *message);
void finish_digest_preview(struct notify *c);
/* The time SLA due times are counted from: --now, or the clock. */
int64_t due_now(const struct notify *c);

/* send.c: send an item whose intent is in the journal; 0 sent, -1 failed
 * (the channel is then down). */
int send_intent(struct notify *c, const char *id, const char *body, const char *key,
                struct outcome *o);
/* The body of a message for this channel, into c->body. */
void build_body(struct notify *c, const char *kind, const char *id, const char *text,
                const char *subject, const char *key, const char *record, size_t rlen,
                const char *const *items, size_t nitems);
/* Send first what earlier runs left open, failed or held back. */
void settle(struct notify *c);
/* --digest: one message for the queued items once the oldest waited a window. */
void maybe_digest(struct notify *c);
/* Stop the run: without the journal nothing may be sent. */
void die_journal(struct notify *c, const cp_err *e) __attribute__((noreturn));
int64_t clock_now(void);

/* setup.c: each stops the run with a message when it cannot. */
void oom(struct notify *c) __attribute__((noreturn));
tmpl *compile_or_die(struct notify *c, const char *what, const char *text);
void load_template(struct notify *c, const char *path);
void load_secret(struct notify *c);
void redact_url(struct notify *c, const char *url);
void split_rcpt(struct notify *c);
void set_sla_list(struct notify *c, const char *arg);

#endif
