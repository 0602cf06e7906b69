/*
 * The monotonic clock, for intervals: progress rates, back-off waits,
 * timeouts.  A wall clock stepped by NTP or by hand would make them
 * negative or huge.
 */
#include <time.h>

#include "carepipe.h"

double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
