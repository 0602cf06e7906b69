/*
 * notify's library parts: [channel NAME] sections of carepipe.conf
 * (common/config.c), the message helpers of common/mail.c, and the
 * journal file of common/jlog.c (torn tail, damage, lock).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carepipe.h"
#include "config.h"
#include "jlog.h"
#include "mail.h"
#include "tap.h"

static void test_channels(void)
{
	cp_err e = {0};
	const char *good =
	    "[acme-x]\nplatform = x\nbase_url = https://api.x.com\naccount = acme\ntoken_env = T\n\n"
	    "[channel slack]\ntype = slack\ntoken_env = SLACK_URL\n\n"
	    "[channel  mail ]\ntype = email\nserver = smtps://mail.example.com\nuser = u\ntoken_file = /x\n"
	    "from = a@example.com\nto = b@example.com, c@example.com\nretries = 2\n";
	cp_config *c = cp_config_parse("t", good, strlen(good), &e);
	ok(c != NULL, "sources and channels in one file");
	if (c) {
		is_int(c->nsrc, 1, "one source");
		is_int(c->nchan, 2, "two channels");
		const cp_channel *m = cp_config_channel(c, "mail");
		ok(m && m == &c->chan[1], "a channel found by name (blanks around it trimmed)");
		ok(!cp_config_find(c, "mail") && !cp_config_channel(c, "acme-x"), "sources and channels apart");
		is_int(m ? m->retries : -1, 2, "retries read");
		is_int(c->chan[0].retries, 4, "retries default to 4");
		is_int(c->chan[0].timeout, 30, "timeout defaults to 30");
		is_int(c->chan[0].line, 7, "the line of the section");
	}
	cp_config_free(c);
	static const struct { const char *text, *msg; } bad[] = {
		{ "[channel s]\ntype = slack\ntoken_env = X\ncolour = red\n", "t:4: [channel s]: unknown key 'colour'" },
		{ "[channel s]\ntoken_env = X\n", "t:1: [channel s] has no type" },
		{ "[channel s]\ntype = sms\n", "t:1: [channel s]: unknown type 'sms' (slack, teams, webhook or email)" },
		{ "[channel s]\ntype = teams\n", "t:1: [channel s] needs token_env or token_file (the webhook URL)" },
		{ "[channel s]\ntype = webhook\n", "t:1: [channel s] has no url" },
		{ "[channel s]\ntype = webhook\nurl = ftp://x\n", "t:1: [channel s]: url must start with https:// or http://" },
		{ "[channel s]\ntype = webhook\nurl = https://x\nfrom = a@b\n", "t:1: [channel s]: from is for type email" },
		{ "[channel s]\ntype = email\nserver = imap://x\nfrom = a\nto = b\n",
		  "t:1: [channel s]: server must start with smtp:// or smtps://" },
		{ "[channel s]\ntype = email\nserver = smtp://me:pw@x\nfrom = a\nto = b\n",
		  "t:1: [channel s]: server holds a login: give it in user, and the password in token_env or token_file" },
		{ "[channel s]\ntype = email\nserver = smtp://x\nfrom = a\nto = b\nstarttls = maybe\n",
		  "t:1: [channel s]: starttls is yes or no" },
		{ "[channel s]\ntype = email\nserver = smtp://x\nfrom = a\nto = b\nuser = u\n",
		  "t:1: [channel s]: user needs token_env or token_file (the password)" },
		{ "[channel s]\ntype = slack\ntoken_env = X\n[channel s]\n", "t:4: [channel s] given twice" },
		{ "[channel a/b]\n", "t:1: a channel name is one word without '/'" },
		{ "[channel a b]\n", "t:1: a channel name is one word without '/'" },
		{ "[channel s]\ntype = slack\ntoken_env = X\ntimeout = soon\n", "t:4: timeout wants a whole number: soon" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.code = 0;
		c = cp_config_parse("t", bad[i].text, strlen(bad[i].text), &e);
		ok(!c && e.code == CP_EX_CONFIG, "bad channel %zu is refused with 78", i);
		is_str(e.msg, bad[i].msg, "  and says why");
		cp_config_free(c);
	}
	cp_channel ch = { .name = "s", .token_env = "CP_TEST_HOOK" };
	cp_buf tok = {0};
	unsetenv("CP_TEST_HOOK");
	e.code = 0;
	ok(cp_channel_token(&ch, &tok, &e) < 0 && e.code == 78, "an unset variable is 78");
	is_str(e.msg, "channel s: the token variable CP_TEST_HOOK is not set", "  naming the variable");
	setenv("CP_TEST_HOOK", "https://hooks.example/T/B/X", 1);
	ok(cp_channel_token(&ch, &tok, &e) == 0, "the variable is read");
	is_str(tok.p, "https://hooks.example/T/B/X", "  whole");
	buf_wipe(&tok);
}

static void test_mail(void)
{
	cp_buf b = {0};
	const char *inj = "alert\r\nBcc: x@example.com\t!";
	mail_header_value(&b, inj, strlen(inj));
	is_str(buf_cstr(&b), "alert  Bcc: x@example.com !", "a header value has no CR, LF or tab");
	buf_reset(&b);
	mail_header_value(&b, "caf\xc3\xa9", 5);
	is_str(buf_cstr(&b), "=?UTF-8?B?Y2Fmw6k=?=", "non-ASCII is an RFC 2047 word");
	buf_reset(&b);
	char long_utf8[200];
	size_t n = 0;
	while (n + 2 <= 120) {         /* 60 two-byte characters */
		long_utf8[n++] = '\xc3';
		long_utf8[n++] = '\xa9';
	}
	mail_header_value(&b, long_utf8, n);
	buf_cstr(&b);
	ok(strstr(b.p, "?=\r\n =?UTF-8?B?") != NULL, "a long value is folded into several words");
	bool short_words = true;
	for (const char *w = b.p; (w = strstr(w, "=?UTF-8?B?")); w++) {
		const char *end = strstr(w, "?=");
		if (!end || end - w + 2 > 75)
			short_words = false;
	}
	ok(short_words, "  each word at most 75 bytes");
	buf_reset(&b);
	mail_qp(&b, "a=b \nline\n.dot\n", 15);
	is_str(buf_cstr(&b), "a=3Db=20\r\nline\r\n=2Edot\r\n", "quoted-printable: =, trailing blank, leading dot, CRLF");
	buf_reset(&b);
	char longline[300];
	memset(longline, 'x', sizeof longline);
	mail_qp(&b, longline, sizeof longline);
	buf_cstr(&b);
	bool short_lines = true;
	for (const char *s = b.p, *nl; *s; s = nl + 2) {
		nl = strstr(s, "\r\n");
		if (!nl)
			nl = s + strlen(s) - 2;
		if (nl - s > 76)
			short_lines = false;
		if (!nl[0] || !nl[1] || !nl[2])
			break;
	}
	ok(short_lines, "quoted-printable lines stay within 76 characters");
	buf_free(&b);
}

static int count_lines(void *ctx, const cp_rec *r)
{
	(void)r;
	++*(int *)ctx;
	return 0;
}

static int refuse(void *ctx, const cp_rec *r)
{
	(void)ctx;
	return val_streq(rec_val(r, "event"), "bad") ? -1 : 0;
}

static void test_jlog(void)
{
	char path[] = "/tmp/carepipe-jlog-XXXXXX";
	int fd = mkstemp(path);
	cp_err e = {0};
	int n = 0;
	if (fd < 0 || write(fd, "{\"event\":\"a\"}\n{\"event\":\"b\"}\n{\"event\":\"to", 40) != 40) {
		ok(0, "a temporary journal");
		return;
	}
	close(fd);
	jlog *j = jlog_open(path, "notify", count_lines, &n, &e);
	ok(j != NULL, "a journal with a torn last line opens");
	is_int(n, 2, "  its whole lines are replayed");
	cp_buf all = {0};
	state_read(path, &all, &e);
	is_int(all.len, 28, "  and the torn line is cut off");
	int n2 = 0;
	cp_err e2 = {0};
	ok(jlog_open(path, "notify", count_lines, &n2, &e2) == NULL && e2.code == CP_EX_TEMPFAIL,
	   "a second opener is refused with 75 while the first holds it");
	is_str(e2.msg, strcat(strcpy((char[128]){0}, path), ": another notify run holds this journal"),
	       "  saying so");
	ok(jlog_append(j, "{\"event\":\"bad\"}", 15, &e) == 0, "an append");
	jlog_close(j);
	n = 0;
	ok(jlog_open(path, "notify", refuse, &n, &e) == NULL && e.code == CP_EX_DATAERR,
	   "a line the replay refuses is damage: 65");
	is_str(e.msg, strcat(strcpy((char[256]){0}, path),
	       ":3: not a journal entry; the journal is damaged, and notify will not guess what was sent"),
	       "  with FILE:LINE");
	buf_free(&all);
	unlink(path);
}

/* The replay of jlog_commit's test: each line's "k" and "at" indexed. */
struct seen {
	jlog_index ix;
	int64_t at;
};

static int index_line(void *ctx, const cp_rec *r)
{
	struct seen *s = ctx;
	char *k = jlog_str(rec_val(r, "k"));
	bool made;
	int64_t *at = k ? jlog_entry(&s->ix, k, sizeof *at, &made) : NULL;
	free(k);
	if (!at)
		return -1;
	*at = s->at = jlog_at(r);
	return 0;
}

static void test_jlog_lines(void)
{
	char path[] = "/tmp/carepipe-jlog-XXXXXX";
	int fd = mkstemp(path);
	cp_err e = {0};
	struct seen s = {0};
	if (fd < 0) {
		ok(0, "a temporary journal");
		return;
	}
	close(fd);
	jlog *j = jlog_open(path, "notify", index_line, &s, &e);
	ok(j != NULL, "an empty journal opens");
	if (!j)
		return;
	const char *keys[] = { "b", "a", "b" };
	int64_t before = (int64_t)time(NULL);
	for (int i = 0; i < 3; i++) {
		cp_buf b = {0};
		int bad = jlog_begin(&b, "x") < 0 || jlog_field(&b, "k", keys[i]) < 0;
		ok(jlog_commit(j, &b, bad, &e) == 0, "a line committed (%s)", keys[i]);
	}
	ok(s.at >= before && s.at <= (int64_t)time(NULL), "  stamped with the clock");
	is_int(s.ix.n, 2, "  two entries: a key seen again is the same entry");
	ok(s.ix.n == 2 && s.ix.order[0] == jlog_find(&s.ix, "b") && s.ix.order[1] == jlog_find(&s.ix, "a"),
	   "  in first-seen order");
	ok(jlog_find(&s.ix, "c") == NULL, "  and no entry for a key never seen");
	cp_buf all = {0};
	state_read(path, &all, &e);
	const char *head = "{\"event\":\"x\",\"k\":\"b\",\"at\":\"";
	ok(all.len > 0 && strncmp(all.p, head, strlen(head)) == 0 &&
	   all.p[all.len - 1] == '\n' && all.p[all.len - 2] == '}',
	   "  each line {\"event\":E,...,\"at\":T}");
	jlog_close(j);
	jlog_index_free(&s.ix, free);
	buf_free(&all);
	unlink(path);
}

int main(void)
{
	test_channels();
	test_mail();
	test_jlog();
	test_jlog_lines();
	return done_testing();
}
