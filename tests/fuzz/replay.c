/*
 * Replays files through a fuzz target without libFuzzer, so every input
 * that once crashed (kept in tests/fuzz/corpus/TARGET/) stays a regression
 * test in `make check`.  Prints TAP: one line per file; exits 1 after any
 * "not ok", so the caller (replay.t) cannot take a failure for a pass.
 */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int main(int argc, char **argv)
{
	int n = 0, failed = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			printf("not ok %d - cannot open %s\n", ++n, argv[i]);
			failed = 1;
			continue;
		}
		unsigned char *data = NULL;
		size_t len = 0, cap = 0, got;
		do {
			if (len == cap) {
				cap = cap ? cap * 2 : 4096;
				data = realloc(data, cap);
				if (!data)
					return 2;
			}
			got = fread(data + len, 1, cap - len, f);
			len += got;
		} while (got > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		printf("ok %d - %s\n", ++n, argv[i]);
	}
	printf("1..%d\n", n);
	return failed;
}
