/*
 * carepipe - the front command, git-style: `carepipe PROG ARGS` runs the
 * program PROG, `carepipe help` lists them, `carepipe init DIR` scaffolds
 * a working configuration from the starter kit (init.c), `carepipe check`
 * verifies each configured source's credentials (fetch-mentions --check).
 *
 * The programs it knows are the Makefile's PROGS, each with the one-line
 * description of its manual page (build/gen/progs.h, made by the build),
 * so the list cannot drift from what is built and installed.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carepipe.h"
#include "front.h"
#include "progs.h"

static const struct cp_front_prog progs[] = {
	CP_PROG_TABLE
	{ NULL, NULL },
};

#define SYNOPSIS \
	"carepipe [-h] [--version] command [argument ...]\n" \
	"       carepipe program [option ...] [file ...]"

#define HELP \
	"Commands:\n" \
	"      help [PROGRAM]    list the programs, or show PROGRAM's --help\n" \
	"      init DIR          scaffold a working configuration in DIR (new or empty)\n" \
	"                        from the starter kit\n" \
	"      check [OPTION]    verify each configured source's credentials\n" \
	"                        (fetch-mentions --check; --config, --source, --cacert)\n" \
	"      PROGRAM ...       run PROGRAM (see carepipe help) with the arguments\n" \
	"Options:\n"

static const struct option longopts[] = {
	{ NULL, 0, NULL, 0 },
};

const struct cp_front_prog *front_find(const char *name)
{
	for (const struct cp_front_prog *f = progs; f->name; f++)
		if (strcmp(f->name, name) == 0 && strcmp(name, "carepipe") != 0)
			return f;
	return NULL;
}

int front_self_dir(char *out, size_t n, const char *argv0)
{
	char path[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", path, sizeof path - 1);
	if (len > 0) {
		path[len] = '\0';
	} else if (argv0 && strchr(argv0, '/') && realpath(argv0, path)) {
		/* no /proc: the path it was run by */
	} else {
		return -1;
	}
	char *slash = strrchr(path, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(out, n, "%s", path[0] ? path : "/") >= n)
		return -1;
	return 0;
}

/* Run PROG: from carepipe's own folder first (an installed set stays
 * together, whatever PATH says), else from PATH.  Returns only on failure. */
static void __attribute__((noreturn)) run(cp_prog *p, const char *name, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	if (front_self_dir(dir, sizeof dir, p->name) == 0 &&
	    (size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path &&
	    access(path, X_OK) == 0) {
		execv(path, argv);
		cp_die(p, CP_EX_UNAVAILABLE, "%s: %s", path, strerror(errno));
	}
	execvp(name, argv);
	cp_die(p, CP_EX_UNAVAILABLE, "%s: %s (neither beside carepipe nor on PATH)", name,
	       strerror(errno));
}

static void list(void)
{
	printf("The carepipe programs (carepipe PROGRAM ... or PROGRAM ...):\n\n");
	for (const struct cp_front_prog *f = progs; f->name; f++)
		if (strcmp(f->name, "carepipe") != 0)
			printf("  %-16s %s\n", f->name, f->about);
	printf("\nCommands: carepipe help [PROGRAM], carepipe init DIR, carepipe check.\n"
	       "See carepipe(1), and carepipe(7) for the record and the conventions.\n");
}

int main(int argc, char **argv)
{
	static cp_prog p;
	int ch;

	cp_init(&p, "carepipe", SYNOPSIS, HELP);
	/* carepipe's own options come before the command; what follows the
	 * command is the command's. */
	int nopts = 1;
	while (nopts < argc && argv[nopts][0] == '-' && strcmp(argv[nopts], "--") != 0)
		nopts++;
	while ((ch = cp_getopt(&p, nopts, argv, "", longopts)) != -1)
		cp_usage(&p);
	int i = optind;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		cp_usage_error(&p, "give a command or a program (carepipe help lists them)");
	const char *cmd = argv[i];
	if (strcmp(cmd, "help") == 0) {
		if (i + 1 >= argc) {
			list();
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : CP_EX_IOERR;
		}
		if (i + 2 < argc)
			cp_usage_error(&p, "help takes one program");
		if (strcmp(argv[i + 1], "carepipe") != 0 && !front_find(argv[i + 1]))
			cp_usage_error(&p, "no program '%s' (carepipe help lists them)", argv[i + 1]);
		char *args[] = { argv[i + 1], "--help", NULL };
		run(&p, argv[i + 1], args);
	}
	if (strcmp(cmd, "init") == 0) {
		if (i + 2 != argc)
			cp_usage_error(&p, "init takes one directory: carepipe init DIR");
		return front_init(&p, argv[i + 1], argv[0]);
	}
	if (strcmp(cmd, "check") == 0) {
		/* fetch-mentions --check [the arguments given] */
		char **args = calloc((size_t)(argc - i) + 2, sizeof *args);
		if (!args)
			cp_die(&p, CP_EX_OSERR, "out of memory");
		args[0] = "fetch-mentions";
		args[1] = "--check";
		for (int k = i + 1; k < argc; k++)
			args[k - i + 1] = argv[k];
		run(&p, "fetch-mentions", args);
	}
	if (!front_find(cmd))
		cp_usage_error(&p, "'%s' is not a carepipe command or program (carepipe help lists them)",
		               cmd);
	run(&p, cmd, argv + i);
}
