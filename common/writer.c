/*
 * Record output.  Whole records only reach the descriptor, so what a
 * reader downstream sees after any interruption ends in a newline.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "carepipe.h"

#define OUT_FLUSH_AT (128 * 1024)

void out_init(cp_out *o, int fd, bool line_buffered)
{
	memset(o, 0, sizeof *o);
	o->fd = fd;
	o->line_buffered = line_buffered;
}

static int write_all(cp_out *o, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->failed = true;
			o->err_no = errno;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int out_flush(cp_out *o)
{
	if (o->failed)
		return -1;
	if (o->b.len == 0)
		return 0;
	int rc = write_all(o, o->b.p, o->b.len);
	o->b.len = 0;
	return rc;
}

int out_record(cp_out *o, const char *p, size_t n)
{
	if (o->failed)
		return -1;
	if (n >= OUT_FLUSH_AT) {
		/* A huge record goes straight out, after what came before. */
		if (out_flush(o) < 0 || write_all(o, p, n) < 0 || write_all(o, "\n", 1) < 0)
			return -1;
		return 0;
	}
	if (buf_reserve(&o->b, n + 1) < 0) {
		o->failed = true;
		o->err_no = ENOMEM;
		return -1;
	}
	memcpy(o->b.p + o->b.len, p, n);
	o->b.p[o->b.len + n] = '\n';
	o->b.len += n + 1;
	if (o->line_buffered || o->b.len >= OUT_FLUSH_AT)
		return out_flush(o);
	return 0;
}

int out_records(cp_out *o, const char *p, size_t n)
{
	if (o->failed)
		return -1;
	/* many records: straight out, after what came before, rather than
	 * copied into the buffer first */
	if (n >= OUT_FLUSH_AT / 4)
		return out_flush(o) < 0 || write_all(o, p, n) < 0 ? -1 : 0;
	if (buf_add(&o->b, p, n) < 0) {
		o->failed = true;
		o->err_no = ENOMEM;
		return -1;
	}
	if (o->line_buffered || o->b.len >= OUT_FLUSH_AT)
		return out_flush(o);
	return 0;
}

int out_close(cp_out *o)
{
	int rc = out_flush(o);
	buf_free(&o->b);
	return rc;
}
