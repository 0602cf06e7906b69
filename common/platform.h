/*
 * platform.h - one small table of functions per platform: how to fetch a
 * page of mentions, normalise it into records, post a reply, and find a
 * reply whose outcome is unknown.  fetch-mentions and reply both use it;
 * each platform lives in one file, common/platforms/NAME.c.
 *
 * A platform speaks HTTP only through http.h, reads its settings from a
 * cp_source (config.h), and writes records in the schema of carepipe(7)
 * through plat_emit (schema.h's record_write): keys id, platform, account,
 * direction, kind, author, text, created_at, in_reply_to, thread, url,
 * then lang and metrics when known, then raw (the platform's payload, only
 * when asked).  The brand's own posts come through with direction "out".
 *
 * Ownership:
 *   - plat_open returns a cp_conn freed by plat_close (NULL is fine).  It
 *     keeps pointers to the cp_http and the cp_source, which the caller
 *     keeps alive and frees after plat_close.  It holds the token and any
 *     session (Bluesky) in memory only.
 *   - A cp_sweep is the caller's; its strings are malloc'd, and a platform
 *     that replaces one frees the old value.  plat_sweep_free releases them.
 *   - Records are appended to a caller's buf, one per line, "\n"-ended.
 *   - Nothing here prints or exits: failures come back in cp_err, with the
 *     exit code the command should use (see http.h).
 */
#ifndef CAREPIPE_PLATFORM_H
#define CAREPIPE_PLATFORM_H

#include "carepipe.h"
#include "config.h"
#include "http.h"
#include "schema.h"

/*
 * Incremental fetching.  A sweep walks from the newest item back to the
 * cursor of the previous sweep, one page at a time:
 *   cursor  where the last complete sweep ended (platform-specific: a
 *           since_id, a timestamp); NULL on the first run.
 *   newest  what becomes the cursor when this sweep is complete; the
 *           platform sets it from the items it sees.
 *   page    the token of the next page of this sweep, NULL when the sweep
 *           is done (fetch sets it).
 * The caller saves all three in its state after the records of each page
 * are written, so a run killed mid-sweep resumes at the page it was on;
 * records seen twice across such a resume are dropped by id.
 */
typedef struct {
	char *cursor;
	char *newest;
	char *page;
} cp_sweep;

void plat_sweep_free(cp_sweep *s);
/* Replace *slot with a copy of s[0..n) (NULL s clears it); 0 or -1. */
int plat_set(char **slot, const char *s, size_t n);

/* A reply to publish. */
typedef struct {
	const char *in_reply_to;   /* the record answered: "platform:native" */
	const char *thread;        /* its thread id, or NULL */
	const char *to_id;         /* the customer's platform id (DMs) */
	const char *to_handle;     /* the customer's handle (DMs, Reddit PMs) */
	bool dm;                   /* a direct message rather than a public reply */
	const char *text;
	const char *subject;       /* Reddit PMs; NULL: "Re: your message" */
	const char *idem_key;      /* stable for this (record, reply): makes the
	                              POST retryable and, on Mastodon, is sent as
	                              Idempotency-Key */
} cp_post;

typedef struct {
	char id[512];              /* the new post: "platform:native" */
	char url[1024];            /* where it can be seen, "" when unknown */
} cp_posted;

typedef struct cp_conn cp_conn;

/* Whom a source's credentials belong to, as the platform says. */
typedef struct {
	char handle[256];          /* the account's handle, "" when it has none */
	char id[256];              /* its platform id, "" when unknown */
} cp_whoami;

typedef struct cp_platform {
	const char *name;          /* as in the config and record ids' prefix */
	const char *record_platform; /* the "platform" key (x -> "twitter") */
	/* Set up a connection: read the token (or log in), check the source's
	 * settings (78 when something it needs is missing). */
	int (*open)(cp_conn *c, cp_err *e);
	/* Fetch one page of the sweep: append its records to out and count
	 * them in *n; set sw->page for the next page (NULL when done) and
	 * update sw->newest.  raw: keep each item's payload under "raw". */
	int (*fetch)(cp_conn *c, cp_sweep *sw, bool raw, cp_buf *out, size_t *n, cp_err *e);
	/* Publish a reply or DM; fill out with the new post's id and url. */
	int (*post)(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e);
	/* Find a reply by the brand to rq->in_reply_to, after a post whose
	 * outcome is unknown: 1 found (out filled), 0 none, -1 error.  NULL
	 * where the platform has no way to look. */
	int (*lookup)(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e);
	/* One cheap authenticated call that proves the credentials work (X
	 * users/me, Mastodon verify_credentials, Bluesky getSession, Reddit
	 * api/v1/me, Facebook /me); fill who from its answer. */
	int (*verify)(cp_conn *c, cp_whoami *who, cp_err *e);
	void (*close)(cp_conn *c);
} cp_platform;

/* What a platform file works with; plat_open fills the common part. */
struct cp_conn {
	const cp_platform *plat;
	cp_http *http;
	const cp_source *src;
	cp_buf token;                 /* bearer token (NUL-terminated), or empty */
	char auth_hint[160];       /* what to check on 401/403 */
	int64_t since, until;      /* the caller's window (epoch s), 0 for none:
	                              platforms that can ask for it do; the
	                              caller drops what falls outside anyway */
	void *priv;                /* the platform's own (e.g. a session) */
};

/* The table entry for a config platform name, or NULL. */
const cp_platform *plat_find(const char *name);
/* The platforms, NULL-ended. */
extern const cp_platform *const cp_platforms[];

/* Connect src through http: finds the platform, reads the token, calls
 * its open.  NULL with e set (78 unknown platform or missing token). */
cp_conn *plat_open(cp_http *http, const cp_source *src, cp_err *e);
void plat_close(cp_conn *c);
/* Check c's credentials with the platform's verify call, then that they
 * are the configured account's (handle against account, id against
 * account_id, where the platform gives them).  0 with who filled, or -1
 * with e: 77 refused, 69 unreachable or a broken answer, 78 the
 * credentials of another account than the configured one. */
int plat_verify(cp_conn *c, cp_whoami *who, cp_err *e);

/* Helpers the platform files share (common/platform.c). */
/* Check the source's endpoint against the two a platform has, first (the
 * default) and second; "search" needs a query.  0 for first, 1 for
 * second, -1 with e (78). */
int plat_endpoint(const cp_conn *c, const char *first, const char *second, cp_err *e);
/* A fetch's page size: the source's limit, else dflt, kept between lo
 * and hi (0: no upper bound); written as decimal text into text too. */
long plat_page_size(const cp_conn *c, long dflt, long lo, long hi, char text[24]);
/* Whether what a request is made of came out whole: no buf allocation
 * failed since failures (buf_failures() from before it was built), and
 * url and body (NULL: none) are C strings.  0, or -1 with e (71, out of
 * memory): a request missing a piece is never sent. */
int plat_built(unsigned long failures, cp_buf *url, cp_buf *body, cp_err *e);
/* A request with c's token, source name, timeouts and retries: what
 * plat_request sends, for a platform that sets more (Mastodon's
 * Idempotency-Key header). */
void plat_req_init(cp_conn *c, cp_http_req *rq, const char *method, const char *url);
/* A GET or POST through c's http with c's token and limits. */
int plat_request(cp_conn *c, const char *method, const char *url,
                 const char *ctype, const char *body, size_t blen,
                 const char *idem_key, cp_http_resp *rs, cp_err *e);
/* GET the URL built in url, unless an allocation of a buf failed while it
 * was built: failures is buf_failures() from before, and a URL missing a
 * piece is never asked for (71, out of memory). */
int plat_get(cp_conn *c, cp_buf *url, unsigned long failures, cp_http_resp *rs, cp_err *e);
/* POST the body built in body, of type ctype, to the URL built in url,
 * unless a piece is missing (as plat_get).  No idempotency key: a POST
 * that fails midway is not retried; the caller settles it by a lookup. */
int plat_post(cp_conn *c, cp_buf *url, cp_buf *body, const char *ctype, unsigned long failures,
              cp_http_resp *rs, cp_err *e);
/* A lookup's search: GET the URL built in url (as plat_get), then walk
 * the list at list_path of the answer (val_path syntax) for the first item
 * match accepts.  1 with *item (a view into rs's body), 0 when none does,
 * -1 (e set). */
typedef bool (*plat_match_fn)(cp_conn *c, cp_val item, void *ctx);
int plat_search(cp_conn *c, cp_buf *url, unsigned long failures, const char *list_path,
                plat_match_fn match, void *ctx, cp_http_resp *rs, cp_val *item, cp_err *e);
/* Whether an item of a payload has a non-empty "id" (string or number). */
bool plat_has_id(cp_val item);
/* A count from a payload (followers, likes): an integer, or -1 (unknown). */
int64_t plat_count(cp_val v);
/* A record id without its "platform:" prefix ("twitter:12" -> "12"); the
 * prefix is optional, and NULL is "". */
const char *plat_native(const cp_conn *c, const char *id);
/* Fill out with "platform:native_id" and the URL url_fmt makes of the
 * arguments after it (NULL: "", where the post cannot be seen). */
void plat_posted(const cp_conn *c, cp_posted *out, const char *native_id, const char *url_fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Start a record: {"id":"<platform>:<native>","platform":..,"account":..,
 * "direction":..,"kind":.. into out; plat_rec_* add the rest in order. */
typedef struct {
	const char *native_id;     /* required */
	int direction;             /* REC_DIR_IN or REC_DIR_OUT (schema.h); 0 is in */
	const char *kind;          /* post, reply, dm, comment */
	const char *author_id, *author_handle, *author_name;
	int64_t followers;         /* -1: unknown */
	const char *text;
	int64_t created_at;        /* epoch seconds */
	const char *in_reply_to;   /* native id of the parent, or NULL */
	const char *thread;        /* native id of the root, or NULL (then self) */
	const char *url;
	const char *lang;
	int64_t likes, reposts, replies, quotes; /* -1: unknown; all -1: no metrics */
	cp_val raw;                   /* the payload, VAL_NONE when not kept */
} plat_rec;
/* Reset r: no values, counts unknown (-1). */
void plat_rec_init(plat_rec *r);
/* Append one record (with "\n") in the schema's key order. */
int plat_emit(cp_conn *c, const plat_rec *r, cp_buf *out);
/* The end of an item's record: item kept under "raw" when raw is asked
 * for, the record appended to out (plat_emit) and counted in *n.  0, or
 * -1 when out of memory. */
int plat_put(cp_conn *c, plat_rec *r, bool raw, cp_val item, cp_buf *out, size_t *n);
/* Whether an author is the brand's own account: the id is the source's
 * account_id, or the handle its account (case does not count). */
bool plat_own(const cp_conn *c, const char *author_id, const char *author_handle);
/* Copy a string value into a buf and return its C string ("" when absent). */
const char *plat_str(cp_val v, cp_buf *tmp);
/* The JSON value of a response body; VAL_NONE when not an object/array. */
cp_val plat_json(const cp_http_resp *rs);
/* Append "&name=value" (or "?name=value" when url has no "?" yet), value
 * percent-encoded; nothing when value is NULL. */
int plat_param(cp_buf *url, const char *name, const char *value);
/* verify for the platforms whose check is one GET of base_url + path with
 * the token: the handle and id are read at handle_path and id_path of the
 * JSON answer (val_path syntax; NULL: not given). */
int plat_verify_get(cp_conn *c, const char *path, const char *handle_path,
                    const char *id_path, cp_whoami *who, cp_err *e);
/* Fill who's handle and id from a JSON answer (paths as above); -1 with
 * e (69) when the answer lacks them. */
int plat_whoami_from(cp_conn *c, cp_val doc, const char *handle_path, const char *id_path,
                     cp_whoami *who, cp_err *e);
/* Compare two decimal ids by value (longer is bigger): <0, 0, >0. */
int plat_idcmp(const char *a, const char *b);
/* Keep the larger of *slot and id (decimal ids); 0 or -1. */
int plat_newer(char **slot, const char *id);
/* plat_newer of a time, as decimal epoch seconds (the cursor of the
 * platforms that sweep by time). */
int plat_newer_time(char **slot, int64_t t);

#endif
