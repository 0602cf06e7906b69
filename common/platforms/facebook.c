/*
 * Facebook Graph API: a page's feed with the comments on each post, or the
 * comments on one post; replies are comments on the object answered.
 * Pages go forward with cursors.after; `since` (epoch seconds, the newest
 * created_time of the last sweep) keeps a sweep to what is new.
 */
#include <stdlib.h>
#include <string.h>

#include "platform.h"

#define ITEM_FIELDS "id,message,created_time,from,permalink_url,like_count,comment_count,parent"
#define FEED_FIELDS "id,message,created_time,from,permalink_url,comments.limit(100){" ITEM_FIELDS "}"

static int f_open(cp_conn *c, cp_err *e)
{
	const cp_source *s = c->src;
	if (plat_endpoint(c, "feed", "comments", e) < 0)
		return -1;
	if (!s->object && !s->account_id)
		return cp_fail(e, CP_EX_CONFIG,
		    "source %s: facebook needs object (the page or post id) or account_id (the page id)",
		    s->name);
	return 0;
}

struct tmp {
	cp_buf id, aid, aname, text, ts, url, parent;
};

static void tmp_free(struct tmp *t)
{
	buf_free(&t->id); buf_free(&t->aid); buf_free(&t->aname); buf_free(&t->text);
	buf_free(&t->ts); buf_free(&t->url); buf_free(&t->parent);
}

/* A comment's id; when the fields asked for did not bring it, the
 * permalink's comment_id (or reply_comment_id, for a reply to a comment,
 * whose parent is then the comment_id), prefixed with the post's own id as
 * Graph does.  parent gets that parent comment, or stays empty.  NULL when
 * an allocation failed. */
static const char *item_id(cp_val it, const char *post_id, cp_buf *out, cp_buf *parent)
{
	const char *id = plat_str(val_member(it, "id"), out);
	buf_reset(parent);
	if (*id)
		return id;
	cp_buf pl = {0};
	const char *url = plat_str(val_member(it, "permalink_url"), &pl);
	const char *q = strstr(url, "comment_id=");
	const char *rq = strstr(url, "reply_comment_id=");
	int rc = 0;
	if (rq && q == rq + 6)   /* "comment_id=" found inside "reply_comment_id=" */
		q = NULL;
	if (q && post_id) {
		const char *us = strrchr(post_id, '_');
		const char *post = us ? us + 1 : post_id;
		q += 11;
		buf_reset(out);
		if (rq) {
			rq += 17;
			rc |= buf_addf(out, "%s_%.*s", post, (int)strcspn(rq, "&#"), rq);
			rc |= buf_addf(parent, "%s_%.*s", post, (int)strcspn(q, "&#"), q);
			if (!buf_cstr(parent))
				rc = -1;
		} else {
			rc |= buf_addf(out, "%s_%.*s", post, (int)strcspn(q, "&#"), q);
		}
		if (!buf_cstr(out))
			rc = -1;
	}
	buf_free(&pl);
	if (rc < 0)
		return NULL;
	return out->p ? out->p : "";
}

static int item_record(cp_conn *c, cp_val it, bool comment, const char *post_id, bool raw,
                       cp_sweep *sw, struct tmp *t, cp_buf *out, size_t *n)
{
	const cp_source *s = c->src;
	plat_rec r;
	plat_rec_init(&r);
	if (!(r.native_id = item_id(it, post_id, &t->id, &t->parent)))
		return -1;
	if (!*r.native_id)
		return 0;
	const char *when = plat_str(val_member(it, "created_time"), &t->ts);
	if (time_parse(when, strlen(when), &r.created_at) < 0)
		return 0;
	if (plat_newer_time(&sw->newest, r.created_at) < 0)
		return -1;
	cp_val from = val_member(it, "from");
	r.author_id = plat_str(val_member(from, "id"), &t->aid);
	r.author_name = plat_str(val_member(from, "name"), &t->aname);
	r.text = plat_str(val_member(it, "message"), &t->text);
	r.url = plat_str(val_member(it, "permalink_url"), &t->url);
	r.likes = plat_count(val_member(it, "like_count"));
	r.replies = plat_count(val_member(it, "comment_count"));
	const char *page = s->account_id;
	if (comment) {
		r.kind = "comment";
		const char *par = t->parent.len ? t->parent.p : plat_str(val_path(it, "parent.id"), &t->parent);
		r.in_reply_to = *par ? par : post_id;
		r.thread = post_id;
		/* Without "from" a comment is taken as a customer's. */
		r.direction = page && *r.author_id && strcmp(r.author_id, page) == 0
		              ? REC_DIR_OUT : REC_DIR_IN;
	} else {
		r.kind = "post";
		/* A page feed's posts are the page's own unless "from" says another. */
		r.direction = !*r.author_id || (page && strcmp(r.author_id, page) == 0)
		              ? REC_DIR_OUT : REC_DIR_IN;
	}
	return plat_put(c, &r, raw, it, out, n);
}

static int f_fetch(cp_conn *c, cp_sweep *sw, bool raw, cp_buf *out, size_t *n, cp_err *e)
{
	const cp_source *s = c->src;
	bool feed = !s->endpoint || strcmp(s->endpoint, "feed") == 0;
	const char *object = s->object ? s->object : s->account_id;
	cp_buf url = {0}, pid = {0}, after = {0};
	struct tmp t = {0};
	cp_http_resp rs = {0};
	char lim[24];
	int rc = -1;
	plat_page_size(c, 25, 1, 0, lim);

	unsigned long failures = buf_failures();
	buf_addf(&url, "%s/", s->base_url);
	http_escape(&url, object);
	buf_adds(&url, feed ? "/feed" : "/comments");
	plat_param(&url, "fields", feed ? FEED_FIELDS : ITEM_FIELDS);
	if (!feed)
		plat_param(&url, "filter", "stream");
	plat_param(&url, "limit", lim);
	/* since and until are epoch seconds, and so is the cursor: the
	 * later lower bound wins; until goes on the first page only, the
	 * page tokens of time-paged edges carry their own. */
	char since[32], until[32];
	const char *lower = sw->cursor;
	if (c->since) {
		snprintf(since, sizeof since, "%lld", (long long)c->since);
		if (!lower || strtoll(lower, NULL, 10) < c->since)
			lower = since;
	}
	plat_param(&url, "since", lower);
	if (c->until && !sw->page) {
		snprintf(until, sizeof until, "%lld", (long long)c->until);
		plat_param(&url, "until", until);
	}
	/* The page token is a query fragment taken from the last answer. */
	if (sw->page)
		buf_addf(&url, "&%s", sw->page);
	if (plat_get(c, &url, failures, &rs, e) < 0)
		goto done;
	cp_val doc = plat_json(&rs), it;
	if (val_member(doc, "data").type != VAL_ARRAY) {
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: facebook: the response holds no data", s->name);
		goto done;
	}
	size_t pos = 0;
	while (val_next(val_member(doc, "data"), &pos, NULL, &it)) {
		if (feed) {
			const char *post_id = plat_str(val_member(it, "id"), &pid);
			if (item_record(c, it, false, post_id, raw, sw, &t, out, n) < 0)
				goto oom;
			cp_val cm;
			size_t cp = 0;
			while (val_next(val_path(it, "comments.data"), &cp, NULL, &cm))
				if (item_record(c, cm, true, post_id, raw, sw, &t, out, n) < 0)
					goto oom;
		} else if (item_record(c, it, true, object, raw, sw, &t, out, n) < 0) {
			goto oom;
		}
	}
	/* Graph gives cursors on every page; only "next" says there is more.
	 * Edges paged by time (feeds) give until and __paging_token in the
	 * next URL instead of cursors.  The URL itself is not kept: it
	 * holds the access token. */
	buf_reset(&after);
	cp_val nextv = val_path(doc, "paging.next");
	if (nextv.type == VAL_STRING) {
		cp_buf nu = {0}, a = {0};
		const char *cur = plat_str(val_path(doc, "paging.cursors.after"), &a);
		if (*cur) {
			buf_adds(&after, "after=");
			http_escape(&after, cur);
		} else {
			const char *q = strchr(plat_str(nextv, &nu), '?');
			while (q && *q) {
				q++;
				size_t len = strcspn(q, "&");
				if ((len > 6 && strncmp(q, "until=", 6) == 0) ||
				    (len > 16 && strncmp(q, "__paging_token=", 15) == 0)) {
					if (after.len)
						buf_addc(&after, '&');
					buf_add(&after, q, len);
				}
				q += len;
			}
		}
		buf_free(&nu);
		buf_free(&a);
	}
	/* Only URL-safe bytes go back into a URL. */
	for (size_t i = 0; i < after.len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%=&", after.p[i]))
			after.p[i] = '_';
	if (plat_set(&sw->page, after.len ? after.p : NULL, after.len) < 0)
		goto oom;
	rc = 0;
	goto done;
oom:
	cp_fail(e, CP_EX_OSERR, "out of memory");
done:
	buf_free(&url);
	buf_free(&pid);
	buf_free(&after);
	tmp_free(&t);
	http_resp_free(&rs);
	return rc;
}

static int f_post(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	unsigned long failures = buf_failures();
	const cp_source *s = c->src;
	cp_buf url = {0}, body = {0}, id = {0};
	cp_http_resp rs = {0};
	int rc = -1;
	const char *object = plat_native(c, rq->in_reply_to);
	if (rq->dm)
		return cp_fail(e, CP_EX_UNAVAILABLE,
		    "source %s: facebook: private replies go through Messenger, which carepipe does not post to",
		    s->name);
	if (!*object)
		return cp_fail(e, CP_EX_DATAERR, "source %s: facebook: a reply needs the object it answers", s->name);
	buf_addf(&url, "%s/", s->base_url);
	http_escape(&url, object);
	buf_adds(&url, "/comments");
	buf_adds(&body, "message=");
	http_escape(&body, rq->text);
	/* Graph has no idempotency key: never retried blindly (f_lookup). */
	if (plat_post(c, &url, &body, "application/x-www-form-urlencoded", failures, &rs, e) < 0)
		goto done;
	const char *v = plat_str(val_member(plat_json(&rs), "id"), &id);
	if (!*v) {
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: facebook: no id in the response", s->name);
		goto done;
	}
	plat_posted(c, out, v, "https://www.facebook.com/%s", v);
	rc = 0;
done:
	buf_free(&url);
	buf_free(&body);
	buf_free(&id);
	http_resp_free(&rs);
	return rc;
}

/* A comment by the page. */
static bool by_page(cp_conn *c, cp_val it, void *ctx)
{
	(void)ctx;
	return val_streq(val_path(it, "from.id"), c->src->account_id) && plat_has_id(it);
}

static int f_lookup(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	const cp_source *s = c->src;
	cp_buf url = {0}, id = {0}, pl = {0};
	cp_http_resp rs = {0};
	const char *object = plat_native(c, rq->in_reply_to);
	if (!s->account_id)
		return cp_fail(e, CP_EX_CONFIG, "source %s: facebook: a lookup needs account_id, the page id", s->name);
	unsigned long failures = buf_failures();
	buf_addf(&url, "%s/", s->base_url);
	http_escape(&url, object);
	buf_adds(&url, "/comments");
	plat_param(&url, "fields", "id,from,permalink_url");
	plat_param(&url, "filter", "stream");
	plat_param(&url, "limit", "100");
	cp_val it;
	int rc = plat_search(c, &url, failures, "data", by_page, NULL, &rs, &it, e);
	if (rc == 1)
		plat_posted(c, out, plat_str(val_member(it, "id"), &id), "%s",
		            plat_str(val_member(it, "permalink_url"), &pl));
	buf_free(&url);
	buf_free(&id);
	buf_free(&pl);
	http_resp_free(&rs);
	return rc;
}

/* GET /me: the page (or user) of the token.  A page's name is not a
 * handle, so only its id is compared, with account_id. */
static int f_verify(cp_conn *c, cp_whoami *who, cp_err *e)
{
	return plat_verify_get(c, "/me?fields=id,name", NULL, "id", who, e);
}

const cp_platform cp_platform_facebook = {
	.name = "facebook",
	.record_platform = "facebook",
	.open = f_open,
	.fetch = f_fetch,
	.post = f_post,
	.lookup = f_lookup,
	.verify = f_verify,
	.close = NULL,
};
