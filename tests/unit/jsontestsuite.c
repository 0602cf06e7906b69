/*
 * The scanner against Nicolas Seriot's JSONTestSuite, read from
 * ../shared: every y_ case accepted, every n_ case rejected, and the i_
 * cases parsed without a crash (their verdict is free).  Each file is also
 * fed as a record line where it is an object, so rec_parse is held to the
 * same verdicts as json_validate.
 */
#include <dirent.h>

#include "carepipe.h"
#include "tap.h"

int main(void)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/data/JSONTestSuite/test_parsing", shared_dir());
	DIR *d = opendir(dir);
	if (!d)
		skip_all("../shared/data/JSONTestSuite is absent");

	int y = 0, y_ok = 0, n = 0, n_ok = 0, i = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		if (strlen(name) < 6 || strcmp(name + strlen(name) - 5, ".json") != 0)
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dir, name);
		cp_err e = {0};
		cp_rd *r = rd_open(path, &e);
		cp_buf b = {0};
		if (!r || rd_all(r, &b, &e) < 0) {
			ok(0, "read %s: %s", name, e.msg);
			continue;
		}
		rd_close(r);
		const char *why = NULL;
		size_t off = 0;
		int valid = json_validate(b.p ? b.p : "", b.len, &why, &off) == 0;
		/* rec_parse must agree on objects. */
		cp_rec rc = {0};
		int as_rec = rec_parse(&rc, b.p ? b.p : "", b.len) == 0;
		rec_free(&rc);
		if (name[0] == 'y') {
			y++;
			if (valid)
				y_ok++;
			else
				ok(0, "%s accepted (rejected: %s at %zu)", name, why, off);
		} else if (name[0] == 'n') {
			n++;
			if (!valid && !as_rec)
				n_ok++;
			else
				ok(0, "%s rejected", name);
		} else {
			i++;
		}
		if (as_rec && !valid)
			ok(0, "%s: rec_parse accepted what json_validate rejected", name);
		buf_free(&b);
	}
	closedir(d);
	is_int(y, 95, "95 y_ cases found");
	is_int(y_ok, 95, "all y_ cases accepted");
	is_int(n, 188, "188 n_ cases found");
	is_int(n_ok, 188, "all n_ cases rejected");
	is_int(i, 35, "35 i_ cases parsed without a crash");
	return done_testing();
}
