/*
 * kpi-report - the numbers a care team is judged by: volume, response
 * rate, first response and per-reply times, SLA compliance, resolution,
 * sentiment, CSAT, NPS, engagement and top tags, sliced by any keys, with
 * hourly spike alerts; as a table, CSV, NDJSON, Markdown or an HTML page.
 *
 * It holds aggregates, never records: one set of statistics per group,
 * plus the items still open for matching (see match.c).  --partial writes
 * those as mergeable NDJSON and --merge adds such partials up, so a big
 * log is reported on with GNU parallel or Hadoop Streaming.
 */
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "tz.h"

enum {
	OPT_BY = 256, OPT_SINCE, OPT_UNTIL, OPT_NOW, OPT_TOP, OPT_RESOLVE, OPT_WINDOW,
	OPT_PARTIAL, OPT_MERGE, OPT_ALERTS, OPT_SPIKE_K, OPT_SPIKE_WINDOW, OPT_SPIKE_COOL,
	OPT_SPIKE_MIN, OPT_COLUMNS, OPT_WIDE, OPT_TZ, OPT_QMEM, OPT_COMPARE, OPT_SLA_GOAL,
};

static const struct option longopts[] = {
	{ "by", required_argument, NULL, OPT_BY },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "resolve-after", required_argument, NULL, OPT_RESOLVE },
	{ "reply-window", required_argument, NULL, OPT_WINDOW },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "alerts-only", no_argument, NULL, OPT_ALERTS },
	{ "spike-k", required_argument, NULL, OPT_SPIKE_K },
	{ "spike-window", required_argument, NULL, OPT_SPIKE_WINDOW },
	{ "spike-cooldown", required_argument, NULL, OPT_SPIKE_COOL },
	{ "spike-min", required_argument, NULL, OPT_SPIKE_MIN },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "wide", no_argument, NULL, OPT_WIDE },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "quantile-memory", required_argument, NULL, OPT_QMEM },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "sla-goal", required_argument, NULL, OPT_SLA_GOAL },
	{ NULL, 0, NULL, 0 },
};

static const char synopsis[] =
	"kpi-report [-qv] [--alerts-only] [--bad file] [--by keys]\n"
	"                  [--columns list] [--compare duration] [-f format]\n"
	"                  [--line-buffered] [--merge] [--now time] [-o file] [--partial]\n"
	"                  [--quantile-memory size] [--reply-window duration]\n"
	"                  [--resolve-after duration] [--since time] [--sla-goal percent]\n"
	"                  [--spike-cooldown duration] [--spike-k k] [--spike-min n]\n"
	"                  [--spike-window duration] [--strict] [--top n] [--tz zone]\n"
	"                  [--until time] [--wide] [file ...]";

static const char help[] =
	"      --by KEYS         group by platform, account, agent, tag, day, week, hour,\n"
	"                        weekday, lang, priority or any field path (comma list)\n"
	"  -f, --format FMT      table (default), csv, ndjson, markdown or html\n"
	"      --columns LIST    the table's columns, by their CSV names (comma list)\n"
	"      --wide            the table shows every column, however wide\n"
	"  -o, --output FILE     write there; a name ending in .gz is gzip-compressed\n"
	"      --since TIME      only records at or after TIME (RFC 3339, a date in --tz,\n"
	"                        or -7d)\n"
	"      --until TIME      only records before TIME\n"
	"      --tz ZONE         days, weeks, hours, dates without an offset and headings\n"
	"                        in this IANA zone (default $CAREPIPE_TZ, else UTC)\n"
	"      --compare D       compare with the period D earlier (default with --since:\n"
	"                        the period of the same length just before)\n"
	"      --now TIME        the time relative times and open items are judged at\n"
	"      --top N           only the N groups with the most inbound records\n"
	"      --resolve-after D a thread whose last message is the brand's, with no\n"
	"                        inbound message for D, is resolved\n"
	"      --reply-window D  replies later than D after their parent are not timed (1d)\n"
	"      --quantile-memory SIZE  keep values for exact quantiles up to SIZE in all\n"
	"                        (64M; K, M, G suffixes; 0: always the 1% sketch)\n"
	"      --sla-goal PCT    the share of SLAs to meet, drawn on the HTML chart (90)\n"
	"      --partial         write mergeable partial aggregates (NDJSON)\n"
	"      --merge           read partials and combine them\n"
	"      --alerts-only     print only spike alerts, nothing when there is none\n"
	"      --spike-k K       alert above mean + K sd (3; moderate 1.5K, major 2K)\n"
	"      --spike-window D  the trailing baseline (7d)\n"
	"      --spike-cooldown D  quiet time after an alert (6h)\n"
	"      --spike-min N     least labelled records in an hour for a share (10)\n";

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct kpi k;
	const char *output = "-", *since = NULL, *until = NULL, *now = NULL;
	const char *tzname = getenv("CAREPIPE_TZ"), *compare = NULL;
	bool partial = false, merge = false;
	cp_err e = {0};
	int ch;

	cp_init(&p, "kpi-report", synopsis, help);
	kpi_init(&k, &p);
	while ((ch = cp_getopt(&p, argc, argv, "f:o:", longopts)) != -1) {
		char *end;
		switch (ch) {
		case OPT_BY:
			k.by = optarg;
			if (keyspec_parse(&k, optarg, &e) < 0)
				cp_usage_error(&p, "%s", e.msg);
			break;
		case 'f':
			if ((k.fmt = format_parse(optarg)) < 0)
				cp_usage_error(&p, "unknown format '%s': table, csv, ndjson, markdown, html",
				            optarg);
			break;
		case OPT_COLUMNS:
			if (columns_parse(&k, optarg, &e) < 0)
				cp_usage_error(&p, "%s", e.msg);
			break;
		case OPT_WIDE: k.wide = true; break;
		case OPT_TZ: tzname = optarg; break;
		case OPT_COMPARE: compare = optarg; break;
		case OPT_SLA_GOAL:
			k.sla_goal = strtod(optarg, &end) / 100;
			if (end == optarg || (*end && strcmp(end, "%") != 0) || !(k.sla_goal > 0) ||
			    k.sla_goal > 1)
				cp_usage_error(&p, "--sla-goal wants a percentage from 1 to 100: %s", optarg);
			break;
		case OPT_QMEM: {
			unsigned long long v = strtoull(optarg, &end, 10);
			int shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20
			            : *end == 'G' || *end == 'g' ? 30 : 0;
			if (shift)
				end++;
			if (end == optarg || *end || optarg[0] == '-' || v > (1ULL << (63 - shift)) >> 1)
				cp_usage_error(&p, "--quantile-memory wants a size such as 64M: %s", optarg);
			k.quantile_budget = (uint64_t)v << shift;
			break;
		}
		case 'o': output = optarg; break;
		case OPT_SINCE: since = optarg; break;
		case OPT_UNTIL: until = optarg; break;
		case OPT_NOW: now = optarg; break;
		case OPT_TOP:
			k.top = strtol(optarg, &end, 10);
			if (*end || k.top < 1)
				cp_usage_error(&p, "--top wants a positive number: %s", optarg);
			break;
		case OPT_RESOLVE: k.resolve_after = parse_dur(&p, "--resolve-after", optarg); break;
		case OPT_WINDOW: k.reply_window = parse_dur(&p, "--reply-window", optarg); break;
		case OPT_PARTIAL: partial = true; break;
		case OPT_MERGE: merge = true; break;
		case OPT_ALERTS: k.alerts_only = true; break;
		case OPT_SPIKE_K:
			k.spike_k = strtod(optarg, &end);
			if (*end || !(k.spike_k > 0))
				cp_usage_error(&p, "--spike-k wants a positive number: %s", optarg);
			break;
		case OPT_SPIKE_WINDOW:
			k.spike_window = parse_dur(&p, "--spike-window", optarg);
			if (k.spike_window < 3600)
				cp_usage_error(&p, "--spike-window must be an hour or more: %s", optarg);
			break;
		case OPT_SPIKE_COOL: k.spike_cooldown = parse_dur(&p, "--spike-cooldown", optarg); break;
		case OPT_SPIKE_MIN: {
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1)
				cp_usage_error(&p, "--spike-min wants a positive number: %s", optarg);
			k.spike_min = (uint64_t)v;
			break;
		}
		default:
			cp_usage(&p);
		}
	}
	if (partial && k.alerts_only)
		cp_usage_error(&p, "--partial and --alerts-only do not go together");
	period_set(&p, &k, tzname, now, since, until, compare);
	k.accounts = partial || merge || k.fmt == F_HTML;
	cp_start(&p);
	/* The total exists even for empty input, and first: group 0. */
	if ((k.total_g = kpi_group(&k, FAM_TOTAL, "", 0)) < 0)
		cp_die(&p, CP_EX_OSERR, "out of memory");

	int rc = cp_each_record(&p, argc - optind, argv + optind, merge ? each_partial : each_record,
	                        &k);
	if (rc)
		cp_die(&p, rc, rc == CP_EX_OSERR ? "out of memory" : "cannot merge these partials");

	if (p.verbose)
		cp_warn(&p, "%llu records; open at the end: %zu unanswered or recent inbound, %zu replies "
		        "waiting for their parent, %zu threads; %zu groups",
		        (unsigned long long)k.records, k.pending.n, k.orphans.n, k.threads.n, k.ng);
	if (!partial)
		warn_missing_keys(&k);
	cp_buf report = {0};
	if (partial) {
		if (kpi_write_partial(&k, &report) < 0)
			cp_die(&p, CP_EX_OSERR, "out of memory");
	} else {
		if (match_sweep(&k, true) < 0 || spikes_find(&k) < 0)
			cp_die(&p, CP_EX_OSERR, "out of memory");
		if ((k.fmt == F_HTML && !k.alerts_only ? html_write(&k, &report)
		                                         : report_write(&k, &report)) < 0)
			cp_die(&p, CP_EX_OSERR, "out of memory");
	}
	report_save(&p, output, &report);
	buf_free(&report);
	kpi_free(&k);
	tz_free(k.zone);
	return cp_finish(&p);
}

