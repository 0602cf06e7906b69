/*
 * http.h - the one HTTP client of carepipe, over libcurl.  fetch-mentions
 * reads through it and reply posts through it; nothing else opens sockets.
 *
 * What every request gets, whoever makes it:
 *   - TLS verified, always (peer and host); cacert adds a private CA file.
 *   - Compressed responses accepted, proxies from the environment (libcurl's
 *     own rules), connect and total timeouts, User-Agent carepipe/VERSION.
 *   - 429 and 5xx, and network failures, retried with exponential backoff
 *     and jitter, honouring Retry-After and the reset headers
 *     (x-rate-limit-reset, X-RateLimit-Reset, ratelimit-reset).  Only where
 *     a retry is safe: GET, or a POST that carries an idempotency key; any
 *     request after a 429 or a connection refused (never acted on).  Every
 *     wait is announced through on_wait before it starts.
 *   - Outcomes as exit codes in cp_err: 401/403 -> 77 (which source, what to
 *     check); a persistent outage or a broken response -> 69; rate-limited
 *     past max_wait -> 75; 404 -> 78 (the configured ids or URL are wrong);
 *     other 4xx -> 69.
 *   - Traces (on_trace, for -v) and error messages never hold a secret:
 *     the Authorization header and every string given to http_secret are
 *     replaced by "[redacted]".
 *
 * Ownership: http_new returns a client freed by http_free (NULL is fine);
 * it copies the strings in cp_http_opts and those given to http_secret.
 * A cp_http_resp is zero-initialised by the caller, filled by http_do
 * (previous contents are reset) and released with http_resp_free.
 * Nothing here prints or exits; callbacks are how the command hears.
 */
#ifndef CAREPIPE_HTTP_H
#define CAREPIPE_HTTP_H

#include "carepipe.h"

typedef struct cp_http cp_http;

typedef struct {
	const char *cacert;     /* a CA bundle file to trust, or NULL */
	double max_wait;        /* seconds of waiting allowed, all requests of this
	                           client together (0: 300) */
	/* A wait is about to start: why (already redacted) and for how long. */
	void (*on_wait)(void *ctx, const char *why, double secs);
	/* One -v trace line, already redacted; NULL: no tracing. */
	void (*on_trace)(void *ctx, const char *line);
	void *ctx;
} cp_http_opts;

typedef struct {
	const char *method;       /* "GET" (default), "POST", "PUT", "DELETE" */
	const char *url;
	const char *bearer;       /* token for "Authorization: Bearer ..." or NULL */
	const char *content_type; /* for a body: "application/json", ... */
	const char *body;         /* request body or NULL */
	size_t body_len;
	const char *idem_key;     /* makes a POST safe to retry */
	bool idem_header;         /* also send it as Idempotency-Key */
	bool want_json;           /* a 2xx body must be valid JSON (else retried) */
	const char *headers[4];   /* extra "Name: value" lines, NULL-ended */
	/* For messages: the source's name and what to check on 401/403. */
	const char *source;
	const char *auth_hint;    /* e.g. "the token in $X_TOKEN" */
	/* Per-request limits, from the source (0: defaults 30s, 10s, 4, 1s). */
	long timeout, connect_timeout, retries;
	double backoff;
	/* When set, a final response with one of these statuses (besides 2xx)
	 * is returned with 0 instead of an error: e.g. Bluesky's 400
	 * ExpiredToken, which the caller answers by refreshing a session. */
	int pass_status[4];
} cp_http_req;

typedef struct {
	long status;
	cp_buf body;       /* NUL-terminated (not counted) */
	cp_buf headers;    /* the final response's header lines, "\r\n"-separated */
	int attempts;   /* requests made */
	double waited;  /* seconds spent waiting between attempts */
} cp_http_resp;

cp_http *http_new(const cp_http_opts *o, cp_err *e);
void http_free(cp_http *h);
/* A string that must never appear in traces or messages (a token). */
int http_secret(cp_http *h, const char *s);
/* Perform a request with the retry policy above.  Returns 0 with a 2xx (or
 * a pass_status) response in rs, or -1 with e set.  Once any allocation
 * of a buf has failed in this process (buf_failures), nothing is sent: -1
 * with 71, whatever the request, since its URL, headers or body may have
 * been built without a part. */
int http_do(cp_http *h, const cp_http_req *rq, cp_http_resp *rs, cp_err *e);
void http_resp_free(cp_http_resp *rs);
/* A response header's value (case-insensitive name), copied into out;
 * 1 found, 0 not, -1 out of memory. */
int http_header(const cp_http_resp *rs, const char *name, cp_buf *out);
/* Append s percent-encoded for a query string or path segment. */
int http_escape(cp_buf *b, const char *s);
/* Replace every secret of h in s (NUL-terminated, in place growing in b). */
void http_redact(cp_http *h, cp_buf *b);

#endif
