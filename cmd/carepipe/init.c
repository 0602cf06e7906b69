/*
 * carepipe init DIR: a working configuration in a new or empty folder,
 * copied from the starter kit (what `make install` puts in
 * share/carepipe/, examples/ in the tree):
 *
 *   carepipe.conf   the kit's sources (cron/care.conf), to edit
 *   crontab         the kit's crontab, its paths made those of DIR
 *   secrets.env     mode 0600: an empty export for every credential
 *                   variable carepipe.conf names
 *   rules/ replies/ sla/ assign/ data/   the kit's folders as they are
 *   state/ log/ work/ reports/ secrets/  empty, where the crontab writes
 *
 * Nothing existing is ever overwritten: DIR must be new or empty, and
 * every file is created with O_EXCL.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "front.h"

#ifndef CP_PKGDATADIR
#define CP_PKGDATADIR "/usr/local/share/carepipe"
#endif

/* The kit's folders copied whole, and the folders made empty. */
static const char *const kit_dirs[] = { "rules", "replies", "sla", "assign", "data", NULL };
static const char *const empty_dirs[] = { "state", "log", "work", "reports", "secrets", NULL };

static bool is_kit(const char *dir)
{
	char f[PATH_MAX];
	return (size_t)snprintf(f, sizeof f, "%s/rules/consumer.rules", dir) < sizeof f &&
	       access(f, R_OK) == 0;
}

/* Where the kit is: $CAREPIPE_DATADIR; share/carepipe beside the bin/ of
 * this carepipe (an install under any PREFIX or DESTDIR); the folder it
 * was built for; the examples/ of a source tree (bin/../examples). */
static int find_kit(char *out, size_t n, const char *argv0)
{
	const char *env = getenv("CAREPIPE_DATADIR");
	char self[PATH_MAX];
	if (env && *env) {
		snprintf(out, n, "%s", env);
		return is_kit(out) ? 0 : -1;
	}
	if (front_self_dir(self, sizeof self, argv0) == 0) {
		if ((size_t)snprintf(out, n, "%s/../share/carepipe", self) < n && is_kit(out))
			return 0;
	}
	snprintf(out, n, "%s", CP_PKGDATADIR);
	if (is_kit(out))
		return 0;
	if (front_self_dir(self, sizeof self, argv0) == 0 &&
	    (size_t)snprintf(out, n, "%s/../examples", self) < n && is_kit(out))
		return 0;
	snprintf(out, n, "%s", CP_PKGDATADIR);
	return -1;
}

/* out = a/b, or stop: a path longer than PATH_MAX is refused, not cut. */
static void join(cp_prog *p, char *out, const char *a, const char *b)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", a, b);
	if (n < 0 || n >= PATH_MAX)
		cp_die(p, CP_EX_CANTCREAT, "%s/%s: name too long", a, b);
}

static void write_new(cp_prog *p, const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", path, strerror(errno));
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			cp_die(p, CP_EX_IOERR, "%s: %s", path, strerror(errno));
		off += (size_t)w;
	}
	if (close(fd) != 0)
		cp_die(p, CP_EX_IOERR, "%s: %s", path, strerror(errno));
}

static void read_kit(cp_prog *p, const char *path, cp_buf *out)
{
	cp_err e = {0};
	buf_reset(out);
	int rc = state_read(path, out, &e);
	if (rc == 0)
		cp_die(p, CP_EX_NOINPUT, "%s: not in the starter kit", path);
	if (rc < 0)
		cp_die_err(p, &e);
}

/* Every "from" in b becomes "to". */
static void replace(cp_prog *p, cp_buf *b, const char *from, const char *to)
{
	cp_buf out = {0};
	size_t fl = strlen(from);
	const char *s = b->p ? b->p : "", *end = s + b->len, *hit;
	while ((hit = memmem(s, (size_t)(end - s), from, fl))) {
		buf_add(&out, s, (size_t)(hit - s));
		buf_adds(&out, to);
		s = hit + fl;
	}
	buf_add(&out, s, (size_t)(end - s));
	if (!buf_cstr(&out))
		cp_die(p, CP_EX_OSERR, "out of memory");
	buf_free(b);
	*b = out;
}

static void copy_dir(cp_prog *p, const char *kit, const char *dir, const char *sub)
{
	char from[PATH_MAX], to[PATH_MAX];
	join(p, from, kit, sub);
	join(p, to, dir, sub);
	DIR *d = opendir(from);
	if (!d)
		cp_die(p, CP_EX_NOINPUT, "%s: %s", from, strerror(errno));
	if (mkdir(to, 0755) != 0)
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", to, strerror(errno));
	cp_buf data = {0};
	struct dirent *de;
	while ((de = readdir(d))) {
		char f[PATH_MAX], t[PATH_MAX];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		join(p, f, from, de->d_name);
		join(p, t, to, de->d_name);
		if (stat(f, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		read_kit(p, f, &data);
		write_new(p, t, data.p ? data.p : "", data.len, (st.st_mode & 0111) ? 0755 : 0644);
	}
	closedir(d);
	buf_free(&data);
}

/* DIR is created, or must be an empty folder. */
static void make_target(cp_prog *p, const char *dir)
{
	if (mkdir(dir, 0755) == 0)
		return;
	if (errno != EEXIST)
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", dir, strerror(errno));
	DIR *d = opendir(dir);
	if (!d)
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", dir, strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			closedir(d);
			cp_die(p, CP_EX_CANTCREAT, "%s is not empty: carepipe init writes only into a new "
			       "or empty folder", dir);
		}
	closedir(d);
}

static void add_var(cp_buf *out, const char *var)
{
	if (!var)
		return;
	/* once each: several sources may share a variable */
	char line[300];
	snprintf(line, sizeof line, "export %s=\n", var);
	const char *text = buf_cstr(out);   /* a buf is NUL-ended only on demand */
	if (!text || !strstr(text, line))
		buf_adds(out, line);
}

int front_init(cp_prog *p, const char *dir, const char *argv0)
{
	char kit[PATH_MAX], abs[PATH_MAX], self[PATH_MAX], path[PATH_MAX];
	cp_buf conf = {0}, cron = {0}, secrets = {0}, bindir = {0};
	cp_err e = {0};

	if (find_kit(kit, sizeof kit, argv0) < 0)
		cp_die(p, CP_EX_NOINPUT, "no starter kit in %s (set CAREPIPE_DATADIR to the folder of "
		       "the kit: rules/, replies/, sla/...)", kit);
	char kit_abs[PATH_MAX];
	if (realpath(kit, kit_abs))
		snprintf(kit, sizeof kit, "%s", kit_abs);
	make_target(p, dir);
	if (!realpath(dir, abs))
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", dir, strerror(errno));

	join(p, path, kit, "cron/care.conf");
	read_kit(p, path, &conf);
	replace(p, &conf, "/srv/care", abs);
	cp_buf hdr = {0};
	buf_adds(&hdr,
	    "# carepipe.conf(5), made by `carepipe init` from the starter kit.  The\n"
	    "# sources below are the kit's examples: put your accounts, ids and the\n"
	    "# names of your credentials' variables (their values go in secrets.env),\n"
	    "# delete the sources you do not use, then run `carepipe check`.\n#\n");
	buf_add(&hdr, conf.p, conf.len);
	buf_free(&conf);
	conf = hdr;
	if (!buf_cstr(&conf))
		cp_die(p, CP_EX_OSERR, "out of memory");
	cp_config *cf = cp_config_parse("carepipe.conf", conf.p, conf.len, &e);
	if (!cf)
		cp_die(p, CP_EX_SOFTWARE, "the starter kit's carepipe.conf does not parse: %s", e.msg);

	join(p, path, kit, "cron/crontab");
	read_kit(p, path, &cron);
	replace(p, &cron, "/srv/care", abs);
	replace(p, &cron, "care.conf", "carepipe.conf");
	replace(p, &cron, "--rules rules.conf", "--rules rules/consumer.rules");
	replace(p, &cron, "--policy sla.conf", "--policy sla/support.conf");
	if (front_self_dir(self, sizeof self, argv0) == 0) {
		buf_addf(&bindir, "PATH=%s:", self);
		if (!buf_cstr(&bindir))
			cp_die(p, CP_EX_OSERR, "out of memory");
		replace(p, &cron, "PATH=/usr/local/bin:", bindir.p);
	}

	buf_adds(&secrets,
	    "# secrets.env: the credentials the sources and channels of carepipe.conf\n"
	    "# name.  The crontab reads it before each run.  Fill in the values; keep\n"
	    "# this file mode 0600 and out of version control.\n");
	for (size_t i = 0; i < cf->nsrc; i++) {
		add_var(&secrets, cf->src[i].token_env);
		add_var(&secrets, cf->src[i].password_env);
		add_var(&secrets, cf->src[i].client_secret_env);
		add_var(&secrets, cf->src[i].refresh_token_env);
	}
	for (size_t i = 0; i < cf->nchan; i++)   /* notify's webhook URLs, SMTP passwords */
		add_var(&secrets, cf->chan[i].token_env);
	cp_config_free(cf);
	if (!buf_cstr(&secrets))
		cp_die(p, CP_EX_OSERR, "out of memory");

	join(p, path, abs, "carepipe.conf");
	write_new(p, path, conf.p, conf.len, 0644);
	join(p, path, abs, "crontab");
	write_new(p, path, cron.p, cron.len, 0644);
	join(p, path, abs, "secrets.env");
	write_new(p, path, secrets.p, secrets.len, 0600);
	for (const char *const *d = kit_dirs; *d; d++)
		copy_dir(p, kit, abs, *d);
	for (const char *const *d = empty_dirs; *d; d++) {
		join(p, path, abs, *d);
		if (mkdir(path, strcmp(*d, "secrets") == 0 || strcmp(*d, "state") == 0 ? 0700 : 0755) != 0)
			cp_die(p, CP_EX_CANTCREAT, "%s: %s", path, strerror(errno));
	}
	buf_free(&conf);
	buf_free(&cron);
	buf_free(&secrets);
	buf_free(&bindir);

	if (!p->quiet)
		printf("carepipe: %s: carepipe.conf, crontab, secrets.env, rules/, replies/, sla/, assign/, "
		       "data/ from %s\n"
		       "next: edit carepipe.conf and secrets.env, run `carepipe check`, then "
		       "`crontab crontab`\n", abs, kit);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : CP_EX_IOERR;
}
