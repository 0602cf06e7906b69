/*
 * tap.h - a few TAP helpers for the unit tests, in the manner of
 * libtap: each check prints "ok N - name" or "not ok N - name" with the
 * values that differed, and done_testing() prints the plan and returns the
 * exit status prove expects.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static int __attribute__((format(printf, 2, 3))) ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

#define is_int(got, want, ...) \
	do { \
		long long g_ = (long long)(got), w_ = (long long)(want); \
		if (!ok(g_ == w_, __VA_ARGS__)) \
			printf("#   got: %lld\n#  want: %lld\n", g_, w_); \
	} while (0)

#define is_str(got, want, ...) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__)) \
			printf("#   got: '%s'\n#  want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

/* Compare n bytes, for strings that may hold NULs. */
#define is_mem(got, gotlen, want, ...) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		size_t gl_ = (gotlen), wl_ = strlen(w_); \
		if (!ok(gl_ == wl_ && memcmp(g_, w_, wl_) == 0, __VA_ARGS__)) \
			printf("#   got: '%.*s'\n#  want: '%s'\n", (int)gl_, g_, w_); \
	} while (0)

static __attribute__((unused)) int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

static void __attribute__((noreturn, unused)) skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(0);
}

/* ../shared beside the checkout, or $CAREPIPE_SHARED. */
static __attribute__((unused)) const char *shared_dir(void)
{
	const char *s = getenv("CAREPIPE_SHARED");
	return s && *s ? s : "../shared";
}

#endif
