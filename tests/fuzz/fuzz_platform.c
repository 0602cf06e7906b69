/*
 * Each platform's response normaliser (common/platforms/NAME.c): the
 * fuzz input is the body of every HTTP answer (http_do is wrapped at link
 * time, -Wl,--wrap=http_do, so no request leaves the process), as a
 * fetch, a post or a lookup of one of the configured sources reads it.
 * No crash, and every record written is one JSON object in the schema's
 * first keys.  The first byte picks the source and the call.
 */
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "config.h"
#include "http.h"
#include "platform.h"

static const unsigned char *body;
static size_t body_len;

int __wrap_http_do(cp_http *h, const cp_http_req *rq, cp_http_resp *rs, cp_err *e);

int __wrap_http_do(cp_http *h, const cp_http_req *rq, cp_http_resp *rs, cp_err *e)
{
	(void)h;
	buf_reset(&rs->body);
	buf_reset(&rs->headers);
	rs->status = 200;
	rs->attempts = 1;
	rs->waited = 0;
	/* What the real client hands on: a 2xx body that parses when JSON
	 * is wanted, else an error. */
	if (rq->want_json && json_validate((const char *)body, body_len, NULL, NULL) < 0)
		return cp_fail(e, CP_EX_UNAVAILABLE, "%s: not JSON", rq->url);
	if (buf_add(&rs->body, body, body_len) < 0 || !buf_cstr(&rs->body) ||
	    buf_adds(&rs->headers, "content-type: application/json\r\n") < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

static const char config[] =
    "[x]\nplatform = x\nbase_url = https://x.test\naccount = acme\naccount_id = 42\ntoken_env = FUZZ_TOKEN\n"
    "[xs]\nplatform = x\nbase_url = https://x.test\naccount = acme\naccount_id = 42\ntoken_env = FUZZ_TOKEN\n"
    "endpoint = search\nquery = acme\n"
    "[m]\nplatform = mastodon\nbase_url = https://m.test\naccount = acme\naccount_id = 42\ntoken_env = FUZZ_TOKEN\n"
    "[ms]\nplatform = mastodon\nbase_url = https://m.test\naccount = acme\naccount_id = 42\ntoken_env = FUZZ_TOKEN\n"
    "endpoint = search\nquery = acme\n"
    "[b]\nplatform = bluesky\nbase_url = https://b.test\naccount = acme.test\ntoken_env = FUZZ_TOKEN\n"
    "[bs]\nplatform = bluesky\nbase_url = https://b.test\naccount = acme.test\ntoken_env = FUZZ_TOKEN\n"
    "endpoint = search\nquery = acme\n"
    "[r]\nplatform = reddit\nbase_url = https://r.test\naccount = acme\ntoken_env = FUZZ_TOKEN\n"
    "[rs]\nplatform = reddit\nbase_url = https://r.test\naccount = acme\ntoken_env = FUZZ_TOKEN\n"
    "endpoint = search\nquery = acme\nsubreddit = acme\n"
    "[f]\nplatform = facebook\nbase_url = https://f.test\naccount = acme\naccount_id = 42\n"
    "token_env = FUZZ_TOKEN\nobject = 42\n"
    "[fc]\nplatform = facebook\nbase_url = https://f.test\naccount = acme\naccount_id = 42\n"
    "token_env = FUZZ_TOKEN\nendpoint = comments\nobject = 42_7\n";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static cp_config *conf;
	static cp_http *http;
	cp_err e = {0};
	if (!conf) {
		setenv("FUZZ_TOKEN", "fuzz-secret-token", 1);
		if (!(conf = cp_config_parse("fuzz.conf", config, sizeof config - 1, &e)))
			abort();
		cp_http_opts ho;
		memset(&ho, 0, sizeof ho);
		if (!(http = http_new(&ho, &e)))
			abort();
	}
	if (size < 1 || size > 100000)
		return 0;
	const cp_source *src = &conf->src[data[0] % conf->nsrc];
	int op = (data[0] / 16) % 3;
	body = data + 1;
	body_len = size - 1;
	cp_conn *c = plat_open(http, src, &e);
	if (!c)
		return 0;   /* open may make a request too (a bad answer ends it) */
	if (op == 0) {
		cp_sweep sw = {0};
		if (data[0] & 8)
			plat_set(&sw.cursor, "100", 3);
		cp_buf out = {0};
		size_t n = 0;
		if (c->plat->fetch(c, &sw, data[0] & 4, &out, &n, &e) == 0 && out.len) {
			size_t lines = 0;
			cp_rec r = {0};
			for (char *s = out.p, *end; s < out.p + out.len; s = end + 1) {
				end = memchr(s, '\n', (size_t)(out.p + out.len - s));
				if (!end || rec_parse(&r, s, (size_t)(end - s)) < 0 ||
				    rec_val(&r, "id").type != VAL_STRING ||
				    rec_val(&r, "platform").type != VAL_STRING)
					__builtin_trap();
				lines++;
			}
			rec_free(&r);
			if (lines != n)
				__builtin_trap();
		}
		buf_free(&out);
		plat_sweep_free(&sw);
	} else {
		cp_post rq;
		memset(&rq, 0, sizeof rq);
		rq.in_reply_to = "x:100";
		rq.thread = "x:99";
		rq.to_id = "7";
		rq.to_handle = "bob";
		rq.dm = data[0] & 4;
		rq.text = "Thanks, we are on it.";
		rq.idem_key = "k1";
		cp_posted got;
		if (op == 1)
			c->plat->post(c, &rq, &got, &e);
		else if (c->plat->lookup)
			c->plat->lookup(c, &rq, &got, &e);
	}
	plat_close(c);
	return 0;
}
