/*
 * fetch-mentions --check (and `carepipe check`): before the first cron
 * run, prove each configured source's credentials with one cheap
 * authenticated call (the platform's verify: X users/me, Mastodon
 * verify_credentials, Bluesky getSession, Reddit api/v1/me, Facebook /me)
 * and say what is wrong.  Nothing is fetched and no state is touched.
 */
#include <string.h>

#include "fm.h"
#include "platform.h"

int fm_check(cp_prog *p, const struct fm_opts *o)
{
	cp_err e = {0};
	cp_config *cf = cp_config_find_load(o->config, &e);
	if (!cf)
		cp_die_err(p, &e);
	if (o->source && !cp_config_find(cf, o->source))
		cp_usage_error(p, "no source [%s] in %s", o->source, cf->path);

	cp_http_opts ho = {0};
	ho.cacert = o->cacert;
	/* A check waits out no long rate limit: it is run by hand. */
	ho.max_wait = o->max_wait_set ? (o->max_wait ? (double)o->max_wait : 0.001) : 60;
	ho.on_wait = cp_on_wait;
	ho.on_trace = p->verbose ? cp_on_trace : NULL;
	ho.ctx = p;
	cp_http *http = http_new(&ho, &e);
	if (!http)
		cp_die_err(p, &e);

	int status = 0;
	for (size_t i = 0; i < cf->nsrc; i++) {
		const cp_source *s = &cf->src[i];
		if (o->source && strcmp(o->source, s->name) != 0)
			continue;
		cp_whoami who;
		e.code = 0;
		e.msg[0] = '\0';
		cp_conn *c = plat_open(http, s, &e);
		if (!c || plat_verify(c, &who, &e) < 0) {
			/* Each source is checked, whatever the others say. */
			cp_warn(p, "%s", e.msg);
			cp_status(p, e.code ? e.code : CP_EX_SOFTWARE);
			if (!status)
				status = e.code ? e.code : CP_EX_SOFTWARE;
		} else {
			printf("%s: ok: %s account %s%s%s%s\n", s->name, s->platform,
			    who.handle[0] ? who.handle : s->account, who.id[0] ? " (id " : "",
			    who.id, who.id[0] ? ")" : "");
		}
		plat_close(c);
	}
	http_free(http);
	cp_config_free(cf);
	if (fflush(stdout) != 0 || ferror(stdout))
		cp_status(p, CP_EX_IOERR);
	return status;
}
