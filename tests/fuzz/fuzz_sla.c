/*
 * The SLA policy parser (carepipe-sla(5), cmd/sla-check/policy.c) on
 * arbitrary files, calendars sections included: no crash; what loads
 * also finishes or fails cleanly, and matches a record.
 */
#include <string.h>

#include "carepipe.h"
#include "../../cmd/sla-check/sla.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char line[] =
	    "{\"id\":\"x:1\",\"platform\":\"twitter\",\"account\":\"acme\",\"priority\":\"high\","
	    "\"tags\":[\"billing\",\"vip\"],\"text\":\"hi\",\"created_at\":\"2024-03-29T10:00:00Z\"}";
	static cp_prog p;
	if (!p.name) {
		cp_init(&p, "fuzz", "fuzz", NULL);
		p.quiet = true;
	}
	if (size > 20000 || fuzz_has_slash(data, size))
		return 0;
	const char *path = fuzz_file("policy.conf", data, size);
	if (!path)
		return 0;
	struct policy_set ps;
	memset(&ps, 0, sizeof ps);
	cp_err e = {0};
	if (policies_load(&ps, path, &e) == 0 && policies_finish(&ps, &e) == 0) {
		cp_rec r = {0};
		if (rec_parse(&r, line, sizeof line - 1) < 0)
			__builtin_trap();
		if (!policy_match(&ps, &r, 1711706400, &p))
			__builtin_trap();
		rec_free(&r);
	}
	policies_free(&ps);
	return 0;
}
