/*
 * platforms - carepipe.conf parsing, and posting and looking up replies
 * through common/platforms against servers on 127.0.0.1:
 *   - with no arguments it starts tests/mock/server.py itself (Reddit,
 *     Facebook, Bluesky) and checks exactly-once posting by the server's
 *     own count of posts per parent;
 *   - with --x URL --mastodon URL (tests/cli/fetch-mentions-live.t passes
 *     its Prism mocks) it posts to X and Mastodon, whose request
 *     validation Prism does and the CLI test checks in Prism's log.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "carepipe.h"
#include "config.h"
#include "http.h"
#include "platform.h"
#include "tap.h"

static cp_http *http;
static char base[128];

static cp_config *conf(const char *text)
{
	cp_err e = {0};
	cp_config *c = cp_config_parse("test.conf", text, strlen(text), &e);
	if (!c)
		printf("# config: %s\n", e.msg);
	return c;
}

static void test_config(void)
{
	cp_err e = {0};
	const char *good =
	    "# a comment\n[a]\nplatform = x\nbase_url = https://api.x.com/\naccount = acme\n"
	    "account_id = 1\ntoken_env = T\nbackoff = 0.5\n\n[b]\nplatform=reddit\n"
	    "base_url=https://oauth.reddit.com\naccount=acme\ntoken_env=T\n";
	cp_config *c = cp_config_parse("t", good, strlen(good), &e);
	ok(c != NULL, "a good config parses");
	if (c) {
		is_int(c->nsrc, 2, "two sources");
		is_str(c->src[0].base_url, "https://api.x.com", "base_url loses its trailing slash");
		is_int(c->src[0].timeout, 30, "timeout defaults to 30s");
		is_int(c->src[1].retries, 4, "retries default to 4");
		ok(c->src[0].backoff == 0.5, "backoff is read");
		ok(cp_config_find(c, "b") == &c->src[1], "find by name");
	}
	cp_config_free(c);
	static const struct { const char *text, *msg; } bad[] = {
		{ "[a]\nplatform = x\nbase_url = https://x\naccount = a\ntypo = 1\n", "t:5: unknown key 'typo'" },
		{ "[a]\nbase_url = https://x\naccount = a\n", "t:1: [a] has no platform" },
		{ "[a]\nplatform = myspace\nbase_url = https://x\naccount = a\n",
		  "t:1: [a]: unknown platform 'myspace' (x, mastodon, bluesky, reddit or facebook)" },
		{ "[a]\nplatform = x\nbase_url = ftp://x\naccount = a\n",
		  "t:1: [a]: base_url must start with https:// or http://" },
		{ "[a]\nplatform = x\nbase_url = https://x\naccount = a\nlimit = ten\n", "t:5: limit wants a whole number: ten" },
		{ "platform = x\n", "t:1: 'platform' before the first [source]" },
		{ "[a]\nplatform = x\nbase_url = https://x\naccount = a\n[a]\n", "t:5: source [a] given twice" },
		{ "", "t: no [source] section" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.code = 0;
		c = cp_config_parse("t", bad[i].text, strlen(bad[i].text), &e);
		ok(!c && e.code == CP_EX_CONFIG, "bad config %zu is refused with 78", i);
		is_str(e.msg, bad[i].msg, "  and says why");
		cp_config_free(c);
	}
	cp_source s = { .name = "a", .token_env = "CP_TEST_TOKEN" };
	cp_buf tok = {0};
	unsetenv("CP_TEST_TOKEN");
	e.code = 0;
	ok(cp_source_token(&s, &tok, &e) < 0 && e.code == 78, "an unset token variable is 78");
	is_str(e.msg, "source a: the token variable CP_TEST_TOKEN is not set", "  naming the variable");
	setenv("CP_TEST_TOKEN", "s3cret-value", 1);
	ok(cp_source_token(&s, &tok, &e) == 0 && strcmp(tok.p, "s3cret-value") == 0, "token from the environment");
	char path[] = "/tmp/cp-token-XXXXXX";
	int fd = mkstemp(path);
	if (write(fd, "file-token\n", 11) != 11)
		ok(0, "write token file");
	close(fd);
	cp_source f = { .name = "f", .token_file = path };
	chmod(path, 0644);
	e.code = 0;
	ok(cp_source_token(&f, &tok, &e) < 0 && e.code == 78, "a token file readable by others is refused");
	chmod(path, 0600);
	ok(cp_source_token(&f, &tok, &e) == 0 && strcmp(tok.p, "file-token") == 0,
	   "a 0600 token file is read, newline dropped");
	unlink(path);
	buf_free(&tok);
}

/* What every platform's open checks before it asks anything of the
 * network (plat_endpoint), and the page sizes fetches ask for. */
static void test_open_checks(void)
{
	static const struct { const char *platform, *endpoint, *extra, *msg; } bad[] = {
		{ "x", "timeline", "account_id = 1\n", "source s: x endpoint is mentions or search, not 'timeline'" },
		{ "x", "search", "", "source s: x search needs a query" },
		{ "x", "mentions", "", "source s: x mentions need account_id, the brand's numeric user id" },
		{ "mastodon", "timeline", "", "source s: mastodon endpoint is mentions or search, not 'timeline'" },
		{ "mastodon", "search", "", "source s: mastodon search needs a query" },
		{ "reddit", "inbox", "", "source s: reddit endpoint is mentions or search, not 'inbox'" },
		{ "reddit", "search", "", "source s: reddit search needs a query" },
		{ "bluesky", "feed", "", "source s: bluesky endpoint is mentions or search, not 'feed'" },
		{ "bluesky", "search", "", "source s: bluesky search needs a query" },
		{ "facebook", "search", "object = 1\n", "source s: facebook endpoint is feed or comments, not 'search'" },
		{ "facebook", "feed", "", "source s: facebook needs object (the page or post id) or account_id (the page id)" },
	};
	setenv("CP_TEST_TOKEN", "open-check-token", 1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[512];
		cp_err e = {0};
		snprintf(text, sizeof text, "[s]\nplatform = %s\nbase_url = http://127.0.0.1:9\naccount = acme\n"
		         "token_env = CP_TEST_TOKEN\nendpoint = %s\n%s", bad[i].platform, bad[i].endpoint, bad[i].extra);
		cp_config *c = conf(text);
		cp_conn *cn = c ? plat_open(http, &c->src[0], &e) : NULL;
		ok(c && !cn && e.code == CP_EX_CONFIG, "%s endpoint = %s: refused by open with 78",
		   bad[i].platform, bad[i].endpoint);
		is_str(e.msg, bad[i].msg, "  and says why");
		plat_close(cn);
		cp_config_free(c);
	}
	static const struct { long limit, dflt, lo, hi, want; } sizes[] = {
		{ 0, 100, 5, 100, 100 }, { 3, 100, 5, 100, 5 }, { 500, 100, 10, 100, 100 },
		{ 0, 25, 1, 0, 25 }, { 1000, 25, 1, 0, 1000 }, { 60, 40, 1, 80, 60 },
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		cp_source s = { .name = "s", .limit = sizes[i].limit };
		cp_conn cn = { .src = &s };
		char text[24], want[24];
		snprintf(want, sizeof want, "%ld", sizes[i].want);
		is_int(plat_page_size(&cn, sizes[i].dflt, sizes[i].lo, sizes[i].hi, text), sizes[i].want,
		       "page size: limit %ld, default %ld, between %ld and %ld", sizes[i].limit, sizes[i].dflt,
		       sizes[i].lo, sizes[i].hi);
		is_str(text, want, "  and as text");
	}
}

/* GET a mock control URL; the parsed body stays in rs. */
static int control(const char *path, cp_http_resp *rs)
{
	char url[256];
	cp_err e = {0};
	snprintf(url, sizeof url, "%s%s", base, path);
	cp_http_req rq = { .url = url, .want_json = true, .source = "control" };
	int rc = http_do(http, &rq, rs, &e);
	if (rc < 0)
		printf("# control %s: %s\n", path, e.msg);
	return rc;
}

static long posts_for(const char *parent)
{
	cp_http_resp rs = {0};
	int64_t n = 0;
	if (control("/_counts", &rs) == 0)
		val_int(val_member(val_member(plat_json(&rs), "posts"), parent), &n);
	http_resp_free(&rs);
	return (long)n;
}

static void fault(const char *q)
{
	cp_http_resp rs = {0};
	cp_buf p = {0};
	buf_addf(&p, "/_fault?%s", q);
	control(buf_cstr(&p), &rs);
	buf_free(&p);
	http_resp_free(&rs);
}

static cp_conn *connect_src(cp_config *c, const char *name)
{
	cp_err e = {0};
	const cp_source *s = cp_config_find(c, name);
	cp_conn *cn = s ? plat_open(http, s, &e) : NULL;
	if (!cn)
		printf("# open %s: %s\n", name, e.msg);
	return cn;
}

static void test_reddit(cp_config *c)
{
	cp_conn *cn = connect_src(c, "reddit");
	cp_posted out = {0}, found = {0};
	cp_err e = {0};
	if (!ok(cn != NULL, "reddit: connect"))
		return;
	cp_post rq = { .in_reply_to = "reddit:t1_ekftbox", .text = "Sorry to hear that! DM us?",
	               .idem_key = "rec1-r1" };
	ok(cn->plat->lookup(cn, &rq, &found, &e) == 0, "reddit: lookup before posting finds nothing");
	ok(cn->plat->post(cn, &rq, &out, &e) == 0, "reddit: reply posted");
	ok(strncmp(out.id, "reddit:t1_mock", 14) == 0, "reddit: the new id is a t1 fullname (%s)", out.id);
	ok(strncmp(out.url, "https://www.reddit.com/r/mock/comments/", 39) == 0, "reddit: with its permalink");
	is_int(posts_for("t1_ekftbox"), 1, "reddit: the server got one comment");
	ok(cn->plat->lookup(cn, &rq, &found, &e) == 1, "reddit: lookup finds the reply");
	is_str(found.id, out.id, "reddit: the same id");

	/* A 500 on a POST without an idempotency key is not retried. */
	cp_post rq2 = { .in_reply_to = "reddit:t1_ekftage", .text = "Hello", .idem_key = "rec2-r1" };
	fault("path=/api/comment&kind=500&times=1");
	e.code = 0;
	ok(cn->plat->post(cn, &rq2, &out, &e) < 0 && e.code == 69, "reddit: a 500 on the POST is 69, not retried");
	is_int(posts_for("t1_ekftage"), 0, "reddit: nothing was posted");
	ok(cn->plat->lookup(cn, &rq2, &found, &e) == 0, "reddit: lookup says it is not there");
	ok(cn->plat->post(cn, &rq2, &out, &e) == 0, "reddit: posted on the second go");
	is_int(posts_for("t1_ekftage"), 1, "reddit: exactly once");

	/* A 429 was not acted on: even a POST without a key goes again. */
	cp_post rq3 = { .in_reply_to = "reddit:t1_ekft9ad", .text = "Hello again" };
	fault("path=/api/comment&kind=429&times=1&secs=0");
	e.code = 0;
	ok(cn->plat->post(cn, &rq3, &out, &e) == 0, "reddit: a 429 on the POST is waited out and retried");
	is_int(posts_for("t1_ekft9ad"), 1, "reddit: posted once");

	cp_post pm = { .dm = true, .to_handle = "2Botter2Loop", .text = "Hi there", .subject = "Your order" };
	ok(cn->plat->post(cn, &pm, &out, &e) == 0, "reddit: a private message through /api/compose");
	is_int(posts_for("compose:2Botter2Loop"), 1, "reddit: one message sent");
	plat_close(cn);
}

static void test_facebook(cp_config *c)
{
	cp_conn *cn = connect_src(c, "facebook");
	cp_posted out = {0}, found = {0};
	cp_err e = {0};
	if (!ok(cn != NULL, "facebook: connect"))
		return;
	cp_post rq = { .in_reply_to = "facebook:19292868552_10158407654328553", .text = "Thanks for asking!" };
	ok(cn->plat->lookup(cn, &rq, &found, &e) == 0, "facebook: lookup before posting finds nothing");
	ok(cn->plat->post(cn, &rq, &out, &e) == 0, "facebook: comment posted");
	ok(strncmp(out.id, "facebook:10158407654328553_9", 28) == 0, "facebook: new id %s", out.id);
	is_int(posts_for("19292868552_10158407654328553"), 1, "facebook: the server got one comment");
	ok(cn->plat->lookup(cn, &rq, &found, &e) == 1, "facebook: lookup finds it by the page's id");
	is_str(found.id, out.id, "facebook: the same id");
	cp_post dm = { .dm = true, .in_reply_to = "facebook:1", .text = "x" };
	e.code = 0;
	ok(cn->plat->post(cn, &dm, &out, &e) < 0 && e.code == 69, "facebook: DMs are refused plainly (69)");
	plat_close(cn);
}

static void test_bluesky(cp_config *c)
{
	cp_conn *cn = connect_src(c, "bluesky");
	cp_posted out = {0}, again = {0}, found = {0};
	cp_err e = {0};
	if (!ok(cn != NULL, "bluesky: connect (createSession)"))
		return;
	const char *parent = "bluesky:at://did:plc:customer0001/app.bsky.feed.post/3kpost0001";
	cp_post rq = { .in_reply_to = parent, .text = "We are on it.", .idem_key = "rec9:reply1" };
	ok(cn->plat->lookup(cn, &rq, &found, &e) == 0, "bluesky: lookup before posting finds nothing");
	/* The access token expires before the post: refreshSession, then on. */
	fault("path=/xrpc/app.bsky.feed.getPostThread&kind=expire&times=1");
	ok(cn->plat->post(cn, &rq, &out, &e) == 0, "bluesky: reply posted across a session refresh");
	if (e.code)
		printf("# %s\n", e.msg);
	is_str(out.id, "bluesky:at://did:plc:brandbrandbrand/app.bsky.feed.post/rec9:reply1",
	       "bluesky: the record key comes from the idempotency key");
	is_str(out.url, "https://bsky.app/profile/brand.example/post/rec9:reply1", "bluesky: url");
	is_int(posts_for(parent + 8), 1, "bluesky: one record created (root and parent strong refs accepted)");
	ok(cn->plat->post(cn, &rq, &again, &e) == 0, "bluesky: posting the same reply again succeeds");
	is_str(again.id, out.id, "bluesky: ... as the record already there");
	is_int(posts_for(parent + 8), 1, "bluesky: still one record");
	ok(cn->plat->lookup(cn, &rq, &found, &e) == 1, "bluesky: lookup finds the reply");
	is_str(found.id, out.id, "bluesky: the same id");
	cp_post dm = { .dm = true, .in_reply_to = parent, .text = "x" };
	e.code = 0;
	ok(cn->plat->post(cn, &dm, &out, &e) < 0 && e.code == 69, "bluesky: DMs are refused plainly (69)");
	plat_close(cn);
}

static void test_prism(const char *xurl, const char *murl)
{
	char text[1024];
	cp_err e = {0};
	snprintf(text, sizeof text,
	    "[x]\nplatform = x\nbase_url = %s\naccount = TwitterDev\naccount_id = 2244994945\ntoken_env = CP_TEST_TOKEN\n"
	    "[m]\nplatform = mastodon\nbase_url = %s\naccount = trwnh\naccount_id = 14715\ntoken_env = CP_TEST_TOKEN\n",
	    xurl, murl);
	setenv("CP_TEST_TOKEN", "prism-token-secret", 1);
	cp_config *c = conf(text);
	cp_conn *x = connect_src(c, "x"), *m = connect_src(c, "m");
	cp_posted out = {0};
	if (!ok(x && m, "prism: connect"))
		goto done;
	cp_post rq = { .in_reply_to = "twitter:1346889436626259968", .text = "Thanks!", .idem_key = "k1" };
	ok(x->plat->post(x, &rq, &out, &e) == 0, "x: POST /2/tweets with reply.in_reply_to_tweet_id");
	is_str(out.id, "twitter:1346889436626259968", "x: the id of Prism's example");
	cp_post dm = { .dm = true, .to_id = "2244994945", .text = "Hi in private" };
	ok(x->plat->post(x, &dm, &out, &e) == 0, "x: POST /2/dm_conversations/with/{id}/messages");
	if (e.code)
		printf("# %s\n", e.msg);
	ok(out.id[0] != '\0', "x: a DM event id (%s)", out.id);
	int found = x->plat->lookup(x, &rq, &out, &e);
	ok(found == 1, "x: lookup by search (in_reply_to_tweet_id: from:)");
	cp_post mr = { .in_reply_to = "mastodon:103186126728896492", .text = "On it!", .idem_key = "rec-m-1" };
	ok(m->plat->post(m, &mr, &out, &e) == 0, "mastodon: POST /api/v1/statuses with Idempotency-Key");
	if (e.code)
		printf("# %s\n", e.msg);
	ok(strncmp(out.id, "mastodon:", 9) == 0 && out.id[9], "mastodon: new status id (%s)", out.id);
	cp_post md = { .dm = true, .in_reply_to = "mastodon:103186126728896492", .to_handle = "zsc",
	               .text = "Details in private", .idem_key = "rec-m-2" };
	ok(m->plat->post(m, &md, &out, &e) == 0, "mastodon: a direct status");
	ok(m->plat->lookup(m, &mr, &out, &e) >= 0, "mastodon: lookup through /context");
done:
	plat_close(x);
	plat_close(m);
	cp_config_free(c);
}

static pid_t start_mock(char *port_file)
{
	pid_t pid = fork();
	if (pid == 0) {
		execlp("python3", "python3", "tests/mock/server.py", "--port-file", port_file,
		       "--lifetime", "120", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {   /* at most 10 s */
		FILE *f = fopen(port_file, "r");
		int port;
		if (f && fscanf(f, "%d", &port) == 1) {
			fclose(f);
			snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
			return pid;
		}
		if (f)
			fclose(f);
		struct timespec ts = { 0, 50000000 };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGTERM);
	return -1;
}

int main(int argc, char **argv)
{
	cp_err e = {0};
	cp_http_opts ho = {0};
	http = http_new(&ho, &e);
	if (argc == 5 && strcmp(argv[1], "--x") == 0 && strcmp(argv[3], "--mastodon") == 0) {
		test_prism(argv[2], argv[4]);
		http_free(http);
		return done_testing();
	}
	test_config();
	test_open_checks();
	if (access("../shared/specs/reddit", R_OK) != 0) {
		printf("# skipping the mock server tests: ../shared is not there\n");
		http_free(http);
		return done_testing();
	}
	char dir[] = "/tmp/cp-platforms-XXXXXX", port_file[64];
	if (!mkdtemp(dir))
		return 1;
	snprintf(port_file, sizeof port_file, "%s/port", dir);
	pid_t pid = start_mock(port_file);
	if (!ok(pid > 0, "the mock server starts")) {
		http_free(http);
		return done_testing();
	}
	setenv("CP_TEST_TOKEN", "mock-token-secret", 1);
	setenv("CP_TEST_BSKY_PW", "app-password-secret", 1);
	char text[2048];
	snprintf(text, sizeof text,
	    "[reddit]\nplatform = reddit\nbase_url = %s\naccount = acmehelp\ntoken_env = CP_TEST_TOKEN\n"
	    "timeout = 5\nbackoff = 0.05\n"
	    "[facebook]\nplatform = facebook\nbase_url = %s\naccount = fbdev\naccount_id = 19292868552\n"
	    "object = 19292868552_10158407654328553\nendpoint = comments\ntoken_env = CP_TEST_TOKEN\n"
	    "[bluesky]\nplatform = bluesky\nbase_url = %s\naccount = brand.example\n"
	    "identifier = brand.example\npassword_env = CP_TEST_BSKY_PW\n",
	    base, base, base);
	cp_config *c = conf(text);
	if (ok(c != NULL, "the mock config parses")) {
		test_reddit(c);
		test_facebook(c);
		test_bluesky(c);
	}
	cp_config_free(c);
	http_free(http);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(port_file);
	rmdir(dir);
	return done_testing();
}
