/*
 * fetch-mentions - pull mentions from the platforms named in a config
 * file (live.c), or import them from files (import_*.c), as records.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	OPT_SINCE,
	OPT_UNTIL,
	OPT_LIMIT,
	OPT_DATE_FORMAT,
	OPT_TZ,
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
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "date-format", required_argument, NULL, OPT_DATE_FORMAT },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ NULL, 0, NULL, 0 },
};

/* The options only live sources take: --import refuses them. */
static const int live_only[] = {
	OPT_CONFIG, OPT_STATE, OPT_WAIT, OPT_CACERT, OPT_MAX_WAIT, OPT_SOURCE, OPT_SINCE, OPT_UNTIL,
	OPT_LIMIT, OPT_CHECK,
};

/* The long name of a live-only option, or NULL for any other. */
static const char *live_option(int ch)
{
	for (size_t i = 0; i < sizeof live_only / sizeof live_only[0]; i++)
		if (live_only[i] == ch)
			for (const struct option *lo = longopts; lo->name; lo++)
				if (lo->val == ch)
					return lo->name;
	return NULL;
}

#define SYNOPSIS \
	"fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]\n" \
	"                      [--max-wait duration] [--raw] [--since time] [--source name]\n" \
	"                      [--state dir] [--until time] [--wait]\n" \
	"       fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format\n" \
	"                      [--date-format fmt] [--map spec] [--tz zone] [file ...]\n" \
	"       fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check"

#define HELP \
	"Live sources:\n" \
	"      --config FILE     the sources to fetch (see carepipe.conf(5))\n" \
	"      --source NAME     fetch only the config section NAME\n" \
	"      --state DIR       keep cursors and recent ids in DIR; resume from them\n" \
	"      --wait            wait for another run's lock instead of exiting 75\n" \
	"      --cacert FILE     trust the CA certificates in FILE\n" \
	"      --max-wait DUR    longest rate-limit wait before exiting 75 (e.g. 15m)\n" \
	"      --since TIME      only mentions at or after TIME (RFC 3339, or -7d)\n" \
	"      --until TIME      only mentions before TIME (RFC 3339, or -1d)\n" \
	"      --limit N         write at most N records in all, then stop\n" \
	"      --raw             keep the original payload under raw\n" \
	"      --check           verify each source's credentials; fetch nothing\n" \
	"Import:\n" \
	"      --import FORMAT   read FILEs (or stdin) as twcs, ndjson or csv\n" \
	"      --map SPEC        csv: FIELD=COLUMN,FIELD:=TEXT,...\n" \
	"      --date-format FMT csv: created_at as strptime(3) FMT (%d/%m/%Y %H:%M)\n" \
	"      --tz ZONE         csv: the zone of dates without an offset (UTC)\n" \
	"All:\n"

int main(int argc, char **argv)
{
	static cp_prog p;
	struct fm_opts o = {0};
	const char *live_opt = NULL;
	int ch, rc;

	cp_init(&p, "fetch-mentions", SYNOPSIS, HELP);
	while ((ch = cp_getopt(&p, argc, argv, "", longopts)) != -1) {
		const char *live = live_option(ch);
		if (live)
			live_opt = live;
		switch (ch) {
		case OPT_IMPORT:
			if (strcmp(optarg, "twcs") == 0)
				o.format = FM_TWCS;
			else if (strcmp(optarg, "ndjson") == 0)
				o.format = FM_NDJSON;
			else if (strcmp(optarg, "csv") == 0)
				o.format = FM_CSV;
			else
				cp_usage_error(&p, "unknown import format '%s' (twcs, ndjson or csv)", optarg);
			break;
		case OPT_MAP:
			if (o.nmap == FM_MAX_MAPS)
				cp_usage_error(&p, "more than %d --map options", FM_MAX_MAPS);
			o.map[o.nmap++] = optarg;
			break;
		case OPT_RAW:
			o.raw = true;
			break;
		case OPT_CONFIG:
			o.config = optarg;
			break;
		case OPT_STATE:
			o.state = optarg;
			break;
		case OPT_WAIT:
			o.wait = true;
			break;
		case OPT_CACERT:
			o.cacert = optarg;
			break;
		case OPT_MAX_WAIT:
			if (dur_parse(optarg, &o.max_wait) < 0 || o.max_wait < 0)
				cp_usage_error(&p, "--max-wait wants a duration: %s", optarg);
			o.max_wait_set = true;
			break;
		case OPT_SOURCE:
			o.source = optarg;
			break;
		case OPT_SINCE:
		case OPT_UNTIL: {
			int64_t *t = ch == OPT_SINCE ? &o.since : &o.until;
			if (time_parse_when(optarg, (int64_t)time(NULL), t) < 0)
				cp_usage_error(&p, "--%s wants an RFC 3339 time or -DURATION: %s",
				               ch == OPT_SINCE ? "since" : "until", optarg);
			*(ch == OPT_SINCE ? &o.has_since : &o.has_until) = true;
			break;
		}
		case OPT_LIMIT: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || n <= 0)
				cp_usage_error(&p, "--limit wants a count of records: %s", optarg);
			o.limit = n;
			break;
		}
		case OPT_DATE_FORMAT:
			if (strstr(optarg, "%s"))
				cp_usage_error(&p, "--date-format: epoch seconds (%%s) are read "
				               "without a format");
			o.date_format = optarg;
			break;
		case OPT_TZ:
			o.tz = optarg;
			break;
		case OPT_CHECK:
			o.check = true;
			break;
		default:
			cp_usage(&p);
		}
	}
	o.nfiles = argc - optind;
	o.files = argv + optind;
	if (o.format != FM_LIVE && live_opt)
		cp_usage_error(&p, "--%s is for live sources, not --import", live_opt);
	if (o.has_since && o.has_until && o.until <= o.since)
		cp_usage_error(&p, "--until must come after --since");
	if (o.format == FM_LIVE && o.nfiles > 0)
		cp_usage_error(&p, "files are read only with --import");
	if (o.nmap && o.format != FM_CSV)
		cp_usage_error(&p, "--map goes with --import csv");
	if ((o.date_format || o.tz) && o.format != FM_CSV)
		cp_usage_error(&p, "%s goes with --import csv",
		               o.date_format ? "--date-format" : "--tz");
	if (o.check && (o.state || o.wait || o.raw || o.has_since || o.has_until || o.limit))
		cp_usage_error(&p, "--check fetches nothing: no --state, --wait, --raw, "
		               "--since, --until or --limit");
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
