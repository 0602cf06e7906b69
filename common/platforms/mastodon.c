/*
 * Mastodon: mention notifications, or a status search; replies and direct
 * messages as statuses, made safe to retry by the Idempotency-Key header.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "platform.h"

static int m_open(cp_conn *c, cp_err *e)
{
	return plat_endpoint(c, "mentions", "search", e) < 0 ? -1 : 0;
}

/* Status content is HTML: keep the text, paragraphs and line breaks. */
static void html_text(const char *s, cp_buf *out)
{
	static const struct { const char *ent; const char *txt; } ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&#39;", "'" }, { "&apos;", "'" }, { "&nbsp;", " " }, { NULL, NULL },
	};
	buf_reset(out);
	bool started = false;
	while (*s) {
		if (*s == '<') {
			const char *end = strchr(s, '>');
			if (!end)
				break;
			if ((strncasecmp(s, "<br", 3) == 0) || (strncasecmp(s, "<p", 2) == 0 && started &&
			    !isalpha((unsigned char)s[2])))
				buf_adds(out, strncasecmp(s, "<br", 3) == 0 ? "\n" : "\n\n");
			s = end + 1;
			continue;
		}
		if (*s == '&') {
			int i;
			for (i = 0; ents[i].ent; i++)
				if (strncmp(s, ents[i].ent, strlen(ents[i].ent)) == 0)
					break;
			if (ents[i].ent) {
				buf_adds(out, ents[i].txt);
				s += strlen(ents[i].ent);
				started = true;
				continue;
			}
			if (s[1] == '#') {
				char *end;
				long cp = s[2] == 'x' ? strtol(s + 3, &end, 16) : strtol(s + 2, &end, 10);
				if (*end == ';' && cp > 0 && cp < 0x110000 && !(cp >= 0xD800 && cp < 0xE000)) {
					char u[4];
					int n;
					if (cp < 0x80) { u[0] = (char)cp; n = 1; }
					else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 63)); n = 2; }
					else if (cp < 0x10000) { u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 63)); u[2] = (char)(0x80 | (cp & 63)); n = 3; }
					else { u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 63)); u[2] = (char)(0x80 | ((cp >> 6) & 63)); u[3] = (char)(0x80 | (cp & 63)); n = 4; }
					buf_add(out, u, (size_t)n);
					s = end + 1;
					started = true;
					continue;
				}
			}
		}
		buf_addc(out, *s++);
		started = true;
	}
	buf_cstr(out);
}

struct tmp {
	cp_buf id, aid, acct, name, text, html, ts, parent, url, lang;
};

static void tmp_free(struct tmp *t)
{
	buf_free(&t->id); buf_free(&t->aid); buf_free(&t->acct); buf_free(&t->name);
	buf_free(&t->text); buf_free(&t->html); buf_free(&t->ts); buf_free(&t->parent);
	buf_free(&t->url); buf_free(&t->lang);
}

/* The record of status st, listed as item; 0 (a status without an id or
 * a date is passed over), or -1 when out of memory. */
static int status_record(cp_conn *c, cp_val st, bool raw, cp_val item, struct tmp *t, cp_buf *out,
                         size_t *n)
{
	plat_rec r;
	plat_rec_init(&r);
	r.native_id = plat_str(val_member(st, "id"), &t->id);
	if (!*r.native_id)
		return 0;
	cp_val acc = val_member(st, "account");
	r.author_id = plat_str(val_member(acc, "id"), &t->aid);
	r.author_handle = plat_str(val_member(acc, "acct"), &t->acct);
	r.author_name = plat_str(val_member(acc, "display_name"), &t->name);
	r.followers = plat_count(val_member(acc, "followers_count"));
	html_text(plat_str(val_member(st, "content"), &t->html), &t->text);
	r.text = t->text.p ? t->text.p : "";
	const char *when = plat_str(val_member(st, "created_at"), &t->ts);
	if (time_parse(when, strlen(when), &r.created_at) < 0)
		return 0;
	r.in_reply_to = plat_str(val_member(st, "in_reply_to_id"), &t->parent);
	/* The root is not in a status; the parent is the best thread key. */
	r.thread = *r.in_reply_to ? r.in_reply_to : NULL;
	r.url = plat_str(val_member(st, "url"), &t->url);
	r.lang = plat_str(val_member(st, "language"), &t->lang);
	r.likes = plat_count(val_member(st, "favourites_count"));
	r.reposts = plat_count(val_member(st, "reblogs_count"));
	r.replies = plat_count(val_member(st, "replies_count"));
	r.quotes = plat_count(val_member(st, "quotes_count"));
	if (val_streq(val_member(st, "visibility"), "direct"))
		r.kind = "dm";
	else
		r.kind = *r.in_reply_to ? "reply" : "post";
	r.direction = plat_own(c, r.author_id, r.author_handle) ? REC_DIR_OUT : REC_DIR_IN;
	return plat_put(c, &r, raw, item, out, n);
}

/* max_id of the Link header's rel="next", or nothing. */
static int link_next(const cp_http_resp *rs, cp_buf *out)
{
	cp_buf link = {0};
	int found = 0;
	if (!http_header(rs, "link", &link)) {
		buf_free(&link);
		return 0;
	}
	char *p = link.p;
	while (p && *p) {
		char *lt = strchr(p, '<'), *gt = lt ? strchr(lt, '>') : NULL;
		if (!gt)
			break;
		char *end = strchr(gt, ',');
		size_t seglen = end ? (size_t)(end - gt) : strlen(gt);
		if (memmem(gt, seglen, "rel=\"next\"", 10)) {
			*gt = '\0';
			char *q = strstr(lt, "max_id=");
			if (q && (q == lt || q[-1] == '?' || q[-1] == '&')) {
				q += 7;
				buf_reset(out);
				buf_add(out, q, strcspn(q, "&"));
				buf_cstr(out);
				found = out->len > 0;
			}
			break;
		}
		p = end ? end + 1 : NULL;
	}
	buf_free(&link);
	return found;
}

static int m_fetch(cp_conn *c, cp_sweep *sw, bool raw, cp_buf *out, size_t *n, cp_err *e)
{
	const cp_source *s = c->src;
	bool search = s->endpoint && strcmp(s->endpoint, "search") == 0;
	cp_buf url = {0}, next = {0}, smallest = {0};
	struct tmp t = {0};
	cp_http_resp rs = {0};
	char lim[24];
	int rc = -1;
	long limit = plat_page_size(c, 40, 1, 80, lim);

	unsigned long failures = buf_failures();
	if (search) {
		buf_addf(&url, "%s/api/v2/search", s->base_url);
		plat_param(&url, "q", s->query);
		plat_param(&url, "type", "statuses");
		plat_param(&url, "min_id", sw->cursor);
	} else {
		buf_addf(&url, "%s/api/v1/notifications", s->base_url);
		plat_param(&url, "types%5B%5D", "mention");  /* types[] */
		plat_param(&url, "since_id", sw->cursor);
	}
	plat_param(&url, "max_id", sw->page);
	plat_param(&url, "limit", lim);
	if (plat_get(c, &url, failures, &rs, e) < 0)
		goto done;
	cp_val doc = plat_json(&rs), item;
	cp_val list = search ? val_member(doc, "statuses") : doc;
	if (list.type != VAL_ARRAY) {
		cp_fail(e, CP_EX_UNAVAILABLE, "source %s: mastodon: the response holds no list", s->name);
		goto done;
	}
	size_t pos = 0, count = 0;
	while (val_next(list, &pos, NULL, &item)) {
		count++;
		cp_val st = item;
		cp_buf nid = {0};
		const char *own_id = plat_str(val_member(item, "id"), &nid);
		if (!search) {
			if (!val_streq(val_member(item, "type"), "mention")) {
				buf_free(&nid);
				continue;
			}
			st = val_member(item, "status");
		}
		/* The sweep's position is in the listed items' ids: notification
		 * ids for notifications, status ids for a search. */
		if (plat_newer(&sw->newest, own_id) < 0) {
			buf_free(&nid);
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
		if (!smallest.len || plat_idcmp(own_id, smallest.p) < 0) {
			buf_reset(&smallest);
			buf_adds(&smallest, own_id);
			buf_cstr(&smallest);
		}
		buf_free(&nid);
		if (st.type != VAL_OBJECT)
			continue;
		if (status_record(c, st, raw, item, &t, out, n) < 0) {
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto done;
		}
	}
	int more;
	if (search)
		more = count >= (size_t)limit && smallest.len ? (buf_reset(&next), buf_adds(&next, smallest.p), 1) : 0;
	else
		more = count > 0 && link_next(&rs, &next);
	if (plat_set(&sw->page, more ? next.p : NULL, more ? next.len : 0) < 0) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto done;
	}
	rc = 0;
done:
	buf_free(&url);
	buf_free(&next);
	buf_free(&smallest);
	tmp_free(&t);
	http_resp_free(&rs);
	return rc;
}

static int posted_from(cp_conn *c, cp_val st, cp_posted *out, cp_err *e)
{
	cp_buf id = {0}, url = {0};
	const char *v = plat_str(val_member(st, "id"), &id);
	int rc = 0;
	if (!*v)
		rc = cp_fail(e, CP_EX_UNAVAILABLE, "source %s: mastodon: no id in the new status", c->src->name);
	else {
		plat_posted(c, out, v, "%s", plat_str(val_member(st, "url"), &url));
	}
	buf_free(&id);
	buf_free(&url);
	return rc;
}

static int m_post(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	const cp_source *s = c->src;
	cp_buf url = {0}, body = {0}, text = {0};
	cp_http_resp rs = {0};
	int rc = -1;
	const char *parent = plat_native(c, rq->in_reply_to);

	/* Every append is checked, through the count of failed allocations:
	 * a status missing a piece is never posted.  A direct status reaches
	 * only the accounts it mentions. */
	unsigned long failures = buf_failures();
	if (rq->dm && rq->to_handle && *rq->to_handle) {
		buf_addf(&text, "@%s ", rq->to_handle);
		if (buf_cstr(&text) && strstr(rq->text, text.p))
			buf_reset(&text);
	}
	buf_adds(&text, rq->text);
	buf_addf(&url, "%s/api/v1/statuses", s->base_url);
	buf_adds(&body, "{\"status\":");
	buf_json_str(&body, text.p ? text.p : "", text.len);
	if (*parent) {
		buf_adds(&body, ",\"in_reply_to_id\":");
		buf_json_str(&body, parent, strlen(parent));
	}
	if (rq->dm)
		buf_adds(&body, ",\"visibility\":\"direct\"");
	buf_addc(&body, '}');
	if (plat_built(failures, &url, &body, e) < 0)
		goto done;
	/* No key given: one from what is posted, so a retry of the same reply
	 * is still recognised by the server. */
	char derived[40];
	const char *idem = rq->idem_key;
	if (!idem) {
		snprintf(derived, sizeof derived, "carepipe-%016llx", (unsigned long long)hash64_str(body.p));
		idem = derived;
	}
	cp_http_req hr;
	plat_req_init(c, &hr, "POST", url.p);
	hr.content_type = "application/json";
	hr.body = body.p;
	hr.body_len = body.len;
	hr.idem_key = idem;
	hr.idem_header = true;
	if (http_do(c->http, &hr, &rs, e) < 0)
		goto done;
	rc = posted_from(c, plat_json(&rs), out, e);
done:
	buf_free(&url);
	buf_free(&body);
	buf_free(&text);
	http_resp_free(&rs);
	return rc;
}

/* What m_lookup looks for: a status of ours answering parent. */
struct ours {
	const char *parent;
	cp_buf acct;
};

static bool ours_answering(cp_conn *c, cp_val st, void *ctx)
{
	struct ours *o = ctx;
	const cp_source *s = c->src;
	if (!val_streq(val_member(st, "in_reply_to_id"), o->parent))
		return false;
	cp_val a = val_member(st, "account");
	return (s->account_id && val_streq(val_member(a, "id"), s->account_id)) ||
	    strcasecmp(plat_str(val_member(a, "acct"), &o->acct), s->account) == 0;
}

static int m_lookup(cp_conn *c, const cp_post *rq, cp_posted *out, cp_err *e)
{
	const cp_source *s = c->src;
	cp_buf url = {0};
	cp_http_resp rs = {0};
	struct ours o = { .parent = plat_native(c, rq->in_reply_to) };
	if (!*o.parent)
		return cp_fail(e, CP_EX_DATAERR, "source %s: mastodon: a lookup needs the status answered", s->name);
	unsigned long failures = buf_failures();
	buf_addf(&url, "%s/api/v1/statuses/", s->base_url);
	http_escape(&url, o.parent);
	buf_adds(&url, "/context");
	cp_val st;
	int rc = plat_search(c, &url, failures, "descendants", ours_answering, &o, &rs, &st, e);
	if (rc == 1 && posted_from(c, st, out, e) < 0)
		rc = -1;
	buf_free(&url);
	buf_free(&o.acct);
	http_resp_free(&rs);
	return rc;
}

/* GET /api/v1/accounts/verify_credentials: the account of the token. */
static int m_verify(cp_conn *c, cp_whoami *who, cp_err *e)
{
	return plat_verify_get(c, "/api/v1/accounts/verify_credentials", "acct", "id", who, e);
}

const cp_platform cp_platform_mastodon = {
	.name = "mastodon",
	.record_platform = "mastodon",
	.open = m_open,
	.fetch = m_fetch,
	.post = m_post,
	.lookup = m_lookup,
	.verify = m_verify,
	.close = NULL,
};
