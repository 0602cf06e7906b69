/*
 * fuzz_util.h - what the file-reading fuzz targets share: a private,
 * empty directory to write each input into, so that names the input
 * refers to (include FILE, holidays FILE) resolve inside it and reach
 * nothing else.  Inputs naming a path with '/' are skipped for the same
 * reason (no /dev/stdin, no /dev/zero).
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char *fuzz_dir(void)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/carepipe-fuzz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

/* Write data to DIR/name; returns the path (static) or NULL. */
static inline const char *fuzz_file(const char *name, const unsigned char *data, size_t size)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return NULL;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return NULL;
	}
	if (fclose(f) != 0)
		return NULL;
	return path;
}

static inline int fuzz_has_slash(const unsigned char *data, size_t size)
{
	return memchr(data, '/', size) != NULL;
}
#endif
