/*
 * SMTP through libcurl: one message, the retry policy of mail.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "mail.h"

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *out, size_t sz, size_t n, void *ud)
{
	struct upload *u = ud;
	size_t want = sz * n;
	if (want > u->left)
		want = u->left;
	memcpy(out, u->p, want);
	u->p += want;
	u->left -= want;
	return want;
}

static void sleep_for(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - floor(secs)) * 1e9) };
	while (nanosleep(&ts, &ts) < 0)
		;
}

static void say(const cp_mail *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const cp_mail *m, const char *fmt, ...)
{
	char line[768];
	va_list ap;
	if (!m->on_trace)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	m->on_trace(m->ctx, line);
}

int mail_send(const cp_mail *m, long *smtp_code, cp_err *e)
{
	static int ready;
	if (!ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return cp_fail(e, CP_EX_SOFTWARE, "libcurl: global init failed");
		ready = 1;
	}
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	char errbuf[CURL_ERROR_SIZE], why[CURL_ERROR_SIZE + 128];
	long retries = m->retries < 0 ? 0 : m->retries;
	double base = m->backoff > 0 ? m->backoff : 1;
	const char *ch = m->channel ? m->channel : "?";
	int rc = -1;
	if (!c)
		return cp_fail(e, CP_EX_OSERR, "libcurl: out of memory");
	for (size_t i = 0; i < m->nto; i++) {
		struct curl_slist *n = curl_slist_append(rcpt, m->to[i]);
		if (!n) {
			rc = cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
		rcpt = n;
	}
	*smtp_code = 0;
	for (int attempt = 0;; attempt++) {
		struct upload u = { m->message, m->len };
		long code = 0;
		curl_easy_reset(c);
		errbuf[0] = '\0';
		curl_easy_setopt(c, CURLOPT_URL, m->url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
		curl_easy_setopt(c, CURLOPT_USE_SSL, m->starttls || strncmp(m->url, "smtps:", 6) == 0
		    ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		if (m->cacert)
			curl_easy_setopt(c, CURLOPT_CAINFO, m->cacert);
		if (m->user) {
			curl_easy_setopt(c, CURLOPT_USERNAME, m->user);
			curl_easy_setopt(c, CURLOPT_PASSWORD, m->password ? m->password : "");
		}
		curl_easy_setopt(c, CURLOPT_MAIL_FROM, m->from);
		curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(c, CURLOPT_READDATA, &u);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, m->connect_timeout > 0 ? m->connect_timeout : 10L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, m->timeout > 0 ? m->timeout : 30L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
		CURLcode cc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		say(m, "channel %s: SMTP %s to %zu recipient%s: %s (reply %ld)", ch, m->url, m->nto,
		    m->nto == 1 ? "" : "s", cc == CURLE_OK ? "accepted" : curl_easy_strerror(cc), code);
		if (cc == CURLE_OK) {
			*smtp_code = code;
			rc = 0;
			goto done;
		}
		snprintf(why, sizeof why, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
		if (cc == CURLE_LOGIN_DENIED || code == 535 || code == 530 || code == 534) {
			rc = cp_fail(e, CP_EX_NOPERM, "channel %s: %s: authentication refused (reply %ld): "
			    "check user and the password in token_env or token_file", ch, m->url, code);
			goto done;
		}
		if (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL) {
			rc = cp_fail(e, CP_EX_CONFIG, "channel %s: %s: %s", ch, m->url, why);
			goto done;
		}
		if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
		    cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_USE_SSL_FAILED) {
			rc = cp_fail(e, CP_EX_UNAVAILABLE, "channel %s: %s: %s (TLS is always verified%s)",
			    ch, m->url, why, cc == CURLE_USE_SSL_FAILED ? "; the server offers no STARTTLS" : "");
			goto done;
		}
		if (code >= 500) {
			rc = cp_fail(e, CP_EX_UNAVAILABLE, "channel %s: %s: refused for good (reply %ld): %s",
			    ch, m->url, code, why);
			goto done;
		}
		if (attempt >= retries) {
			rc = cp_fail(e, CP_EX_TEMPFAIL, "channel %s: %s: %s; gave up after %d attempts",
			    ch, m->url, why, attempt + 1);
			goto done;
		}
		double wait = base * pow(2, attempt);
		if (m->on_wait) {
			char w[CURL_ERROR_SIZE + 256];
			snprintf(w, sizeof w, "channel %s: %s: %s; retrying in %.1fs (attempt %d)", ch,
			    m->url, why, wait, attempt + 2);
			m->on_wait(m->ctx, w, wait);
		}
		sleep_for(wait);
	}
done:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc;
}

int mail_header_value(cp_buf *b, const char *s, size_t n)
{
	bool ascii = true;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = false;
	if (ascii) {
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (buf_addc(b, ch < 0x20 || ch == 0x7f ? ' ' : (char)ch) < 0)
				return -1;
		}
		return 0;
	}
	/* RFC 2047 base64 words, each under 75 bytes, split between UTF-8
	 * sequences; a folded line per word. */
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0;
	bool first = true;
	while (i < n) {
		size_t end = i + 45 < n ? i + 45 : n;
		while (end < n && end > i && ((unsigned char)s[end] & 0xC0) == 0x80)
			end--;
		if (!first && buf_adds(b, "\r\n ") < 0)
			return -1;
		first = false;
		if (buf_adds(b, "=?UTF-8?B?") < 0)
			return -1;
		unsigned char chunk[48];
		size_t cn = end - i;
		for (size_t k = 0; k < cn; k++) {
			unsigned char ch = (unsigned char)s[i + k];
			chunk[k] = ch < 0x20 || ch == 0x7f ? ' ' : ch;
		}
		for (size_t k = 0; k < cn; k += 3) {
			unsigned v = (unsigned)chunk[k] << 16;
			if (k + 1 < cn)
				v |= (unsigned)chunk[k + 1] << 8;
			if (k + 2 < cn)
				v |= chunk[k + 2];
			char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63],
			              k + 1 < cn ? b64[(v >> 6) & 63] : '=', k + 2 < cn ? b64[v & 63] : '=' };
			if (buf_add(b, q, 4) < 0)
				return -1;
		}
		if (buf_adds(b, "?=") < 0)
			return -1;
		i = end;
	}
	return 0;
}

int mail_qp(cp_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n' || (ch == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			if (ch == '\r')
				i++;
			if (buf_adds(b, "\r\n") < 0)
				return -1;
			col = 0;
			continue;
		}
		bool last_on_line = i + 1 == n || s[i + 1] == '\n' || s[i + 1] == '\r';
		bool plain = (ch >= 33 && ch <= 126 && ch != '=') ||
		    ((ch == ' ' || ch == '\t') && !last_on_line);
		/* A dot at the start of a line is left to SMTP's own stuffing,
		 * but encoded all the same so no relay can mistake it. */
		if (ch == '.' && col == 0)
			plain = false;
		size_t w = plain ? 1 : 3;
		if (col + w > 75) {
			if (buf_adds(b, "=\r\n") < 0)
				return -1;
			col = 0;
		}
		if (plain ? buf_addc(b, (char)ch) < 0
		          : buf_addf(b, "=%c%c", hex[ch >> 4], hex[ch & 15]) < 0)
			return -1;
		col += w;
	}
	return 0;
}
