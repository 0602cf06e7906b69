/*
 * carepipe.conf(5): sections of "key = value" lines, one section per
 * source or channel.  Strict on purpose: an unknown key or platform is an error, not a
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
#include "inifile.h"

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

static const char *const channel_types[] = { "slack", "teams", "webhook", "email", NULL };

static const struct key chan_keys[] = {
	{ "type", K_STR, offsetof(cp_channel, type) },
	{ "url", K_STR, offsetof(cp_channel, url) },
	{ "token_env", K_STR, offsetof(cp_channel, token_env) },
	{ "token_file", K_STR, offsetof(cp_channel, token_file) },
	{ "server", K_STR, offsetof(cp_channel, server) },
	{ "starttls", K_STR, offsetof(cp_channel, starttls) },
	{ "user", K_STR, offsetof(cp_channel, user) },
	{ "from", K_STR, offsetof(cp_channel, from) },
	{ "to", K_STR, offsetof(cp_channel, to) },
	{ "subject", K_STR, offsetof(cp_channel, subject) },
	{ "template", K_STR, offsetof(cp_channel, template) },
	{ "cacert", K_STR, offsetof(cp_channel, cacert) },
	{ "timeout", K_LONG, offsetof(cp_channel, timeout) },
	{ "connect_timeout", K_LONG, offsetof(cp_channel, connect_timeout) },
	{ "retries", K_LONG, offsetof(cp_channel, retries) },
	{ "backoff", K_DOUBLE, offsetof(cp_channel, backoff) },
	{ NULL, 0, 0 },
};

static void channel_free(cp_channel *ch)
{
	for (const struct key *k = chan_keys; k->name; k++)
		if (k->kind == K_STR)
			free(*(char **)((char *)ch + k->off));
	free(ch->name);
}

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
	for (size_t i = 0; i < c->nchan; i++)
		channel_free(&c->chan[i]);
	free(c->chan);
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

/* Whether s is one of the NULL-ended list's names. */
static bool listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static int check_source(const char *name, cp_source *s, cp_err *e)
{
	if (!s->platform)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [%s] has no platform", name, s->line, s->name);
	if (!listed(platforms, s->platform))
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

static bool is_url(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

static int check_channel(const char *name, cp_channel *ch, cp_err *e)
{
	if (!ch->type)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s] has no type", name, ch->line, ch->name);
	if (!listed(channel_types, ch->type))
		return cp_fail(e, CP_EX_CONFIG,
		    "%s:%d: [channel %s]: unknown type '%s' (slack, teams, webhook or email)",
		    name, ch->line, ch->name, ch->type);
	if (ch->token_env && ch->token_file)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: token_env and token_file both given",
		    name, ch->line, ch->name);
	bool email = strcmp(ch->type, "email") == 0;
	bool hook = strcmp(ch->type, "slack") == 0 || strcmp(ch->type, "teams") == 0;
	if (hook && ch->url)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: a %s webhook URL is a secret: "
		    "give it in token_env or token_file, not url", name, ch->line, ch->name, ch->type);
	if (hook && !ch->token_env && !ch->token_file)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s] needs token_env or token_file "
		    "(the webhook URL)", name, ch->line, ch->name);
	if (strcmp(ch->type, "webhook") == 0) {
		if (!ch->url)
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s] has no url", name, ch->line, ch->name);
		if (!is_url(ch->url))
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: url must start with https:// or http://",
			    name, ch->line, ch->name);
	} else if (ch->url) {
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: url is for type webhook",
		    name, ch->line, ch->name);
	}
	const char *mail_only = ch->server ? "server" : ch->starttls ? "starttls" : ch->user ? "user"
	    : ch->from ? "from" : ch->to ? "to" : ch->subject ? "subject" : NULL;
	if (!email && mail_only)
		return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: %s is for type email",
		    name, ch->line, ch->name, mail_only);
	if (email) {
		const char *missing = !ch->server ? "server" : !ch->from ? "from" : !ch->to ? "to" : NULL;
		if (missing)
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s] has no %s",
			    name, ch->line, ch->name, missing);
		if (strncmp(ch->server, "smtp://", 7) != 0 && strncmp(ch->server, "smtps://", 8) != 0)
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: server must start with smtp:// or smtps://",
			    name, ch->line, ch->name);
		if (strchr(ch->server, '@'))
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: server holds a login: give it in "
			    "user, and the password in token_env or token_file", name, ch->line, ch->name);
		if (ch->starttls && strcmp(ch->starttls, "yes") != 0 && strcmp(ch->starttls, "no") != 0)
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: starttls is yes or no",
			    name, ch->line, ch->name);
		if (ch->user && !ch->token_env && !ch->token_file)
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: user needs token_env or token_file "
			    "(the password)", name, ch->line, ch->name);
		if ((ch->token_env || ch->token_file) && !ch->user)
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: a password needs a user",
			    name, ch->line, ch->name);
		if (strchr(ch->from, '\r') || strchr(ch->from, '\n') || strchr(ch->to, '\r') || strchr(ch->to, '\n'))
			return cp_fail(e, CP_EX_CONFIG, "%s:%d: [channel %s]: from and to are one line",
			    name, ch->line, ch->name);
	}
	if (ch->timeout <= 0)
		ch->timeout = 30;
	if (ch->connect_timeout <= 0)
		ch->connect_timeout = 10;
	if (ch->backoff <= 0)
		ch->backoff = 1;
	return 0;
}

/* The parser's place in the file: the section being read. */
struct cfg_parse {
	cp_config *c;
	cp_source *cur;
	cp_channel *chan;
};

/* A "[NAME]" or "[channel NAME]" header. */
static int section(struct cfg_parse *ps, char *s, unsigned lineno, cp_err *e)
{
	cp_config *c = ps->c;
	char *close = strchr(s, ']');
	if (!close || close[1] != '\0')
		return cp_fail(e, CP_EX_CONFIG, "a section header is [NAME]");
	char *sname = trim(s + 1, close);
	if (strncmp(sname, "channel", 7) == 0 && isspace((unsigned char)sname[7])) {
		char *cname = trim(sname + 8, sname + strlen(sname));
		if (*cname == '\0' || strpbrk(cname, "/ \t"))
			return cp_fail(e, CP_EX_CONFIG, "a channel name is one word without '/'");
		if (cp_config_channel(c, cname))
			return cp_fail(e, CP_EX_CONFIG, "[channel %s] given twice", cname);
		cp_channel *grown = realloc(c->chan, (c->nchan + 1) * sizeof *grown);
		if (!grown)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		c->chan = grown;
		ps->chan = &c->chan[c->nchan++];
		memset(ps->chan, 0, sizeof *ps->chan);
		ps->chan->retries = 4;
		ps->chan->line = (int)lineno;
		ps->cur = NULL;
		if (!(ps->chan->name = strdup(cname)))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		return 0;
	}
	if (*sname == '\0' || strpbrk(sname, "/ \t"))
		return cp_fail(e, CP_EX_CONFIG, "a source name is one word without '/'");
	if (cp_config_find(c, sname))
		return cp_fail(e, CP_EX_CONFIG, "source [%s] given twice", sname);
	cp_source *grown = realloc(c->src, (c->nsrc + 1) * sizeof *grown);
	if (!grown)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	c->src = grown;
	ps->cur = &c->src[c->nsrc++];
	ps->chan = NULL;
	memset(ps->cur, 0, sizeof *ps->cur);
	ps->cur->retries = 4;
	ps->cur->line = (int)lineno;
	if (!(ps->cur->name = strdup(sname)))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

/* One line of the file (inifile.h puts FILE:LINE in front of an error). */
static int config_line(void *v, ini_line *l, cp_err *e)
{
	struct cfg_parse *ps = v;
	char *s = l->text;
	if (*s == '\0')
		return 0;
	if (*s == '[')
		return section(ps, s, l->lineno, e);
	char *eq = strchr(s, '=');
	if (!eq)
		return cp_fail(e, CP_EX_CONFIG, "expected key = value");
	char *key = trim(s, eq);
	char *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
	cp_source *cur = ps->cur;
	cp_channel *chan = ps->chan;
	if (!cur && !chan)
		return cp_fail(e, CP_EX_CONFIG, "'%s' before the first [source]", key);
	const struct key *k;
	for (k = cur ? keys : chan_keys; k->name; k++)
		if (strcmp(k->name, key) == 0)
			break;
	if (!k->name) {
		if (chan)
			return cp_fail(e, CP_EX_CONFIG, "[channel %s]: unknown key '%s'", chan->name, key);
		return cp_fail(e, CP_EX_CONFIG, "unknown key '%s'", key);
	}
	void *slot = cur ? (void *)((char *)cur + k->off) : (void *)((char *)chan + k->off);
	char *endp;
	switch (k->kind) {
	case K_STR:
		if (*value == '\0')
			return cp_fail(e, CP_EX_CONFIG, "%s is empty", key);
		free(*(char **)slot);
		if (!(*(char **)slot = strdup(value)))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		break;
	case K_LONG:
		errno = 0;
		*(long *)slot = strtol(value, &endp, 10);
		if (errno || endp == value || *endp || *(long *)slot < 0)
			return cp_fail(e, CP_EX_CONFIG, "%s wants a whole number: %s", key, value);
		break;
	case K_DOUBLE:
		errno = 0;
		*(double *)slot = strtod(value, &endp);
		if (errno || endp == value || *endp || *(double *)slot < 0)
			return cp_fail(e, CP_EX_CONFIG, "%s wants a number: %s", key, value);
		break;
	}
	return 0;
}

cp_config *cp_config_parse(const char *name, const char *text, size_t len, cp_err *e)
{
	struct cfg_parse ps = { .c = calloc(1, sizeof *ps.c) };
	cp_config *c = ps.c;
	if (!c || !(c->path = strdup(name))) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		goto fail;
	}
	if (ini_parse(name, text, len, "#;", config_line, &ps, e) < 0)
		goto fail;
	for (size_t i = 0; i < c->nsrc; i++)
		if (check_source(name, &c->src[i], e) < 0)
			goto fail;
	for (size_t i = 0; i < c->nchan; i++)
		if (check_channel(name, &c->chan[i], e) < 0)
			goto fail;
	if (c->nsrc == 0 && c->nchan == 0) {
		cp_fail(e, CP_EX_CONFIG, "%s: no [source] section", name);
		goto fail;
	}
	return c;
fail:
	cp_config_free(c);
	return NULL;
}

cp_config *cp_config_load(const char *path, cp_err *e)
{
	cp_buf text = {0};
	if (cfg_read_file(path, &text, e) < 0)
		return NULL;
	cp_config *c = cp_config_parse(path, text.p ? text.p : "", text.len, e);
	buf_free(&text);
	return c;
}

#ifndef CP_SYSCONFDIR
#define CP_SYSCONFDIR "/etc"
#endif

int cp_config_locate(const char *given, char **path, cp_err *e)
{
	const char *env = getenv("CAREPIPE_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	cp_buf user = {0};
	*path = NULL;
	if (!given && env && *env)
		given = env;
	if (given) {
		if (!(*path = strdup(given)))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		return 1;
	}
	/* XDG base directories: a relative value is invalid and ignored. */
	int rc = 0;
	if (xdg && xdg[0] == '/')
		rc = buf_addf(&user, "%s/carepipe/carepipe.conf", xdg);
	else if (home && home[0] == '/')
		rc = buf_addf(&user, "%s/.config/carepipe/carepipe.conf", home);
	if (rc < 0 || (user.len && !buf_cstr(&user))) {
		buf_free(&user);
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	const char *places[] = {
		"carepipe.conf",
		user.len ? buf_cstr(&user) : NULL,
		CP_SYSCONFDIR "/carepipe/carepipe.conf",
	};
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		if (!places[i] || access(places[i], F_OK) != 0)
			continue;
		*path = strdup(places[i]);
		buf_free(&user);
		if (!*path)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		return 1;
	}
	cp_fail(e, CP_EX_CONFIG,
	    "no carepipe.conf: give --config FILE or set CAREPIPE_CONFIG (looked for "
	    "./carepipe.conf, %s%s" CP_SYSCONFDIR "/carepipe/carepipe.conf)",
	    user.len ? buf_cstr(&user) : "", user.len ? ", " : "");
	buf_free(&user);
	return 0;
}

cp_config *cp_config_find_load(const char *given, cp_err *e)
{
	char *path;
	if (cp_config_locate(given, &path, e) <= 0)
		return NULL;
	cp_config *c = cp_config_load(path, e);
	free(path);
	return c;
}

const cp_source *cp_config_find(const cp_config *c, const char *name)
{
	for (size_t i = 0; c && i < c->nsrc; i++)
		if (strcmp(c->src[i].name, name) == 0)
			return &c->src[i];
	return NULL;
}

/* A secret from an environment variable or a 0600 file; who and what name
 * it in messages ("source acme-x", "token"), never its value. */
static int read_env(const char *who, const char *what, const char *var, cp_buf *out, cp_err *e)
{
	const char *v = getenv(var);
	if (!v || !*v)
		return cp_fail(e, CP_EX_CONFIG, "%s: the %s variable %s is not set", who, what, var);
	buf_reset(out);
	if (buf_adds(out, v) < 0 || !buf_cstr(out))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

static int read_secret(const char *who, const char *env, const char *file, cp_buf *out, cp_err *e)
{
	if (env)
		return read_env(who, "token", env, out, e);
	if (!file)
		return cp_fail(e, CP_EX_CONFIG, "%s: no token_env or token_file", who);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return cp_fail(e, CP_EX_CONFIG, "%s: token_file %s: %s", who, file, strerror(errno));
	if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
		close(fd);
		return cp_fail(e, CP_EX_CONFIG, "%s: token_file %s is readable by others (chmod 600 it)",
		    who, file);
	}
	close(fd);
	buf_reset(out);
	if (cfg_read_file(file, out, e) < 0)
		return -1;
	while (out->len > 0 && isspace((unsigned char)out->p[out->len - 1]))
		out->len--;
	if (!buf_cstr(out) || out->len == 0)
		return cp_fail(e, CP_EX_CONFIG, "%s: token_file %s is empty", who, file);
	return 0;
}

int cp_source_env(const cp_source *s, const char *what, const char *var, cp_buf *out, cp_err *e)
{
	char who[300];
	snprintf(who, sizeof who, "source %s", s->name);
	return read_env(who, what, var, out, e);
}

int cp_source_token(const cp_source *s, cp_buf *out, cp_err *e)
{
	char who[300];
	snprintf(who, sizeof who, "source %s", s->name);
	return read_secret(who, s->token_env, s->token_file, out, e);
}

const cp_channel *cp_config_channel(const cp_config *c, const char *name)
{
	for (size_t i = 0; c && i < c->nchan; i++)
		if (strcmp(c->chan[i].name, name) == 0)
			return &c->chan[i];
	return NULL;
}

int cp_channel_token(const cp_channel *ch, cp_buf *out, cp_err *e)
{
	char who[300];
	snprintf(who, sizeof who, "channel %s", ch->name);
	return read_secret(who, ch->token_env, ch->token_file, out, e);
}

int cp_source_password(const cp_source *s, cp_buf *out, cp_err *e)
{
	if (!s->password_env)
		return cp_fail(e, CP_EX_CONFIG, "source %s: no password_env", s->name);
	return cp_source_env(s, "password", s->password_env, out, e);
}
