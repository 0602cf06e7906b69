/*
 * The text formats: an aligned table, CSV through libcsv, NDJSON (one
 * object per group, or one object for the whole input without --by) and
 * Markdown; and the alert list for --alerts-only.
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "kpi.h"
#include "tz.h"

void fmt_dur(double secs, char out[32])
{
	if (isnan(secs)) {
		strcpy(out, "-");
		return;
	}
	long long s = llround(secs);
	if (s < 60)
		snprintf(out, 32, "%llds", s);
	else if (s < 3600)
		snprintf(out, 32, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, 32, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, 32, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

void fmt_time(const struct kpi *k, int64_t t, char out[40])
{
	int32_t off = k->utc ? 0 : tz_offset(k->zone, t);
	time_format(t + off, out);
	if (off) {
		size_t n = strlen(out);
		int32_t a = off < 0 ? -off : off;
		snprintf(out + n - 1, 40 - (n - 1), "%c%02d:%02d", off < 0 ? '-' : '+',
		         (int)(a / 3600), (int)(a / 60 % 60));
	}
}

/* The default table fits a terminal this wide. */
#define TABLE_WIDTH 100

/* ---------------------------------------------------------- groups */

static struct kpi *sort_k;

static int weekday_ord(const char *s, size_t n)
{
	static const char *const w[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	for (int i = 0; i < 7; i++)
		if (n == 3 && memcmp(s, w[i], 3) == 0)
			return i;
	return 7;
}

int key_cmp_groups(struct kpi *k, const struct group *a, const struct group *b)
{
	const char *x = a->key, *y = b->key;
	for (size_t i = 0; i < k->nkeys; i++) {
		const char *xe = strchr(x, '\x1f'), *ye = strchr(y, '\x1f');
		size_t xn = xe ? (size_t)(xe - x) : strlen(x), yn = ye ? (size_t)(ye - y) : strlen(y);
		int c;
		if (k->keys[i].kind == K_WEEKDAY)
			c = weekday_ord(x, xn) - weekday_ord(y, yn);
		else {
			c = memcmp(x, y, xn < yn ? xn : yn);
			if (!c)
				c = (xn > yn) - (xn < yn);
		}
		if (c)
			return c;
		if (!xe || !ye)
			return (xe != NULL) - (ye != NULL);
		x = xe + 1;
		y = ye + 1;
	}
	return strcmp(x, y);
}

static int by_key(const void *a, const void *b)
{
	const struct group *x = sort_k->g[*(const uint32_t *)a], *y = sort_k->g[*(const uint32_t *)b];
	return key_cmp_groups(sort_k, x, y);
}

static int by_volume(const void *a, const void *b)
{
	const struct group *x = sort_k->g[*(const uint32_t *)a], *y = sort_k->g[*(const uint32_t *)b];
	uint64_t vx = x->s.n_in + x->s.n_out, vy = y->s.n_in + y->s.n_out;
	if (x->s.n_in != y->s.n_in)
		return x->s.n_in > y->s.n_in ? -1 : 1;
	if (vx != vy)
		return vx > vy ? -1 : 1;
	return key_cmp_groups(sort_k, x, y);
}

size_t report_groups(struct kpi *k, uint32_t **out)
{
	uint32_t *v = malloc((k->ng ? k->ng : 1) * sizeof *v);
	size_t n = 0;
	if (!v) {
		*out = NULL;
		return 0;
	}
	/* A group seen only in the spike baseline before --since has no
	 * records of the period: it is not reported. */
	for (size_t i = 0; i < k->ng; i++)
		if (k->g[i]->fam == FAM_BY && k->g[i]->s.n_in + k->g[i]->s.n_out)
			v[n++] = (uint32_t)i;
	sort_k = k;
	qsort(v, n, sizeof *v, k->top ? by_volume : by_key);
	if (k->top && n > (size_t)k->top)
		n = (size_t)k->top;
	*out = v;
	return n;
}

static struct stats *total(struct kpi *k)
{
	long gi = kpi_group(k, FAM_TOTAL, "", 0);
	return gi < 0 ? NULL : &k->g[gi]->s;
}

/* Top tags of a group, by count; caller frees. */
struct tagrow {
	const char *tag;
	const struct tagcount *c;
};

static int tagrow_cmp(const void *a, const void *b)
{
	const struct tagrow *x = a, *y = b;
	if (x->c->cur != y->c->cur)
		return x->c->cur > y->c->cur ? -1 : 1;
	return strcmp(x->tag, y->tag);
}

static size_t top_tags(const struct kpi *k, const struct stats *s, struct tagrow **out)
{
	struct tagrow *v = malloc((s->tags.n ? s->tags.n : 1) * sizeof *v);
	size_t n = 0;
	*out = v;
	if (!v)
		return 0;
	const struct map_slot *t;
	for (size_t i = 0; (t = map_next(&s->tags, &i));)
		if (((const struct tagcount *)t->val)->cur)
			v[n++] = (struct tagrow){ t->key, t->val };
	qsort(v, n, sizeof *v, tagrow_cmp);
	size_t lim = k->top ? (size_t)k->top : 10;
	return n < lim ? n : lim;
}

/* ---------------------------------------------------------- csv */

static void csv_field(cp_buf *o, const char *s, size_t n)
{
	size_t need = csv_write(NULL, 0, s, n);
	if (buf_reserve(o, need) < 0)
		return;
	o->len += csv_write(o->p + o->len, need, s, n);
}

/* Text from the input as a CSV cell: controls escaped (text_safe), and a
 * cell a spreadsheet would run as a formula (one starting with =, +, -,
 * @, TAB or CR) prefixed with a single quote, as OWASP advises. */
static void csv_text(cp_buf *o, const char *s, size_t n)
{
	cp_buf t = {0};
	if (n && s[0] && strchr("=+-@\t\r", s[0]))
		buf_addc(&t, '\'');
	text_safe(&t, s, n);
	csv_field(o, t.p ? t.p : "", t.len);
	buf_free(&t);
}

static void key_label(const struct kpi *k, size_t i, cp_buf *o)
{
	buf_adds(o, k->keys[i].name);
}

/* ---------------------------------------------------------- previous period */

/* The previous period's total, or NULL when there is none to compare. */
static struct stats *previous(struct kpi *k)
{
	if (k->prev_since == NO_TIME)
		return NULL;
	long gi = kpi_group(k, FAM_PREV, "", 0);
	return gi < 0 ? NULL : &k->g[gi]->s;
}

static int write_csv(struct kpi *k, cp_buf *o, const uint32_t *gv, size_t ng)
{
	cp_buf cell = {0};
	struct stats *prev = previous(k);
	if (prev)
		buf_adds(o, "period,");
	for (size_t i = 0; i < k->nkeys; i++) {
		buf_reset(&cell);
		key_label(k, i, &cell);
		csv_text(o, cell.p, cell.len);
		buf_addc(o, ',');
	}
	columns_csv_header(o);
	buf_adds(o, ",quantiles_approx\n");
	struct group *tg = k->g[k->total_g];
	size_t rows = k->nkeys ? ng : 1;
	/* Comparing, the last row is the previous period's total. */
	for (size_t r = 0; r < rows + (prev != NULL); r++) {
		bool last = r == rows;
		struct group *g = last ? k->g[kpi_group(k, FAM_PREV, "", 0)] : k->nkeys ? k->g[gv[r]] : tg;
		if (prev)
			buf_adds(o, last ? "previous," : "current,");
		for (size_t i = 0; i < k->nkeys; i++) {
			const char *s = "(all)";
			size_t n = 5;
			if (!last)
				key_component(g, i, &s, &n);
			csv_text(o, s, n);
			buf_addc(o, ',');
		}
		columns_csv_row(o, &g->s);
		buf_adds(o, stats_approx(&g->s) ? ",1\n" : ",0\n");
	}
	buf_free(&cell);
	return 0;
}

/* ---------------------------------------------------------- ndjson */

static void json_num(cp_buf *o, const char *name, double v, int kind, bool comma)
{
	buf_addf(o, "%s\"%s\":", comma ? "," : "", name);
	machine_num(o, v, kind, "null");
}

static void json_time(const struct kpi *k, cp_buf *o, const char *name, int64_t t)
{
	char ts[40];
	if (t == NO_TIME) {
		buf_addf(o, ",\"%s\":null", name);
		return;
	}
	fmt_time(k, t, ts);
	buf_addf(o, ",\"%s\":\"%s\"", name, ts);
}

/* An alert's group as an object of its --by keys, or null. */
static void json_alert_group(const struct kpi *k, cp_buf *o, const struct alert *a)
{
	if (!a->g) {
		buf_adds(o, "null");
		return;
	}
	buf_addc(o, '{');
	for (size_t i = 0; i < k->nkeys; i++) {
		const char *v;
		size_t n;
		key_component(a->g, i, &v, &n);
		if (i)
			buf_addc(o, ',');
		buf_json_str(o, k->keys[i].name, strlen(k->keys[i].name));
		buf_addc(o, ':');
		buf_json_str(o, v, n);
	}
	buf_addc(o, '}');
}

static void json_alert(const struct kpi *k, cp_buf *o, const struct alert *a)
{
	char ts[40];
	fmt_time(k, a->hour * 3600, ts);
	int kind = strcmp(a->metric, "volume") == 0 ? C_NUM : C_RATE;
	buf_addf(o, "{\"alert\":\"%s\",\"group\":", a->metric);
	json_alert_group(k, o, a);
	buf_adds(o, ",\"tag\":");
	if (a->tag)
		buf_json_str(o, a->tag, strlen(a->tag));
	else
		buf_adds(o, "null");
	buf_addf(o, ",\"hour\":\"%s\",\"severity\":\"%s\",\"escalated\":%s", ts, a->severity,
	         a->escalated ? "true" : "false");
	json_num(o, "value", a->value, kind, true);
	json_num(o, "baseline_mean", a->mean, kind, true);
	json_num(o, "baseline_sd", a->sd, kind, true);
	json_num(o, "sd_floor", a->floor, kind, true);
	json_num(o, "z", a->z, C_NUM, true);
	buf_addf(o, ",\"k\":%g,\"baseline_hours\":%u}", k->spike_k, a->baseline_hours);
}

static void json_group(struct kpi *k, cp_buf *o, const struct group *g, bool whole)
{
	const struct stats *s = &g->s;
	buf_addc(o, '{');
	bool comma = false;
	for (size_t i = 0; i < k->nkeys && !whole; i++) {
		const char *v;
		size_t n;
		key_component(g, i, &v, &n);
		if (comma)
			buf_addc(o, ',');
		buf_json_str(o, k->keys[i].name, strlen(k->keys[i].name));
		buf_addc(o, ':');
		buf_json_str(o, v, n);
		comma = true;
	}
	if (whole) {
		buf_addf(o, "\"records\":%llu", (unsigned long long)k->records);
		json_time(k, o, "since", k->since);
		json_time(k, o, "until", k->until);
		json_time(k, o, "first", k->min_t);
		json_time(k, o, "last", k->max_t);
		comma = true;
	}
	columns_json(k, o, s, comma);
	buf_adds(o, ",\"top_tags\":[");
	struct tagrow *tr;
	size_t nt = top_tags(k, s, &tr);
	for (size_t i = 0; i < nt; i++) {
		buf_adds(o, i ? ",{\"tag\":" : "{\"tag\":");
		buf_json_str(o, tr[i].tag, strlen(tr[i].tag));
		buf_addf(o, ",\"count\":%llu", (unsigned long long)tr[i].c->cur);
		if (whole && k->prev_since != NO_TIME)
			buf_addf(o, ",\"previous\":%llu,\"change\":%lld", (unsigned long long)tr[i].c->prev,
			         (long long)tr[i].c->cur - (long long)tr[i].c->prev);
		else
			buf_adds(o, ",\"previous\":null,\"change\":null");
		buf_addc(o, '}');
	}
	free(tr);
	buf_addc(o, ']');
	struct stats *prev = whole ? previous(k) : NULL;
	if (prev) {
		char ts[40];
		fmt_time(k, k->prev_since, ts);
		buf_addf(o, ",\"previous\":{\"since\":\"%s\"", ts);
		json_time(k, o, "until", k->prev_until);
		uint8_t head[KPI_MAXCOLUMNS];
		size_t nhead = headline_columns(k, NULL, head);
		for (size_t j = 0; j < nhead; j++)
			json_num(o, column_name(head[j]), column(prev, head[j]), column_kind(head[j]),
			         true);
		buf_adds(o, "},\"change\":{");
		for (size_t j = 0; j < nhead; j++)
			json_num(o, column_name(head[j]), column(s, head[j]) - column(prev, head[j]),
			         column_kind(head[j]), j > 0);
		buf_addc(o, '}');
	}
	if (whole) {
		buf_addf(o, ",\"replies_unmatched\":%llu,\"alerts\":[",
		         (unsigned long long)k->replies_unmatched);
		for (size_t i = 0; i < k->nalerts; i++) {
			if (i)
				buf_addc(o, ',');
			json_alert(k, o, &k->alerts[i]);
		}
		buf_addc(o, ']');
	}
	buf_adds(o, "}\n");
}

/* ---------------------------------------------------------- table, markdown */

/* A grid of cells, laid out at the end. */
struct grid {
	cp_buf cells;          /* NUL-separated */
	size_t ncols, nrows;
	bool *right;        /* per column */
};

/* Text from the input on its way to a terminal or a spreadsheet: C0 and
 * C1 controls and DEL become visible escapes (\x1b, \u009b), so that no
 * record can move the cursor, set the window title or hide a line. */
void text_safe(cp_buf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			buf_addf(o, "\\x%02x", c);
		else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		         (unsigned char)s[i + 1] <= 0x9f)
			buf_addf(o, "\\u%04x", (unsigned char)s[++i]);
		else
			buf_addc(o, (char)c);
	}
}

static void grid_cell(struct grid *g, const char *s, size_t n)
{
	text_safe(&g->cells, s, n);
	buf_addc(&g->cells, '\0');
}

/* Width in characters, not bytes: count UTF-8 lead bytes. */
static size_t text_width(const char *s)
{
	size_t n = 0;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		n += (*u & 0xC0) != 0x80;
	return n;
}

/* Markdown would read these as emphasis, links, HTML, entities or a
 * cell's end; a backslash makes each a plain character (CommonMark 2.4). */
static void markdown_text(cp_buf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strchr("\\`*_[]<>|&~", s[i]) && s[i])
			buf_addc(o, '\\');
		buf_addc(o, s[i]);
	}
}

/* Lay the grid out; with limit > 0 the left-aligned (key) columns are
 * shortened, their cells cut with an ellipsis, until a row fits. */
static void grid_write(const struct grid *g, cp_buf *o, bool markdown, size_t limit)
{
	size_t *w = calloc(g->ncols ? g->ncols : 1, sizeof *w);
	const char **cell = malloc((g->ncols * g->nrows + 1) * sizeof *cell);
	if (!w || !cell) {
		free(w);
		free(cell);
		return;
	}
	const char *p = g->cells.p;
	for (size_t i = 0; i < g->ncols * g->nrows; i++) {
		cell[i] = p;
		p += strlen(p) + 1;
	}
	for (size_t r = 0; r < g->nrows; r++)
		for (size_t c = 0; c < g->ncols; c++) {
			size_t n = text_width(cell[r * g->ncols + c]);
			if (n > w[c])
				w[c] = n;
		}
	if (limit) {
		size_t total = 0;
		for (size_t c = 0; c < g->ncols; c++)
			total += w[c] + (c ? 2 : 0);
		while (total > limit) {
			size_t widest = g->ncols;
			for (size_t c = 0; c < g->ncols; c++)
				if (!g->right[c] && w[c] > 8 && (widest == g->ncols || w[c] > w[widest]))
					widest = c;
			if (widest == g->ncols)
				break;
			w[widest]--;
			total--;
		}
	}
	for (size_t r = 0; r < g->nrows; r++) {
		for (size_t c = 0; c < g->ncols; c++) {
			const char *s = cell[r * g->ncols + c];
			size_t n = text_width(s), len = strlen(s);
			bool cut = n > w[c];
			if (cut) {
				/* Keep w - 1 characters and add an ellipsis. */
				size_t keep = 0, chars = 0;
				while (keep < len && chars < w[c] - 1) {
					keep++;
					while (keep < len && ((unsigned char)s[keep] & 0xC0) == 0x80)
						keep++;
					chars++;
				}
				len = keep;
				n = w[c];
			}
			size_t pad = w[c] - n;
			if (markdown)
				buf_adds(o, "| ");
			else if (c)
				buf_adds(o, "  ");
			if (g->right[c])
				for (size_t i = 0; i < pad; i++)
					buf_addc(o, ' ');
			if (markdown)
				markdown_text(o, s, len);
			else
				buf_add(o, s, len);
			if (cut)
				buf_adds(o, "…");
			if (!g->right[c] && (markdown || c + 1 < g->ncols))
				for (size_t i = 0; i < pad; i++)
					buf_addc(o, ' ');
			if (markdown)
				buf_addc(o, ' ');
		}
		buf_adds(o, markdown ? "|\n" : "\n");
		if (markdown && r == 0) {
			for (size_t c = 0; c < g->ncols; c++) {
				buf_adds(o, "|");
				for (size_t i = 0; i < w[c] + 1; i++)
					buf_addc(o, '-');
				buf_adds(o, g->right[c] ? ":" : "-");
			}
			buf_adds(o, "|\n");
		}
	}
	free(w);
	free(cell);
}

static void grid_free(struct grid *g)
{
	buf_free(&g->cells);
	free(g->right);
}

static void write_grid_row(struct kpi *k, struct grid *gr, const struct group *g, const char *label,
                           const uint8_t *list, size_t nlist)
{
	cp_buf cell = {0};
	for (size_t i = 0; i < k->nkeys; i++) {
		const char *s;
		size_t n;
		if (label) {
			s = i == 0 ? label : "";
			n = strlen(s);
		} else {
			key_component(g, i, &s, &n);
		}
		grid_cell(gr, s, n);
	}
	for (size_t j = 0; j < nlist; j++) {
		buf_reset(&cell);
		column_human(&cell, &g->s, list[j]);
		grid_cell(gr, cell.p, cell.len);
	}
	buf_free(&cell);
}

/* What each column shown means, one line each. */
static void write_legend(cp_buf *o, const uint8_t *list, size_t nlist, bool markdown, bool approx)
{
	size_t w = 0;
	for (size_t j = 0; j < nlist; j++)
		if (strlen(column_head(list[j], NULL)) > w)
			w = strlen(column_head(list[j], NULL));
	buf_adds(o, markdown ? "\n**Columns**\n\n" : "\nColumns\n");
	if (approx)
		buf_adds(o, markdown ? "- a time marked ~ is within 1%: too many values for "
		                       "--quantile-memory\n"
		                     : "  ~ marks a time within 1%: too many values for "
		                       "--quantile-memory\n");
	for (size_t j = 0; j < nlist; j++) {
		const char *desc, *head = column_head(list[j], &desc);
		if (markdown)
			buf_addf(o, "- **%s** (`%s`): %s\n", head, column_name(list[j]), desc);
		else
			buf_addf(o, "  %-*s  %s\n", (int)w, head, desc);
	}
}

/* What an alert is about: "volume", "negative share", "share of tag X". */
static void alert_what(const struct alert *a, cp_buf *o)
{
	if (a->tag) {
		buf_adds(o, "share of tag ");
		buf_adds(o, a->tag);
	} else {
		buf_adds(o, strcmp(a->metric, "volume") == 0 ? "volume" : "negative share");
	}
}

static void write_alert_grid(struct kpi *k, cp_buf *o, bool markdown)
{
	static const char *const head[] = { "hour", "group", "alert", "severity", "value", "mean",
	                                    "sd", "floor", "z" };
	struct grid gr = { .ncols = 9 };
	gr.right = calloc(9, sizeof *gr.right);
	if (!gr.right)
		return;
	for (int c = 4; c < 9; c++)
		gr.right[c] = true;
	for (int c = 0; c < 9; c++)
		grid_cell(&gr, head[c], strlen(head[c]));
	gr.nrows = 1;
	cp_buf cell = {0};
	for (size_t i = 0; i < k->nalerts; i++) {
		const struct alert *a = &k->alerts[i];
		char ts[40];
		bool count = strcmp(a->metric, "volume") == 0;
		fmt_time(k, a->hour * 3600, ts);
		buf_reset(&cell);
		buf_addf(&cell, "%.10s %.5s", ts, ts + 11);
		grid_cell(&gr, cell.p, cell.len);
		buf_reset(&cell);
		alert_group(a, &cell);
		grid_cell(&gr, cell.p, cell.len);
		buf_reset(&cell);
		alert_what(a, &cell);
		grid_cell(&gr, cell.p, cell.len);
		buf_reset(&cell);
		buf_addf(&cell, "%s%s", a->severity, a->escalated ? ", raised" : "");
		grid_cell(&gr, cell.p, cell.len);
		double v[4] = { a->value, a->mean, a->sd, a->floor };
		for (int j = 0; j < 4; j++) {
			buf_reset(&cell);
			if (count)
				buf_addf(&cell, j ? "%.2f" : "%.0f", v[j]);
			else
				buf_addf(&cell, "%.1f%%", 100 * v[j]);
			grid_cell(&gr, cell.p, cell.len);
		}
		buf_reset(&cell);
		buf_addf(&cell, "%.2f", a->z);
		grid_cell(&gr, cell.p, cell.len);
		gr.nrows++;
	}
	grid_write(&gr, o, markdown, 0);
	buf_addf(o, "%sz = (value - mean) / max(sd, floor), mean and sd over the %lld hours before "
	            "(at least 24);%s\nminor z > %g, moderate > %g, major > %g; floor: sqrt(max(mean, "
	            "1)) for volume, 5%% for a share\n",
	         markdown ? "\n" : "", (long long)(k->spike_window / 3600), markdown ? "  " : "",
	         k->spike_k, 1.5 * k->spike_k, 2 * k->spike_k);
	buf_free(&cell);
	grid_free(&gr);
}

static void write_tag_grid(struct kpi *k, cp_buf *o, const struct stats *s, bool markdown)
{
	struct tagrow *tr;
	size_t nt = top_tags(k, s, &tr);
	if (!nt) {
		free(tr);
		return;
	}
	bool prev = k->prev_since != NO_TIME;
	struct grid gr = { .ncols = prev ? 4 : 2 };
	gr.right = calloc(4, sizeof *gr.right);
	if (!gr.right) {
		free(tr);
		return;
	}
	gr.right[1] = gr.right[2] = gr.right[3] = true;
	static const char *const head[] = { "tag", "count", "previous", "change" };
	for (size_t c = 0; c < gr.ncols; c++)
		grid_cell(&gr, head[c], strlen(head[c]));
	gr.nrows = 1;
	cp_buf cell = {0};
	for (size_t i = 0; i < nt; i++) {
		grid_cell(&gr, tr[i].tag, strlen(tr[i].tag));
		buf_reset(&cell);
		buf_addf(&cell, "%llu", (unsigned long long)tr[i].c->cur);
		grid_cell(&gr, cell.p, cell.len);
		if (prev) {
			buf_reset(&cell);
			buf_addf(&cell, "%llu", (unsigned long long)tr[i].c->prev);
			grid_cell(&gr, cell.p, cell.len);
			buf_reset(&cell);
			long long d = (long long)tr[i].c->cur - (long long)tr[i].c->prev;
			if (tr[i].c->prev)
				buf_addf(&cell, "%+lld (%+.0f%%)", d, 100.0 * (double)d / (double)tr[i].c->prev);
			else
				buf_addf(&cell, "%+lld (new)", d);
			grid_cell(&gr, cell.p, cell.len);
		}
		gr.nrows++;
	}
	buf_adds(o, markdown ? "\n**Top tags**\n\n" : "\nTop tags\n");
	grid_write(&gr, o, markdown, 0);
	buf_free(&cell);
	grid_free(&gr);
	free(tr);
}

static void write_compare_grid(struct kpi *k, cp_buf *o, const struct stats *tot,
                               const struct stats *prev, bool markdown)
{
	struct grid gr = { .ncols = 4 };
	static const char *const head[] = { "figure", "this period", "previous", "change" };
	gr.right = calloc(4, sizeof *gr.right);
	if (!gr.right)
		return;
	gr.right[1] = gr.right[2] = gr.right[3] = true;
	for (int c = 0; c < 4; c++)
		grid_cell(&gr, head[c], strlen(head[c]));
	gr.nrows = 1;
	cp_buf cell = {0};
	uint8_t hl[KPI_MAXCOLUMNS];
	size_t nhl = headline_columns(k, tot, hl);
	for (size_t j = 0; j < nhl; j++) {
		int c = hl[j];
		grid_cell(&gr, column_head(c, NULL), strlen(column_head(c, NULL)));
		buf_reset(&cell);
		column_human(&cell, tot, c);
		grid_cell(&gr, cell.p, cell.len);
		buf_reset(&cell);
		column_human(&cell, prev, c);
		grid_cell(&gr, cell.p, cell.len);
		buf_reset(&cell);
		column_change(&cell, tot, prev, c);
		grid_cell(&gr, cell.p, cell.len);
		gr.nrows++;
	}
	char a[40], b[40];
	fmt_time(k, k->prev_since, a);
	fmt_time(k, k->prev_until, b);
	buf_addf(o, markdown ? "\n**Against the previous period**, %.10s %.5s to %.10s %.5s %s\n\n"
	                     : "\nAgainst the previous period, %.10s %.5s to %.10s %.5s %s\n",
	         a, a + 11, b, b + 11, tz_name(k->zone));
	grid_write(&gr, o, markdown, 0);
	buf_free(&cell);
	grid_free(&gr);
}

/* "KPI report: N records, FROM to TO (ZONE)": the period asked for, else
 * the span of the records, on the wall clock of --tz. */
static void heading(const struct kpi *k, cp_buf *o, bool markdown)
{
	int64_t from = k->since != NO_TIME ? k->since : k->min_t;
	int64_t to = k->until != NO_TIME ? k->until : k->max_t;
	const struct stats *tot = &k->g[k->total_g]->s;
	buf_addf(o, markdown ? "**KPI report**: %llu records" : "KPI report: %llu records",
	         (unsigned long long)(tot->n_in + tot->n_out));
	if (from != NO_TIME && to != NO_TIME) {
		char a[40], b[40];
		fmt_time(k, from, a);
		fmt_time(k, to, b);
		buf_addf(o, ", %.10s %.5s to %.10s %.5s %s", a, a + 11, b, b + 11, tz_name(k->zone));
	}
	buf_adds(o, "\n\n");
}

static int write_grid(struct kpi *k, cp_buf *o, const uint32_t *gv, size_t ng, bool markdown)
{
	struct stats *tot = total(k);
	uint8_t list[KPI_MAXCOLUMNS];
	size_t nlist = table_columns(k, tot, list, k->wide);
	struct grid gr = { 0 };
	gr.ncols = k->nkeys + nlist;
	gr.right = calloc(gr.ncols ? gr.ncols : 1, sizeof *gr.right);
	if (!gr.right)
		return -1;
	for (size_t i = 0; i < k->nkeys; i++)
		grid_cell(&gr, k->keys[i].name, strlen(k->keys[i].name));
	for (size_t j = 0; j < nlist; j++) {
		grid_cell(&gr, column_head(list[j], NULL), strlen(column_head(list[j], NULL)));
		gr.right[k->nkeys + j] = true;
	}
	gr.nrows = 1;
	struct group *tg = k->g[k->total_g];
	for (size_t r = 0; r < ng && k->nkeys; r++, gr.nrows++)
		write_grid_row(k, &gr, k->g[gv[r]], NULL, list, nlist);
	if (!k->nkeys || ng != 1) {
		write_grid_row(k, &gr, tg, "(all)", list, nlist);
		gr.nrows++;
	}
	heading(k, o, markdown);
	grid_write(&gr, o, markdown, markdown || k->wide ? 0 : TABLE_WIDTH);
	grid_free(&gr);
	bool approx = false;
	for (size_t i = 0; i < k->ng; i++)
		approx |= stats_approx(&k->g[i]->s);
	write_legend(o, list, nlist, markdown, approx);
	struct stats *prev = previous(k);
	if (prev)
		write_compare_grid(k, o, tot, prev, markdown);
	write_tag_grid(k, o, tot, markdown);
	if (k->nalerts) {
		buf_adds(o, markdown ? "\n**Alerts**\n\n" : "\nAlerts\n");
		write_alert_grid(k, o, markdown);
	}
	return 0;
}

/* ---------------------------------------------------------- entry */

int format_parse(const char *name)
{
	static const struct { const char *name; int fmt; } names[] = {
		{ "table", F_TABLE }, { "csv", F_CSV }, { "ndjson", F_NDJSON }, { "json", F_NDJSON },
		{ "markdown", F_MARKDOWN }, { "md", F_MARKDOWN }, { "html", F_HTML },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].fmt;
	return -1;
}

int report_write(struct kpi *k, cp_buf *o)
{
	if (k->alerts_only) {
		if (!k->nalerts)
			return 0;
		if (k->fmt == F_NDJSON) {
			for (size_t i = 0; i < k->nalerts; i++) {
				json_alert(k, o, &k->alerts[i]);
				buf_addc(o, '\n');
			}
		} else if (k->fmt == F_CSV) {
			buf_adds(o, "hour,group,alert,tag,severity,escalated,value,baseline_mean,"
			            "baseline_sd,sd_floor,z,k\n");
			cp_buf cell = {0};
			for (size_t i = 0; i < k->nalerts; i++) {
				const struct alert *a = &k->alerts[i];
				char ts[40];
				fmt_time(k, a->hour * 3600, ts);
				buf_addf(o, "%s,", ts);
				buf_reset(&cell);
				if (a->g)
					alert_group(a, &cell);
				csv_text(o, cell.p ? cell.p : "", cell.len);
				buf_addf(o, ",%s,", a->metric);
				csv_text(o, a->tag ? a->tag : "", a->tag ? strlen(a->tag) : 0);
				buf_addf(o, ",%s,%d,%.4f,%.4f,%.4f,%.4f,%.2f,%g\n", a->severity, a->escalated,
				         a->value, a->mean, a->sd, a->floor, a->z, k->spike_k);
			}
			buf_free(&cell);
		} else {
			write_alert_grid(k, o, k->fmt == F_MARKDOWN);
		}
		return 0;
	}
	uint32_t *gv;
	size_t ng = report_groups(k, &gv);
	if (!gv)
		return -1;
	struct group *tg = k->g[k->total_g];
	switch (k->fmt) {
	case F_CSV:
		write_csv(k, o, gv, ng);
		break;
	case F_NDJSON:
		if (!k->nkeys)
			json_group(k, o, tg, true);
		for (size_t i = 0; i < ng && k->nkeys; i++)
			json_group(k, o, k->g[gv[i]], false);
		break;
	default:
		write_grid(k, o, gv, ng, k->fmt == F_MARKDOWN);
		break;
	}
	free(gv);
	return 0;
}

/* ---------------------------------------------------------- saving */

void report_save(cp_prog *p, const char *path, const cp_buf *b)
{
	size_t n = strlen(path);
	/* A report built after a failed allocation may lack a part. */
	if (buf_failures())
		cp_die(p, CP_EX_OSERR, "out of memory");
	if (n > 3 && strcmp(path + n - 3, ".gz") == 0) {
		gzFile gz = gzopen(path, "wb");
		if (!gz)
			cp_die(p, CP_EX_CANTCREAT, "%s: %s", path, strerror(errno));
		if (b->len && gzwrite(gz, b->p, (unsigned)b->len) != (int)b->len) {
			int zerr;
			const char *msg = gzerror(gz, &zerr);
			cp_die(p, CP_EX_IOERR, "%s: %s", path, zerr == Z_ERRNO ? strerror(errno) : msg);
		}
		if (gzclose(gz) != Z_OK)
			cp_die(p, CP_EX_IOERR, "%s: %s", path, strerror(errno));
		return;
	}
	int fd = strcmp(path, "-") == 0 ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0)
		cp_die(p, CP_EX_CANTCREAT, "%s: %s", path, strerror(errno));
	for (size_t off = 0; off < b->len;) {
		ssize_t w = write(fd, b->p + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			cp_die(p, CP_EX_IOERR, "%s: write error: %s", fd == 1 ? "(stdout)" : path,
			       strerror(errno));
		off += (size_t)w;
	}
	if (fd != 1 && close(fd) < 0)
		cp_die(p, CP_EX_IOERR, "%s: %s", path, strerror(errno));
}
