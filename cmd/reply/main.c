/*
 * reply - answer mentions with saved replies: previewed by default, posted
 * with --send, each mention at most once across crashes and reruns.
 *
 * reply reads its whole input before it answers anything: an outbound
 * record that answers a mention may come after it in the stream (a log
 * sorted by time has the brand's answer after the question), and reply
 * must know it before it posts.  The input is spooled to an unlinked
 * temporary file on the first pass, which keeps only the ids of answered
 * mentions in memory; the second pass decides, posts and writes, in input
 * order.  So reply is a batch filter: on an endless stream (tail -f) it
 * answers nothing until the input ends; run it from cron over new records.
 *
 * This file reads the options and runs the two passes (input.c); answer.c
 * decides what each record gets, text.c writes the reply,
 * post.c posts it exactly once through journal.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reply.h"
#include "schema.h"

enum {
	OPT_TEXT = 256, OPT_LIBRARY, OPT_JQ, OPT_AGENT, OPT_DM, OPT_ALLOW_ESC, OPT_SEND,
	OPT_CONFIG, OPT_SOURCE, OPT_JOURNAL, OPT_MAX, OPT_RATE, OPT_NOW, OPT_CACERT,
};

static const struct option longopts[] = {
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "library", required_argument, NULL, OPT_LIBRARY },
	{ "jq", required_argument, NULL, OPT_JQ },
	{ "agent", required_argument, NULL, OPT_AGENT },
	{ "dm", no_argument, NULL, OPT_DM },
	{ "allow-escalated", no_argument, NULL, OPT_ALLOW_ESC },
	{ "send", no_argument, NULL, OPT_SEND },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "journal", required_argument, NULL, OPT_JOURNAL },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ NULL, 0, NULL, 0 },
};

#define SYNOPSIS \
	"reply [-qv] [--agent initials] [--allow-escalated] [--bad file] [--cacert file]\n" \
	"             [--config file] [--dm] [--journal file] [--max n] [--now time]\n" \
	"             [--rate n/min] [--send] [--source name] [--strict]\n" \
	"             --text template | --library dir | --jq expr [file ...]"

#define HELP \
	"      --text TEMPLATE   reply with this template\n" \
	"      --library DIR     saved replies DIR/TAG.txt (DIR/TAG.LANG.txt); first tag wins,\n" \
	"                        then default.txt\n" \
	"      --jq EXPR         reply with a jq string expression over the record\n" \
	"      --agent INITIALS  sign as ^INITIALS ({{agent}}, or appended)\n" \
	"      --dm              answer by private message\n" \
	"      --allow-escalated also answer records tag marked escalate\n" \
	"      --max N           answer at most N records in this run (default 20)\n" \
	"      --now TIME        the time to stamp (RFC 3339, or -DURATION before now;\n" \
	"                        default: now)\n" \
	"      --config FILE     carepipe.conf(5): the accounts to post from\n" \
	"      --source NAME     post through this source only\n" \
	"      --send            post (without it: preview)\n" \
	"      --journal FILE    the exactly-once journal (needed with --send)\n" \
	"      --rate N/min      post at most N replies a minute\n" \
	"      --cacert FILE     also trust this CA bundle\n"

/* ---------------------------------------------------------------- main */

static void free_str(void *v)
{
	free(v);
}

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct reply c;
	const char *text = NULL, *lib = NULL, *jq = NULL, *journal_path = NULL;
	cp_err e = {0};
	int ch;

	c.p = &p;
	c.max = 20;
	c.now = -1;
	cp_init(&p, "reply", SYNOPSIS, HELP);
	while ((ch = cp_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case OPT_TEXT:
			text = optarg;
			break;
		case OPT_LIBRARY:
			lib = optarg;
			break;
		case OPT_JQ:
			jq = optarg;
			break;
		case OPT_AGENT: {
			/* Only what kpi-report and assign read back (common/schema.h). */
			const char *a = optarg[0] == '^' ? optarg + 1 : optarg;
			if (!rec_initials_ok(a, strlen(a)))
				cp_usage_error(&p, "--agent wants initials, such as JD: %s", optarg);
			snprintf(c.sig, sizeof c.sig, "^%s", a);
			break;
		}
		case OPT_DM:
			c.dm = true;
			break;
		case OPT_ALLOW_ESC:
			c.allow_escalated = true;
			break;
		case OPT_SEND:
			c.send = true;
			break;
		case OPT_CONFIG:
			c.config_path = optarg;
			break;
		case OPT_SOURCE:
			c.source_name = optarg;
			break;
		case OPT_JOURNAL:
			journal_path = optarg;
			break;
		case OPT_MAX: {
			char *end;
			errno = 0;
			c.max = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || c.max < 0)
				cp_usage_error(&p, "--max wants a count: %s", optarg);
			break;
		}
		case OPT_RATE: {
			char *end;
			double n = strtod(optarg, &end);
			if (end == optarg || !(n > 0) || (strcmp(end, "/min") != 0 && strcmp(end, "") != 0))
				cp_usage_error(&p, "--rate wants N/min, such as 6/min: %s", optarg);
			c.interval = 60.0 / n;
			break;
		}
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
	if ((text != NULL) + (lib != NULL) + (jq != NULL) != 1)
		cp_usage_error(&p, "give one of --text, --library or --jq");
	if (c.send && !journal_path)
		cp_usage_error(&p, "--send needs --journal FILE: it is what keeps a mention "
		               "from being answered twice");
	if (text && !(c.tpl = tmpl_compile_named(text, strlen(text), "--text", &e)))
		cp_die_err(&p, &e);
	if (lib && !(c.lib = library_load(lib, &e)))
		cp_die_err(&p, &e);
	if (jq && !(c.jq = jqx_compile(jq, &e)))
		cp_die(&p, e.code, "--jq: %s", e.msg);
	/* The accounts to post from: --send needs them; a preview uses them,
	 * when there is a carepipe.conf, to say which source would post. */
	char *config_found = NULL;
	int located = cp_config_locate(c.config_path, &config_found, &e);
	if (located < 0 || (located == 0 && c.send))
		cp_die(&p, e.code, "%s%s", c.send ? "--send: " : "", e.msg);
	if (located == 0 && c.source_name)
		cp_usage_error(&p, "--source needs a carepipe.conf: %s", e.msg);
	if (located) {
		if (!(c.cfg = cp_config_load(config_found, &e)))
			cp_die_err(&p, &e);
		c.config_path = c.cfg->path;
		if (c.source_name && !cp_config_find(c.cfg, c.source_name))
			cp_die(&p, CP_EX_CONFIG, "%s: no source [%s]", c.config_path, c.source_name);
		if (!(c.conns = calloc(c.cfg->nsrc + 1, sizeof *c.conns)))
			cp_die(&p, CP_EX_OSERR, "out of memory");
	}
	if (journal_path && !(c.j = journal_open(journal_path, &e)))
		cp_die_err(&p, &e);
	if (c.send) {
		cp_http_opts ho = { .cacert = c.cacert, .on_wait = cp_on_wait,
		                    .on_trace = p.verbose ? cp_on_trace : NULL, .ctx = &p };
		if (!(c.http = http_new(&ho, &e)))
			cp_die_err(&p, &e);
	}
	cp_start(&p);

	read_input(&c, argc - optind, argv + optind);
	answer_input(&c);

	if (!p.quiet)
		cp_warn(&p, "%lu sent, %lu previewed, %lu skipped, %lu failed%s", c.nsent, c.npreview,
		        c.nskipped, c.nfailed,
		        c.nreasons > REASONS_SHOWN ? " (the first reasons above, all in the records)" : "");
	input_free(&c);
	for (size_t i = 0; c.cfg && i < c.cfg->nsrc; i++)
		plat_close(c.conns[i].c);
	free(c.conns);
	http_free(c.http);
	cp_config_free(c.cfg);
	free(config_found);
	journal_close(c.j);
	map_free(&c.answered, free_str);
	map_free(&c.seen, NULL);
	tmpl_free(c.tpl);
	library_free(c.lib);
	jqx_free(c.jq);
	edit_free(&c.edit);
	buf_free(&c.out);
	buf_free(&c.obj);
	buf_free(&c.text);
	buf_free(&c.tmp);
	buf_free(&c.mention);
	buf_free(&c.scratch);
	return cp_finish(&p);
}
