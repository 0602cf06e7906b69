/*
 * reply's two passes over its input.  Pass 1 reads every record, reports
 * the bad ones and keeps the ids of the mentions the input answers; pass 2
 * answers the rest in input order (answer.c).
 *
 * Between the passes the records wait in an unlinked temporary file (the
 * spool), so that memory holds only ids.  A preview whose inputs are all
 * regular uncompressed files skips the spool: pass 2 reads the files
 * again, up to the last line pass 1 took a record from, so lines appended
 * in between are not answered.  With --send the spool is always used: what
 * is posted must be exactly what pass 1 saw.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reply.h"
#include "schema.h"

/* Why pass 1 refuses r (reported as a bad line), or NULL. */
static const char *refused(struct reply *c, const cp_rec *r, int *dir)
{
	*dir = rec_direction(r);
	if (*dir != REC_DIR_IN && *dir != REC_DIR_OUT)
		return REC_DIR_REASON;
	if (*dir == REC_DIR_IN && !*str_of(rec_val(r, "id"), &c->tmp))
		return "no \"id\" string";
	return NULL;
}

static int first_pass(void *v, cp_rec *r, const cp_pos *pos)
{
	struct reply *c = v;
	int dir;
	const char *why = refused(c, r, &dir);
	if (why) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len, why);
		return 0;
	}
	c->last_line = pos->lineno;
	const char *s;
	size_t n;
	int answers = rec_answers(r, &c->scratch, &s, &n);
	if (answers < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	if (answers) {
		/* The first answer in the input names it; one probe finds or adds.
		 * Keys are C strings, as answer() looks them up. */
		struct map_slot *sl = map_addn(&c->answered, s, strnlen(s, n));
		if (!sl || (!sl->val && !(sl->val = strdup(str_of(rec_val(r, "id"), &c->tmp)))))
			cp_die(c->p, CP_EX_OSERR, "out of memory");
	}
	if (c->spool &&
	    (fwrite(r->line, 1, r->len, c->spool) != r->len || putc('\n', c->spool) == EOF))
		cp_die(c->p, CP_EX_IOERR, "spool: %s", strerror(errno));
	return 0;
}

/* Whether path ("-": standard input) is a regular file that is not gzip,
 * which pass 2 can read again; *start gets where standard input starts. */
static bool rereadable(const char *path, off_t *start)
{
	bool in = strcmp(path, "-") == 0;
	struct stat st;
	unsigned char magic[2] = {0};
	*start = 0;
	/* stat before open: opening a named pipe would wait for its writer,
	 * and closing it again would cut the writer off. */
	if (!in && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
		return false;
	int fd = in ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	          (!in || (*start = lseek(fd, 0, SEEK_CUR)) >= 0) &&
	          pread(fd, magic, 2, *start) >= 0 && !(magic[0] == 0x1f && magic[1] == 0x8b);
	if (!in && fd >= 0)
		close(fd);
	return ok;
}

void read_input(struct reply *c, int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	cp_err e = {0};
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	bool direct = !c->send;
	for (int i = 0; i < argc && direct; i++) {
		off_t start;
		direct = rereadable(argv[i], &start);
		if (strcmp(argv[i], "-") == 0)
			c->stdin_start = start;
	}
	if (direct) {
		if (!(c->lines = calloc((size_t)argc, sizeof *c->lines)))
			cp_die(c->p, CP_EX_OSERR, "out of memory");
		c->inputs = argv;
		c->ninputs = (size_t)argc;
	} else {
		/* The spool honours TMPDIR, as every temporary file (tmpfile() did not). */
		int fd = tmp_open("reply", &e);
		if (fd < 0)
			cp_die_err(c->p, &e);
		if (!(c->spool = fdopen(fd, "w+")))
			cp_die(c->p, CP_EX_OSERR, "spool: %s", strerror(errno));
	}
	/* One input at a time, to know how far pass 1 read each. */
	for (int i = 0; i < argc; i++) {
		c->last_line = 0;
		cp_each_record(c->p, 1, argv + i, first_pass, c);
		if (direct)
			c->lines[i] = c->last_line;
	}
}

/* Answer the records of in, up to line last (0: no limit); skip what pass 1
 * refused (it reported them). */
static void answer_from(struct reply *c, cp_rd *in, uint64_t last, bool spooled)
{
	cp_err e = {0};
	cp_rec r = {0};
	const char *line;
	size_t len;
	int got = 0, dir;
	while ((!last || rd_lineno(in) < last) && (got = rd_line(in, &line, &len, &e)) > 0) {
		if (rec_parse(&r, line, len) < 0 && r.err == rec_err_oom)
			cp_die(c->p, CP_EX_OSERR, "out of memory");
		if (r.err || (!spooled && refused(c, &r, &dir))) {
			if (spooled)
				cp_die(c->p, CP_EX_SOFTWARE, "spool: a record changed on disk");
			continue;
		}
		answer(c, &r);
	}
	if (got < 0)
		cp_die(c->p, CP_EX_IOERR, "%s: %s", rd_name(in), e.msg);
	rec_free(&r);
}

void answer_input(struct reply *c)
{
	cp_err e = {0};
	if (c->spool) {
		if (fflush(c->spool) != 0 || fseek(c->spool, 0, SEEK_SET) != 0)
			cp_die(c->p, CP_EX_IOERR, "spool: %s", strerror(errno));
		int fd = dup(fileno(c->spool));
		cp_rd *in = fd >= 0 ? rd_fdopen(fd, "spool", &e) : NULL;
		if (!in)
			cp_die(c->p, CP_EX_IOERR, "spool: %s", fd < 0 ? strerror(errno) : e.msg);
		answer_from(c, in, 0, true);
		rd_close(in);
		close(fd);
		return;
	}
	for (size_t i = 0; i < c->ninputs; i++) {
		if (!c->lines[i])
			continue;   /* no record in it */
		bool in = strcmp(c->inputs[i], "-") == 0;
		if (in && lseek(0, c->stdin_start, SEEK_SET) < 0)
			cp_die(c->p, CP_EX_IOERR, "(stdin): %s", strerror(errno));
		cp_rd *rd = in ? rd_fdopen(0, "(stdin)", &e) : rd_open(c->inputs[i], &e);
		if (!rd)
			cp_die_err(c->p, &e);
		answer_from(c, rd, c->lines[i], false);
		rd_close(rd);
	}
}

void input_free(struct reply *c)
{
	if (c->spool)
		fclose(c->spool);
	free(c->lines);
}
