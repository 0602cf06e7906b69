/*
 * fetch-mentions --import twcs, csv and ndjson (cmd/fetch-mentions/
 * import_*.c, libcsv underneath) on arbitrary files: no crash, and every
 * line written is one JSON object (the importers' output is read back and
 * scanned).  The first byte picks the format (csv twice, with two
 * --map specs).
 */
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include "carepipe.h"
#include "../../cmd/fetch-mentions/fm.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static cp_prog p;
	static int outfd = -1;
	if (!p.name) {
		cp_init(&p, "fetch-mentions", "fuzz", NULL);
		p.quiet = true;
		if ((outfd = memfd_create("fuzz-out", 0)) < 0)
			abort();
	}
	if (size < 1 || size > 60000)
		return 0;
	struct fm_opts o;
	memset(&o, 0, sizeof o);
	/* Fixed maps: a bad --map is a usage error (exit 64), not data.
	 * Both give platform and created_at a source the header cannot
	 * take away, so no input makes the importer exit. */
	static const char *const maps[] = {
		"platform:=forum,id=post_id,author.handle=user,text=body,created_at=date,"
		"in_reply_to=parent,metrics.likes=likes,direction=dir,account=acct",
		"platform:=forum,created_at:=2024-01-01T00:00:00Z",
	};
	int mode = data[0] % 4;
	o.raw = data[0] & 4;
	data++, size--;
	if (mode >= 2) {
		o.map[0] = maps[mode - 2];
		o.nmap = 1;
	}
	const char *path = fuzz_file("in", data, size);
	if (!path)
		return 0;
	char *files[] = { (char *)path };
	o.files = files;
	o.nfiles = 1;
	p.exit_status = 0;
	p.nbad = p.nrecords = 0;
	if (ftruncate(outfd, 0) < 0 || lseek(outfd, 0, SEEK_SET) < 0)
		abort();
	out_init(&p.out, outfd, false);
	if (mode == 0)
		o.format = FM_TWCS, fm_import_twcs(&p, &o);
	else if (mode == 1)
		o.format = FM_NDJSON, fm_import_ndjson(&p, &o);
	else
		o.format = FM_CSV, fm_import_csv(&p, &o);
	if (out_close(&p.out) < 0)
		__builtin_trap();
	/* Read the output back: every line one JSON object. */
	off_t end = lseek(outfd, 0, SEEK_END);
	if (end <= 0)
		return 0;
	char *got = malloc((size_t)end);
	if (!got || pread(outfd, got, (size_t)end, 0) != end)
		abort();
	if (got[end - 1] != '\n')
		__builtin_trap();
	cp_rec r = {0};
	for (char *s = got, *e; s < got + end; s = e + 1) {
		e = memchr(s, '\n', (size_t)(got + end - s));
		if (rec_parse(&r, s, (size_t)(e - s)) < 0)
			__builtin_trap();
	}
	rec_free(&r);
	free(got);
	return 0;
}
