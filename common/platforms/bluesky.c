/*
 * Bluesky (AT Protocol XRPC): mention and reply notifications, or a post
 * search; replies as app.bsky.feed.post records with root and parent
 * strong refs.  The session comes from com.atproto.server.createSession
 * (identifier + app password) and is refreshed with refreshSession when
 * the server says the access token expired.  Listings are newest first
 * and page with an opaque cursor; a sweep stops at the first item indexed
 * before the last sweep's newest (cursor: epoch seconds).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform.h"

struct session {
	cp_buf access, refresh, did, handle;
};

static void session_free(struct session *ss)
{
	if (!ss)
		return;
	buf_wipe(&ss->access);
	buf_wipe(&ss->refresh);
	buf_free(&ss->did);
	buf_free(&ss->handle);
	free(ss);
}

/* One XRPC call with the given bearer; 400 and 401 come back to the
 * caller (expired tokens are answered by refreshing, not by failing). */
static int xrpc(cp_conn *c, const char *method, const char *url, const char *bearer,
                const char *body, const char *idem, cp_http_resp *rs, cp_err *e)
{
	cp_http_req rq;
	plat_req_init(c, &rq, method, url);
	rq.bearer = bearer;
	rq.content_type = body ? "application/json" : NULL;
	rq.body = body;
	rq.body_len = body ? strlen(body) : 0;
	rq.idem_key = idem;
	rq.pass_status[0] = 400;
	rq.pass_status[1] = 401;
	return http_do(c->http, &rq, rs, e);
}

static bool expired(const cp_http_resp *rs)
{
	if (rs->status == 401)
		return true;
	cp_val err = val_member(plat_json(rs), "error");
	return rs->status == 400 && (val_streq(err, "ExpiredToken") || val_streq(err, "InvalidToken"));
}

static int refused(cp_conn *c, const cp_http_resp *rs, const char *what, cp_err *e)
{
	cp_buf msg = {0};
	cp_val v = val_member(plat_json(rs), "message");
	plat_str(v, &msg);
	http_redact(c->http, &msg);
	int code = rs->status == 401 ? CP_EX_NOPERM : CP_EX_UNAVAILABLE;
	cp_fail(e, code, "source %s: bluesky %s: HTTP %ld%s%s", c->src->name, what, rs->status,
	    msg.len ? ": " : "", msg.len ? msg.p : "");
	if (code == CP_EX_NOPERM) {
		size_t l = strlen(e->msg);
		snprintf(e->msg + l, sizeof e->msg - l, "; check %s", c->auth_hint);
	}
	buf_free(&msg);
	return -1;
}

static int take_session(cp_conn *c, struct session *ss, const cp_http_resp *rs, cp_err *e)
{
	cp_val doc = plat_json(rs);
	plat_str(val_member(doc, "accessJwt"), &ss->access);
	plat_str(val_member(doc, "refreshJwt"), &ss->refresh);
	plat_str(val_member(doc, "did"), &ss->did);
	plat_str(val_member(doc, "handle"), &ss->handle);
	if (!ss->access.len || !ss->did.len)
		return cp_fail(e, CP_EX_UNAVAILABLE, "source %s: bluesky: no session in the server's answer",
		    c->src->name);
	if (http_secret(c->http, ss->access.p) < 0 || http_secret(c->http, ss->refresh.p) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

static int login(cp_conn *c, cp_err *e)
{
	unsigned long failures = buf_failures();
	struct session *ss = c->priv;
	const cp_source *s = c->src;
	cp_buf url = {0}, body = {0}, pw = {0};
	cp_http_resp rs = {0};
	int rc = -1;
	if (cp_source_password(s, &pw, e) < 0 || http_secret(c->http, pw.p) < 0)
		goto done;
	buf_addf(&url, "%s/xrpc/com.atproto.server.createSession", s->base_url);
	buf_adds(&body, "{\"identifier\":");
	buf_json_str(&body, s->identifier, strlen(s->identifier));
	buf_adds(&body, ",\"password\":");
	buf_json_str(&body, pw.p, pw.len);
	buf_addc(&body, '}');
	if (plat_built(failures, &url, &body, e) < 0)
		goto done;
	/* Logging in twice is harmless: the POST may be retried. */
	if (xrpc(c, "POST", url.p, NULL, body.p, "createSession", &rs, e) < 0)
		goto done;
	if (rs.status != 200) {
		if (rs.status == 400 || rs.status == 401)
			rs.status = 401;  /* a wrong password is an auth failure */
		refused(c, &rs, "createSession", e);
		goto done;
	}
	rc = take_session(c, ss, &rs, e);
done:
	buf_wipe(&body);
	buf_wipe(&pw);
	buf_free(&url);
	http_resp_free(&rs);
	return rc;
}

static int refresh(cp_conn *c, cp_err *e)
{
	struct session *ss = c->priv;
	cp_buf url = {0};
	cp_http_resp rs = {0};
	int rc = -1;
	if (!ss->refresh.len)
		return login(c, e);
	if (buf_addf(&url, "%s/xrpc/com.atproto.server.refreshSession", c->src->base_url) < 0 ||
	    !buf_cstr(&url)) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	if (xrpc(c, "POST", url.p, ss->refresh.p, NULL, "refreshSession", &rs, e) < 0)
		goto done;
	if (rs.status != 200)
		rc = login(c, e);   /* the refresh token expired too */
	else
		rc = take_session(c, ss, &rs, e);
done:
	buf_free(&url);
	http_resp_free(&rs);
	return rc;
}

/* An authenticated call, refreshing the session once if it expired. */
static int call(cp_conn *c, const char *method, const char *url, const char *body,
                const char *idem, const char *what, cp_http_resp *rs, cp_err *e)
{
	struct session *ss = c->priv;
	for (int tries = 0;; tries++) {
		const char *bearer = ss->access.len ? ss->access.p : (c->token.len ? c->token.p : NULL);
		if (xrpc(c, method, url, bearer, body, idem, rs, e) < 0)
			return -1;
		if (rs->status >= 200 && rs->status < 300)
			return 0;
		if (tries == 0 && expired(rs) && (ss->refresh.len || c->src->password_env)) {
			if (refresh(c, e) < 0)
				return -1;
			continue;
		}
		return refused(c, rs, what, e);
	}
}

static int b_open(cp_conn *c, cp_err *e)
{
	const cp_source *s = c->src;
	if (plat_endpoint(c, "mentions", "search", e) < 0)
		return -1;
	if (!(c->priv = calloc(1, sizeof(struct session))))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	if (c->token.len)
		return 0;   /* an access token given directly */
	if (!s->identifier || !s->password_env)
		return cp_fail(e, CP_EX_CONFIG,
		    "source %s: bluesky needs identifier and password_env (or token_env)", s->name);
	return login(c, e);
}

static void b_close(cp_conn *c)
{
	session_free(c->priv);
	c->priv = NULL;
}

/* at://DID/app.bsky.feed.post/RKEY -> https://bsky.app/profile/HANDLE/post/RKEY */
static void post_url(const char *uri, const char *handle, cp_buf *out)
{
	buf_reset(out);
	const char *rk = strrchr(uri, '/');
	if (rk && strstr(uri, "/app.bsky.feed.post/"))
		buf_addf(out, "https://bsky.app/profile/%s/post/%s", handle, rk + 1);
	buf_cstr(out);
}

struct tmp {
	cp_buf uri, did, handle, name, text, ts, parent, root, url, lang, idx;
};

static void tmp_free(struct tmp *t)
{
	buf_free(&t->uri); buf_free(&t->did); buf_free(&t->handle); buf_free(&t->name);
	buf_free(&t->text); buf_free(&t->ts); buf_free(&t->parent); buf_free(&t->root);
	buf_free(&t->url); buf_free(&t->lang); buf_free(&t->idx);
}

/* A notification or a postView: uri, author, record, indexedAt. */
static int item_record(cp_conn *c, cp_val it, bool raw, int64_t cursor, cp_sweep *sw,
                       struct tmp *t, cp_buf *out, size_t *n, bool *reached)
{
	struct session *ss = c->priv;
	plat_rec r;
	plat_rec_init(&r);
	r.native_id = plat_str(val_member(it, "uri"), &t->uri);
	const char *idx = plat_str(val_member(it, "indexedAt"), &t->idx);
	int64_t indexed;
	if (!*r.native_id || time_parse(idx, strlen(idx), &indexed) < 0)
		return 0;
	if (cursor && indexed < cursor) {
		*reached = true;
		return 0;
	}
	if (plat_newer_time(&sw->newest, indexed) < 0)
		return -1;
	cp_val rec = val_member(it, "record"), a = val_member(it, "author");
	r.author_id = plat_str(val_member(a, "did"), &t->did);
	r.author_handle = plat_str(val_member(a, "handle"), &t->handle);
	r.author_name = plat_str(val_member(a, "displayName"), &t->name);
	r.followers = plat_count(val_member(a, "followersCount"));
	r.text = plat_str(val_member(rec, "text"), &t->text);
	const char *when = plat_str(val_member(rec, "createdAt"), &t->ts);
	if (time_parse(when, strlen(when), &r.created_at) < 0)
		r.created_at = indexed;
	r.in_reply_to = plat_str(val_path(rec, "reply.parent.uri"), &t->parent);
	r.thread = plat_str(val_path(rec, "reply.root.uri"), &t->root);
	r.kind = *r.in_reply_to ? "reply" : "post";
	r.lang = plat_str(val_path(rec, "langs.0"), &t->lang);
	post_url(r.native_id, r.author_handle, &t->url);
	r.url = t->url.p;
	r.likes = plat_count(val_member(it, "likeCount"));
	r.reposts = plat_count(val_member(it, "repostCount"));
	r.replies = plat_count(val_member(it, "replyCount"));
	r.quotes = plat_count(val_member(it, "quoteCount"));
	bool own = (ss && ss->did.len && strcmp(r.author_id, ss->did.p) == 0) ||
	    plat_own(c, r.author_id, r.author_handle);
	r.direction = own ? REC_DIR_OUT : REC_DIR_IN;
	return plat_put(c, &r, raw, it, out, n);
}

static int b_fetch(cp_conn *c, cp_sweep *sw, bool raw, cp_buf *out, size_t *n, cp_err *e)
{
	const cp_source *s = c->src;
	bool search = s->endpoint && strcmp(s->endpoint, "search") == 0;
	cp_buf url = {0}, next = {0};
	struct tmp t = {0};
	cp_http_resp rs = {0};
	char lim[24], since[32];
	int rc = -1;
	int64_t cursor = sw->cursor ? strtoll(sw->cursor, NULL, 10) : 0;
	bool reached = false;
	plat_page_size(c, search ? 100 : 50, 1, 100, lim);

	unsigned long failures = buf_failures();
	if (search) {
		buf_addf(&url, "%s/xrpc/app.bsky.feed.searchPosts", s->base_url);
		plat_param(&url, "q", s->query);
		plat_param(&url, "sort", "latest");
		if (cursor) {
			time_format(cursor, since);
			plat_param(&url, "since", since);
		}
	} else {
		buf_addf(&url, "%s/xrpc/app.bsky.notification.listNotifications", s->base_url);
		plat_param(&url, "reasons", "mention");
		plat_param(&url, "reasons", "reply");
		plat_param(&url, "reasons", "quote");
	}
	plat_param(&url, "limit", lim);
	plat_param(&url, "cursor", sw->page);
	if (plat_built(failures, &url, NULL, e) < 0)
		goto done;
	if (call(c, "GET", url.p, NULL, NULL, search ? "searchPosts" : "listNotifications", &rs, e) < 0)
		goto done;
	cp_val doc = plat_json(&rs), it;
	cp_val list = val_member(doc, search ? "posts" : "notifications");
	if (list.type != VAL_ARRAY) {
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: bluesky: the response holds no list", s->name);
		goto done;
	}
	size_t pos = 0, count = 0;
	while (val_next(list, &pos, NULL, &it)) {
		count++;
		if (!search) {
			cp_val reason = val_member(it, "reason");
			if (!val_streq(reason, "mention") && !val_streq(reason, "reply") &&
			    !val_streq(reason, "quote"))
				continue;
		}
		if (item_record(c, it, raw, cursor, sw, &t, out, n, &reached) < 0) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
	}
	const char *nc = plat_str(val_member(doc, "cursor"), &next);
	bool more = *nc && count > 0 && !reached;
	if (plat_set(&sw->page, more ? nc : NULL, more ? strlen(nc) : 0) < 0) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	rc = 0;
done:
	buf_free(&url);
	buf_free(&next);
	tmp_free(&t);
	http_resp_free(&rs);
	return rc;
}

/* The thread view of a post: its strong ref, its root's, and replies. */
static int thread_of(cp_conn *c, const char *uri, int depth, cp_http_resp *rs, cp_err *e)
{
	unsigned long failures = buf_failures();
	cp_buf url = {0};
	char d[16];
	snprintf(d, sizeof d, "%d", depth);
	buf_addf(&url, "%s/xrpc/app.bsky.feed.getPostThread", c->src->base_url);
	plat_param(&url, "uri", uri);
	plat_param(&url, "depth", d);
	plat_param(&url, "parentHeight", "0");
	int rc = plat_built(failures, &url, NULL, e) < 0 ? -1
	         : call(c, "GET", url.p, NULL, NULL, "getPostThread", rs, e);
	buf_free(&url);
	return rc;
}

static void strong_ref(cp_buf *b, cp_val uri, cp_val cid)
{
	buf_adds(b, "{\"uri\":");
	buf_add(b, uri.p, uri.n);
	buf_adds(b, ",\"cid\":");
	buf_add(b, cid.p, cid.n);
	buf_addc(b, '}');
}

static int posted_from(cp_conn *c, const char *uri, cp_posted *out)
{
	struct session *ss = c->priv;
	cp_buf u = {0};
	post_url(uri, ss->handle.len ? ss->handle.p : c->src->account, &u);
	plat_posted(c, out, uri, "%s", u.p ? u.p : "");
	buf_free(&u);
	return 0;
}

static int b_lookup(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e);

static int b_post(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	unsigned long failures = buf_failures();
	const cp_source *s = c->src;
	struct session *ss = c->priv;
	cp_buf url = {0}, body = {0}, rkey = {0}, uri = {0};
	cp_http_resp th = {0}, rs = {0};
	char now[32];
	int rc = -1;
	const char *parent = plat_native(c, rq->in_reply_to);

	if (rq->dm)
		return cp_fail(e, CP_EX_UNAVAILABLE,
		    "source %s: bluesky: direct messages (chat.bsky) are not supported", s->name);
	if (!*parent)
		return cp_fail(e, CP_EX_DATAERR, "source %s: bluesky: a reply needs the post it answers", s->name);
	if (!ss->did.len && !s->account_id)
		return cp_fail(e, CP_EX_CONFIG, "source %s: bluesky: posting needs a session or account_id (the DID)",
		    s->name);
	if (thread_of(c, parent, 0, &th, e) < 0)
		goto done;
	cp_val post = val_path(plat_json(&th), "thread.post");
	cp_val puri = val_member(post, "uri"), pcid = val_member(post, "cid");
	if (puri.type != VAL_STRING || pcid.type != VAL_STRING) {
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: bluesky: the post answered is gone: %s", s->name, parent);
		goto done;
	}
	cp_val root = val_path(post, "record.reply.root");
	cp_val ruri = val_member(root, "uri"), rcid = val_member(root, "cid");
	if (ruri.type != VAL_STRING || rcid.type != VAL_STRING) {
		ruri = puri;
		rcid = pcid;
	}
	time_format((int64_t)time(NULL), now);
	buf_addf(&url, "%s/xrpc/com.atproto.repo.createRecord", s->base_url);
	buf_adds(&body, "{\"repo\":");
	const char *repo = ss->did.len ? ss->did.p : s->account_id;
	buf_json_str(&body, repo, strlen(repo));
	buf_adds(&body, ",\"collection\":\"app.bsky.feed.post\"");
	if (rq->idem_key) {
		/* A record key derived from the idempotency key: the same reply
		 * posted twice is the same record, which the server refuses. */
		for (const char *k = rq->idem_key; *k && rkey.len < 500; k++)
			buf_addc(&rkey, (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:~", *k)) ? *k : '-');
		buf_adds(&body, ",\"rkey\":");
		buf_json_str(&body, rkey.p, rkey.len);
	}
	buf_adds(&body, ",\"record\":{\"$type\":\"app.bsky.feed.post\",\"text\":");
	buf_json_str(&body, rq->text, strlen(rq->text));
	buf_addf(&body, ",\"createdAt\":\"%s\",\"reply\":{\"root\":", now);
	strong_ref(&body, ruri, rcid);
	buf_adds(&body, ",\"parent\":");
	strong_ref(&body, puri, pcid);
	buf_adds(&body, "}}}");
	if (plat_built(failures, &url, &body, e) < 0)
		goto done;
	if (call(c, "POST", url.p, body.p, rq->idem_key, "createRecord", &rs, e) < 0) {
		/* The record key exists: an earlier attempt went through. */
		if (rq->idem_key && rs.status == 400 && b_lookup(c, rq, out, e) == 1)
			rc = 0;
		goto done;
	}
	const char *u = plat_str(val_member(plat_json(&rs), "uri"), &uri);
	if (!*u) {
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: bluesky: no uri for the new post", s->name);
		goto done;
	}
	rc = posted_from(c, u, out);
done:
	buf_free(&url);
	buf_free(&body);
	buf_free(&rkey);
	buf_free(&uri);
	http_resp_free(&th);
	http_resp_free(&rs);
	return rc;
}

static int b_lookup(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	struct session *ss = c->priv;
	const cp_source *s = c->src;
	cp_http_resp rs = {0};
	cp_buf uri = {0};
	int rc = -1;
	const char *me = ss->did.len ? ss->did.p : s->account_id;
	if (!me)
		return cp_fail(e, CP_EX_CONFIG, "source %s: bluesky: a lookup needs a session or account_id", s->name);
	if (thread_of(c, plat_native(c, rq->in_reply_to), 1, &rs, e) < 0)
		goto done;
	cp_val rep;
	size_t pos = 0;
	rc = 0;
	/* Validate and find the list once, not on every turn of the loop. */
	cp_val replies = val_path(plat_json(&rs), "thread.replies");
	while (val_next(replies, &pos, NULL, &rep)) {
		cp_val post = val_member(rep, "post");
		if (!val_streq(val_path(post, "author.did"), me))
			continue;
		rc = posted_from(c, plat_str(val_member(post, "uri"), &uri), out) == 0 ? 1 : -1;
		break;
	}
done:
	buf_free(&uri);
	http_resp_free(&rs);
	return rc;
}

/* open logged in (createSession); getSession proves the session works
 * and says whose it is. */
static int b_verify(cp_conn *c, cp_whoami *who, cp_err *e)
{
	cp_buf url = {0};
	cp_http_resp rs = {0};
	int rc = -1;
	if (buf_addf(&url, "%s/xrpc/com.atproto.server.getSession", c->src->base_url) < 0 ||
	    !buf_cstr(&url)) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	if (call(c, "GET", url.p, NULL, NULL, "getSession", &rs, e) < 0)
		goto done;
	rc = plat_whoami_from(c, plat_json(&rs), "handle", "did", who, e);
done:
	buf_free(&url);
	http_resp_free(&rs);
	return rc;
}

const cp_platform cp_platform_bluesky = {
	.name = "bluesky",
	.record_platform = "bluesky",
	.open = b_open,
	.fetch = b_fetch,
	.post = b_post,
	.lookup = b_lookup,
	.verify = b_verify,
	.close = b_close,
};
