/*
 * mail.h - sending one email through SMTP or SMTPS with libcurl, for
 * notify's email channels.  The HTTP side of carepipe is http.h; this is
 * its SMTP sibling, with the same policy where it applies:
 *   - TLS verified, always (peer and host); smtps:// is TLS from the
 *     first byte, smtp:// upgrades with STARTTLS and fails without it,
 *     unless the caller says starttls is off (a relay on localhost).
 *   - Transient failures (a refused or broken connection, a timeout, an
 *     SMTP 4xx reply) retried with exponential backoff; each wait is
 *     announced through on_wait before it starts.  The message keeps its
 *     Message-ID across attempts, so a receiver can drop a repeat.
 *   - Outcomes as exit codes in cp_err: authentication refused (SMTP 535,
 *     530) -> 77; a permanent refusal (other 5xx) -> 69; still failing
 *     after the retries -> 75; a bad URL -> 78.
 *   - No libcurl trace is ever made (the AUTH exchange carries the
 *     password, base64 only); on_trace gets carepipe's own summary lines,
 *     and the password never reaches a message.
 *
 * Ownership: nothing is kept; every pointer in cp_mail stays the caller's.
 * Nothing here prints or exits.
 */
#ifndef CAREPIPE_MAIL_H
#define CAREPIPE_MAIL_H

#include "carepipe.h"

typedef struct {
	const char *url;          /* smtp://HOST[:PORT] or smtps://HOST[:PORT] */
	bool starttls;            /* smtp://: require STARTTLS */
	const char *user;         /* login, or NULL: no AUTH */
	const char *password;
	const char *cacert;       /* a CA bundle to trust too, or NULL */
	const char *from;         /* envelope sender */
	const char *const *to;    /* envelope recipients */
	size_t nto;
	const char *message;      /* the whole message, headers and body, CRLF lines */
	size_t len;
	long timeout, connect_timeout, retries;
	double backoff;
	const char *channel;      /* for messages */
	void (*on_wait)(void *ctx, const char *why, double secs);
	void (*on_trace)(void *ctx, const char *line);
	void *ctx;
} cp_mail;

/* Send m.  0 when the server accepted the message (*smtp_code gets its
 * final reply code), or -1 with e set. */
int mail_send(const cp_mail *m, long *smtp_code, cp_err *e);

/* Helpers to build a message.  Append a header value with every control
 * character turned to a space (no header can be injected), RFC 2047
 * encoded when it is not ASCII. */
int mail_header_value(cp_buf *b, const char *s, size_t n);
/* Append s[0..n) as a quoted-printable body (RFC 2045): any line length,
 * any bytes, CRLF line ends. */
int mail_qp(cp_buf *b, const char *s, size_t n);

#endif
