/*
 * The line reader.  Input comes in large blocks through read(2) (or zlib
 * when the first bytes are gzip's magic) and lines are handed out as views
 * into the block, so a line is never copied unless it straddles two reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "carepipe.h"

#define CHUNK (256 * 1024)

struct rd {
	int fd;
	bool own_fd;
	char *name;
	uint64_t lineno;
	/* decoded data: buf[start..end) is unread */
	char *buf;
	size_t start, end, cap;
	bool eof;         /* no more decoded data will come */
	/* gzip */
	bool gz;
	bool gz_done;     /* the current member ended */
	z_stream z;
	unsigned char *zin;
	size_t zin_len;   /* bytes in zin not yet given to zlib */
	bool raw_eof;     /* the file itself is at its end */
	bool started;     /* sniffed for gzip and a byte order mark */
	bool regular;     /* a regular file: reading it waits on no writer */
};

static cp_rd *rd_make(int fd, bool own, const char *name, cp_err *e)
{
	cp_rd *r = calloc(1, sizeof *r);
	if (!r || !(r->name = strdup(name)) || !(r->buf = malloc(CHUNK))) {
		if (r)
			free(r->name);
		free(r);
		cp_fail(e, CP_EX_OSERR, "%s: out of memory", name);
		return NULL;
	}
	r->fd = fd;
	r->own_fd = own;
	r->cap = CHUNK;
	struct stat st;
	r->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	return r;
}

cp_rd *rd_fdopen(int fd, const char *name, cp_err *e)
{
	return rd_make(fd, false, name, e);
}

int rd_input_fd(const char *path, cp_err *e)
{
	if (strcmp(path, "-") == 0) {
		/* The scaffold puts a write-only /dev/null on a descriptor 0 that
		 * was closed (cp_init); reading it is an input that is not there,
		 * told as such rather than as a read error or an empty input. */
		int fl = fcntl(0, F_GETFL);
		if (fl < 0 || (fl & O_ACCMODE) == O_WRONLY)
			return cp_fail(e, CP_EX_NOINPUT, "(stdin): standard input is closed");
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cp_fail(e, errno == ENOENT || errno == EACCES || errno == ENOTDIR
		               ? CP_EX_NOINPUT : CP_EX_IOERR, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return cp_fail(e, CP_EX_NOINPUT, "%s: is a directory, not an input file", path);
	}
	return fd;
}

cp_rd *rd_open(const char *path, cp_err *e)
{
	int fd = rd_input_fd(path, e);
	if (fd < 0)
		return NULL;
	if (fd == 0)
		return rd_make(0, false, "(stdin)", e);
	cp_rd *r = rd_make(fd, true, path, e);
	if (!r)
		close(fd);
	return r;
}

const char *rd_name(const cp_rd *r) { return r->name; }
uint64_t rd_lineno(const cp_rd *r) { return r->lineno; }

bool rd_has_line(const cp_rd *r)
{
	/* zlib may hold input it has not decoded yet: say so rather than
	 * have the caller wait on the descriptor for data already read. */
	if (r->eof || r->gz)
		return true;
	return memchr(r->buf + r->start, '\n', r->end - r->start) != NULL;
}

bool rd_may_wait(const cp_rd *r)
{
	if (r->regular || r->eof || memchr(r->buf + r->start, '\n', r->end - r->start))
		return false;
	if (r->gz && (r->zin_len || r->raw_eof))
		return false;
	/* at the end, or on an error, read returns at once */
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	return poll(&pfd, 1, 0) == 0;
}

void rd_close(cp_rd *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	if (r->gz)
		inflateEnd(&r->z);
	free(r->zin);
	free(r->buf);
	free(r->name);
	free(r);
}

static ssize_t read_full(int fd, void *p, size_t n)
{
	ssize_t got;
	do
		got = read(fd, p, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Read what comes of an uncompressed input into the buffer's free room. */
static ssize_t read_plain(cp_rd *r, cp_err *e)
{
	ssize_t got = read_full(r->fd, r->buf + r->end, r->cap - r->end);
	if (got < 0)
		return cp_fail(e, CP_EX_IOERR, "read error: %s", strerror(errno));
	if (got == 0)
		r->eof = true;
	r->end += (size_t)got;
	return got;
}

/* Room for at least `want` more bytes after end, keeping unread data. */
static int make_room(cp_rd *r, size_t want, cp_err *e)
{
	if (r->start > 0 && r->cap - r->end < want) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < want) {
		size_t ncap = r->cap * 2;
		while (ncap - r->end < want)
			ncap *= 2;
		char *nb = realloc(r->buf, ncap);
		if (!nb)
			return cp_fail(e, CP_EX_OSERR, "out of memory for a %zu-byte line",
			               r->end - r->start);
		r->buf = nb;
		r->cap = ncap;
	}
	return 0;
}

/* Fill raw input for zlib. */
static int gz_fill(cp_rd *r, cp_err *e)
{
	if (r->zin_len == 0 && !r->raw_eof) {
		ssize_t got = read_full(r->fd, r->zin, CHUNK);
		if (got < 0)
			return cp_fail(e, CP_EX_IOERR, "read error: %s", strerror(errno));
		if (got == 0)
			r->raw_eof = true;
		r->zin_len = (size_t)got;
		r->z.next_in = r->zin;
		r->z.avail_in = (uInt)got;
	}
	return 0;
}

/* Decode more into buf.  Returns bytes added, 0 at the end, -1 on error. */
static ssize_t fill(cp_rd *r, cp_err *e)
{
	if (r->eof)
		return 0;
	if (make_room(r, CHUNK / 2, e) < 0)
		return -1;
	if (!r->gz)
		return read_plain(r, e);
	size_t before = r->end;
	while (r->end == before) {
		if (gz_fill(r, e) < 0)
			return -1;
		if (r->gz_done) {
			/* gzip allows several members back to back. */
			if (r->z.avail_in == 0 && r->raw_eof) {
				r->eof = true;
				return 0;
			}
			if (r->z.avail_in == 0)
				continue;
			inflateReset(&r->z);
			r->gz_done = false;
		}
		r->z.next_out = (unsigned char *)r->buf + r->end;
		r->z.avail_out = (uInt)(r->cap - r->end);
		int zr = inflate(&r->z, Z_NO_FLUSH);
		r->end = r->cap - r->z.avail_out;
		r->zin_len = r->z.avail_in;
		if (zr == Z_STREAM_END) {
			r->gz_done = true;
		} else if (zr == Z_BUF_ERROR && r->z.avail_in == 0) {
			if (r->raw_eof)
				return cp_fail(e, CP_EX_DATAERR, "truncated gzip stream");
			continue; /* needs more input */
		} else if (zr != Z_OK) {
			return cp_fail(e, CP_EX_DATAERR, "corrupt gzip stream: %s",
			               r->z.msg ? r->z.msg : "inflate error");
		}
	}
	return (ssize_t)(r->end - before);
}

/* On the first read, look for gzip's magic and switch to zlib. */
static int sniff(cp_rd *r, cp_err *e)
{
	while (r->end < 2 && !r->eof)
		if (read_plain(r, e) < 0)
			return -1;
	if (r->end >= 2 && (unsigned char)r->buf[0] == 0x1f && (unsigned char)r->buf[1] == 0x8b) {
		if (!(r->zin = malloc(CHUNK)))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK)
			return cp_fail(e, CP_EX_OSERR, "cannot start zlib");
		memcpy(r->zin, r->buf, r->end);
		r->zin_len = r->end;
		r->z.next_in = r->zin;
		r->z.avail_in = (uInt)r->end;
		r->raw_eof = r->eof;
		r->eof = false;
		r->start = r->end = 0;
		r->gz = true;
	}
	return 0;
}

/* Before the first line: gzip's magic, then a UTF-8 byte order mark, which
 * some editors and Windows exports put first; left in, it would make the
 * first record of a file not JSON.  Only at the start of a file (of the
 * decompressed data), as in RFC 8259 section 8.1. */
static int start(cp_rd *r, cp_err *e)
{
	r->started = true;
	if (sniff(r, e) < 0)
		return -1;
	while (r->end - r->start < 3) {
		ssize_t got = fill(r, e);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
	}
	if (r->end - r->start >= 3 && memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3) == 0)
		r->start += 3;
	return 0;
}

int rd_line(cp_rd *r, const char **line, size_t *len, cp_err *e)
{
	if (!r->started && start(r, e) < 0)
		return -1;
	size_t scan_from = r->start;
	for (;;) {
		char *nl = memchr(r->buf + scan_from, '\n', r->end - scan_from);
		if (nl) {
			size_t n = (size_t)(nl - (r->buf + r->start));
			*line = r->buf + r->start;
			if (n > 0 && (*line)[n - 1] == '\r')
				n--;
			*len = n;
			r->start = (size_t)(nl - r->buf) + 1;
			r->lineno++;
			return 1;
		}
		size_t have = r->end - r->start;
		ssize_t got = fill(r, e);
		if (got < 0)
			return -1;
		if (got == 0) {
			if (r->end == r->start)
				return 0;
			/* A last line without a newline is still a line. */
			*line = r->buf + r->start;
			*len = r->end - r->start;
			if (*len > 0 && (*line)[*len - 1] == '\r')
				(*len)--;
			r->start = r->end;
			r->lineno++;
			return 1;
		}
		scan_from = r->start + have;
	}
}

int rd_all(cp_rd *r, cp_buf *out, cp_err *e)
{
	if (!r->started && start(r, e) < 0)
		return -1;
	for (;;) {
		if (buf_add(out, r->buf + r->start, r->end - r->start) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		r->start = r->end;
		ssize_t got = fill(r, e);
		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
	}
}
