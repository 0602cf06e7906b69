/*
 * The HTTP client: libcurl with the policy of http.h.  One easy handle per
 * client, so connections are reused across the pages of a sweep.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"

struct cp_http {
	CURL *curl;
	char *cacert;
	double max_wait;
	double waited;      /* seconds waited so far, all requests together */
	void (*on_wait)(void *, const char *, double);
	void (*on_trace)(void *, const char *);
	void *ctx;
	char **secrets;
	size_t nsecrets;
	cp_buf trace;
	unsigned seed;
};

static int curl_ready;

cp_http *http_new(const cp_http_opts *o, cp_err *e)
{
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
			cp_fail(e, CP_EX_SOFTWARE, "libcurl: global init failed");
			return NULL;
		}
		curl_ready = 1;
	}
	cp_http *h = calloc(1, sizeof *h);
	if (!h || !(h->curl = curl_easy_init())) {
		free(h);
		cp_fail(e, CP_EX_OSERR, "libcurl: out of memory");
		return NULL;
	}
	if (o->cacert && !(h->cacert = strdup(o->cacert))) {
		http_free(h);
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	h->max_wait = o->max_wait > 0 ? o->max_wait : 300;
	h->on_wait = o->on_wait;
	h->on_trace = o->on_trace;
	h->ctx = o->ctx;
	h->seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
	return h;
}

void http_free(cp_http *h)
{
	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	for (size_t i = 0; i < h->nsecrets; i++) {
		explicit_bzero(h->secrets[i], strlen(h->secrets[i]));
		free(h->secrets[i]);
	}
	free(h->secrets);
	free(h->cacert);
	buf_free(&h->trace);
	free(h);
}

int http_secret(cp_http *h, const char *s)
{
	if (!s || strlen(s) < 4)   /* too short to redact without mangling text */
		return 0;
	for (size_t i = 0; i < h->nsecrets; i++)
		if (strcmp(h->secrets[i], s) == 0)
			return 0;
	char **grown = realloc(h->secrets, (h->nsecrets + 1) * sizeof *grown);
	if (!grown)
		return -1;
	h->secrets = grown;
	if (!(h->secrets[h->nsecrets] = strdup(s)))
		return -1;
	h->nsecrets++;
	return 0;
}

void http_redact(cp_http *h, cp_buf *b)
{
	static const char mark[] = "[redacted]";
	if (!b->p)
		return;
	for (size_t i = 0; h && i < h->nsecrets; i++) {
		const char *s = h->secrets[i];
		size_t sl = strlen(s);
		char *at;
		buf_cstr(b);
		while ((at = memmem(b->p, b->len, s, sl)) != NULL) {
			size_t off = (size_t)(at - b->p);
			/* mark is longer than nothing but maybe shorter than s: rebuild */
			cp_buf nb = {0};
			if (buf_add(&nb, b->p, off) < 0 || buf_adds(&nb, mark) < 0 ||
			    buf_add(&nb, b->p + off + sl, b->len - off - sl) < 0) {
				/* out of memory: blank the secret in place instead */
				memset(at, '*', sl);
				buf_free(&nb);
				continue;
			}
			buf_free(b);
			*b = nb;
			buf_cstr(b);
		}
	}
	buf_cstr(b);
}

static void trace(cp_http *h, const char *prefix, const char *p, size_t n)
{
	if (!h->on_trace)
		return;
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) : n;
		size_t shown = len;
		while (shown > 0 && p[shown - 1] == '\r')
			shown--;
		if (shown > 0) {
			buf_reset(&h->trace);
			buf_adds(&h->trace, prefix);
			if (shown > 14 && strncasecmp(p, "authorization:", 14) == 0)
				buf_adds(&h->trace, "Authorization: [redacted]");
			else
				buf_add(&h->trace, p, shown > 2000 ? 2000 : shown);
			http_redact(h, &h->trace);
			if (h->trace.p)
				h->on_trace(h->ctx, h->trace.p);
		}
		if (!nl)
			break;
		n -= len + 1;
		p = nl + 1;
	}
}

static int debug_cb(CURL *c, curl_infotype type, char *data, size_t size, void *ud)
{
	(void)c;
	cp_http *h = ud;
	switch (type) {
	case CURLINFO_TEXT:
		trace(h, "* ", data, size);
		break;
	case CURLINFO_HEADER_OUT:
		trace(h, "> ", data, size);
		break;
	case CURLINFO_HEADER_IN:
		trace(h, "< ", data, size);
		break;
	default:
		break;
	}
	return 0;
}

/* No API page is this big: a server sending more is broken or hostile. */
#define BODY_MAX ((size_t)64 << 20)

static size_t body_cb(char *p, size_t sz, size_t n, void *ud)
{
	cp_http_resp *rs = ud;
	if (rs->body.len + sz * n > BODY_MAX || buf_add(&rs->body, p, sz * n) < 0)
		return 0;
	return sz * n;
}

static size_t header_cb(char *p, size_t sz, size_t n, void *ud)
{
	cp_http_resp *rs = ud;
	/* A new status line starts a new response (redirects, 100 Continue). */
	if (sz * n >= 5 && strncmp(p, "HTTP/", 5) == 0)
		buf_reset(&rs->headers);
	if (buf_add(&rs->headers, p, sz * n) < 0)
		return 0;
	return sz * n;
}

void http_resp_free(cp_http_resp *rs)
{
	buf_free(&rs->body);
	buf_free(&rs->headers);
}

int http_header(const cp_http_resp *rs, const char *name, cp_buf *out)
{
	size_t nl = strlen(name);
	const char *p = rs->headers.p, *end = p + rs->headers.len;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		if ((size_t)(le - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
			const char *v = p + nl + 1;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			const char *ve = le;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			buf_reset(out);
			if (buf_add(out, v, (size_t)(ve - v)) < 0 || !buf_cstr(out))
				return -1;
			return 1;
		}
		p = eol ? eol + 1 : end;
	}
	return 0;
}

int http_escape(cp_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			if (buf_addc(b, (char)c) < 0)
				return -1;
		} else if (buf_addc(b, '%') < 0 || buf_addc(b, hex[c >> 4]) < 0 ||
		           buf_addc(b, hex[c & 15]) < 0) {
			return -1;
		}
	}
	return buf_cstr(b) ? 0 : -1;
}

/* Seconds to wait as the server asks: Retry-After (seconds or a date), or
 * a reset header, which is either epoch seconds (X, Bluesky) or seconds
 * from now (Reddit, the IETF draft).  -1 when the server says nothing. */
static double server_wait(const cp_http_resp *rs)
{
	cp_buf v = {0};
	double w = -1;
	time_t now = time(NULL);
	if (http_header(rs, "retry-after", &v)) {
		char *end;
		double d = strtod(v.p, &end);
		if (end != v.p && *end == '\0')
			w = d;
		else {
			time_t t = curl_getdate(v.p, NULL);
			if (t > 0)
				w = difftime(t, now);
		}
	} else {
		static const char *const resets[] = {
			"x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset", NULL
		};
		for (const char *const *r = resets; *r && w < 0; r++) {
			if (!http_header(rs, *r, &v))
				continue;
			char *end;
			double d = strtod(v.p, &end);
			int64_t t;
			if (end != v.p && *end == '\0')
				w = d > 1e9 ? d - (double)now : d;
			else if (time_parse(v.p, v.len, &t) == 0)  /* Mastodon: ISO 8601 */
				w = (double)t - (double)now;
		}
	}
	buf_free(&v);
	if (w < 0 && w != -1)
		w = 0;
	return w;
}

static void sleep_for(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - floor(secs)) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Exponential backoff with "equal jitter": half fixed, half random. */
static double backoff(cp_http *h, double base, int attempt)
{
	double d = base * pow(2, attempt > 20 ? 20 : attempt);
	if (d > 60)
		d = 60;
	return d / 2 + (d / 2) * ((double)rand_r(&h->seed) / RAND_MAX);
}

static bool passes(const cp_http_req *rq, long status)
{
	for (int i = 0; i < 4; i++)
		if (rq->pass_status[i] && rq->pass_status[i] == status)
			return true;
	return false;
}

/* "host/path" of a URL without its query, for messages. */
static void url_for_msg(const char *url, char *out, size_t n)
{
	const char *s = strstr(url, "://");
	s = s ? s + 3 : url;
	size_t len = strcspn(s, "?#");
	snprintf(out, n, "%.*s", (int)(len > n - 1 ? n - 1 : len), s);
}

/* A short, redacted excerpt of an error body. */
static void body_excerpt(cp_http *h, const cp_http_resp *rs, char *out, size_t n)
{
	cp_buf b = {0};
	size_t len = rs->body.len > 160 ? 160 : rs->body.len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)rs->body.p[i];
		buf_addc(&b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
	if (rs->body.len > len)
		buf_adds(&b, "...");
	buf_cstr(&b);
	http_redact(h, &b);
	snprintf(out, n, "%s", b.p ? b.p : "");
	buf_free(&b);
}

static int fail_redacted(cp_http *h, cp_err *e, int code, const char *msg)
{
	cp_buf b = {0};
	buf_adds(&b, msg);
	http_redact(h, &b);
	cp_fail(e, code, "%s", b.p ? b.p : "error");
	buf_free(&b);
	return -1;
}

int http_do(cp_http *h, const cp_http_req *rq, cp_http_resp *rs, cp_err *e)
{
	const char *method = rq->method ? rq->method : "GET";
	bool safe = strcmp(method, "GET") == 0 || rq->idem_key != NULL;
	long retries = rq->retries > 0 ? rq->retries : (rq->retries < 0 ? 0 : 4);
	double base = rq->backoff > 0 ? rq->backoff : 1;
	const char *src = rq->source ? rq->source : "?";
	char where[256], why[512], msg[1024], excerpt[256];
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	cp_buf line = {0};
	int failures = 0, limited = 0, rc = -1;

	url_for_msg(rq->url, where, sizeof where);
	rs->status = 0;
	rs->attempts = 0;
	rs->waited = 0;

	if (rq->bearer) {
		buf_addf(&line, "Authorization: Bearer %s", rq->bearer);
		hdrs = curl_slist_append(hdrs, buf_cstr(&line));
		buf_wipe(&line);
	}
	if (rq->content_type) {
		buf_reset(&line);
		buf_addf(&line, "Content-Type: %s", rq->content_type);
		hdrs = curl_slist_append(hdrs, buf_cstr(&line));
	}
	if (rq->idem_key && rq->idem_header) {
		buf_reset(&line);
		buf_addf(&line, "Idempotency-Key: %s", rq->idem_key);
		hdrs = curl_slist_append(hdrs, buf_cstr(&line));
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (int i = 0; i < 4 && rq->headers[i]; i++)
		hdrs = curl_slist_append(hdrs, rq->headers[i]);
	buf_free(&line);
	/* The allocation rule (carepipe.h): once an allocation has failed, a
	 * request may have been built without a part - a status posted
	 * near-empty, a header missing - so none is sent. */
	if (buf_failures()) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}

	for (;;) {
		CURL *c = h->curl;
		curl_easy_reset(c);
		buf_reset(&rs->body);
		buf_reset(&rs->headers);
		errbuf[0] = '\0';
		curl_easy_setopt(c, CURLOPT_URL, rq->url);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, strcmp(method, "GET") ? method : NULL);
		if (rq->body) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
		} else if (strcmp(method, "POST") == 0) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
		}
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "carepipe/" CAREPIPE_VERSION);
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		if (h->cacert)
			curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, rq->connect_timeout > 0 ? rq->connect_timeout : 10L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, rq->timeout > 0 ? rq->timeout : 30L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		/* Redirects would carry the token to another host: not followed. */
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, rs);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, rs);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
		if (h->on_trace) {
			curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
			curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
			curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
		}

		rs->attempts++;
		CURLcode cc = curl_easy_perform(c);
		double wait = -1;
		bool rate_limited = false;
		bool not_sent = false;   /* the server never saw this attempt */
		if (buf_failures()) {
			/* The response could not be stored whole (a write callback
			 * failed, or it was cut): out of memory, not the network's
			 * fault, and never retried. */
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
		if (cc != CURLE_OK) {
			not_sent = cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
			    cc == CURLE_COULDNT_RESOLVE_PROXY;
			rs->status = 0;
			snprintf(why, sizeof why, "%s: %s", where, errbuf[0] ? errbuf : curl_easy_strerror(cc));
			switch (cc) {
			case CURLE_SSL_CACERT_BADFILE:
			case CURLE_SSL_CERTPROBLEM:
			case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
			case CURLE_SSL_CACERT:
#endif
			case CURLE_URL_MALFORMAT:
			case CURLE_UNSUPPORTED_PROTOCOL:
				/* Retrying cannot fix a certificate or a URL. */
				snprintf(msg, sizeof msg,
				    "source %s: %s (TLS is always verified; --cacert FILE trusts a private CA)",
				    src, why);
				rc = fail_redacted(h, e, cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL
				    ? CP_EX_CONFIG : CP_EX_UNAVAILABLE, msg);
				goto done;
			default:
				break;
			}
		} else {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rs->status);
			buf_cstr(&rs->body);
			long st = rs->status;
			if ((st >= 200 && st < 300) || passes(rq, st)) {
				const char *jerr;
				size_t joff;
				if (st < 200 || st >= 300 || !rq->want_json ||
				    json_validate(rs->body.p ? rs->body.p : "", rs->body.len, &jerr, &joff) == 0) {
					rc = 0;
					goto done;
				}
				snprintf(why, sizeof why, "%s: HTTP %ld with invalid JSON (%s at byte %zu of %zu)",
				    where, st, jerr, joff, rs->body.len);
			} else if (st == 401 || st == 403) {
				body_excerpt(h, rs, excerpt, sizeof excerpt);
				snprintf(msg, sizeof msg,
				    "source %s: %s: HTTP %ld, authorization refused: check %s%s%s",
				    src, where, st, rq->auth_hint ? rq->auth_hint : "the credentials",
				    excerpt[0] ? ": " : "", excerpt);
				rc = fail_redacted(h, e, CP_EX_NOPERM, msg);
				goto done;
			} else if (st == 429) {
				rate_limited = true;
				wait = server_wait(rs);
				snprintf(why, sizeof why, "%s: HTTP 429, rate limited", where);
			} else if (st >= 500) {
				wait = server_wait(rs);
				snprintf(why, sizeof why, "%s: HTTP %ld", where, st);
			} else {
				body_excerpt(h, rs, excerpt, sizeof excerpt);
				snprintf(msg, sizeof msg, "source %s: %s: HTTP %ld%s%s%s", src, where, st,
				    st == 404 ? " (check base_url and the ids in the config)" : "",
				    excerpt[0] ? ": " : "", excerpt);
				rc = fail_redacted(h, e, st == 404 ? CP_EX_CONFIG : CP_EX_UNAVAILABLE, msg);
				goto done;
			}
		}

		/* Here the attempt failed in a way a retry may fix.  A 429 and a
		 * refused connection were not acted on, so even a POST without a
		 * key may go again; after a 5xx or a broken answer it may not. */
		if (!safe && !rate_limited && !not_sent) {
			snprintf(msg, sizeof msg,
			    "source %s: %s; not retried: a %s without an idempotency key could happen twice",
			    src, why, method);
			rc = fail_redacted(h, e, CP_EX_UNAVAILABLE, msg);
			goto done;
		}
		if (rate_limited) {
			/* A server may say "now" (Retry-After: 0, a reset time of 0
			 * or in the past) and answer 429 again: asked again at once
			 * it would loop for ever, waiting nothing that --max-wait
			 * could count.  So its wait is at least the backoff, and
			 * the 429s in a row count against retries like failures. */
			double b = backoff(h, base, limited);
			if (wait < b)
				wait = b;
			if (limited >= retries) {
				snprintf(msg, sizeof msg,
				    "source %s: %s; still after %d attempts; try later",
				    src, why, rs->attempts);
				rc = fail_redacted(h, e, CP_EX_TEMPFAIL, msg);
				goto done;
			}
			limited++;
			if (h->waited + wait > h->max_wait) {
				snprintf(msg, sizeof msg,
				    "source %s: %s for %.0fs more, past --max-wait (%.0fs); try later",
				    src, why, wait, h->max_wait);
				rc = fail_redacted(h, e, CP_EX_TEMPFAIL, msg);
				goto done;
			}
		} else {
			if (failures >= retries) {
				snprintf(msg, sizeof msg, "source %s: %s; gave up after %d attempts",
				    src, why, rs->attempts);
				rc = fail_redacted(h, e, CP_EX_UNAVAILABLE, msg);
				goto done;
			}
			double b = backoff(h, base, failures);
			if (wait < b)
				wait = b;
			failures++;
			if (h->waited + wait > h->max_wait) {
				snprintf(msg, sizeof msg, "source %s: %s; retrying would wait past --max-wait (%.0fs)",
				    src, why, h->max_wait);
				rc = fail_redacted(h, e, CP_EX_UNAVAILABLE, msg);
				goto done;
			}
		}
		if (h->on_wait) {
			cp_buf w = {0};
			buf_addf(&w, "source %s: %s; retrying in %.1fs (attempt %d)", src, why, wait, rs->attempts + 1);
			http_redact(h, &w);
			if (w.p)
				h->on_wait(h->ctx, w.p, wait);
			buf_free(&w);
		}
		sleep_for(wait);
		rs->waited += wait;
		h->waited += wait;
	}
done:
	curl_slist_free_all(hdrs);
	/* The handle keeps the header list pointer: drop it with the list. */
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	return rc;
}
