/*
 * live.c - fetch-mentions from the sources of a carepipe.conf(5) file.
 * Work in progress: the config is read and checked; fetching is being
 * written (common/http.c, common/platforms/) and until then this says so.
 */
#include <stdlib.h>

#include "config.h"
#include "fm.h"

int fm_live(cp_prog *p, const struct fm_opts *o)
{
	cp_err e = {0};
	const char *path = o->config ? o->config : "carepipe.conf";
	cp_config *cf = cp_config_load(path, &e);
	if (!cf)
		cp_die_err(p, &e);
	cp_config_free(cf);
	cp_die(p, CP_EX_UNAVAILABLE, "live sources are not implemented yet");
}
