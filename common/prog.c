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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carepipe.h"
#include "jobs.h"
#include "unicode.h"

enum {
	OPT_BAD = 0x1000,
	OPT_STRICT,
	OPT_LINEBUF,
	OPT_VERSION,
	OPT_LIST_OPTIONS,
};

static const struct option common_opts[] = {
	{ "bad", required_argument, NULL, OPT_BAD },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "line-buffered", no_argument, NULL, OPT_LINEBUF },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	/* Hidden: the option table, for the generated shell completions. */
	{ "list-options", no_argument, NULL, OPT_LIST_OPTIONS },
};

static cp_prog *the_prog;

/* On a terminal, a message starts on a line of its own (see cp_progress). */
static void msg_fresh_line(void);

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

static void msg_write(const char *name, const char *fmt, va_list ap);

void cp_usage_error(cp_prog *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_write(p->name, fmt, ap);
	va_end(ap);
	cp_usage(p);
}

/*
 * --list-options: every option getopt_long is given, one per line, as
 * "SPELLINGS<TAB>ARG": the short and long spellings of one option joined
 * by commas (-f,--rules), then "arg" when it takes an argument, "-" when
 * not.  The completion generator (scripts/gen-completions) reads this, so
 * completions come from the very table that parses the command line.
 */
static void __attribute__((noreturn)) list_options(const char *shorts,
                                                   const struct option *lo)
{
	/* shorts starts with ':'; each letter may be followed by ':'. */
	for (const char *c = shorts + 1; *c; c++) {
		if (*c == ':')
			continue;
		bool arg = c[1] == ':';
		const char *longname = NULL;
		for (const struct option *o = lo; o->name; o++)
			if (o->val == *c && !o->flag)
				longname = o->name;
		printf("-%c%s%s\t%s\n", *c, longname ? ",--" : "", longname ? longname : "",
		       arg ? "arg" : "-");
	}
	for (const struct option *o = lo; o->name; o++) {
		if (o->val == OPT_LIST_OPTIONS)
			continue;
		if (!o->flag && o->val > 0 && o->val < 256 && strchr(shorts + 1, o->val))
			continue; /* printed with its short spelling */
		printf("--%s\t%s\n", o->name, o->has_arg == no_argument ? "-" : "arg");
	}
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : CP_EX_IOERR);
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
		shorts = malloc(strlen(shortopts ? shortopts : "") + 5);
		if (!merged || !shorts)
			cp_die(p, CP_EX_OSERR, "out of memory");
		if (n)
			memcpy(merged, longopts, n * sizeof *merged);
		memcpy(merged + n, common_opts, sizeof common_opts);
		/* ':' first so a missing argument is told apart. */
		strcpy(shorts, ":");
		strcat(shorts, shortopts ? shortopts : "");
		strcat(shorts, "qvh");
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
		case 'h':
			help(p);
		case OPT_LIST_OPTIONS:
			list_options(shorts, merged);
		case OPT_VERSION:
			version(p);
		case ':':
			cp_warn(p, "option '%s' needs an argument", argv[optind - 1]);
			cp_usage(p);
		case '?':
			if (optopt)
				cp_warn(p, "unknown option '-%c'", optopt);
			else
				cp_warn(p, "unknown option '%s'", argv[optind - 1]);
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
		cp_usage_error(p, "--bad -: standard output carries the records; "
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

/*
 * Messages quote what users and customers wrote: a date that is not one, a
 * jq error naming a value, a file name, an argument.  None of it may reach
 * a terminal as a control sequence (ESC ] 0 ; ... BEL retitles a window,
 * others move the cursor or forge lines), so every message goes out through
 * msg_write, which shows the C0 controls, DEL, the C1 controls and bytes
 * that are not UTF-8 as escapes: \t, \n and \r, \xHH for the other C0
 * controls, DEL and stray bytes, \u0080 to \u009f for the C1 controls.
 * Backslashes and all other text are written as they are.  carepipe(7)
 * documents the form.
 */
struct msg_out {
	char b[4096];
	size_t n;
};

/* stderr is unbuffered: one fwrite per chunk keeps a message whole. */
static void msg_flush(struct msg_out *o)
{
	if (o->n)
		fwrite(o->b, 1, o->n, stderr);
	o->n = 0;
}

static void msg_add(struct msg_out *o, const char *s, size_t n)
{
	while (n) {
		if (o->n == sizeof o->b)
			msg_flush(o);
		size_t k = sizeof o->b - o->n < n ? sizeof o->b - o->n : n;
		memcpy(o->b + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
	}
}

static void msg_add_visible(struct msg_out *o, const char *s, size_t n)
{
	size_t i = 0, run = 0; /* s[run..i) is plain text not yet added */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		size_t len;
		uint32_t cp;
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			int k = utf8_decode(s + i, n - i, &cp);
			if (k > 0 && cp > 0x9f) {
				i += (size_t)k;
				continue;
			}
			if (k > 0)
				len = (size_t)snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
			else
				len = (size_t)snprintf(esc, sizeof esc, "\\x%02x", c);
			msg_add(o, s + run, i - run);
			msg_add(o, esc, len);
			i += k > 0 ? (size_t)k : 1;
			run = i;
			continue;
		}
		if (c == '\t' || c == '\n' || c == '\r')
			len = (size_t)snprintf(esc, sizeof esc, "\\%c",
			                       c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
		else
			len = (size_t)snprintf(esc, sizeof esc, "\\x%02x", c);
		msg_add(o, s + run, i - run);
		msg_add(o, esc, len);
		run = ++i;
	}
	msg_add(o, s + run, n - run);
}

/* Write "PROG: message\n" to stderr, the message made visible. */
static void msg_write(const char *name, const char *fmt, va_list ap)
{
	struct msg_out o = { .n = 0 };
	msg_fresh_line();
	char small[1024], *text = small;
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small) {
		char *big = malloc((size_t)n + 1);
		if (big && vsnprintf(big, (size_t)n + 1, fmt, again) == n)
			text = big;
		else
			free(big), n = (int)sizeof small - 1; /* out of memory: the start */
	}
	va_end(again);
	if (n < 0)
		n = 0;
	msg_add(&o, name, strlen(name));
	msg_add(&o, ": ", 2);
	msg_add_visible(&o, text, (size_t)n);
	msg_add(&o, "\n", 1);
	msg_flush(&o);
	if (text != small)
		free(text);
}

/*
 * A worker's cp_prog (cp_each_record_jobs) keeps what is said through it
 * with its batch, or, between batches, says it through the program's own.
 */
void cp_warn(cp_prog *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (p->batch)
		jobs_warn_v(p, fmt, ap);
	else
		msg_write(p->name, fmt, ap);
	va_end(ap);
}

void cp_die(cp_prog *p, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (p->batch)
		jobs_die_v(p, code, fmt, ap);
	msg_write(p->name, fmt, ap);
	va_end(ap);
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
	if (p->batch) {
		jobs_status(p, code);
		return;
	}
	if (p->parent)
		p = p->parent;
	if (rank(code) > rank(p->exit_status))
		p->exit_status = code;
}

void cp_bad_line(cp_prog *p, const char *file, uint64_t lineno, const char *line,
                 size_t len, const char *reason)
{
	if (p->batch) {
		jobs_bad_line(p, file, lineno, line, len, reason);
		return;
	}
	if (p->parent)
		p = p->parent;
	p->nbad++;
	cp_warn(p, "%s:%llu: %s", file, (unsigned long long)lineno, reason);
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
	if (p->batch) {
		jobs_emit(p, line, len);
		return;
	}
	if (p->parent)
		p = p->parent;
	if (out_record(&p->out, line, len) < 0)
		cp_out_failed(p);
	p->nrecords++;
}

void cp_out_failed(cp_prog *p)
{
	/* the output's buffer could not grow: out of memory, not a failed
	 * write (the allocation rule) */
	if (p->out.err_no == ENOMEM)
		cp_die(p, CP_EX_OSERR, "out of memory");
	cp_die(p, CP_EX_IOERR, "write error: %s", cp_out_strerror(p));
}

/*
 * Progress on a shared terminal.  In a pipeline every stage has the same
 * terminal on stderr; if each drew its own progress line they would
 * overwrite one another.  So only the last stage draws: the one whose
 * standard output is not a pipe (a file, the terminal).  It redraws its
 * one line in place; a message from any stage first erases whatever
 * progress line the cursor is on, so it starts on a fresh line, and the
 * drawing stage draws again below it at its next tick.
 */
static bool progress_open;   /* this process left a progress line unfinished */

static bool stderr_tty(void)
{
	static int tty = -1;
	if (tty < 0) {
		int saved = errno;   /* isatty sets ENOTTY; callers may still read errno */
		tty = isatty(2);
		errno = saved;
	}
	return tty;
}

/* A terminal that knows "erase line" (ECMA-48 EL, ESC [ K). */
static bool stderr_ansi(void)
{
	const char *t = getenv("TERM");
	return stderr_tty() && t && *t && strcmp(t, "dumb") != 0;
}

/* Before a message: on a terminal, a line of its own. */
static void msg_fresh_line(void)
{
	if (!stderr_tty())
		return;
	int saved = errno;   /* the message about to be written may name it */
	if (stderr_ansi())
		fputs("\r\033[K", stderr);
	else if (progress_open)
		fputc('\n', stderr);
	progress_open = false;
	errno = saved;
}

void cp_progress_init(cp_prog *p, cp_progress *pg)
{
	struct stat st;
	const char *every = getenv("CAREPIPE_PROGRESS_SECONDS");
	int saved = errno;
	memset(pg, 0, sizeof *pg);
	pg->on = !p->quiet && stderr_tty() &&
	    !(fstat(1, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)));
	pg->every = 1.0;
	if (every && *every) {
		char *end;
		double v = strtod(every, &end);
		if (*end == '\0' && v >= 0)
			pg->every = v;
	}
	pg->start = pg->last = mono_now();
	errno = saved;
}

bool cp_progress_due(const cp_progress *pg)
{
	return pg->on && mono_now() - pg->last >= pg->every;
}

double cp_progress_rate(const cp_progress *pg, uint64_t n)
{
	double el = mono_now() - pg->start;
	return n / (el > 0 ? el : 1e-9);
}

void cp_progress_show(cp_prog *p, cp_progress *pg, bool final, const char *fmt, ...)
{
	if (!pg->on || (final && !pg->drawn))
		return;   /* a short run stays quiet */
	char line[512];
	int n = snprintf(line, sizeof line, "%s: ", p->name);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	/* One terminal line, never wrapped (a wrapped line cannot be redrawn
	 * in place), cut on a UTF-8 boundary; no control characters. */
	size_t cols = 80;
	struct winsize ws;
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		cols = ws.ws_col;
	size_t len = strlen(line);
	if (len > cols - 1) {
		len = cols - 1;
		while (len > 0 && ((unsigned char)line[len] & 0xc0) == 0x80)
			len--;
		line[len] = '\0';
	}
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	fprintf(stderr, "\r%s%s%s", stderr_ansi() ? "\033[K" : "", line, final ? "\n" : "");
	fflush(stderr);
	pg->last = mono_now();
	pg->drawn = true;
	progress_open = !final;
}

void cp_progress_count(cp_prog *p, cp_progress *pg, bool final, const char *label,
                       uint64_t n, const char *unit, bool with_bad)
{
	char bad[48] = "";
	if (!pg->on || (final && !pg->drawn))
		return;
	if (with_bad)
		snprintf(bad, sizeof bad, ", %llu bad", (unsigned long long)p->nbad);
	cp_progress_show(p, pg, final, "%s%s%llu %s%s, %.0f %s/s", label ? label : "",
	    label ? " " : "", (unsigned long long)n, unit, bad, cp_progress_rate(pg, n), unit);
}

int cp_each_input(cp_prog *p, int argc, char **argv, cp_input_fn fn, void *ctx)
{
	static char dash[] = "-";
	char *stdin_only[] = { dash };
	int rc = 0;

	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (int i = 0; i < argc && rc <= 0; i++) {
		cp_err e = {0};
		cp_rd *in = rd_open(argv[i], &e);
		if (!in) {
			cp_warn(p, "%s", e.msg);
			cp_status(p, e.code);
			continue;
		}
		rc = fn(ctx, in, i, &e);
		if (rc < 0) {
			cp_warn(p, "%s:%llu: %s", rd_name(in), (unsigned long long)rd_lineno(in) + 1,
			        e.msg);
			cp_status(p, e.code);
		}
		rd_close(in);
	}
	return rc > 0 ? rc : 0;
}

/* cp_each_record's state, across its inputs. */
struct each_record {
	cp_prog *p;
	cp_record_fn fn;
	void *ctx;
	cp_progress pg;
	uint64_t lines;
	cp_rec r;
};

int cp_scan_record(cp_prog *p, cp_rec *r, const cp_pos *pos, const char *line, size_t len)
{
	if (rec_parse(r, line, len) == 0)
		return 1;
	if (r->err == rec_err_oom)
		cp_die(p, CP_EX_OSERR, "out of memory");
	size_t k = 0;
	while (k < len && (line[k] == ' ' || line[k] == '\t'))
		k++;
	if (k == len)
		return 0; /* blank lines are not records */
	char why[160];
	snprintf(why, sizeof why, "%s at byte %zu", r->err, r->err_off + 1);
	cp_bad_line(p, pos->file, pos->lineno, line, len, why);
	return 0;
}

static int each_record_input(void *v, cp_rd *in, int index, cp_err *e)
{
	struct each_record *er = v;
	cp_prog *p = er->p;
	const char *line;
	size_t len;
	int got;
	cp_pos pos = { rd_name(in), 0 };
	(void)index;
	while ((got = rd_line(in, &line, &len, e)) > 0) {
		pos.lineno = rd_lineno(in);
		if (cp_progress_tick(&er->pg, ++er->lines))
			cp_progress_count(p, &er->pg, false, NULL, er->lines, "lines", true);
		if (!cp_scan_record(p, &er->r, &pos, line, len))
			continue;
		int rc = er->fn(er->ctx, &er->r, &pos);
		if (rc)
			return rc;
	}
	return got < 0 ? -1 : 0;
}

int cp_each_record(cp_prog *p, int argc, char **argv, cp_record_fn fn, void *ctx)
{
	struct each_record er = { .p = p, .fn = fn, .ctx = ctx };
	cp_progress_init(p, &er.pg);
	int rc = cp_each_input(p, argc, argv, each_record_input, &er);
	cp_progress_count(p, &er.pg, true, NULL, er.lines, "lines", true);
	rec_free(&er.r);
	return rc;
}

int cp_finish(cp_prog *p)
{
	/* A failure seen before (out.failed) was reported where it happened:
	 * the status still says it, the message is not said twice. */
	bool told = p->out.failed;
	if (out_close(&p->out) < 0) {
		if (!told)
			cp_warn(p, "write error: %s", cp_out_strerror(p));
		cp_status(p, CP_EX_IOERR);
	}
	if (p->bad && fclose(p->bad) != 0) {
		cp_warn(p, "%s: %s", p->bad_path, strerror(errno));
		cp_status(p, CP_EX_IOERR);
	}
	p->bad = NULL;
	return p->exit_status;
}

/* http.h's and mail.h's callbacks, with the cp_prog as ctx. */
void cp_on_wait(void *prog, const char *why, double secs)
{
	cp_prog *p = prog;
	(void)secs;     /* already in why, with its unit */
	if (!p->quiet)
		cp_warn(p, "%s", why);
}

void cp_on_trace(void *prog, const char *line)
{
	cp_warn(prog, "%s", line);
}
