/*
 * notify - escalations, SLA risks and spike alerts reach a person: a
 * message through a Slack or Teams (Workflows) webhook, a JSON webhook, or
 * email, for the records selected; every record passes through unchanged
 * (like tee), so notify can sit in the middle of a pipeline.
 *
 * It previews by default (the messages on stderr, or as a "notify" key
 * with --mark) and sends with --send, each record at most once per
 * channel across crashes and reruns: the journal (journal.c) has an intent
 * on disk before a message leaves and a done after the channel said yes;
 * an intent left open by a crash is sent again, with the same idempotency
 * key and Message-ID, before anything else.  A channel that keeps failing
 * stops the sends of the run (the records still pass through, their sends
 * pending for the next run) and sets the exit status, 69 or 75.
 *
 * notify streams: it decides and writes record by record, so it works on
 * tail -f.  With --digest, selected records are queued in the journal and
 * one message per window carries them all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"

enum {
	OPT_IF = 256, OPT_ESCALATED, OPT_SLA, OPT_ALERTS, OPT_CONFIG, OPT_CHANNEL, OPT_SEND,
	OPT_JOURNAL, OPT_DIGEST, OPT_MAX, OPT_TEMPLATE, OPT_MARK, OPT_ONLY, OPT_NOW, OPT_CACERT,
};

static const struct option longopts[] = {
	{ "if", required_argument, NULL, OPT_IF },
	{ "escalated", no_argument, NULL, OPT_ESCALATED },
	{ "sla", required_argument, NULL, OPT_SLA },
	{ "alerts", no_argument, NULL, OPT_ALERTS },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "send", no_argument, NULL, OPT_SEND },
	{ "journal", required_argument, NULL, OPT_JOURNAL },
	{ "digest", required_argument, NULL, OPT_DIGEST },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "template", required_argument, NULL, OPT_TEMPLATE },
	{ "mark", no_argument, NULL, OPT_MARK },
	{ "only", no_argument, NULL, OPT_ONLY },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ NULL, 0, NULL, 0 },
};

#define SYNOPSIS \
	"notify [-qv] [--alerts] [--bad file] [--cacert file] [--channel name]\n" \
	"              [--config file] [--digest duration] [--escalated] [--if jq]\n" \
	"              [--journal file] [--mark] [--max n] [--now time] [--only]\n" \
	"              [--send] [--sla statuses] [--strict] [--template file] [file ...]"

#define HELP \
	"      --escalated       select records tag escalated\n" \
	"      --sla STATUSES    select records whose sla.status is one of these\n" \
	"                        (such as at_risk,breached)\n" \
	"      --alerts          select kpi-report's alert records (--alerts-only -f ndjson)\n" \
	"      --if JQ           select records for which the jq expression is true\n" \
	"                        (no selector: --escalated --sla at_risk,breached,missed --alerts)\n" \
	"      --config FILE     carepipe.conf(5): the [channel NAME] sections\n" \
	"      --channel NAME    send through this channel\n" \
	"      --send            send (without it: preview on stderr)\n" \
	"      --journal FILE    the exactly-once journal (needed with --send)\n" \
	"      --digest DURATION one message per window (such as 1h, 1d) for all that\n" \
	"                        was selected in it\n" \
	"      --max N           send at most N messages in this run (default 50)\n" \
	"      --template FILE   the message template (default: one per kind)\n" \
	"      --mark            add a \"notify\" key to the selected records\n" \
	"      --only            write only the selected records\n" \
	"      --now TIME        the time SLA due times are counted from (RFC 3339, or\n" \
	"                        -DURATION before now; default: now)\n" \
	"      --cacert FILE     also trust this CA bundle\n"

static int each(void *ctx, cp_rec *r, const cp_pos *pos)
{
	struct notify *c = ctx;
	int sel = selected(c, r, pos);
	if (sel <= 0) {
		if (!c->only)
			cp_emit(c->p, r->line, r->len);
		return 0;
	}
	int kind = kind_of(r);
	struct outcome o = { .status = NULL };
	decide(c, r, kind, &o);
	if (c->mark)
		mark(c, r, &o, kind, c->send ? NULL : c->msg.p);
	else
		cp_emit(c->p, r->line, r->len);
	return 0;
}

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct notify c;
	const char *journal_path = NULL, *jq = NULL;
	cp_err e = {0};
	int opt;

	c.p = &p;
	c.max = 50;
	c.now = -1;
	c.digest = -1;
	cp_init(&p, "notify", SYNOPSIS, HELP);
	while ((opt = cp_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (opt) {
		case OPT_IF:
			jq = optarg;
			c.any_selector = true;
			break;
		case OPT_ESCALATED:
			c.escalated = c.any_selector = true;
			break;
		case OPT_SLA:
			set_sla_list(&c, optarg);
			c.any_selector = true;
			break;
		case OPT_ALERTS:
			c.alerts = c.any_selector = true;
			break;
		case OPT_CONFIG:
			c.config_path = optarg;
			break;
		case OPT_CHANNEL:
			c.channel_name = optarg;
			break;
		case OPT_SEND:
			c.send = true;
			break;
		case OPT_JOURNAL:
			journal_path = optarg;
			break;
		case OPT_DIGEST:
			if (dur_parse(optarg, &c.digest) < 0 || c.digest < 0)
				cp_usage_error(&p, "--digest wants a duration, such as 1h or 1d: %s",
				               optarg);
			break;
		case OPT_MAX: {
			char *end;
			errno = 0;
			c.max = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || c.max < 0)
				cp_usage_error(&p, "--max wants a count: %s", optarg);
			break;
		}
		case OPT_TEMPLATE:
			c.template_path = optarg;
			break;
		case OPT_MARK:
			c.mark = true;
			break;
		case OPT_ONLY:
			c.only = true;
			break;
		case OPT_NOW:
			if (time_parse_when(optarg, (int64_t)time(NULL), &c.now) < 0)
				cp_usage_error(&p, "--now wants an RFC 3339 time or -DURATION: %s", optarg);
			break;
		case OPT_CACERT:
			c.cacert = optarg;
			break;
		default:
			cp_usage(&p);
		}
	}
	if (!c.any_selector) {
		c.escalated = c.alerts = true;
		set_sla_list(&c, "at_risk,breached,missed");
	}
	if (c.send && !c.channel_name)
		cp_usage_error(&p, "--send needs --channel NAME");
	if (c.send && !journal_path)
		cp_usage_error(&p, "--send needs --journal FILE: it is what keeps a person "
		               "from being paged twice");
	if (jq && !(c.jq = jqx_compile(jq, &e)))
		cp_die(&p, e.code, "--if: %s", e.msg);
	/* A channel comes from carepipe.conf, found as every program finds it
	 * (carepipe.conf(5)). */
	if (c.channel_name || c.config_path) {
		if (!(c.cfg = cp_config_find_load(c.config_path, &e)))
			cp_die_err(&p, &e);
		c.config_path = c.cfg->path;
		if (c.channel_name && !(c.ch = cp_config_channel(c.cfg, c.channel_name)))
			cp_die(&p, CP_EX_CONFIG, "%s: no [channel %s]", c.config_path, c.channel_name);
	}
	c.fmt = c.ch ? fmt_for(c.ch->type) : NF_PLAIN;
	for (int k = 0; k < 4; k++) {
		c.tpl[k] = compile_or_die(&c, "built-in template", default_template(k));
		c.line[k] = compile_or_die(&c, "built-in template", default_line(k));
		c.subj[k] = compile_or_die(&c, "built-in template", default_subject(k));
	}
	if (c.template_path || (c.ch && c.ch->template))
		load_template(&c, c.template_path ? c.template_path : c.ch->template);
	if (c.ch && c.ch->subject) {
		if (!(c.subj_custom = tmpl_compile(c.ch->subject, strlen(c.ch->subject), &e)))
			cp_die(&p, CP_EX_CONFIG, "%s:%d: [channel %s]: subject: %s", c.config_path,
			       c.ch->line, c.ch->name, e.msg);
	}
	if (c.send) {
		load_secret(&c);
		if (strcmp(c.ch->type, "email") == 0) {
			split_rcpt(&c);
		} else {
			cp_http_opts ho = { .cacert = c.ch->cacert ? c.ch->cacert : c.cacert,
			                    .on_wait = cp_on_wait,
			                    .on_trace = p.verbose ? cp_on_trace : NULL, .ctx = &p };
			if (!(c.http = http_new(&ho, &e)))
				cp_die_err(&p, &e);
			if (c.secret.len)
				redact_url(&c, c.secret.p);
		}
		if (!(c.j = nj_open(journal_path, &e)))
			cp_die_err(&p, &e);
	}
	cp_start(&p);

	/* A digest waits for the input: what arrives now joins it. */
	if (c.send)
		settle(&c);
	cp_each_record(&p, argc - optind, argv + optind, each, &c);
	if (c.send && c.digest >= 0)
		maybe_digest(&c);
	finish_digest_preview(&c);

	if (c.down)
		cp_warn(&p, "%s; %lu send%s left for the next run", c.down_err.msg,
		        c.npending + c.nfailed, c.npending + c.nfailed == 1 ? "" : "s");
	if (p.verbose || (!p.quiet && isatty(2)))
		cp_warn(&p, "%lu sent, %lu queued, %lu previewed, %lu skipped, %lu pending, %lu failed%s",
		        c.nsent, c.nqueued, c.npreview, c.nskipped, c.npending, c.nfailed,
		        c.nsettled ? " (interrupted sends settled)" : "");
	nj_close(c.j);
	http_free(c.http);
	buf_wipe(&c.secret);
	for (size_t i = 0; i < c.nrcpt; i++)
		free(c.rcpt[i]);
	free(c.rcpt);
	cp_config_free(c.cfg);
	jqx_free(c.jq);
	free(c.sla_list);
	for (int k = 0; k < 4; k++) {
		tmpl_free(c.tpl[k]);
		tmpl_free(c.line[k]);
		tmpl_free(c.subj[k]);
	}
	tmpl_free(c.custom);
	tmpl_free(c.subj_custom);
	edit_free(&c.edit);
	buf_free(&c.out);
	buf_free(&c.msg);
	buf_free(&c.body);
	buf_free(&c.subject);
	buf_free(&c.id);
	buf_free(&c.key);
	buf_free(&c.tmp);
	buf_free(&c.pv_lines);
	return cp_finish(&p);
}
