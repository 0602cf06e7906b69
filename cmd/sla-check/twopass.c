/*
 * The default reading: input in any order is read twice.  The first pass
 * indexes the outbound records (the only memory that grows), the second
 * writes every record in input order, each inbound decided at once and
 * exactly.  Pipes and stdin are copied to an unlinked temporary file for
 * the second reading.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sla.h"

struct source {
	int fd;
	off_t start;
	char *name;
};

/* Copy a stream that cannot be read twice to an unlinked temporary file. */
static int spill(struct run *R, int fd, const char *name)
{
	char chunk[1 << 16];
	cp_err e = {0};
	int tmp = tmp_open("sla-check", &e);
	if (tmp < 0)
		cp_die(R->p, e.code, "%s (for a copy of %s)", e.msg, name);
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			cp_die(R->p, CP_EX_IOERR, "%s: %s", name, strerror(errno));
		if (got == 0)
			break;
		for (ssize_t off = 0; off < got;) {
			ssize_t w = write(tmp, chunk + off, (size_t)(got - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				cp_die(R->p, CP_EX_IOERR, "temporary copy of %s: %s", name, strerror(errno));
			off += w;
		}
	}
	return tmp;
}

static size_t open_sources(struct run *R, int argc, char **argv, struct source *src)
{
	static char dash[] = "-";
	char *stdin_only[] = { dash };
	size_t n = 0;
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (int i = 0; i < argc; i++) {
		bool is_stdin = strcmp(argv[i], "-") == 0;
		cp_err e = {0};
		int fd = rd_input_fd(argv[i], &e);
		struct stat st;
		if (fd < 0) {
			cp_warn(R->p, "%s", e.msg);
			cp_status(R->p, e.code);
			continue;
		}
		src[n].name = is_stdin ? "(stdin)" : argv[i];
		src[n].start = 0;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (src[n].start = lseek(fd, 0, SEEK_CUR)) >= 0) {
			src[n].fd = fd;
		} else {
			src[n].start = 0;
			src[n].fd = spill(R, fd, src[n].name);
			if (!is_stdin)
				close(fd);
		}
		n++;
	}
	return n;
}

static void decide_inbound(struct run *R, const cp_rec *r)
{
	struct fields *f = &R->f;
	const struct policy *pol = policy_match(&R->ps, r, f->t, R->p);
	int64_t due = due_of(R, pol, f->t);
	const struct resp *resp = find_response(R, f->id, f->idlen, f->thread, f->tlen, f->account,
	                                        f->alen, f->t);
	write_inbound(R, r, make_sla(R, pol, f->t, due, resp));
}

/* False only when the line cannot be an outbound record: without a
 * backslash every quote delimits a string, so the value "out" would show
 * as the bytes "out" after some quote. */
static bool maybe_outbound(const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	if (memchr(line, '\\', len))
		return true;
	while ((p = memchr(p, '"', (size_t)(end - p))) && end - p >= 5) {
		if (memcmp(p + 1, "out\"", 4) == 0)
			return true;
		p++;
	}
	return false;
}

/* One reading of a source: the first indexes quietly, the second decides
 * and reports bad lines. */
static void read_source(struct run *R, struct source *s, bool decide)
{
	cp_err e = {0};
	cp_rec r = {0};
	const char *line;
	size_t len;
	int got;
	if (lseek(s->fd, s->start, SEEK_SET) < 0)
		cp_die(R->p, CP_EX_IOERR, "%s: %s", s->name, strerror(errno));
	cp_rd *in = rd_fdopen(s->fd, s->name, &e);
	if (!in)
		cp_die_err(R->p, &e);
	while ((got = rd_line(in, &line, &len, &e)) > 0) {
		const char *why;
		size_t at = R->linepos++;
		if (cp_progress_tick(&R->pg, R->linepos))
			progress(R, decide, false);
		if (!decide) {
			/* Only outbound records matter now, and a line that holds
			 * neither "out" nor a \u escape cannot be one. */
			if (!maybe_outbound(line, len))
				continue;
			if (rec_parse(&r, line, len) < 0) {
				/* Bad lines are reported by the second pass; a line
				 * that did not fit in memory must not be skipped. */
				if (r.err == rec_err_oom)
					sla_oom(R);
				continue;
			}
			if (read_fields(R, &r) || !R->f.out)
				continue;
			index_outbound(R);
			if (at / 64 >= R->nbits) {
				size_t n = R->nbits ? R->nbits * 2 : 1024;
				while (n <= at / 64)
					n *= 2;
				uint64_t *b = realloc(R->outbits, n * sizeof *b);
				if (!b)
					sla_oom(R);
				memset(b + R->nbits, 0, (n - R->nbits) * sizeof *b);
				R->outbits = b;
				R->nbits = n;
			}
			R->outbits[at / 64] |= (uint64_t)1 << (at % 64);
			continue;
		}
		if (at / 64 < R->nbits && R->outbits[at / 64] >> (at % 64) & 1) {
			write_outbound(R, line, len);
			continue;
		}
		if (!parse_line(R, &r, s->name, rd_lineno(in), line, len))
			continue;
		if ((why = read_fields(R, &r)))
			cp_bad_line(R->p, s->name, rd_lineno(in), line, len, why);
		else if (R->f.out)
			write_outbound(R, line, len);
		else
			decide_inbound(R, &r);
	}
	if (got < 0 && decide) {
		cp_warn(R->p, "%s:%llu: %s", s->name, (unsigned long long)rd_lineno(in) + 1, e.msg);
		cp_status(R->p, e.code);
	}
	rd_close(in);
	rec_free(&r);
}

void read_two_pass(struct run *R, int argc, char **argv)
{
	struct source *src = calloc((size_t)argc + 1, sizeof *src);
	if (!src)
		sla_oom(R);
	size_t n = open_sources(R, argc, argv, src);
	cp_progress_init(R->p, &R->pg);
	for (size_t i = 0; i < n; i++)
		read_source(R, &src[i], false);
	progress(R, false, true);
	R->linepos = 0;
	cp_progress_init(R->p, &R->pg);
	for (size_t i = 0; i < n; i++) {
		read_source(R, &src[i], true);
		if (src[i].fd != 0)
			close(src[i].fd);
	}
	progress(R, true, true);
	free(src);
}
