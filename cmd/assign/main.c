/*
 * assign - route inbound records to queues and agents: queue rules
 * (carepipe-rules(5)), agents' shifts (business calendars), languages and
 * capacities from a roster; threads stay with their agent; the load,
 * the owners and the round-robin positions live in a state directory
 * across runs.  Outbound records pass through and release the items they
 * answer.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "assign.h"

enum { OPT_NOW = 256, OPT_STATE, OPT_STRATEGY, OPT_WAIT };

static const struct option longopts[] = {
	{ "roster", required_argument, NULL, 'R' },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ NULL, 0, NULL, 0 },
};


void assign_oom(struct ctx *c)
{
	cp_die(c->p, CP_EX_OSERR, "out of memory");
}


/* A long run saves its state this often (wall clock), after flushing the
 * output the state covers, so a killed stream loses little. */
#define CHECKPOINT_SECS 60

void checkpoint(struct ctx *c, bool force)
{
	if (!c->state_path)
		return;
	time_t w = time(NULL);
	if (!force && w - c->saved_at < CHECKPOINT_SECS)
		return;
	cp_err e = {0};
	/* The state never runs ahead of the output it covers. */
	if (out_flush(&c->p->out) < 0)
		cp_die(c->p, CP_EX_IOERR, "write error: %s", cp_out_strerror(c->p));
	if (assign_state_save(c->state_path, &c->ro, &c->t, c->clock, c->seq, &e) < 0)
		cp_die_err(c->p, &e);
	c->saved_at = w;
}

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct ctx c;
	const char *roster = NULL, *state = NULL, *strategy = NULL;
	bool wait = false;
	cp_err e = {0};
	int ch, lock = -1;
	cp_buf path = {0};

	c.p = &p;
	cp_init(&p, "assign",
	        "assign [-qv] [--bad file] [--line-buffered] [--now time] [--state dir]\n"
	        "              [--strategy least-loaded | round-robin] [--strict] [--wait]\n"
	        "              -R roster [file ...]",
	        "  -R, --roster FILE     agents, shifts and queue rules (see assign(1))\n"
	        "      --now TIME        check shifts at TIME (RFC 3339, now or -DURATION)\n"
	        "                        instead of each record's created_at\n"
	        "      --state DIR       keep load, thread owners and round-robin positions\n"
	        "                        in DIR/assign/ across runs\n"
	        "      --strategy S      least-loaded (the default) or round-robin\n"
	        "      --wait            wait for another run's lock instead of exiting 75\n");
	while ((ch = cp_getopt(&p, argc, argv, "R:", longopts)) != -1) {
		switch (ch) {
		case 'R':
			roster = optarg;
			break;
		case OPT_NOW:
			if (time_parse_when(optarg, (int64_t)time(NULL), &c.now) < 0)
				cp_usage_error(&p, "--now wants a time such as 2026-01-05T09:00:00Z, now "
				               "or -1h: %s", optarg);
			c.have_now = true;
			break;
		case OPT_STATE:
			state = optarg;
			break;
		case OPT_STRATEGY:
			if (strcmp(optarg, "least-loaded") && strcmp(optarg, "round-robin"))
				cp_usage_error(&p, "--strategy is least-loaded or round-robin: %s", optarg);
			strategy = optarg;
			break;
		case OPT_WAIT:
			wait = true;
			break;
		default:
			cp_usage(&p);
		}
	}
	if (!roster)
		cp_usage_error(&p, "a roster is needed: -R FILE");
	if (roster_load(&c.ro, roster, &e) < 0)
		cp_die_err(&p, &e);
	if (strategy)
		c.ro.strategy = strategy[0] == 'r' ? ROUND_ROBIN : LEAST_LOADED;
	if (!(c.rc = rules_ctx_new(c.ro.rs)))
		assign_oom(&c);
	if (c.have_now)
		c.clock = c.now;
	if (state) {
		/* A folder of its own: fetch-mentions locks DIR itself, in the same pipeline. */
		if (mkdir(state, 0700) < 0 && errno != EEXIST)
			cp_die(&p, CP_EX_CANTCREAT, "%s: %s", state, strerror(errno));
		if (buf_addf(&path, "%s/assign", state) < 0)
			assign_oom(&c);
		if ((lock = state_lock(path.p, wait, &e)) < 0)
			cp_die_err(&p, &e);
		if (buf_adds(&path, "/state.ndjson") < 0 || !(c.state_path = buf_cstr(&path)))
			assign_oom(&c);
		int64_t clock = 0;
		if (assign_state_load(c.state_path, &c.ro, &c.t, &clock, &c.seq, &e) < 0)
			cp_die_err(&p, &e);
		if (!c.have_now)
			c.clock = clock;
		c.saved_at = time(NULL);
	}
	cp_start(&p);
	cp_each_record(&p, argc - optind, argv + optind, assign_record, &c);
	checkpoint(&c, true);
	if (p.verbose) {
		long load = 0;
		for (size_t i = 0; i < c.ro.na; i++)
			load += c.ro.a[i].load;
		cp_warn(&p, "%llu assigned (%llu by thread), %llu unassigned, %llu released; "
		        "%ld open items, %zu threads known",
		        (unsigned long long)c.nassigned, (unsigned long long)c.nsticky,
		        (unsigned long long)c.nunassigned, (unsigned long long)c.nreleased, load,
		        c.t.n);
	}
	state_unlock(lock);
	rules_ctx_free(c.rc);
	roster_free(&c.ro);
	th_free(&c.t);
	buf_free(&c.text);
	buf_free(&c.key);
	buf_free(&c.reason);
	buf_free(&c.out);
	buf_free(&c.idbuf);
	buf_free(&c.accbuf);
	buf_free(&path);
	edit_free(&c.edit);
	return cp_finish(&p);
}
