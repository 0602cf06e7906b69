/*
 * What the platform files share: the table of platforms, connecting a
 * source, requests with the source's token and limits, and writing a
 * record in the schema's key order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform.h"
#include "schema.h"

extern const cp_platform cp_platform_x, cp_platform_mastodon, cp_platform_bluesky,
	cp_platform_reddit, cp_platform_facebook;

const cp_platform *const cp_platforms[] = {
	&cp_platform_x, &cp_platform_mastodon, &cp_platform_bluesky,
	&cp_platform_reddit, &cp_platform_facebook, NULL
};

const cp_platform *plat_find(const char *name)
{
	for (const cp_platform *const *p = cp_platforms; *p; p++)
		if (strcmp((*p)->name, name) == 0)
			return *p;
	return NULL;
}

void plat_sweep_free(cp_sweep *s)
{
	free(s->cursor);
	free(s->newest);
	free(s->page);
	s->cursor = s->newest = s->page = NULL;
}

int plat_set(char **slot, const char *s, size_t n)
{
	char *copy = NULL;
	if (s && !(copy = strndup(s, n)))
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

cp_conn *plat_open(cp_http *http, const cp_source *src, cp_err *e)
{
	const cp_platform *pl = plat_find(src->platform);
	if (!pl) {
		cp_fail(e, CP_EX_CONFIG, "source %s: unknown platform '%s'", src->name, src->platform);
		return NULL;
	}
	cp_conn *c = calloc(1, sizeof *c);
	if (!c) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	c->plat = pl;
	c->http = http;
	c->src = src;
	/* Bluesky logs in with a password, and Reddit can get its own tokens
	 * with client_id: a token is optional there. */
	bool logs_in = strcmp(pl->name, "bluesky") == 0 ||
	    (strcmp(pl->name, "reddit") == 0 && src->client_id);
	if (src->token_env || src->token_file || !logs_in) {
		if (cp_source_token(src, &c->token, e) < 0 || http_secret(http, c->token.p) < 0) {
			plat_close(c);
			return NULL;
		}
	}
	if (src->token_env)
		snprintf(c->auth_hint, sizeof c->auth_hint,
		    "the token in $%s (valid, not expired, with read access for this account)", src->token_env);
	else if (src->token_file)
		snprintf(c->auth_hint, sizeof c->auth_hint,
		    "the token in %s (valid, not expired, with read access for this account)", src->token_file);
	else if (src->client_id)
		snprintf(c->auth_hint, sizeof c->auth_hint,
		    "client_id %s, the secret in $%s and the %s in $%s", src->client_id,
		    src->client_secret_env ? src->client_secret_env : "(unset)",
		    src->refresh_token_env ? "refresh token" : "password",
		    src->refresh_token_env ? src->refresh_token_env :
		    src->password_env ? src->password_env : "(unset)");
	else
		snprintf(c->auth_hint, sizeof c->auth_hint,
		    "identifier %s and the app password in $%s",
		    src->identifier ? src->identifier : "(unset)",
		    src->password_env ? src->password_env : "(unset)");
	if (pl->open && pl->open(c, e) < 0) {
		plat_close(c);
		return NULL;
	}
	return c;
}

void plat_close(cp_conn *c)
{
	if (!c)
		return;
	if (c->plat && c->plat->close)
		c->plat->close(c);
	buf_wipe(&c->token);
	free(c);
}

void plat_req_init(cp_conn *c, cp_http_req *rq, const char *method, const char *url)
{
	memset(rq, 0, sizeof *rq);
	rq->method = method;
	rq->url = url;
	rq->bearer = c->token.len ? c->token.p : NULL;
	rq->want_json = true;
	rq->source = c->src->name;
	rq->auth_hint = c->auth_hint;
	rq->timeout = c->src->timeout;
	rq->connect_timeout = c->src->connect_timeout;
	rq->retries = c->src->retries ? c->src->retries : -1;
	rq->backoff = c->src->backoff;
}

int plat_request(cp_conn *c, const char *method, const char *url,
                 const char *ctype, const char *body, size_t blen,
                 const char *idem_key, cp_http_resp *rs, cp_err *e)
{
	cp_http_req rq;
	plat_req_init(c, &rq, method, url);
	rq.content_type = ctype;
	rq.body = body;
	rq.body_len = blen;
	rq.idem_key = idem_key;
	return http_do(c->http, &rq, rs, e);
}

long plat_page_size(const cp_conn *c, long dflt, long lo, long hi, char text[24])
{
	long n = c->src->limit > 0 ? c->src->limit : dflt;
	if (hi > 0 && n > hi)
		n = hi;
	if (n < lo)
		n = lo;
	snprintf(text, 24, "%ld", n);
	return n;
}

int plat_built(unsigned long failures, cp_buf *url, cp_buf *body, cp_err *e)
{
	if (buf_failures() != failures || !buf_cstr(url) || (body && !buf_cstr(body)))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

int plat_get(cp_conn *c, cp_buf *url, unsigned long failures, cp_http_resp *rs, cp_err *e)
{
	if (plat_built(failures, url, NULL, e) < 0)
		return -1;
	return plat_request(c, "GET", url->p, NULL, NULL, 0, NULL, rs, e);
}

int plat_post(cp_conn *c, cp_buf *url, cp_buf *body, const char *ctype, unsigned long failures,
              cp_http_resp *rs, cp_err *e)
{
	if (plat_built(failures, url, body, e) < 0)
		return -1;
	return plat_request(c, "POST", url->p, ctype, body->p, body->len, NULL, rs, e);
}

int plat_endpoint(const cp_conn *c, const char *first, const char *second, cp_err *e)
{
	const cp_source *s = c->src;
	const char *ep = s->endpoint ? s->endpoint : first;
	int which = strcmp(ep, first) == 0 ? 0 : strcmp(ep, second) == 0 ? 1 : -1;
	if (which < 0)
		return cp_fail(e, CP_EX_CONFIG, "source %s: %s endpoint is %s or %s, not '%s'", s->name,
		    c->plat->name, first, second, ep);
	if (strcmp(ep, "search") == 0 && !s->query)
		return cp_fail(e, CP_EX_CONFIG, "source %s: %s search needs a query", s->name, c->plat->name);
	return which;
}

int plat_search(cp_conn *c, cp_buf *url, unsigned long failures, const char *list_path,
                plat_match_fn match, void *ctx, cp_http_resp *rs, cp_val *item, cp_err *e)
{
	if (plat_get(c, url, failures, rs, e) < 0)
		return -1;
	/* The list is validated and found once, not on every turn. */
	cp_val list = val_path(plat_json(rs), list_path), it;
	size_t pos = 0;
	while (val_next(list, &pos, NULL, &it))
		if (match(c, it, ctx)) {
			*item = it;
			return 1;
		}
	return 0;
}

bool plat_has_id(cp_val item)
{
	cp_val id = val_member(item, "id");
	return (id.type == VAL_STRING && id.n > 2) || id.type == VAL_NUMBER;
}

int64_t plat_count(cp_val v)
{
	int64_t n;
	return val_int(v, &n) == 0 ? n : -1;
}

const char *plat_native(const cp_conn *c, const char *id)
{
	if (!id)
		return "";
	const char *pf = c->plat->record_platform;
	size_t n = strlen(pf);
	return strncmp(id, pf, n) == 0 && id[n] == ':' ? id + n + 1 : id;
}

void plat_posted(const cp_conn *c, cp_posted *out, const char *native_id, const char *url_fmt, ...)
{
	snprintf(out->id, sizeof out->id, "%s:%s", c->plat->record_platform, native_id);
	out->url[0] = '\0';
	if (url_fmt) {
		va_list ap;
		va_start(ap, url_fmt);
		vsnprintf(out->url, sizeof out->url, url_fmt, ap);
		va_end(ap);
	}
}

const char *plat_str(cp_val v, cp_buf *tmp)
{
	buf_reset(tmp);
	if (v.type == VAL_STRING)
		val_str(v, tmp);
	else if (v.type == VAL_NUMBER)
		buf_add(tmp, v.p, v.n);
	const char *s = buf_cstr(tmp);
	return s ? s : "";
}

cp_val plat_json(const cp_http_resp *rs)
{
	cp_val v = { rs->body.p, rs->body.len, VAL_NONE };
	const char *p = rs->body.p;
	size_t n = rs->body.len;
	while (n > 0 && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++, n--;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == '\t'))
		n--;
	if (n == 0 || json_validate(p, n, NULL, NULL) < 0)
		return v;
	v.p = p;
	v.n = n;
	v.type = *p == '{' ? VAL_OBJECT : *p == '[' ? VAL_ARRAY : VAL_NONE;
	return v;
}

/* A string of a plat_rec: NULL and "" are both unknown. */
static rec_value known(const char *s)
{
	return s && *s ? rv_cstr(s) : (rec_value){ .kind = RV_NULL };
}

static rec_value count(int64_t n, char buf[24])
{
	if (n < 0)
		return (rec_value){ .kind = RV_ABSENT };
	return rv_json(buf, (size_t)snprintf(buf, 24, "%lld", (long long)n));
}

int plat_emit(cp_conn *c, const plat_rec *r, cp_buf *o)
{
	const char *pf = c->plat->record_platform;
	const char *thread = r->thread && *r->thread ? r->thread : r->native_id;
	char ts[32], nums[5][24];
	size_t tn = (size_t)time_format(r->created_at, ts);
	rec_values v = {
		.id = rv_id(pf, r->native_id, strlen(r->native_id)),
		.platform = rv_cstr(pf),
		.account = rv_cstr(c->src->account),
		.direction = r->direction,
		.kind = rv_cstr(r->kind ? r->kind : "post"),
		.author_id = known(r->author_id),
		.author_handle = known(r->author_handle),
		.author_name = known(r->author_name),
		.author_followers = count(r->followers, nums[0]),
		.text = rv_cstr(r->text ? r->text : ""),
		.created_at = rv_str(ts, tn),
		.in_reply_to = r->in_reply_to && *r->in_reply_to
		               ? rv_id(pf, r->in_reply_to, strlen(r->in_reply_to))
		               : (rec_value){ .kind = RV_NULL },
		.thread = rv_id(pf, thread, strlen(thread)),
		.url = r->url && *r->url ? rv_cstr(r->url) : (rec_value){ .kind = RV_ABSENT },
		.lang = r->lang && *r->lang ? rv_cstr(r->lang) : (rec_value){ .kind = RV_ABSENT },
		.metrics = { count(r->likes, nums[1]), count(r->reposts, nums[2]),
		             count(r->replies, nums[3]), count(r->quotes, nums[4]) },
	};
	if (r->raw.type != VAL_NONE)
		v.raw = (rec_value){ .kind = RV_COMPACT, .p = r->raw.p, .n = r->raw.n };
	if (record_write(o, &v) < 0 || buf_addc(o, '\n') < 0)
		return -1;
	return 0;
}

int plat_put(cp_conn *c, plat_rec *r, bool raw, cp_val item, cp_buf *out, size_t *n)
{
	if (raw)
		r->raw = item;
	if (plat_emit(c, r, out) < 0)
		return -1;
	(*n)++;
	return 0;
}

bool plat_own(const cp_conn *c, const char *author_id, const char *author_handle)
{
	const cp_source *s = c->src;
	return (s->account_id && strcmp(author_id, s->account_id) == 0) ||
	    strcasecmp(author_handle, s->account) == 0;
}

void plat_rec_init(plat_rec *r)
{
	memset(r, 0, sizeof *r);
	r->followers = r->likes = r->reposts = r->replies = r->quotes = -1;
	r->raw.type = VAL_NONE;
}

int plat_param(cp_buf *url, const char *name, const char *value)
{
	if (!value)
		return 0;
	bool has_q = url->p && memchr(url->p, '?', url->len);
	if (buf_addc(url, has_q ? '&' : '?') < 0 || buf_adds(url, name) < 0 ||
	    buf_addc(url, '=') < 0 || http_escape(url, value) < 0)
		return -1;
	return 0;
}

int plat_whoami_from(cp_conn *c, cp_val doc, const char *handle_path, const char *id_path,
                     cp_whoami *who, cp_err *e)
{
	cp_buf t = {0};
	memset(who, 0, sizeof *who);
	if (handle_path)
		snprintf(who->handle, sizeof who->handle, "%s", plat_str(val_path(doc, handle_path), &t));
	if (id_path)
		snprintf(who->id, sizeof who->id, "%s", plat_str(val_path(doc, id_path), &t));
	buf_free(&t);
	if ((handle_path && !who->handle[0]) || (id_path && !who->id[0]))
		return cp_fail(e, CP_EX_UNAVAILABLE, "source %s: %s answered the credentials check without %s",
		    c->src->name, c->plat->name, handle_path && !who->handle[0] ? handle_path : id_path);
	return 0;
}

int plat_verify_get(cp_conn *c, const char *path, const char *handle_path,
                    const char *id_path, cp_whoami *who, cp_err *e)
{
	cp_buf url = {0};
	cp_http_resp rs = {0};
	int rc = -1;
	if (buf_addf(&url, "%s%s", c->src->base_url, path) < 0 || !buf_cstr(&url)) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	if (plat_request(c, "GET", url.p, NULL, NULL, 0, NULL, &rs, e) < 0)
		goto done;
	rc = plat_whoami_from(c, plat_json(&rs), handle_path, id_path, who, e);
done:
	buf_free(&url);
	http_resp_free(&rs);
	return rc;
}

/* A handle as configured and as the platform gives it: "@acme",
 * "acme" and, on Mastodon, "acme@example.social" are one account.  Case
 * does not count. */
static bool same_handle(const char *configured, const char *got)
{
	if (*configured == '@')
		configured++;
	if (*got == '@')
		got++;
	size_t n = strlen(configured);
	if (strncasecmp(configured, got, n) != 0)
		return false;
	return got[n] == '\0' || (got[n] == '@' && !strchr(configured, '@'));
}

int plat_verify(cp_conn *c, cp_whoami *who, cp_err *e)
{
	const cp_source *s = c->src;
	memset(who, 0, sizeof *who);
	if (!c->plat->verify)
		return cp_fail(e, CP_EX_SOFTWARE, "source %s: no credentials check for %s", s->name,
		    c->plat->name);
	if (c->plat->verify(c, who, e) < 0)
		return -1;
	if (who->handle[0] && s->account && !same_handle(s->account, who->handle))
		return cp_fail(e, CP_EX_CONFIG,
		    "source %s: the credentials are those of %s, not of account %s: check %s",
		    s->name, who->handle, s->account, c->auth_hint);
	if (who->id[0] && s->account_id && strcmp(s->account_id, who->id) != 0)
		return cp_fail(e, CP_EX_CONFIG,
		    "source %s: the credentials are those of id %s, not of account_id %s: check %s",
		    s->name, who->id, s->account_id, c->auth_hint);
	return 0;
}

int plat_idcmp(const char *a, const char *b)
{
	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

int plat_newer(char **slot, const char *id)
{
	if (!id || !*id)
		return 0;
	if (*slot && plat_idcmp(*slot, id) >= 0)
		return 0;
	return plat_set(slot, id, strlen(id));
}

int plat_newer_time(char **slot, int64_t t)
{
	char s[32];
	snprintf(s, sizeof s, "%lld", (long long)t);
	return plat_newer(slot, s);
}
