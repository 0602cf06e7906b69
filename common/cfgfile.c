/*
 * Reading a configuration file (cfgfile.h): opened without blocking (a
 * FIFO would wait for a writer), checked to be a regular file, and read
 * to at most CFG_FILE_MAX bytes, whatever its size said, since a file may
 * grow while it is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfgfile.h"

int cfg_read_file(const char *path, cp_buf *out, cp_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return cp_fail(e, CP_EX_CONFIG, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		cp_fail(e, CP_EX_CONFIG, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return cp_fail(e, CP_EX_CONFIG, "%s: not a regular file (%s)", path,
		               S_ISDIR(st.st_mode) ? "a directory" :
		               S_ISFIFO(st.st_mode) ? "a FIFO" :
		               S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "a socket");
	}
	size_t start = out->len, total = 0;
	for (;;) {
		char chunk[65536];
		ssize_t got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			cp_fail(e, CP_EX_CONFIG, "%s: %s", path, strerror(errno));
			break;
		}
		if (got == 0) {
			close(fd);
			if (!buf_cstr(out))
				return cp_fail(e, CP_EX_OSERR, "%s: out of memory", path);
			return 0;
		}
		total += (size_t)got;
		if (total > CFG_FILE_MAX) {
			cp_fail(e, CP_EX_CONFIG, "%s: larger than %d MiB, too big for a "
			        "configuration file", path, CFG_FILE_MAX >> 20);
			break;
		}
		if (buf_add(out, chunk, (size_t)got) < 0) {
			cp_fail(e, CP_EX_OSERR, "%s: out of memory", path);
			break;
		}
	}
	close(fd);
	out->len = start;
	return -1;
}
