/*
 * Reddit (OAuth, oauth.reddit.com): username mentions from the inbox, or a
 * search of a subreddit; replies with /api/comment, private messages with
 * /api/compose.  Listings are newest first and page backwards with
 * `after`; a sweep stops at the first item older than the last sweep's
 * newest (cursor: created_utc in epoch seconds).
 */
#include <stdlib.h>
#include <string.h>

#include "platform.h"

/* A token of its own from Reddit's OAuth endpoint: with a refresh token
 * (an installed or web app the account authorised), or the password grant
 * (a "script" app of the account itself).  The app authenticates with
 * HTTP Basic, client_id and secret. */
static int get_token(cp_conn *c, cp_err *e)
{
	unsigned long failures = buf_failures();
	const cp_source *s = c->src;
	cp_buf secret = {0}, grant = {0}, cred = {0}, body = {0}, basic = {0};
	cp_http_resp rs = {0};
	int rc = -1;
	const char *url = s->token_url ? s->token_url : "https://www.reddit.com/api/v1/access_token";

	if (s->client_secret_env && cp_source_env(s, "client secret", s->client_secret_env, &secret, e) < 0)
		goto done;
	if (s->refresh_token_env) {
		if (cp_source_env(s, "refresh token", s->refresh_token_env, &grant, e) < 0)
			goto done;
		buf_adds(&body, "grant_type=refresh_token&refresh_token=");
		http_escape(&body, grant.p);
	} else if (s->username && s->password_env) {
		if (cp_source_env(s, "password", s->password_env, &grant, e) < 0)
			goto done;
		buf_adds(&body, "grant_type=password&username=");
		http_escape(&body, s->username);
		buf_adds(&body, "&password=");
		http_escape(&body, grant.p);
	} else {
		cp_fail(e, CP_EX_CONFIG,
		    "source %s: reddit with client_id needs refresh_token_env, or username and password_env",
		    s->name);
		goto done;
	}
	if (http_secret(c->http, secret.p) < 0 || http_secret(c->http, grant.p) < 0) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	/* Basic client_id:secret, base64. */
	buf_addf(&cred, "%s:%s", s->client_id, secret.p ? secret.p : "");
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	buf_adds(&basic, "Authorization: Basic ");
	for (size_t i = 0; i < cred.len; i += 3) {
		unsigned v = (unsigned char)cred.p[i] << 16;
		if (i + 1 < cred.len)
			v |= (unsigned char)cred.p[i + 1] << 8;
		if (i + 2 < cred.len)
			v |= (unsigned char)cred.p[i + 2];
		buf_addc(&basic, b64[(v >> 18) & 63]);
		buf_addc(&basic, b64[(v >> 12) & 63]);
		buf_addc(&basic, i + 1 < cred.len ? b64[(v >> 6) & 63] : '=');
		buf_addc(&basic, i + 2 < cred.len ? b64[v & 63] : '=');
	}
	if (plat_built(failures, &basic, &body, e) < 0)
		goto done;
	if (http_secret(c->http, basic.p + 21) < 0) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	cp_http_req rq;
	plat_req_init(c, &rq, "POST", url);
	rq.bearer = NULL;               /* Basic client credentials, not a token */
	rq.content_type = "application/x-www-form-urlencoded";
	rq.body = body.p;
	rq.body_len = body.len;
	rq.idem_key = "access_token";   /* asking twice only gives another token */
	rq.headers[0] = basic.p;
	if (http_do(c->http, &rq, &rs, e) < 0)
		goto done;
	cp_val doc = plat_json(&rs);
	plat_str(val_member(doc, "access_token"), &c->token);
	if (!c->token.len) {
		/* Reddit answers a bad grant with 200 and {"error": ...}. */
		cp_buf why = {0};
		plat_str(val_member(doc, "error"), &why);
		cp_fail(e, CP_EX_NOPERM, "source %s: reddit gave no token (%s): check %s", s->name,
		    why.len ? why.p : "no reason", c->auth_hint);
		buf_free(&why);
		goto done;
	}
	if (http_secret(c->http, c->token.p) < 0) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	rc = 0;
done:
	buf_wipe(&secret);
	buf_wipe(&grant);
	buf_wipe(&body);
	buf_wipe(&cred);
	buf_wipe(&basic);
	http_resp_free(&rs);
	return rc;
}

static int r_open(cp_conn *c, cp_err *e)
{
	if (plat_endpoint(c, "mentions", "search", e) < 0)
		return -1;
	if (c->src->client_id && !c->token.len)
		return get_token(c, e);
	return 0;
}

/* "/r/SUB/comments/LINK/title/ID/?context=3" -> "t3_LINK" */
static void thread_of(const char *permalink, cp_buf *out)
{
	buf_reset(out);
	const char *p = strstr(permalink, "/comments/");
	if (!p)
		return;
	p += 10;
	buf_adds(out, "t3_");
	buf_add(out, p, strcspn(p, "/?"));
	buf_cstr(out);
}

static int r_fetch(cp_conn *c, cp_sweep *sw, bool raw, cp_buf *out, size_t *n, cp_err *e)
{
	const cp_source *s = c->src;
	bool search = s->endpoint && strcmp(s->endpoint, "search") == 0;
	cp_buf url = {0}, id = {0}, aid = {0}, author = {0}, text = {0}, parent = {0}, link = {0},
	    thread = {0}, perma = {0}, next = {0}, newest = {0}, title = {0};
	cp_http_resp rs = {0};
	char lim[24];
	int rc = -1;
	int64_t cursor = sw->cursor ? strtoll(sw->cursor, NULL, 10) : 0;
	bool reached = false;

	plat_page_size(c, 100, 1, 100, lim);
	unsigned long failures = buf_failures();
	if (search) {
		if (s->subreddit) {
			buf_addf(&url, "%s/r/", s->base_url);
			http_escape(&url, s->subreddit);
			buf_adds(&url, "/search.json");
		} else {
			buf_addf(&url, "%s/search.json", s->base_url);
		}
		plat_param(&url, "q", s->query);
		plat_param(&url, "sort", "new");
		if (s->subreddit)
			plat_param(&url, "restrict_sr", "1");
	} else {
		buf_addf(&url, "%s/message/mentions", s->base_url);
	}
	plat_param(&url, "limit", lim);
	plat_param(&url, "raw_json", "1");
	plat_param(&url, "after", sw->page);
	if (plat_get(c, &url, failures, &rs, e) < 0)
		goto done;
	cp_val data = val_member(plat_json(&rs), "data"), child;
	if (data.type != VAL_OBJECT) {
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: reddit: the response is not a Listing", s->name);
		goto done;
	}
	size_t pos = 0;
	while (val_next(val_member(data, "children"), &pos, NULL, &child)) {
		cp_val d = val_member(child, "data");
		plat_rec r;
		plat_rec_init(&r);
		r.native_id = plat_str(val_member(d, "name"), &id);
		double created;
		if (!*r.native_id || val_num(val_member(d, "created_utc"), &created) < 0)
			continue;
		r.created_at = (int64_t)created;
		if (cursor && r.created_at < cursor) {
			reached = true;     /* older than the last sweep: seen */
			continue;
		}
		if (plat_newer_time(&sw->newest, r.created_at) < 0) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
		bool post = val_streq(val_member(child, "kind"), "t3");
		bool pm = val_streq(val_member(child, "kind"), "t4");
		r.author_id = plat_str(val_member(d, "author_fullname"), &aid);
		r.author_handle = plat_str(val_member(d, "author"), &author);
		if (post) {
			/* A post's text is its title, then its body. */
			buf_reset(&text);
			buf_adds(&text, plat_str(val_member(d, "title"), &title));
			const char *body = plat_str(val_member(d, "selftext"), &title);
			if (*body) {
				buf_adds(&text, "\n\n");
				buf_adds(&text, body);
			}
			r.text = buf_cstr(&text) ? text.p : "";
			r.kind = "post";
			r.replies = plat_count(val_member(d, "num_comments"));
			r.likes = plat_count(val_member(d, "score"));
		} else {
			r.text = plat_str(val_member(d, "body"), &text);
			r.in_reply_to = plat_str(val_member(d, "parent_id"), &parent);
			r.kind = pm ? "dm" : "comment";
		}
		const char *pl = plat_str(val_member(d, post ? "permalink" : "context"), &perma);
		thread_of(pl, &thread);
		if (!thread.len) {
			const char *lk = plat_str(val_member(d, "link_id"), &link);
			if (*lk) {
				buf_reset(&thread);
				buf_adds(&thread, lk);
				buf_cstr(&thread);
			}
		}
		r.thread = thread.len ? thread.p : NULL;
		buf_reset(&link);
		if (*pl)
			buf_addf(&link, "https://www.reddit.com%s", pl);
		r.url = buf_cstr(&link) ? link.p : NULL;
		r.direction = strcasecmp(r.author_handle, s->account) == 0 ? REC_DIR_OUT : REC_DIR_IN;
		if (plat_put(c, &r, raw, child, out, n) < 0) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
	}
	const char *after = plat_str(val_member(data, "after"), &next);
	bool more = *after && !reached;
	if (plat_set(&sw->page, more ? after : NULL, more ? strlen(after) : 0) < 0) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	rc = 0;
done:
	buf_free(&url); buf_free(&id); buf_free(&aid); buf_free(&author); buf_free(&text);
	buf_free(&parent); buf_free(&link); buf_free(&thread); buf_free(&perma);
	buf_free(&next); buf_free(&newest); buf_free(&title);
	http_resp_free(&rs);
	return rc;
}

static int form_add(cp_buf *b, const char *k, const char *v)
{
	if (b->len && buf_addc(b, '&') < 0)
		return -1;
	if (buf_adds(b, k) < 0 || buf_addc(b, '=') < 0)
		return -1;
	return http_escape(b, v);
}

/* The reply's thing in {"json":{"errors":[],"data":{"things":[...]}}}. */
static int posted_thing(cp_conn *c, cp_val doc, cp_posted *out, cp_err *e)
{
	cp_val errs = val_path(doc, "json.errors");
	if (val_len(errs) > 0) {
		cp_buf msg = {0};
		buf_add(&msg, errs.p, errs.n > 200 ? 200 : errs.n);
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: reddit refused the post: %s", c->src->name,
		    buf_cstr(&msg) ? msg.p : "");
		buf_free(&msg);
		return -1;
	}
	cp_val d = val_path(doc, "json.data.things.0.data");
	cp_buf name = {0}, pl = {0};
	const char *nm = plat_str(val_member(d, "name"), &name);
	const char *p = plat_str(val_member(d, "permalink"), &pl);
	char t1[sizeof out->id];
	int rc = 0;
	if (!*nm) {
		/* A comment's full name is its id after "t1_". */
		const char *id = plat_str(val_member(d, "id"), &name);
		snprintf(t1, sizeof t1, "t1_%s", id);
		nm = t1;
		if (!*id)
			rc = cp_fail(e, CP_EX_UNAVAILABLE, "source %s: reddit: no id in the reply", c->src->name);
	}
	if (rc == 0)
		plat_posted(c, out, nm, *p ? "https://www.reddit.com%s" : NULL, p);
	buf_free(&name);
	buf_free(&pl);
	return rc;
}

static int r_post(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	unsigned long failures = buf_failures();
	const cp_source *s = c->src;
	cp_buf url = {0}, body = {0};
	cp_http_resp rs = {0};
	int rc = -1;

	form_add(&body, "api_type", "json");
	if (rq->dm) {
		if (!rq->to_handle || !*rq->to_handle) {
			cp_fail(e, CP_EX_DATAERR, "source %s: reddit: a message needs the customer's handle", s->name);
			goto done;
		}
		buf_addf(&url, "%s/api/compose", s->base_url);
		form_add(&body, "to", rq->to_handle);
		form_add(&body, "subject", rq->subject ? rq->subject : "Re: your message");
	} else {
		const char *thing = plat_native(c, rq->in_reply_to);
		if (!*thing) {
			cp_fail(e, CP_EX_DATAERR, "source %s: reddit: a reply needs the thing it answers", s->name);
			goto done;
		}
		buf_addf(&url, "%s/api/comment", s->base_url);
		form_add(&body, "thing_id", thing);
	}
	form_add(&body, "text", rq->text);
	plat_param(&url, "raw_json", "1");
	/* Reddit has no idempotency key: never retried blindly (r_lookup). */
	if (plat_post(c, &url, &body, "application/x-www-form-urlencoded", failures, &rs, e) < 0)
		goto done;
	if (rq->dm) {
		cp_val errs = val_path(plat_json(&rs), "json.errors");
		if (val_len(errs) > 0) {
			cp_fail(e, CP_EX_UNAVAILABLE, "source %s: reddit refused the message", s->name);
			goto done;
		}
		/* /api/compose answers with no id for the message. */
		out->id[0] = '\0';
		out->url[0] = '\0';
		rc = 0;
	} else {
		rc = posted_thing(c, plat_json(&rs), out, e);
	}
done:
	buf_free(&url);
	buf_free(&body);
	http_resp_free(&rs);
	return rc;
}

/* A comment of the account's that answers the thing ctx names. */
static bool answers(cp_conn *c, cp_val child, void *ctx)
{
	(void)c;
	return val_streq(val_path(child, "data.parent_id"), ctx);
}

static int r_lookup(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	const cp_source *s = c->src;
	cp_buf url = {0}, name = {0}, pl = {0};
	cp_http_resp rs = {0};
	const char *thing = plat_native(c, rq->in_reply_to);
	if (rq->dm)
		return cp_fail(e, CP_EX_UNAVAILABLE,
		    "source %s: reddit: a sent message cannot be looked up (no id comes back)", s->name);
	unsigned long failures = buf_failures();
	buf_addf(&url, "%s/user/", s->base_url);
	http_escape(&url, s->account);
	buf_adds(&url, "/comments");
	plat_param(&url, "limit", "100");
	plat_param(&url, "raw_json", "1");
	cp_val child;
	int rc = plat_search(c, &url, failures, "data.children", answers, (void *)thing, &rs, &child, e);
	if (rc == 1) {
		cp_val d = val_member(child, "data");
		const char *p = plat_str(val_member(d, "permalink"), &pl);
		plat_posted(c, out, plat_str(val_member(d, "name"), &name),
		            *p ? "https://www.reddit.com%s" : NULL, p);
	}
	buf_free(&url);
	buf_free(&name);
	buf_free(&pl);
	http_resp_free(&rs);
	return rc;
}

/* GET /api/v1/me: the account of the token (open got it, when it gets
 * its own). */
static int r_verify(cp_conn *c, cp_whoami *who, cp_err *e)
{
	return plat_verify_get(c, "/api/v1/me", "name", "id", who, e);
}

const cp_platform cp_platform_reddit = {
	.name = "reddit",
	.record_platform = "reddit",
	.open = r_open,
	.fetch = r_fetch,
	.post = r_post,
	.lookup = r_lookup,
	.verify = r_verify,
	.close = NULL,
};
