/*
 * Business calendars (carepipe-sla(5), CALENDARS) and iCalendar holiday
 * files on arbitrary text: no crash; a calendar that parses answers
 * business-time questions consistently (business seconds never exceed
 * elapsed seconds, and adding N business seconds lands where N have
 * passed).  Text that starts with a date or "BEGIN" is holiday text.
 */
#include <string.h>

#include "carepipe.h"
#include "calendar.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size > 20000 || fuzz_has_slash(data, size))
		return 0;
	/* Holiday text starts with a date or BEGIN:VCALENDAR. */
	int mode = size && (data[0] == 'B' || (data[0] >= '0' && data[0] <= '9'));
	cp_err e = {0};
	cal *c = cal_new();
	if (!c)
		return 0;
	int rc;
	if (mode == 0) {
		rc = cal_parse(c, (const char *)data, size, "fuzz", fuzz_dir(), &e);
	} else {
		rc = cal_parse(c, "mon-fri 09:00-17:00\n", 20, "fuzz", NULL, &e);
		if (rc == 0)
			rc = cal_holidays(c, (const char *)data, size, "fuzz.ics", &e);
	}
	if (rc == 0 && cal_finish(c, &e) == 0) {
		static const int64_t from[] = { 1704067200, 1711846800, 1730000000, 0, -86400 };
		for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
			int64_t f = from[i], t = f + 9 * 86400 + 3601;
			int64_t b = cal_business_seconds(c, f, t);
			if (b < 0 || b > t - f)
				__builtin_trap();
			cal_is_open(c, f);
			cal_is_holiday(c, f);
			int64_t due;
			if (cal_add_business(c, f, 3600, &due) == 0 &&
			    cal_business_seconds(c, f, due) != 3600)
				__builtin_trap();
		}
	}
	cal_free(c);
	return 0;
}
