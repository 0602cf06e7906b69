/*
 * State that must survive a crash: written whole or not at all, and never
 * shared by two runs at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carepipe.h"

static int fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int state_stage(state_txn *t, const char *path, const void *p, size_t n, cp_err *e)
{
	cp_buf tmp = {0};
	memset(t, 0, sizeof *t);
	if (buf_failures())
		return cp_fail(e, CP_EX_OSERR, "%s: not written: out of memory earlier", path);
	if (buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0 || !(t->path = strdup(path))) {
		buf_free(&tmp);
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	int fd = open(tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		cp_fail(e, CP_EX_CANTCREAT, "%s: %s", tmp.p, strerror(errno));
		buf_free(&tmp);
		free(t->path);
		t->path = NULL;
		return -1;
	}
	t->tmp = tmp.p;
	const char *q = p;
	size_t left = n;
	while (left > 0) {
		ssize_t w = write(fd, q, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		q += w;
		left -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	int closed = close(fd);
	fd = -1;
	if (closed < 0)
		goto fail;
	return 0;
fail:
	cp_fail(e, CP_EX_IOERR, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	state_discard(t);
	return -1;
}

int state_commit(state_txn *t, cp_err *e)
{
	int rc = 0;
	if (rename(t->tmp, t->path) < 0) {
		rc = cp_fail(e, CP_EX_IOERR, "%s: %s", t->path, strerror(errno));
	} else {
		free(t->tmp);   /* it is path now: nothing to remove */
		t->tmp = NULL;
		if (fsync_dir_of(t->path) < 0)
			rc = cp_fail(e, CP_EX_IOERR, "%s: %s", t->path, strerror(errno));
	}
	state_discard(t);
	return rc;
}

void state_discard(state_txn *t)
{
	if (t->tmp)
		unlink(t->tmp);
	free(t->tmp);
	free(t->path);
	t->tmp = t->path = NULL;
}

int state_write(const char *path, const void *p, size_t n, cp_err *e)
{
	state_txn t;
	if (state_stage(&t, path, p, n, e) < 0)
		return -1;
	return state_commit(&t, e);
}

int tmp_open(const char *tag, cp_err *e)
{
	const char *dir = getenv("TMPDIR");
	cp_buf path = {0};
	if (!dir || !*dir)
		dir = "/tmp";
	if (buf_addf(&path, "%s/%s.XXXXXX", dir, tag) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	int fd = mkostemp(path.p, O_CLOEXEC);
	if (fd < 0)
		cp_fail(e, CP_EX_CANTCREAT, "%s: cannot make a temporary file: %s", path.p,
		        strerror(errno));
	else
		unlink(path.p);
	buf_free(&path);
	return fd;
}

int state_read(const char *path, cp_buf *out, cp_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return cp_fail(e, CP_EX_IOERR, "%s: %s", path, strerror(errno));
	}
	char chunk[65536];
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			cp_fail(e, CP_EX_IOERR, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (got == 0)
			break;
		if (buf_add(out, chunk, (size_t)got) < 0) {
			close(fd);
			return cp_fail(e, CP_EX_OSERR, "%s: out of memory", path);
		}
	}
	close(fd);
	return 1;
}

int state_lock(const char *dir, bool wait, cp_err *e)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cp_fail(e, CP_EX_CANTCREAT, "%s: %s", dir, strerror(errno));
	cp_buf path = {0};
	if (buf_addf(&path, "%s/.lock", dir) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	int fd = open(path.p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		cp_fail(e, CP_EX_CANTCREAT, "%s: %s", path.p, strerror(errno));
		buf_free(&path);
		return -1;
	}
	int rc;
	do
		rc = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
	while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		if (errno == EWOULDBLOCK)
			cp_fail(e, CP_EX_TEMPFAIL, "%s: another run holds the lock", dir);
		else
			cp_fail(e, CP_EX_IOERR, "%s: %s", path.p, strerror(errno));
		close(fd);
		buf_free(&path);
		return -1;
	}
	buf_free(&path);
	return fd;
}

void state_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing drops the flock */
}

int state_append(int fd, const char *p, size_t n, cp_err *e)
{
	if (buf_failures())
		return cp_fail(e, CP_EX_OSERR, "journal: not written: out of memory earlier");
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return cp_fail(e, CP_EX_IOERR, "journal: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd) < 0)
		return cp_fail(e, CP_EX_IOERR, "journal: %s", strerror(errno));
	return 0;
}
