/*
 * The line-and-section reader (inifile.h): lines, trimmed, with FILE:LINE
 * put in front of whatever goes wrong on one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfile.h"
#include "inifile.h"

void ini_dir(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, n, ".");
	else
		snprintf(out, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

/* "FILE:LINE: " in front of e's message. */
static void locate(cp_err *e, const char *path, unsigned lineno)
{
	char old[sizeof e->msg];
	memcpy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%.180s:%u: %.300s", path, lineno, old);
}

int ini_parse(const char *path, const char *text, size_t n, const char *comments, ini_fn fn,
              void *ctx, cp_err *e)
{
	char dir[4096];
	cp_buf line = {0};
	ini_line l = { .path = path, .dir = dir };
	int rc = 0;
	ini_dir(path, dir, sizeof dir);
	for (size_t at = 0; at < n && rc == 0;) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t len = nl ? (size_t)(nl - (text + at)) : n - at;
		l.lineno++;
		buf_reset(&line);
		/* Room for both copies at once: the trimmed one is made from
		 * the raw one, which must not move meanwhile. */
		if (buf_reserve(&line, 2 * len + 2) < 0 || buf_add(&line, text + at, len) < 0 ||
		    buf_addc(&line, '\0') < 0) {
			rc = cp_fail(e, CP_EX_OSERR, "out of memory");
			break;
		}
		at += len + (nl != NULL);
		if (memchr(line.p, '\0', len)) {
			rc = cp_fail(e, CP_EX_CONFIG, "%s:%u: NUL byte", path, l.lineno);
			break;
		}
		l.raw = line.p;
		char *s = line.p, *end = line.p + len;
		while (s < end && isspace((unsigned char)*s))
			s++;
		/* The trimmed text is a copy after raw, so cutting one up
		 * leaves the other as written. */
		size_t off = line.len;
		size_t tlen = (size_t)(end - s);
		while (tlen && isspace((unsigned char)s[tlen - 1]))
			tlen--;
		if (*s && strchr(comments ? comments : "", *s))
			tlen = 0;
		if (buf_add(&line, s, tlen) < 0 || !buf_cstr(&line)) {
			rc = cp_fail(e, CP_EX_OSERR, "out of memory");
			break;
		}
		l.text = line.p + off;
		l.len = tlen;
		if (fn(ctx, &l, e) < 0) {
			if (e && e->code != CP_EX_OSERR)
				locate(e, path, l.lineno);
			rc = -1;
		}
	}
	buf_free(&line);
	return rc;
}

int ini_read(const char *path, const char *comments, ini_fn fn, void *ctx, cp_err *e)
{
	cp_buf text = {0};
	int rc = cfg_read_file(path, &text, e);
	if (rc == 0)
		rc = ini_parse(path, text.p ? text.p : "", text.len, comments, fn, ctx, e);
	buf_free(&text);
	return rc;
}

int ini_section(const char *text, char kind[16], char name[128])
{
	const char *s = text, *end = text + strlen(text);
	kind[0] = name[0] = '\0';
	if (*s != '[' || end - s < 2 || end[-1] != ']')
		return 0;
	s++;
	end--;
	char *out[2] = { kind, name };
	size_t cap[2] = { 16, 128 };
	for (int w = 0; w < 2; w++) {
		while (s < end && isspace((unsigned char)*s))
			s++;
		size_t k = 0;
		while (s + k < end && !isspace((unsigned char)s[k]) && s[k] != ']')
			k++;
		if (k == 0 && w == 0)
			return 0;
		if (k >= cap[w])
			return 0;
		memcpy(out[w], s, k);
		out[w][k] = '\0';
		s += k;
	}
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s != end) {
		kind[0] = name[0] = '\0';
		return 0;
	}
	return 1;
}

int split_list(const char *s, const char *seps, char ***out, size_t *n)
{
	while (*s) {
		while (*s && (strchr(seps, *s) || isspace((unsigned char)*s)))
			s++;
		size_t len = strcspn(s, seps), keep = len;
		while (keep && isspace((unsigned char)s[keep - 1]))
			keep--;
		if (keep) {
			char **l = realloc(*out, (*n + 1) * sizeof *l);
			if (!l)
				return -1;
			*out = l;
			if (!(l[*n] = strndup(s, keep)))
				return -1;
			(*n)++;
		}
		s += len;
	}
	return 0;
}

void list_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
