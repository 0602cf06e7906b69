/*
 * X (Twitter) API v2: mentions of the brand's user id, or a recent search;
 * replies and DMs as the brand.  Records say platform "twitter" so that
 * they join the imported twcs history.
 */
#include <stdlib.h>
#include <string.h>

#include "platform.h"

#define TWEET_FIELDS "author_id,conversation_id,created_at,in_reply_to_user_id,lang,public_metrics,referenced_tweets"
#define USER_FIELDS "name,public_metrics,username"

static int x_open(cp_conn *c, cp_err *e)
{
	int search = plat_endpoint(c, "mentions", "search", e);
	if (search < 0)
		return -1;
	if (!search && !c->src->account_id)
		return cp_fail(e, CP_EX_CONFIG,
		    "source %s: x mentions need account_id, the brand's numeric user id", c->src->name);
	return 0;
}

/* A snowflake id holds its own creation time. */
static int64_t snowflake_time(const char *id)
{
	char *end;
	unsigned long long v = strtoull(id, &end, 10);
	if (*end || v < (1ULL << 22))
		return 0;
	return (int64_t)(((v >> 22) + 1288834974657ULL) / 1000);
}

/* X API v2 escapes &, < and > in a post's text as HTML entities. */
static const char *unescape_text(cp_buf *t)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	};
	size_t w = 0;
	for (size_t r = 0; r < t->len;) {
		size_t i;
		for (i = 0; i < 3; i++) {
			size_t l = strlen(ents[i].ent);
			if (t->len - r >= l && memcmp(t->p + r, ents[i].ent, l) == 0)
				break;
		}
		if (i < 3) {
			t->p[w++] = ents[i].c;
			r += strlen(ents[i].ent);
		} else {
			t->p[w++] = t->p[r++];
		}
	}
	t->len = w;
	return buf_cstr(t) ? t->p : "";
}

static cp_val find_user(cp_val includes, const char *id)
{
	cp_val users = val_member(includes, "users"), u;
	size_t pos = 0;
	while (val_next(users, &pos, NULL, &u))
		if (val_streq(val_member(u, "id"), id))
			return u;
	cp_val none = { NULL, 0, VAL_NONE };
	return none;
}

static int x_fetch(cp_conn *c, cp_sweep *sw, bool raw, cp_buf *out, size_t *n, cp_err *e)
{
	const cp_source *s = c->src;
	bool search = s->endpoint && strcmp(s->endpoint, "search") == 0;
	cp_buf url = {0}, id = {0}, author = {0}, text = {0}, ts = {0}, conv = {0}, parent = {0},
	    handle = {0}, name = {0}, lang = {0}, link = {0}, tmp = {0};
	cp_http_resp rs = {0};
	char lim[24];
	int rc = -1;

	plat_page_size(c, 100, search ? 10 : 5, 100, lim);
	unsigned long failures = buf_failures();
	if (search) {
		buf_addf(&url, "%s/2/tweets/search/recent", s->base_url);
		plat_param(&url, "query", s->query);
	} else {
		buf_addf(&url, "%s/2/users/", s->base_url);
		http_escape(&url, s->account_id);
		buf_adds(&url, "/mentions");
	}
	plat_param(&url, "max_results", lim);
	plat_param(&url, "since_id", sw->cursor);
	/* The caller's window, which X takes as times (since_id would win
	 * over start_time, so a cursor alone bounds a resumed sweep). */
	char when[32];
	if (c->since && !sw->cursor) {
		time_format(c->since, when);
		plat_param(&url, "start_time", when);
	}
	if (c->until) {
		time_format(c->until, when);
		plat_param(&url, "end_time", when);
	}
	plat_param(&url, search ? "next_token" : "pagination_token", sw->page);
	plat_param(&url, "expansions", "author_id");
	plat_param(&url, "tweet.fields", TWEET_FIELDS);
	plat_param(&url, "user.fields", USER_FIELDS);
	if (plat_get(c, &url, failures, &rs, e) < 0)
		goto done;
	cp_val doc = plat_json(&rs);
	if (doc.type != VAL_OBJECT) {
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: x: the response is not a JSON object", s->name);
		goto done;
	}
	cp_val data = val_member(doc, "data"), includes = val_member(doc, "includes"), tw;
	size_t pos = 0;
	while (val_next(data, &pos, NULL, &tw)) {
		plat_rec r;
		plat_rec_init(&r);
		r.native_id = plat_str(val_member(tw, "id"), &id);
		if (!*r.native_id)
			continue;
		r.author_id = plat_str(val_member(tw, "author_id"), &author);
		plat_str(val_member(tw, "text"), &text);
		r.text = unescape_text(&text);
		const char *when = plat_str(val_member(tw, "created_at"), &ts);
		if (time_parse(when, strlen(when), &r.created_at) < 0)
			r.created_at = snowflake_time(r.native_id);
		r.thread = plat_str(val_member(tw, "conversation_id"), &conv);
		r.lang = plat_str(val_member(tw, "lang"), &lang);
		cp_val refs = val_member(tw, "referenced_tweets"), ref;
		size_t rp = 0;
		r.kind = "post";
		while (val_next(refs, &rp, NULL, &ref))
			if (val_streq(val_member(ref, "type"), "replied_to")) {
				r.in_reply_to = plat_str(val_member(ref, "id"), &parent);
				r.kind = "reply";
			}
		cp_val u = find_user(includes, r.author_id);
		r.author_handle = plat_str(val_member(u, "username"), &handle);
		r.author_name = plat_str(val_member(u, "name"), &name);
		r.followers = plat_count(val_path(u, "public_metrics.followers_count"));
		cp_val m = val_member(tw, "public_metrics");
		r.likes = plat_count(val_member(m, "like_count"));
		r.reposts = plat_count(val_member(m, "retweet_count"));
		r.replies = plat_count(val_member(m, "reply_count"));
		r.quotes = plat_count(val_member(m, "quote_count"));
		r.direction = plat_own(c, r.author_id, r.author_handle) ? REC_DIR_OUT : REC_DIR_IN;
		buf_reset(&link);
		if (*r.author_handle)
			buf_addf(&link, "https://x.com/%s/status/%s", r.author_handle, r.native_id);
		else
			buf_addf(&link, "https://x.com/i/web/status/%s", r.native_id);
		r.url = buf_cstr(&link);
		if (plat_put(c, &r, raw, tw, out, n) < 0 || plat_newer(&sw->newest, r.native_id) < 0) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
	}
	const char *next = plat_str(val_path(doc, "meta.next_token"), &tmp);
	if (plat_set(&sw->page, *next ? next : NULL, strlen(next)) < 0) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	rc = 0;
done:
	buf_free(&url); buf_free(&id); buf_free(&author); buf_free(&text); buf_free(&ts);
	buf_free(&conv); buf_free(&parent); buf_free(&handle); buf_free(&name);
	buf_free(&lang); buf_free(&link); buf_free(&tmp);
	http_resp_free(&rs);
	return rc;
}

static int posted_from(cp_conn *c, cp_val doc, const char *key, cp_posted *out, cp_err *e)
{
	cp_buf id = {0};
	const char *v = plat_str(val_path(doc, key), &id);
	if (!*v) {
		buf_free(&id);
		return cp_fail(e, CP_EX_UNAVAILABLE, "source %s: x: no %s in the response", c->src->name, key);
	}
	plat_posted(c, out, v, "https://x.com/%s/status/%s", c->src->account, v);
	buf_free(&id);
	return 0;
}

static int x_post(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	unsigned long failures = buf_failures();
	const cp_source *s = c->src;
	cp_buf url = {0}, body = {0};
	cp_http_resp rs = {0};
	int rc = -1;
	const char *parent = plat_native(c, rq->in_reply_to);

	buf_adds(&body, "{\"text\":");
	buf_json_str(&body, rq->text, strlen(rq->text));
	if (rq->dm) {
		if (!rq->to_id || !*rq->to_id) {
			cp_fail(e, CP_EX_DATAERR, "source %s: x: a DM needs the customer's user id", s->name);
			goto done;
		}
		buf_addf(&url, "%s/2/dm_conversations/with/", s->base_url);
		http_escape(&url, rq->to_id);
		buf_adds(&url, "/messages");
		buf_addc(&body, '}');
	} else {
		if (!*parent) {
			cp_fail(e, CP_EX_DATAERR, "source %s: x: a reply needs the post it answers", s->name);
			goto done;
		}
		buf_addf(&url, "%s/2/tweets", s->base_url);
		buf_adds(&body, ",\"reply\":{\"in_reply_to_tweet_id\":");
		buf_json_str(&body, parent, strlen(parent));
		buf_adds(&body, "}}");
	}
	/* X has no idempotency key: the POST is never retried blindly; an
	 * unknown outcome is settled by x_lookup. */
	if (plat_post(c, &url, &body, "application/json", failures, &rs, e) < 0)
		goto done;
	cp_val doc = plat_json(&rs);
	if (rq->dm) {
		if (posted_from(c, doc, "data.dm_event_id", out, e) < 0)
			goto done;
		out->url[0] = '\0';
	} else if (posted_from(c, doc, "data.id", out, e) < 0) {
		goto done;
	}
	rc = 0;
done:
	buf_free(&url);
	buf_free(&body);
	http_resp_free(&rs);
	return rc;
}

/* A reply of ours has an id; a DM event of ours is also ours by its sender
 * and carries our text. */
static bool ours(cp_conn *c, cp_val item, void *ctx)
{
	const cp_post *rq = ctx;
	const char *account_id = c->src->account_id;
	if (rq->dm && ((account_id && !val_streq(val_member(item, "sender_id"), account_id)) ||
	               !val_streq(val_member(item, "text"), rq->text)))
		return false;
	return plat_has_id(item);
}

static int x_lookup(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	const cp_source *s = c->src;
	cp_buf url = {0}, q = {0}, tmp = {0};
	cp_http_resp rs = {0};

	unsigned long failures = buf_failures();
	if (rq->dm) {
		/* The brand's events in the conversation; ours is the one with our text. */
		if (!rq->to_id || !*rq->to_id)
			return cp_fail(e, CP_EX_DATAERR, "source %s: x: a DM lookup needs the customer's user id", s->name);
		buf_addf(&url, "%s/2/dm_conversations/with/", s->base_url);
		http_escape(&url, rq->to_id);
		buf_adds(&url, "/dm_events");
		plat_param(&url, "dm_event.fields", "id,sender_id,text");
	} else {
		buf_addf(&q, "in_reply_to_tweet_id:%s from:%s", plat_native(c, rq->in_reply_to), s->account);
		buf_addf(&url, "%s/2/tweets/search/recent", s->base_url);
		plat_param(&url, "query", buf_cstr(&q));
		plat_param(&url, "tweet.fields", "author_id,created_at");
	}
	cp_val item;
	int rc = plat_search(c, &url, failures, "data", ours, (void *)rq, &rs, &item, e);
	if (rc == 1) {
		const char *id = plat_str(val_member(item, "id"), &tmp);
		plat_posted(c, out, id, rq->dm ? NULL : "https://x.com/%s/status/%s", s->account, id);
	}
	buf_free(&url);
	buf_free(&q);
	buf_free(&tmp);
	http_resp_free(&rs);
	return rc;
}

/* GET /2/users/me: the user of the token. */
static int x_verify(cp_conn *c, cp_whoami *who, cp_err *e)
{
	return plat_verify_get(c, "/2/users/me", "data.username", "data.id", who, e);
}

const cp_platform cp_platform_x = {
	.name = "x",
	.record_platform = "twitter",
	.open = x_open,
	.fetch = x_fetch,
	.post = x_post,
	.lookup = x_lookup,
	.verify = x_verify,
	.close = NULL,
};
