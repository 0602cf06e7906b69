/*
 * notify's setup: templates, the channel's secret and recipients, and the
 * --sla list.  Each stops the run with a clear message when it cannot.
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "notify.h"
#include "schema.h"

void oom(struct notify *c)
{
	cp_die(c->p, CP_EX_OSERR, "out of memory");
}

tmpl *compile_or_die(struct notify *c, const char *what, const char *text)
{
	cp_err e = {0};
	tmpl *t = tmpl_compile(text, strlen(text), &e);
	if (!t)
		cp_die(c->p, e.code ? e.code : CP_EX_SOFTWARE, "%s: %s", what, e.msg);
	return t;
}

void load_template(struct notify *c, const char *path)
{
	cp_buf text = {0};
	cp_err e = {0};
	int rc = state_read(path, &text, &e);
	if (rc == 0)
		cp_die(c->p, CP_EX_NOINPUT, "%s: no such template file", path);
	if (rc < 0)
		cp_die_err(c->p, &e);
	if (!(c->custom = tmpl_compile(text.p ? text.p : "", text.len, &e)))
		cp_die(c->p, e.code ? e.code : CP_EX_CONFIG, "%s: %s", path, e.msg);
	buf_free(&text);
}

/* The channel's secret, and every form of it that could reach a message
 * (http.c shortens URLs to host/path in its errors). */
void load_secret(struct notify *c)
{
	cp_err e = {0};
	const cp_channel *ch = c->ch;
	if (!ch->token_env && !ch->token_file)
		return;
	if (cp_channel_token(ch, &c->secret, &e) < 0)
		cp_die_err(c->p, &e);
	if (strcmp(ch->type, "slack") == 0 || strcmp(ch->type, "teams") == 0) {
		if (strncmp(c->secret.p, "https://", 8) != 0 && strncmp(c->secret.p, "http://", 7) != 0)
			cp_die(c->p, CP_EX_CONFIG, "channel %s: the webhook URL in %s %s does not start with "
			       "https://", ch->name, ch->token_env ? "variable" : "file",
			       ch->token_env ? ch->token_env : ch->token_file);
	}
}

/* A webhook URL is a secret whole and in parts: -v traces show its path
 * ("POST /services/T0/B0/XXXX"), messages its host and path. */
void redact_url(struct notify *c, const char *url)
{
	const char *rest = strstr(url, "://");
	rest = rest ? rest + 3 : url;
	const char *path = rest + strcspn(rest, "/?#");
	cp_buf noq = {0};
	if (buf_add(&noq, rest, strcspn(rest, "?#")) < 0 || !buf_cstr(&noq) ||
	    http_secret(c->http, url) < 0 || http_secret(c->http, rest) < 0 ||
	    http_secret(c->http, noq.p) < 0 || http_secret(c->http, path) < 0)
		oom(c);
	buf_free(&noq);
}

void split_rcpt(struct notify *c)
{
	char *list = strdup(c->ch->to), *save = NULL;
	if (!list)
		oom(c);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ' || *t == '\t')
			t++;
		size_t n = strlen(t);
		while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			t[--n] = '\0';
		if (!n)
			continue;
		char **grown = realloc(c->rcpt, (c->nrcpt + 1) * sizeof *grown);
		if (!grown || !(grown[c->nrcpt] = strdup(t)))
			oom(c);
		c->rcpt = grown;
		c->nrcpt++;
	}
	free(list);
	if (!c->nrcpt)
		cp_die(c->p, CP_EX_CONFIG, "%s:%d: [channel %s]: no recipient in to", c->cfg->path,
		       c->ch->line, c->ch->name);
}

void set_sla_list(struct notify *c, const char *arg)
{
	cp_buf b = {0};
	char *copy = strdup(arg), *save = NULL;
	if (!copy || buf_addc(&b, ',') < 0)
		oom(c);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = 0;
		while (k < SLA_NSTATUS && strcmp(sla_status_names[k], t) != 0)
			k++;
		if (k == SLA_NSTATUS)
			cp_usage_error(c->p, "--sla: unknown status '%s' (met, breached, pending, "
			               "at_risk or missed)", t);
		if (buf_adds(&b, t) < 0 || buf_addc(&b, ',') < 0)
			oom(c);
	}
	free(copy);
	if (b.len < 2)
		cp_usage_error(c->p, "--sla wants statuses, such as at_risk,breached");
	free(c->sla_list);
	c->sla_list = buf_cstr(&b);
}
