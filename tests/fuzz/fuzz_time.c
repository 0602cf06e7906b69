/* The time and duration parsers: no crash, and what parses formats back
 * to a timestamp that parses to the same second. */
#include <string.h>

#include "carepipe.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	int64_t t, t2, d;
	char s[32];
	if (time_parse((const char *)data, size, &t) == 0 && t > -62135596800LL &&
	    t < 253402300800LL) {
		int n = time_format(t, s);
		if (time_parse(s, (size_t)n, &t2) < 0 || t2 != t)
			__builtin_trap();
	}
	char z[64];
	if (size < sizeof z) {
		memcpy(z, data, size);
		z[size] = '\0';
		dur_parse(z, &d);
	}
	return 0;
}
