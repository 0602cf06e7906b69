/*
 * failmalloc.so - an LD_PRELOAD shim for allocation-failure ("torture")
 * tests in the manner of curl's: it counts the program's own calls to
 * malloc, calloc, realloc, strdup and strndup, and makes the Nth one fail
 * (NULL, errno ENOMEM).
 *
 *   CAREPIPE_FAIL_AT=N      fail the Nth counted call (1-based); 0 or
 *                           unset: fail none
 *   CAREPIPE_ALLOC_COUNT=F  at exit, write the number of counted calls to F
 *   CAREPIPE_FAIL_TRACE=1   print a backtrace of the failed call on stderr
 *                           (for addr2line -e PROGRAM)
 *
 * Counted are the calls made from the program's executable itself (cmd/
 * and the statically linked common/ library), found by the return
 * address: those are the failures carepipe's code must handle.  Calls
 * made inside libc, libcurl, libjq, zlib and the other libraries are
 * passed through uncounted, as curl's torture counts only curl's own: a
 * library's handling of its own failures is that library's business (and
 * libjq, for one, aborts on them by design).
 *
 * The shim allocates nothing itself: it reads /proc/self/maps with plain
 * system calls in a constructor and calls glibc's __libc_* allocators.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

#define MAXR 16
static uintptr_t lo[MAXR], hi[MAXR];
static int nr;
static unsigned long fail_at, count;
static int ready, trace;

static unsigned long parse_ul(const char *s)
{
	unsigned long v = 0;
	while (s && *s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

static uintptr_t hex(const char **sp)
{
	uintptr_t v = 0;
	const char *s = *sp;
	for (;; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			break;
		v = v * 16 + (uintptr_t)d;
	}
	*sp = s;
	return v;
}

__attribute__((constructor)) static void init(void)
{
	static char exe[4096], maps[1 << 20];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	int fd = open("/proc/self/maps", O_RDONLY);
	if (fd < 0)
		return;
	size_t len = 0;
	ssize_t got;
	while (len < sizeof maps - 1 && (got = read(fd, maps + len, sizeof maps - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	maps[len] = '\0';
	/* "lo-hi perms offset dev inode   path": the executable's code. */
	for (char *line = maps; *line && nr < MAXR;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		const char *s = line;
		uintptr_t a = hex(&s);
		s++;
		uintptr_t b = hex(&s);
		const char *perms = s + 1;
		const char *path = strchr(line, '/');
		if (path && perms[2] == 'x' && strcmp(path, exe) == 0) {
			lo[nr] = a;
			hi[nr] = b;
			nr++;
		}
		if (!end)
			break;
		line = end + 1;
	}
	fail_at = parse_ul(getenv("CAREPIPE_FAIL_AT"));
	trace = getenv("CAREPIPE_FAIL_TRACE") != NULL;
	ready = 1;
}

__attribute__((destructor)) static void fini(void)
{
	const char *path = getenv("CAREPIPE_ALLOC_COUNT");
	if (!path)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return;
	char b[32];
	int i = sizeof b;
	b[--i] = '\n';
	unsigned long v = count;
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	if (write(fd, b + i, sizeof b - (size_t)i) < 0)
		(void)0;
	close(fd);
}

/* Is this call the program's own, and is it the one to fail? */
static int fail_here(void *caller)
{
	if (!ready)
		return 0;
	uintptr_t c = (uintptr_t)caller;
	for (int i = 0; i < nr; i++) {
		if (c >= lo[i] && c < hi[i]) {
			count++;
			if (fail_at && count == fail_at) {
				if (trace) {
					void *pc[32];
					ready = 0;    /* backtrace may allocate */
					backtrace_symbols_fd(pc, backtrace(pc, 32), 2);
					ready = 1;
				}
				errno = ENOMEM;
				return 1;
			}
			return 0;
		}
	}
	return 0;
}

void *malloc(size_t n)
{
	if (fail_here(__builtin_return_address(0)))
		return NULL;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	if (fail_here(__builtin_return_address(0)))
		return NULL;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	if (fail_here(__builtin_return_address(0)))
		return NULL;
	return __libc_realloc(p, n);
}

char *strdup(const char *s)
{
	if (fail_here(__builtin_return_address(0)))
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = __libc_malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

char *strndup(const char *s, size_t max)
{
	if (fail_here(__builtin_return_address(0)))
		return NULL;
	size_t n = strnlen(s, max);
	char *d = __libc_malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* glibc's string.h may call these names directly. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-attributes"
#endif
char *__strdup(const char *s) __attribute__((alias("strdup")));
char *__strndup(const char *s, size_t max) __attribute__((alias("strndup")));
