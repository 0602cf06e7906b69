/*
 * The command scaffold.  This is the one part of common/ that talks to the
 * user and exits: main() hands it the options it shares with every other
 * program, the bad-input policy and the record loop, and keeps its own
 * logic short.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carepipe.h"

enum {
	OPT_BAD = 0x1000,
	OPT_STRICT,
	OPT_LINEBUF,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option common_opts[] = {
	{ "bad", required_argument, NULL, OPT_BAD },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "line-buffered", no_argument, NULL, OPT_LINEBUF },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
};

static cp_prog *the_prog;

/* Complete records already written stay written whatever path exits. */
static void flush_at_exit(void)
{
	if (the_prog)
		out_flush(&the_prog->out);
}

/* A program started with descriptor 0, 1 or 2 closed (`cmd >&-`) would
 * hand that number to the next file it opens - a lock, a state file - and
 * write its records or read its input there.  Each closed one is filled
 * with /dev/null opened the wrong way round, so that using it still fails
 * as it would on the closed descriptor: reading a closed stdin is refused
 * by rd_input_fd ("standard input is closed", 66) and a write to a closed
 * stdout fails with EBADF, reported as "standard output is closed" (74).
 * A closed stderr gets a writable /dev/null: there is no one to tell. */
static bool stdout_closed;

static void guard_std_fds(void)
{
	static const int mode[3] = { O_WRONLY, O_RDONLY, O_WRONLY };
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* Lower descriptors are open by now, so open() returns fd. */
		int got = open("/dev/null", mode[fd] | O_NOCTTY);
		if (got != fd)
			_exit(CP_EX_OSERR);
		if (fd == 1)
			stdout_closed = true;
	}
}

const char *cp_out_strerror(const cp_prog *p)
{
	if (stdout_closed && p->out.fd == 1 && p->out.err_no == EBADF)
		return "standard output is closed";
	return strerror(p->out.err_no);
}

void cp_init(cp_prog *p, const char *name, const char *synopsis, const char *help)
{
	guard_std_fds();
	memset(p, 0, sizeof *p);
	p->name = name;
	p->synopsis = synopsis;
	p->help = help;
	out_init(&p->out, 1, false);
	the_prog = p;
	atexit(flush_at_exit);
}

void cp_usage(cp_prog *p)
{
	fprintf(stderr, "usage: %s\n", p->synopsis);
	exit(CP_EX_USAGE);
}

static void __attribute__((noreturn)) help(cp_prog *p)
{
	printf("usage: %s\n\n%s%s", p->synopsis, p->help ? p->help : "", CP_COMMON_HELP);
	printf("\nSee %s(1).\n", p->name);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : CP_EX_IOERR);
}

/* Like --help: a version that could not be written (> /dev/full) is 74. */
static void __attribute__((noreturn)) version(cp_prog *p)
{
	printf("%s (carepipe) %s\n", p->name, CAREPIPE_VERSION);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", p->name,
		        stdout_closed && errno == EBADF ? "standard output is closed" : strerror(errno));
		exit(CP_EX_IOERR);
	}
	exit(0);
}

int cp_getopt(cp_prog *p, int argc, char **argv, const char *shortopts,
              const struct option *longopts)
{
	static struct option *merged;
	static char *shorts;
	if (!merged) {
		size_t n = 0, nc = sizeof common_opts / sizeof common_opts[0];
		while (longopts && longopts[n].name)
			n++;
		merged = calloc(n + nc + 1, sizeof *merged);
		shorts = malloc(strlen(shortopts ? shortopts : "") + 4);
		if (!merged || !shorts)
			cp_die(p, CP_EX_OSERR, "out of memory");
		if (n)
			memcpy(merged, longopts, n * sizeof *merged);
		memcpy(merged + n, common_opts, sizeof common_opts);
		/* ':' first so a missing argument is told apart. */
		strcpy(shorts, ":");
		strcat(shorts, shortopts ? shortopts : "");
		strcat(shorts, "qv");
	}
	for (;;) {
		int c = getopt_long(argc, argv, shorts, merged, NULL);
		switch (c) {
		case OPT_BAD:
			p->bad_path = optarg;
			continue;
		case OPT_STRICT:
			p->strict = true;
			continue;
		case OPT_LINEBUF:
			p->line_buffered = true;
			continue;
		case 'q':
			p->quiet = true;
			continue;
		case 'v':
			p->verbose = true;
			continue;
		case OPT_HELP:
			help(p);
		case OPT_VERSION:
			version(p);
		case ':':
			fprintf(stderr, "%s: option '%s' needs an argument\n", p->name,
			        argv[optind - 1]);
			cp_usage(p);
		case '?':
			if (optopt)
				fprintf(stderr, "%s: unknown option '-%c'\n", p->name, optopt);
			else
				fprintf(stderr, "%s: unknown option '%s'\n", p->name,
				        argv[optind - 1]);
			cp_usage(p);
		default:
			return c;
		}
	}
}

/* --bad FILE: "-" would be a file named "-" to fopen, and standard output
 * carries the records, so it is refused (64); /dev/stderr names stderr.
 * The file is made on the first bad line, not before, so a run with none
 * leaves nothing behind; whether it can be made is checked now, so a bad
 * path fails at once (73) rather than at the first bad line. */
static void bad_check(cp_prog *p)
{
	if (strcmp(p->bad_path, "-") == 0)
		cp_die(p, CP_EX_USAGE, "--bad -: standard output carries the records; "
		       "name a file (or /dev/stderr)");
	char *copy = strdup(p->bad_path);
	if (!copy)
		cp_die(p, CP_EX_OSERR, "out of memory");
	bool ok = access(p->bad_path, W_OK) == 0 ||
	          (errno == ENOENT && access(dirname(copy), W_OK | X_OK) == 0);
	int err = errno;
	free(copy);
	if (!ok)
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", p->bad_path, strerror(err));
}

static FILE *bad_file(cp_prog *p)
{
	if (!p->bad && !(p->bad = fopen(p->bad_path, "a")))
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", p->bad_path, strerror(errno));
	return p->bad;
}

void cp_start(cp_prog *p)
{
	out_init(&p->out, 1, p->line_buffered || isatty(1));
	if (p->bad_path)
		bad_check(p);
}

void cp_warn(cp_prog *p, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", p->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cp_die(cp_prog *p, int code, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", p->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

void cp_die_err(cp_prog *p, const cp_err *e)
{
	cp_die(p, e->code ? e->code : CP_EX_SOFTWARE, "%s", e->msg);
}

/* Which status wins when several happened: the one that asks the most of
 * whoever reads it.  Data errors yield to failures of the system. */
static int rank(int code)
{
	switch (code) {
	case 0: return 0;
	case CP_EX_DATAERR: return 1;
	case 1: return 2;
	case CP_EX_NOINPUT: return 3;
	default: return 4;
	}
}

void cp_status(cp_prog *p, int code)
{
	if (rank(code) > rank(p->exit_status))
		p->exit_status = code;
}

void cp_bad_line(cp_prog *p, const char *file, uint64_t lineno, const char *line,
                 size_t len, const char *reason)
{
	p->nbad++;
	fprintf(stderr, "%s: %s:%llu: %s\n", p->name, file, (unsigned long long)lineno, reason);
	if (p->bad_path && bad_file(p)) {
		if (fwrite(line, 1, len, p->bad) != len || putc('\n', p->bad) == EOF ||
		    fflush(p->bad) != 0)
			cp_die(p, CP_EX_IOERR, "%s: %s", p->bad_path, strerror(errno));
	}
	cp_status(p, CP_EX_DATAERR);
	if (p->strict) {
		out_flush(&p->out);
		exit(CP_EX_DATAERR);
	}
}

void cp_emit(cp_prog *p, const char *line, size_t len)
{
	/* A line built after a failed allocation may lack a part: stop
	 * cleanly rather than write it (and before any state covers it). */
	if (buf_failures())
		cp_die(p, CP_EX_OSERR, "out of memory");
	if (out_record(&p->out, line, len) < 0)
		cp_die(p, CP_EX_IOERR, "write error: %s", cp_out_strerror(p));
	p->nrecords++;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* On a terminal, a long run says how far it is, once a second at most. */
struct progress {
	bool on;
	double start, last;
	uint64_t lines;
};

static void progress_tick(cp_prog *p, struct progress *pg, bool final)
{
	double t = now_s();
	if (!final && t - pg->last < 1.0)
		return;
	if (final && pg->last == pg->start)
		return; /* a short run stays quiet */
	pg->last = t;
	double el = t - pg->start > 0 ? t - pg->start : 1e-9;
	fprintf(stderr, "\r%s: %llu lines, %llu bad, %.0f lines/s%s", p->name,
	        (unsigned long long)pg->lines, (unsigned long long)p->nbad, pg->lines / el,
	        final ? "\n" : "");
}

int cp_each_record(cp_prog *p, int argc, char **argv, cp_record_fn fn, void *ctx)
{
	struct progress pg = { !p->quiet && isatty(2), 0, 0, 0 };
	pg.start = pg.last = pg.on ? now_s() : 0;
	static char dash[] = "-";
	char *stdin_only[] = { dash };
	rec r = {0};
	cp_err e = {0};
	int rc = 0;

	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (int i = 0; i < argc && rc == 0; i++) {
		rd *in = rd_open(argv[i], &e);
		if (!in) {
			cp_warn(p, "%s", e.msg);
			cp_status(p, e.code);
			continue;
		}
		const char *line;
		size_t len;
		int got;
		cp_pos pos = { rd_name(in), 0 };
		while ((got = rd_line(in, &line, &len, &e)) > 0) {
			pos.lineno = rd_lineno(in);
			if (pg.on && (++pg.lines & 0xffff) == 0)
				progress_tick(p, &pg, false);
			if (rec_parse(&r, line, len) < 0) {
				size_t k = 0;
				while (k < len && (line[k] == ' ' || line[k] == '\t'))
					k++;
				if (k == len)
					continue; /* blank lines are not records */
				char why[160];
				snprintf(why, sizeof why, "%s at byte %zu", r.err, r.err_off + 1);
				cp_bad_line(p, pos.file, pos.lineno, line, len, why);
				continue;
			}
			rc = fn(ctx, &r, &pos);
			if (rc)
				break;
		}
		if (got < 0) {
			cp_warn(p, "%s:%llu: %s", rd_name(in), (unsigned long long)rd_lineno(in) + 1,
			        e.msg);
			cp_status(p, e.code);
		}
		rd_close(in);
	}
	if (pg.on)
		progress_tick(p, &pg, true);
	rec_free(&r);
	return rc;
}

int cp_finish(cp_prog *p)
{
	/* A failure seen before (out.failed) was reported where it happened:
	 * the status still says it, the message is not said twice. */
	bool told = p->out.failed;
	if (out_close(&p->out) < 0) {
		if (!told)
			fprintf(stderr, "%s: write error: %s\n", p->name, cp_out_strerror(p));
		cp_status(p, CP_EX_IOERR);
	}
	if (p->bad && fclose(p->bad) != 0) {
		fprintf(stderr, "%s: %s: %s\n", p->name, p->bad_path, strerror(errno));
		cp_status(p, CP_EX_IOERR);
	}
	p->bad = NULL;
	return p->exit_status;
}
