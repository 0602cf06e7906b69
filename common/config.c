/*
 * carepipe.conf(5): sections of "key = value" lines, one section per
 * source.  Strict on purpose: an unknown key or platform is an error, not a
 * silent default, because a typo would otherwise fetch nothing, or the
 * wrong thing, night after night under cron.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "cfgfile.h"

static const char *const platforms[] = {
	"x", "mastodon", "bluesky", "reddit", "facebook", NULL
};

enum kind { K_STR, K_LONG, K_DOUBLE };

static const struct key {
	const char *name;
	enum kind kind;
	size_t off;
} keys[] = {
	{ "platform", K_STR, offsetof(cp_source, platform) },
	{ "base_url", K_STR, offsetof(cp_source, base_url) },
	{ "endpoint", K_STR, offsetof(cp_source, endpoint) },
	{ "account", K_STR, offsetof(cp_source, account) },
	{ "account_id", K_STR, offsetof(cp_source, account_id) },
	{ "query", K_STR, offsetof(cp_source, query) },
	{ "subreddit", K_STR, offsetof(cp_source, subreddit) },
	{ "object", K_STR, offsetof(cp_source, object) },
	{ "token_env", K_STR, offsetof(cp_source, token_env) },
	{ "token_file", K_STR, offsetof(cp_source, token_file) },
	{ "identifier", K_STR, offsetof(cp_source, identifier) },
	{ "password_env", K_STR, offsetof(cp_source, password_env) },
	{ "client_id", K_STR, offsetof(cp_source, client_id) },
	{ "client_secret_env", K_STR, offsetof(cp_source, client_secret_env) },
	{ "refresh_token_env", K_STR, offsetof(cp_source, refresh_token_env) },
	{ "username", K_STR, offsetof(cp_source, username) },
	{ "token_url", K_STR, offsetof(cp_source, token_url) },
	{ "limit", K_LONG, offsetof(cp_source, limit) },
	{ "timeout", K_LONG, offsetof(cp_source, timeout) },
	{ "connect_timeout", K_LONG, offsetof(cp_source, connect_timeout) },
	{ "retries", K_LONG, offsetof(cp_source, retries) },
	{ "backoff", K_DOUBLE, offsetof(cp_source, backoff) },
	{ "max_pages", K_LONG, offsetof(cp_source, max_pages) },
	{ NULL, 0, 0 },
};

static void source_free(cp_source *s)
{
	for (const struct key *k = keys; k->name; k++)
		if (k->kind == K_STR)
			free(*(char **)((char *)s + k->off));
	free(s->name);
}

void cp_config_free(cp_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsrc; i++)
		source_free(&c->src[i]);
	free(c->src);
	free(c->path);
	free(c);
}

static char *trim(char *s, char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static int check_source(const char *name, cp_source *s, cp_err *e)
{
	const char *const *pl;
	if (!s->platform)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [%s] has no platform", name, s->line, s->name);
	for (pl = platforms; *pl; pl++)
		if (strcmp(*pl, s->platform) == 0)
			break;
	if (!*pl)
		return cp_fail(e, CP_EX_CONFIG,
		    "%s:%d: [%s]: unknown platform '%s' (x, mastodon, bluesky, reddit or facebook)",
		    name, s->line, s->name, s->platform);
	if (!s->base_url)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [%s] has no base_url", name, s->line, s->name);
	if (strncmp(s->base_url, "https://", 8) != 0 && strncmp(s->base_url, "http://", 7) != 0)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [%s]: base_url must start with https:// or http://",
		    name, s->line, s->name);
	size_t n = strlen(s->base_url);
	while (n > 0 && s->base_url[n - 1] == '/')
		s->base_url[--n] = '\0';
	if (!s->account)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [%s] has no account", name, s->line, s->name);
	if (s->token_env && s->token_file)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [%s]: token_env and token_file both given",
		    name, s->line, s->name);
	if (s->timeout <= 0)
		s->timeout = 30;
	if (s->connect_timeout <= 0)
		s->connect_timeout = 10;
	if (s->retries < 0)
		s->retries = 0;
	if (s->backoff <= 0)
		s->backoff = 1;
	if (s->max_pages <= 0)
		s->max_pages = 100;
	return 0;
}

cp_config *cp_config_parse(const char *name, const char *text, size_t len, cp_err *e)
{
	cp_config *c = calloc(1, sizeof *c);
	char *copy = malloc(len + 1);
	cp_source *cur = NULL;
	int lineno = 0;
	if (!c || !copy || !(c->path = strdup(name))) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto fail;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (char *line = copy, *next; line && line < copy + len + 1; line = next) {
		char *nl = strchr(line, '\n');
		next = nl ? nl + 1 : NULL;
		char *end = nl ? nl : line + strlen(line);
		lineno++;
		char *s = trim(line, end);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (!close || close[1] != '\0') {
				cp_fail(e, CP_EX_CONFIG, "%s:%d: a section header is [NAME]", name, lineno);
				goto fail;
			}
			char *sname = trim(s + 1, close);
			if (*sname == '\0' || strpbrk(sname, "/ \t")) {
				cp_fail(e, CP_EX_CONFIG, "%s:%d: a source name is one word without '/'", name, lineno);
				goto fail;
			}
			if (cp_config_find(c, sname)) {
				cp_fail(e, CP_EX_CONFIG, "%s:%d: source [%s] given twice", name, lineno, sname);
				goto fail;
			}
			cp_source *grown = realloc(c->src, (c->nsrc + 1) * sizeof *grown);
			if (!grown) {
				cp_fail(e, CP_EX_OSERR, "out of memory");
				goto fail;
			}
			c->src = grown;
			cur = &c->src[c->nsrc++];
			memset(cur, 0, sizeof *cur);
			cur->retries = 4;
			cur->line = lineno;
			if (!(cur->name = strdup(sname))) {
				cp_fail(e, CP_EX_OSERR, "out of memory");
				goto fail;
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			cp_fail(e, CP_EX_CONFIG, "%s:%d: expected key = value", name, lineno);
			goto fail;
		}
		char *key = trim(s, eq);
		char *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
		if (!cur) {
			cp_fail(e, CP_EX_CONFIG, "%s:%d: '%s' before the first [source]", name, lineno, key);
			goto fail;
		}
		const struct key *k;
		for (k = keys; k->name; k++)
			if (strcmp(k->name, key) == 0)
				break;
		if (!k->name) {
			cp_fail(e, CP_EX_CONFIG, "%s:%d: unknown key '%s'", name, lineno, key);
			goto fail;
		}
		void *slot = (char *)cur + k->off;
		char *endp;
		switch (k->kind) {
		case K_STR:
			if (*value == '\0') {
				cp_fail(e, CP_EX_CONFIG, "%s:%d: %s is empty", name, lineno, key);
				goto fail;
			}
			free(*(char **)slot);
			if (!(*(char **)slot = strdup(value))) {
				cp_fail(e, CP_EX_OSERR, "out of memory");
				goto fail;
			}
			break;
		case K_LONG:
			errno = 0;
			*(long *)slot = strtol(value, &endp, 10);
			if (errno || endp == value || *endp || *(long *)slot < 0) {
				cp_fail(e, CP_EX_CONFIG, "%s:%d: %s wants a whole number: %s", name, lineno, key, value);
				goto fail;
			}
			break;
		case K_DOUBLE:
			errno = 0;
			*(double *)slot = strtod(value, &endp);
			if (errno || endp == value || *endp || *(double *)slot < 0) {
				cp_fail(e, CP_EX_CONFIG, "%s:%d: %s wants a number: %s", name, lineno, key, value);
				goto fail;
			}
			break;
		}
	}
	for (size_t i = 0; i < c->nsrc; i++)
		if (check_source(name, &c->src[i], e) < 0)
			goto fail;
	if (c->nsrc == 0) {
		cp_fail(e, CP_EX_CONFIG, "%s: no [source] section", name);
		goto fail;
	}
	free(copy);
	return c;
fail:
	free(copy);
	cp_config_free(c);
	return NULL;
}

cp_config *cp_config_load(const char *path, cp_err *e)
{
	buf text = {0};
	if (cfg_read_file(path, &text, e) < 0)
		return NULL;
	cp_config *c = cp_config_parse(path, text.p ? text.p : "", text.len, e);
	buf_free(&text);
	return c;
}

const cp_source *cp_config_find(const cp_config *c, const char *name)
{
	for (size_t i = 0; c && i < c->nsrc; i++)
		if (strcmp(c->src[i].name, name) == 0)
			return &c->src[i];
	return NULL;
}

int cp_source_env(const cp_source *s, const char *what, const char *var, buf *out, cp_err *e)
{
	const char *v = getenv(var);
	if (!v || !*v)
		return cp_fail(e, CP_EX_CONFIG, "source %s: the %s variable %s is not set", s->name, what, var);
	buf_reset(out);
	if (buf_adds(out, v) < 0 || !buf_cstr(out))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

int cp_source_token(const cp_source *s, buf *out, cp_err *e)
{
	if (s->token_env)
		return cp_source_env(s, "token", s->token_env, out, e);
	if (!s->token_file)
		return cp_fail(e, CP_EX_CONFIG, "source %s: no token_env or token_file", s->name);
	int fd = open(s->token_file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return cp_fail(e, CP_EX_CONFIG, "source %s: token_file %s: %s", s->name, s->token_file, strerror(errno));
	if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
		close(fd);
		return cp_fail(e, CP_EX_CONFIG, "source %s: token_file %s is readable by others (chmod 600 it)",
		    s->name, s->token_file);
	}
	close(fd);
	buf_reset(out);
	if (cfg_read_file(s->token_file, out, e) < 0)
		return -1;
	while (out->len > 0 && isspace((unsigned char)out->p[out->len - 1]))
		out->len--;
	if (!buf_cstr(out) || out->len == 0)
		return cp_fail(e, CP_EX_CONFIG, "source %s: token_file %s is empty", s->name, s->token_file);
	return 0;
}

int cp_source_password(const cp_source *s, buf *out, cp_err *e)
{
	if (!s->password_env)
		return cp_fail(e, CP_EX_CONFIG, "source %s: no password_env", s->name);
	return cp_source_env(s, "password", s->password_env, out, e);
}
