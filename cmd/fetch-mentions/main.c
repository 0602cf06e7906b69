/*
 * fetch-mentions - pull mentions from the platforms named in a config
 * file (live.c), or import them from files (import_*.c), as records.
 */
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "fm.h"

enum {
	OPT_IMPORT = 256,
	OPT_MAP,
	OPT_RAW,
	OPT_CONFIG,
	OPT_STATE,
	OPT_WAIT,
	OPT_CACERT,
	OPT_MAX_WAIT,
	OPT_SOURCE,
	OPT_CHECK,
};

static const struct option longopts[] = {
	{ "import", required_argument, NULL, OPT_IMPORT },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "max-wait", required_argument, NULL, OPT_MAX_WAIT },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ NULL, 0, NULL, 0 },
};

#define SYNOPSIS \
	"fetch-mentions [-qv] [--cacert file] [--config file] [--max-wait duration]\n" \
	"                      [--raw] [--source name] [--state dir] [--wait]\n" \
	"       fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format\n" \
	"                      [--map spec] [file ...]\n" \
	"       fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check"

#define HELP \
	"Live sources:\n" \
	"      --config FILE     the sources to fetch (see carepipe.conf(5))\n" \
	"      --source NAME     fetch only the config section NAME\n" \
	"      --state DIR       keep cursors and recent ids in DIR; resume from them\n" \
	"      --wait            wait for another run's lock instead of exiting 75\n" \
	"      --cacert FILE     trust the CA certificates in FILE\n" \
	"      --max-wait DUR    longest rate-limit wait before exiting 75 (e.g. 15m)\n" \
	"      --raw             keep the original payload under raw\n" \
	"      --check           verify each source's credentials; fetch nothing\n" \
	"Import:\n" \
	"      --import FORMAT   read FILEs (or stdin) as twcs, ndjson or csv\n" \
	"      --map SPEC        csv: FIELD=COLUMN,FIELD:=TEXT,...\n" \
	"All:\n"

int main(int argc, char **argv)
{
	static cp_prog p;
	struct fm_opts o = {0};
	const char *live_opt = NULL;
	int ch, rc;

	cp_init(&p, "fetch-mentions", SYNOPSIS, HELP);
	while ((ch = cp_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case OPT_IMPORT:
			if (strcmp(optarg, "twcs") == 0)
				o.format = FM_TWCS;
			else if (strcmp(optarg, "ndjson") == 0)
				o.format = FM_NDJSON;
			else if (strcmp(optarg, "csv") == 0)
				o.format = FM_CSV;
			else
				cp_die(&p, CP_EX_USAGE,
				    "unknown import format '%s' (twcs, ndjson or csv)", optarg);
			break;
		case OPT_MAP:
			if (o.nmap == FM_MAX_MAPS)
				cp_die(&p, CP_EX_USAGE, "more than %d --map options", FM_MAX_MAPS);
			o.map[o.nmap++] = optarg;
			break;
		case OPT_RAW:
			o.raw = true;
			break;
		case OPT_CONFIG:
			o.config = optarg;
			live_opt = "--config";
			break;
		case OPT_STATE:
			o.state = optarg;
			live_opt = "--state";
			break;
		case OPT_WAIT:
			o.wait = true;
			live_opt = "--wait";
			break;
		case OPT_CACERT:
			o.cacert = optarg;
			live_opt = "--cacert";
			break;
		case OPT_MAX_WAIT:
			if (dur_parse(optarg, &o.max_wait) < 0 || o.max_wait < 0)
				cp_die(&p, CP_EX_USAGE, "--max-wait wants a duration: %s", optarg);
			o.max_wait_set = true;
			live_opt = "--max-wait";
			break;
		case OPT_SOURCE:
			o.source = optarg;
			live_opt = "--source";
			break;
		case OPT_CHECK:
			o.check = true;
			live_opt = "--check";
			break;
		default:
			cp_usage(&p);
		}
	}
	o.nfiles = argc - optind;
	o.files = argv + optind;
	if (o.format != FM_LIVE && live_opt)
		cp_die(&p, CP_EX_USAGE, "%s is for live sources, not --import", live_opt);
	if (o.format == FM_LIVE && o.nfiles > 0)
		cp_die(&p, CP_EX_USAGE, "files are read only with --import");
	if (o.nmap && o.format != FM_CSV)
		cp_die(&p, CP_EX_USAGE, "--map goes with --import csv");
	if (o.check && (o.state || o.wait || o.raw))
		cp_die(&p, CP_EX_USAGE, "--check fetches nothing: no --state, --wait or --raw");
	cp_start(&p);

	switch (o.format) {
	case FM_TWCS:
		rc = fm_import_twcs(&p, &o);
		break;
	case FM_NDJSON:
		rc = fm_import_ndjson(&p, &o);
		break;
	case FM_CSV:
		rc = fm_import_csv(&p, &o);
		break;
	default:
		rc = o.check ? fm_check(&p, &o) : fm_live(&p, &o);
		break;
	}
	cp_status(&p, rc);
	return cp_finish(&p);
}
