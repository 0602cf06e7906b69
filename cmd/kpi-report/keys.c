/*
 * Group keys: --by parsed, a record's groups found (every combination of
 * its --by values, its account, the total), and the components of a key.
 */
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "tz.h"

static const struct { const char *name; int kind; } key_names[] = {
	{ "platform", K_PLATFORM }, { "account", K_ACCOUNT }, { "agent", K_AGENT },
	{ "tag", K_TAG }, { "day", K_DAY }, { "week", K_WEEK }, { "hour", K_HOUR },
	{ "weekday", K_WEEKDAY }, { "lang", K_LANG }, { "priority", K_PRIORITY },
};

static int key_add(struct kpi *k, const char *t, cp_err *e)
{
	if (k->nkeys == KPI_MAXKEYS)
		return cp_fail(e, CP_EX_USAGE, "--by takes at most %d keys", KPI_MAXKEYS);
	struct keyspec *ks = &k->keys[k->nkeys++];
	ks->kind = K_PATH;
	if (!(ks->name = strdup(t)))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strcmp(t, key_names[i].name) == 0)
			ks->kind = key_names[i].kind;
	if (ks->kind == K_PATH && (!*t || t[0] == '.' || t[strlen(t) - 1] == '.' || strstr(t, "..")))
		return cp_fail(e, CP_EX_USAGE, "--by: '%s' is not a key or a field path", t);
	return 0;
}

int keyspec_parse(struct kpi *k, const char *list, cp_err *e)
{
	k->nkeys = 0;
	if (comma_each(k, list, key_add, e) < 0)
		return -1;
	if (!k->nkeys && *list)
		return cp_fail(e, CP_EX_USAGE, "--by wants a comma list of keys");
	return 0;
}

/* The i-th component of a group key. */
void key_component(const struct group *g, size_t i, const char **s, size_t *n)
{
	const char *p = g->key;
	for (size_t j = 0; j < i && p; j++) {
		p = strchr(p, '\x1f');
		if (p)
			p++;
	}
	if (!p) {
		*s = "";
		*n = 0;
		return;
	}
	const char *e = strchr(p, '\x1f');
	*s = p;
	*n = e ? (size_t)(e - p) : strlen(p);
}


/* One component value for a key; "(none)" when missing.  Appends to out
 * without the separator byte, which is replaced by a space. */
static void append_component(cp_buf *out, const char *s, size_t n)
{
	size_t at = out->len;
	buf_add(out, s, n);
	for (size_t i = at; i < out->len; i++)
		if (out->p[i] == '\x1f')
			out->p[i] = ' ';
}

static void append_val(cp_buf *out, cp_val v, cp_buf *tmp)
{
	switch (v.type) {
	case VAL_STRING: {
		const char *s;
		size_t n;
		if (val_strview(v, tmp, &s, &n) == 0 && n) {
			append_component(out, s, n);
			return;
		}
		break;
	}
	case VAL_NUMBER: case VAL_TRUE: case VAL_FALSE: case VAL_ARRAY: case VAL_OBJECT:
		append_component(out, v.p, v.n);
		return;
	}
	buf_adds(out, "(none)");
}

static const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

/* t is the wall clock of --tz, in seconds since its 1970-01-01T00:00. */
static void time_component_format(cp_buf *out, int kind, int64_t t)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t y;
	unsigned m, d;
	int wd = (int)(((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday: 3 */
	switch (kind) {
	case K_DAY:
		time_civil_from_days(days, &y, &m, &d);
		buf_addf(out, "%04lld-%02u-%02u", (long long)y, m, d);
		break;
	case K_WEEK: {
		/* ISO 8601: the week belongs to the year of its Thursday. */
		int64_t thu = days - wd + 3;
		time_civil_from_days(thu, &y, &m, &d);
		int64_t jan1 = time_days_from_civil(y, 1, 1);
		buf_addf(out, "%04lld-W%02lld", (long long)y, (long long)((thu - jan1) / 7 + 1));
		break;
	}
	case K_HOUR:
		buf_addf(out, "%02lld", (long long)((t - days * 86400) / 3600));
		break;
	case K_WEEKDAY:
		buf_adds(out, weekdays[wd]);
		break;
	}
}

/* Formatting a date per record shows in profiles: each kind keeps the
 * last one it formatted, and its day or hour. */
static void time_component_cached(cp_buf *out, int kind, int64_t t)
{
	static int64_t last_unit[K_WEEKDAY + 1] = { INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN,
	                                            INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN };
	static char last[K_WEEKDAY + 1][24];
	static size_t last_len[K_WEEKDAY + 1];
	int64_t unit = kind == K_DAY || kind == K_WEEK || kind == K_WEEKDAY
	               ? (t >= 0 ? t / 86400 : -((-t + 86399) / 86400))
	               : (t >= 0 ? t / 3600 : -((-t + 3599) / 3600));
	if (last_unit[kind] != unit) {
		cp_buf tmp = {0};
		time_component_format(&tmp, kind, t);
		last_len[kind] = tmp.len < sizeof last[0] ? tmp.len : sizeof last[0];
		memcpy(last[kind], tmp.p, last_len[kind]);
		buf_free(&tmp);
		last_unit[kind] = unit;
	}
	buf_add(out, last[kind], last_len[kind]);
}

int record_groups(struct kpi *k, const cp_rec *r, const struct fields *f, int64_t t, bool inbound)
{
	static cp_buf tmp, keybuf, sig, lastkey;
	static long last_gi = -1;
	int64_t local = t + (k->utc ? 0 : tz_offset(k->zone, t));
	size_t ntags = f->tags.type == VAL_ARRAY ? val_len(f->tags) : 0;
	size_t combos = 1;
	bool has_tag_key = false;
	for (size_t i = 0; i < k->nkeys; i++)
		if (k->keys[i].kind == K_TAG)
			has_tag_key = true;
	if (has_tag_key && ntags > 1)
		combos = ntags; /* one tag key is the common case; several share the choice */
	size_t want = 2 + combos;
	if (want > 65535)
		want = 65535;
	if (want > k->gs_cap) {
		uint32_t *g = realloc(k->gs.g, want * sizeof *g);
		if (!g)
			return -1;
		k->gs.g = g;
		k->gs_cap = want;
	}
	k->gs.n = 0;
	if (k->total_g < 0 && (k->total_g = kpi_group(k, FAM_TOTAL, "", 0)) < 0)
		return -1;
	long gi = k->total_g;
	k->gs.g[k->gs.n++] = (uint32_t)gi;
	if (k->nkeys) {
		for (size_t c = 0; c < combos && k->gs.n < want - 1; c++) {
			buf_reset(&keybuf);
			for (size_t i = 0; i < k->nkeys; i++) {
				if (i)
					buf_addc(&keybuf, '\x1f');
				switch (k->keys[i].kind) {
				case K_PLATFORM: append_val(&keybuf, f->platform, &tmp); break;
				case K_ACCOUNT: append_val(&keybuf, f->account, &tmp); break;
				case K_LANG: append_val(&keybuf, f->lang, &tmp); break;
				case K_PRIORITY: append_val(&keybuf, f->priority, &tmp); break;
				case K_TAG:
					append_val(&keybuf, ntags ? val_index(f->tags, c) : (cp_val){0}, &tmp);
					break;
				case K_DAY: case K_WEEK: case K_HOUR: case K_WEEKDAY:
					time_component_cached(&keybuf, k->keys[i].kind, local);
					break;
				case K_AGENT: {
					cp_val a = val_member(f->assignee, "id");
					const char *s;
					size_t n;
					if (a.type == VAL_STRING || a.type == VAL_NUMBER)
						append_val(&keybuf, a, &tmp);
					else if (!inbound && rec_signature(f->text, &sig, &s, &n) > 0)
						append_component(&keybuf, s, n);
					else
						buf_adds(&keybuf, "(none)");
					break;
				}
				case K_PATH:
					append_val(&keybuf, rec_path(r, k->keys[i].name), &tmp);
					break;
				}
			}
			if (!keybuf.p)
				buf_addc(&keybuf, '\0');
			/* Consecutive records often have the same key: no hash then. */
			if (last_gi >= 0 && keybuf.len == lastkey.len &&
			    memcmp(keybuf.p, lastkey.p, keybuf.len) == 0) {
				gi = last_gi;
			} else {
				if ((gi = kpi_group(k, FAM_BY, keybuf.p, keybuf.len)) < 0)
					return -1;
				buf_reset(&lastkey);
				last_gi = buf_add(&lastkey, keybuf.p, keybuf.len) < 0 ? -1 : gi;
			}
			bool dup = false;
			for (uint16_t j = 0; j < k->gs.n; j++)
				dup |= k->gs.g[j] == (uint32_t)gi;
			if (!dup)
				k->gs.g[k->gs.n++] = (uint32_t)gi;
		}
	}
	const char *acc;
	size_t accn;
	if (k->accounts && val_strview(f->account, &tmp, &acc, &accn) == 0) {
		if ((gi = kpi_group(k, FAM_ACCOUNT, accn ? acc : "", accn)) < 0)
			return -1;
		k->gs.g[k->gs.n++] = (uint32_t)gi;
	}
	return 0;
}

/* A --by key that no record has, a typo such as "acount" most often,
 * puts everything under "(none)": say so rather than report one group. */
void warn_missing_keys(struct kpi *k)
{
	for (size_t i = 0; i < k->nkeys; i++) {
		bool any = false, seen = false;
		for (size_t gi = 0; gi < k->ng && !seen; gi++) {
			const struct group *g = k->g[gi];
			if (g->fam != FAM_BY)
				continue;
			const char *v;
			size_t n;
			any = true;
			key_component(g, i, &v, &n);
			seen = !(n == 6 && memcmp(v, "(none)", 6) == 0);
		}
		if (any && !seen)
			cp_warn(k->p, "--by %s: no record has this key, so every record is under "
			        "\"(none)\" (a typo?)", k->keys[i].name);
	}
}

