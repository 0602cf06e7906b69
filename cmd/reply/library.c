/*
 * The saved-reply library: a folder of TAG.txt files (and TAG.LANG.txt
 * for other languages), all read and compiled at start, so a broken
 * template stops the run before anything is sent, and a tag from the data
 * is only ever a key into memory, never part of a path.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "cfgfile.h"

static void free_tmpl(void *v)
{
	tmpl_free(v);
}

library *library_load(const char *dir, cp_err *e)
{
	library *l = calloc(1, sizeof *l);
	cp_buf path = {0}, text = {0};
	DIR *d = NULL;
	if (!l || !(l->dir = strdup(dir))) {
		free(l);
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	if (!(d = opendir(dir))) {
		/* A configuration that cannot be used, as cfgfile.h rules. */
		cp_fail(e, CP_EX_CONFIG, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n <= 4 || strcmp(de->d_name + n - 4, ".txt") != 0)
			continue;
		buf_reset(&path);
		buf_reset(&text);
		buf_addf(&path, "%s/%s", dir, de->d_name);
		if (cfg_read_file(path.p, &text, e) < 0)
			goto fail;
		while (text.len > 0 && strchr(" \t\r\n", text.p[text.len - 1]))
			text.len--;
		tmpl *t = tmpl_compile_named(text.p ? text.p : "", text.len, path.p, e);
		if (!t)
			goto fail;
		de->d_name[n - 4] = '\0';
		if (map_put(&l->m, de->d_name, t) < 0) {
			tmpl_free(t);
			cp_fail(e, CP_EX_OSERR, "out of memory");
			goto fail;
		}
		l->n++;
	}
	closedir(d);
	buf_free(&path);
	buf_free(&text);
	if (l->n == 0) {
		cp_fail(e, CP_EX_CONFIG, "%s: no saved replies (TAG.txt files) in it", dir);
		library_free(l);
		return NULL;
	}
	return l;
fail:
	if (d)
		closedir(d);
	buf_free(&path);
	buf_free(&text);
	library_free(l);
	return NULL;
}

/* The template called name, in lang first when there is one. */
static const tmpl *lookup(const library *l, const char *name, const char *lang, cp_buf *tmp)
{
	const tmpl *t = NULL;
	if (lang && *lang) {
		buf_reset(tmp);
		buf_addf(tmp, "%s.%s", name, lang);
		if (buf_cstr(tmp))
			t = map_get(&l->m, tmp->p, NULL);
	}
	if (!t)
		t = map_get(&l->m, name, NULL);
	return t;
}

const tmpl *library_pick(const library *l, const cp_rec *r, const char **which, cp_buf *tmp)
{
	static char chosen[256];
	char lang[16] = "";
	cp_buf name = {0};
	cp_val lv = rec_val(r, "lang");
	if (lv.type == VAL_STRING && val_str(lv, &name) == 0) {
		/* The primary subtag, lowercased: "fr-CA" -> "fr". */
		size_t k = 0;
		for (; k < name.len && k < sizeof lang - 1 && name.p[k] != '-' && name.p[k] != '_'; k++)
			lang[k] = (char)(name.p[k] | ((name.p[k] >= 'A' && name.p[k] <= 'Z') ? 32 : 0));
		lang[k] = '\0';
	}
	cp_val tags = rec_val(r, "tags"), tag;
	size_t pos = 0;
	const tmpl *t = NULL;
	while (!t && val_next(tags, &pos, NULL, &tag)) {
		buf_reset(&name);
		if (tag.type != VAL_STRING || val_str(tag, &name) < 0 || name.len == 0)
			continue;
		/* A tag with a dot could reach a language variant by its own name. */
		if (strchr(name.p, '.') || strlen(name.p) != name.len)
			continue;
		t = lookup(l, name.p, lang, tmp);
		if (t)
			snprintf(chosen, sizeof chosen, "%s", name.p);
	}
	if (!t && (t = lookup(l, "default", lang, tmp)))
		snprintf(chosen, sizeof chosen, "default");
	buf_free(&name);
	if (which)
		*which = t ? chosen : NULL;
	return t;
}

void library_free(library *l)
{
	if (!l)
		return;
	map_free(&l->m, free_tmpl);
	free(l->dir);
	free(l);
}
