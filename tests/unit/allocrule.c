/*
 * The allocation rule of carepipe.h, where it once failed:
 *   - http_do sends nothing once a buf allocation has failed, so a post
 *     built with an unchecked append cannot go out with a part missing;
 *   - a sentiment lexicon whose load ran out of memory says so, rather
 *     than loading without a word.
 *
 * Run with no arguments, it is a unit test (TAP).  With arguments it is
 * the driver tests/cli/alloc-rule.t runs under tests/torture/failmalloc.so,
 * failing each allocation in turn:
 *   allocrule post URL      build a status with unchecked appends and
 *                           POST it (exit 0, or the cp_err code)
 *   allocrule lexicon FILE  load FILE into a sentiment and print each of
 *                           its words' scores (exit 0, or the code)
 *   allocrule measure TEXT  measure TEXT by X's rule (which normalises it
 *                           to NFC first), print the verdict and length,
 *                           and exit 71 when an allocation failed (the
 *                           gate that keeps such a reply from going out)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "carepipe.h"
#include "http.h"
#include "sentiment.h"
#include "textlen.h"
#include "tap.h"

/* A status as mastodon.c built one: appends whose results go unchecked. */
static int post(const char *url, cp_err *e)
{
	cp_http_opts o = {0};
	cp_http *h = http_new(&o, e);
	if (!h)
		return -1;
	cp_buf body = {0};
	buf_adds(&body, "status=");
	http_escape(&body, "@ann Sorry about the wait: your refund is on its way.");
	buf_adds(&body, "&in_reply_to_id=");
	http_escape(&body, "109876543210");
	buf_adds(&body, "&visibility=direct");
	cp_http_req rq = {
		.method = "POST", .url = url, .content_type = "application/x-www-form-urlencoded",
		.body = body.p ? body.p : "", .body_len = body.len, .retries = -1, .source = "test",
	};
	cp_http_resp rs = {0};
	int rc = http_do(h, &rq, &rs, e);
	http_resp_free(&rs);
	buf_free(&body);
	http_free(h);
	return rc;
}

static int lexicon(const char *path, cp_err *e)
{
	sentiment *s = sentiment_new();
	if (!s)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	if (sentiment_load(s, path, e) < 0) {
		sentiment_free(s);
		return -1;
	}
	/* Every word of the file, as the scorer sees it. */
	cp_buf text = {0};
	FILE *f = fopen(path, "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		if (!tab || line[0] == '#')
			continue;
		bool found = false;
		float boost;
		float w = sentiment_word(s, line, (size_t)(tab - line), &found, &boost);
		printf("%.*s %d %.3f\n", (int)(tab - line), line, found, found ? w : 0.0);
	}
	if (f)
		fclose(f);
	buf_free(&text);
	sentiment_free(s);
	return 0;
}

/* A listening socket on 127.0.0.1 that nobody answers: a request sent to
 * it would be a connection waiting in its backlog. */
static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	*port = ntohs(a.sin_port);
	return fd;
}

static void unit(void)
{
	int port, fd = listener(&port);
	ok(fd >= 0, "a listening socket on 127.0.0.1");
	if (fd < 0)
		return;
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/statuses", port);
	/* An allocation of a buf fails: a size past SIZE_MAX, refused before
	 * any allocator is asked (so under ASan too). */
	cp_buf big = {0};
	buf_adds(&big, "ab");
	is_int(buf_reserve(&big, SIZE_MAX - 1), -1, "an impossible buf_reserve fails");
	buf_free(&big);
	ok(buf_failures() > 0, "and is counted");
	cp_err e = {0};
	is_int(post(url, &e), -1, "http_do refuses to send after a failed allocation");
	is_int(e.code, CP_EX_OSERR, "with 71");
	is_str(e.msg, "out of memory", "saying out of memory");
	int c = accept(fd, NULL, NULL);
	ok(c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), "no connection was made");
	if (c >= 0)
		close(c);
	close(fd);
}

static int measure(const char *text, cp_err *e)
{
	long len = 0;
	int v = textlen_check(textlen_rule_for("x", false), text, strlen(text), &len);
	printf("%d %ld\n", v, len);
	if (buf_failures())
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

int main(int argc, char **argv)
{
	cp_err e = {0};
	if (argc == 3 && !strcmp(argv[1], "measure")) {
		int rc = measure(argv[2], &e);
		if (fflush(stdout) != 0)
			return CP_EX_IOERR;
		if (rc < 0) {
			fprintf(stderr, "allocrule: %s\n", e.msg);
			return e.code;
		}
		return 0;
	}
	if (argc == 3 && (!strcmp(argv[1], "post") || !strcmp(argv[1], "lexicon"))) {
		int rc = argv[1][0] == 'p' ? post(argv[2], &e) : lexicon(argv[2], &e);
		if (fflush(stdout) != 0)
			return CP_EX_IOERR;
		if (rc < 0) {
			fprintf(stderr, "allocrule: %s\n", e.msg);
			return e.code ? e.code : CP_EX_SOFTWARE;
		}
		return 0;
	}
	unit();
	return done_testing();
}
