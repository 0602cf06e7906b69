/*
 * sla-check - first-response SLAs: for every inbound record, find the
 * brand's first response, measure it on the calendar and business clocks
 * against the policy that applies, and add an sla object.  Outbound
 * records pass through unchanged.
 *
 * Input in any order is read twice (twopass.c); with --sorted it is read
 * once, inbound records waiting in memory for their response (sorted.c).
 * sla.h names the other parts.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sla.h"

static unsigned parse_only(cp_prog *p, const char *s)
{
	unsigned bits = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int k;
		for (k = 0; k < SLA_NSTATUS; k++)
			if (strlen(sla_status_names[k]) == n && strncmp(s, sla_status_names[k], n) == 0)
				break;
		if (k == SLA_NSTATUS)
			cp_usage_error(p, "--only: unknown status '%.*s' (met, breached, pending, "
			               "at_risk, missed)", (int)n, s);
		bits |= 1u << k;
		s += n + (s[n] == ',');
	}
	if (!bits)
		cp_usage(p);
	return bits;
}

enum {
	OPT_CALENDAR = 256, OPT_FAIL, OPT_MATCH, OPT_NOW, OPT_ONLY, OPT_POLICY, OPT_SORTED, OPT_WARN,
};

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct run R;
	static const struct option opts[] = {
		{ "calendar", required_argument, NULL, OPT_CALENDAR },
		{ "fail", no_argument, NULL, OPT_FAIL },
		{ "match", required_argument, NULL, OPT_MATCH },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "sorted", no_argument, NULL, OPT_SORTED },
		{ "warn", required_argument, NULL, OPT_WARN },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL, *calendar_path = NULL;
	cp_err e = {0};
	int ch;

	cp_init(&p, "sla-check",
	        "sla-check [-qv] [--bad file] [--calendar file] [--fail] [--line-buffered]\n"
	        "                 [--match mode] [--now time] [--only statuses] [--policy file]\n"
	        "                 [--sorted] [--strict] [--warn limit] [file ...]",
	        "      --policy FILE     targets and clocks by platform, account, priority, tag, jq\n"
	        "      --calendar FILE   business hours for policies that name no calendar\n"
	        "      --match MODE      reply (default): replies to the record; thread: also\n"
	        "                        later posts of the account in the thread\n"
	        "      --now TIME        decide pending, at_risk and missed at TIME: RFC 3339,\n"
	        "                        now or -DURATION before now (default: now)\n"
	        "      --warn LIMIT      at_risk when due within LIMIT, a duration or N% of the\n"
	        "                        target (default 25%)\n"
	        "      --only STATUSES   write only inbound records with these statuses\n"
	        "      --fail            exit 1 when a record is breached or missed\n"
	        "      --sorted          the input is in time order: stream, read it once\n");
	R.p = &p;
	R.now = R.started_at = time(NULL);
	R.live = true;
	R.warn_pct = 25;
	while ((ch = cp_getopt(&p, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case OPT_CALENDAR:
			calendar_path = optarg;
			break;
		case OPT_FAIL:
			R.fail = true;
			break;
		case OPT_MATCH:
			if (strcmp(optarg, "reply") == 0)
				R.thread_match = false;
			else if (strcmp(optarg, "thread") == 0)
				R.thread_match = true;
			else
				cp_usage_error(&p, "--match is reply or thread");
			break;
		case OPT_NOW:
			R.live = false; /* a fixed instant: the run is a replay */
			if (time_parse_when(optarg, R.now, &R.now) < 0)
				cp_usage_error(&p, "--now: not a time: %s", optarg);
			break;
		case OPT_ONLY:
			R.only = parse_only(&p, optarg);
			break;
		case OPT_POLICY:
			policy_path = optarg;
			break;
		case OPT_SORTED:
			R.sorted = true;
			break;
		case OPT_WARN: {
			size_t n = strlen(optarg);
			char *end;
			if (n > 1 && optarg[n - 1] == '%') {
				long pct = strtol(optarg, &end, 10);
				if (*end != '%' || pct < 0 || pct > 100)
					cp_usage_error(&p, "--warn: a percentage is 0%% to 100%%");
				R.warn_pct = (int)pct;
			} else if (dur_parse(optarg, &R.warn_s) == 0) {
				R.warn_pct = -1;
			} else {
				cp_usage_error(&p, "--warn: not a duration or percentage: %s", optarg);
			}
			break;
		}
		default:
			cp_usage(&p);
		}
	}
	if (calendar_path && !(R.ps.fallback = cal_load(calendar_path, &e)))
		cp_die(&p, e.code == CP_EX_NOINPUT ? CP_EX_CONFIG : e.code, "%s", e.msg);
	if (policy_path && policies_load(&R.ps, policy_path, &e) < 0)
		cp_die(&p, e.code == CP_EX_NOINPUT ? CP_EX_CONFIG : e.code, "%s", e.msg);
	if (policies_finish(&R.ps, &e) < 0)
		cp_die_err(&p, &e);
	if (p.verbose)
		for (size_t i = 0; i < R.ps.cals.n; i++)
			if (cal_skipped_events(R.ps.cals.v[i].c))
				cp_warn(&p, "calendar %s: %zu timed events are no holidays and were skipped",
				        R.ps.cals.v[i].name, cal_skipped_events(R.ps.cals.v[i].c));
	cp_start(&p);

	if (R.sorted)
		read_sorted(&R, argc - optind, argv + optind);
	else
		read_two_pass(&R, argc - optind, argv + optind);

	if (R.fail && (R.count[SLA_BREACHED] || R.count[SLA_MISSED]))
		cp_status(&p, 1);
	if (p.verbose) {
		uint64_t nin = 0;
		for (int k = 0; k < SLA_NSTATUS; k++)
			nin += R.count[k];
		cp_warn(&p, "%llu inbound (met %llu, breached %llu, pending %llu, at_risk %llu, "
		        "missed %llu), %llu outbound; index %zu responses; held at most %zu records, "
		        "%zu bytes", (unsigned long long)nin, (unsigned long long)R.count[SLA_MET],
		        (unsigned long long)R.count[SLA_BREACHED], (unsigned long long)R.count[SLA_PENDING],
		        (unsigned long long)R.count[SLA_AT_RISK], (unsigned long long)R.count[SLA_MISSED],
		        (unsigned long long)R.n_out, R.replies.nresp + R.threads.nresp, R.max_held,
		        R.max_held_bytes);
	}
	free(R.outbits);
	resp_free(&R.replies);
	resp_free(&R.threads);
	ht_free(&R.held_id);
	ht_free(&R.held_thr);
	policies_free(&R.ps);
	edit_free(&R.edit);
	buf_free(&R.out);
	buf_free(&R.sla);
	buf_free(&R.key);
	idwin_free(&R.repeats);
	buf_free(&R.f.sid);
	buf_free(&R.f.sreply);
	buf_free(&R.f.sthread);
	buf_free(&R.f.saccount);
	return cp_finish(&p);
}
