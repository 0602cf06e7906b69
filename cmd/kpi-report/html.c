/*
 * The HTML report: one self-contained file, no scripts, no fonts, no
 * network.  Its charts are inline SVG drawn here: volume over time with
 * spike markers, the distribution of first response times, SLA compliance
 * per account, top tags, and the hourly inbound series with its alerts.
 * Every text that came from the input is escaped.
 */
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "tz.h"

static void esc(buf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_adds(o, "&amp;"); break;
		case '<': buf_adds(o, "&lt;"); break;
		case '>': buf_adds(o, "&gt;"); break;
		case '"': buf_adds(o, "&quot;"); break;
		case '\'': buf_adds(o, "&#39;"); break;
		case '\x1f': buf_adds(o, " · "); break;
		default: buf_addc(o, s[i]);
		}
	}
}

static void escs(buf *o, const char *s)
{
	esc(o, s, strlen(s));
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2937;background:#fff}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}"
	".sub{color:#6b7280}.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}"
	".card{border:1px solid #e5e7eb;border-radius:6px;padding:8px 12px;min-width:110px}"
	".card b{display:block;font-size:20px}.card span{color:#6b7280;font-size:12px}"
	"svg{display:block;max-width:100%;height:auto;border:1px solid #f3f4f6}"
	"svg text{font:11px system-ui,sans-serif;fill:#374151}"
	".in{fill:#2563eb}.out{fill:none;stroke:#16a34a;stroke-width:2}"
	".bar{fill:#6366f1}.met{fill:#16a34a}.axis{stroke:#9ca3af;stroke-width:1}"
	".spike{stroke:#fff;stroke-width:1.5}.minor{fill:#f59e0b}.moderate{fill:#ea580c}"
	".major{fill:#dc2626}.line{fill:none;stroke:#2563eb;stroke-width:1.5}"
	"table{border-collapse:collapse;margin-top:8px}td,th{padding:3px 8px;"
	"border-bottom:1px solid #e5e7eb;text-align:right}td:first-child,th:first-child"
	"{text-align:left}.none{color:#9ca3af}";

static void card(buf *o, const char *label, const char *value)
{
	buf_adds(o, "<div class=\"card\"><b>");
	escs(o, value);
	buf_adds(o, "</b><span>");
	escs(o, label);
	buf_adds(o, "</span></div>\n");
}

static void pct(char *out, double v)
{
	if (isnan(v))
		strcpy(out, "-");
	else
		snprintf(out, 32, "%.1f%%", 100 * v);
}

static void label_time(const struct kpi *k, char *out, int64_t t, int64_t bucket)
{
	char ts[40];
	fmt_time(k, t, ts);
	if (bucket < 86400)
		snprintf(out, 32, "%.10s %.5s", ts, ts + 11);
	else
		snprintf(out, 32, "%.10s", ts);
}

/* ---------------------------------------------------------- charts */

#define W 1000
#define H 260
#define L 60   /* left margin */
#define B 40   /* bottom margin */

static void axes(buf *o, double ymax, const char *ylabel)
{
	buf_addf(o, "<line class=\"axis\" x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\"/>", L, L, H - B);
	buf_addf(o, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, H - B, W - 10,
	         H - B);
	buf_addf(o, "<text x=\"%d\" y=\"16\" text-anchor=\"end\">%.0f</text>", L - 4, ymax);
	buf_addf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", L - 4, H - B);
	buf_addf(o, "<text x=\"10\" y=\"%d\" transform=\"rotate(-90 10 %d)\">", H / 2, H / 2);
	escs(o, ylabel);
	buf_adds(o, "</text>");
}

static const char *alert_at(const struct kpi *k, int64_t from, int64_t to, const char *metric)
{
	const char *worst = NULL;
	for (size_t i = 0; i < k->nalerts; i++) {
		const struct alert *a = &k->alerts[i];
		int64_t t = a->hour * 3600;
		if (t < from || t >= to || strcmp(a->metric, metric) != 0)
			continue;
		if (!worst || strcmp(a->severity, "major") == 0 ||
		    (strcmp(a->severity, "moderate") == 0 && strcmp(worst, "minor") == 0))
			worst = a->severity;
	}
	return worst;
}

static void chart_volume(struct kpi *k, buf *o)
{
	static const int64_t sizes[] = { 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400 };
	buf_adds(o, "<h2>Volume over time</h2>\n<svg id=\"chart-volume\" viewBox=\"0 0 1000 260\" "
	            "role=\"img\" aria-label=\"volume\">");
	if (!k->nhours) {
		axes(o, 0, "records");
		buf_adds(o, "<text x=\"500\" y=\"130\" text-anchor=\"middle\">no records</text></svg>\n");
		return;
	}
	int64_t t0 = k->hours[0].h * 3600, t1 = (k->hours[k->nhours - 1].h + 1) * 3600, bucket = 0;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		bucket = sizes[i];
		if ((t1 - t0 + bucket - 1) / bucket <= 120)
			break;
	}
	t0 -= ((t0 % bucket) + bucket) % bucket;
	size_t nb = (size_t)((t1 - t0 + bucket - 1) / bucket);
	if (nb > 2000)
		nb = 2000;
	double *in = calloc(nb, sizeof *in), *out = calloc(nb, sizeof *out), ymax = 1;
	if (!in || !out) {
		free(in);
		free(out);
		buf_adds(o, "</svg>\n");
		return;
	}
	for (size_t i = 0; i < k->nhours; i++) {
		int64_t b = (k->hours[i].h * 3600 - t0) / bucket;
		if (b < 0 || (size_t)b >= nb)
			continue;
		in[b] += (double)k->hours[i].in;
		out[b] += (double)k->hours[i].out;
	}
	for (size_t i = 0; i < nb; i++) {
		if (in[i] > ymax)
			ymax = in[i];
		if (out[i] > ymax)
			ymax = out[i];
	}
	axes(o, ymax, "records");
	double bw = (double)(W - 10 - L) / (double)nb, ph = H - B - 10;
	for (size_t i = 0; i < nb; i++) {
		double h = in[i] / ymax * ph;
		char lab[32];
		label_time(k, lab, t0 + (int64_t)i * bucket, bucket);
		buf_addf(o, "<rect class=\"in\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
		            "<title>%s: %.0f in, %.0f out</title></rect>",
		         L + i * bw + bw * 0.1, H - B - h, bw * 0.8 > 0.5 ? bw * 0.8 : 0.5, h, lab, in[i],
		         out[i]);
	}
	buf_adds(o, "<polyline class=\"out\" points=\"");
	for (size_t i = 0; i < nb; i++)
		buf_addf(o, "%.1f,%.1f ", L + (i + 0.5) * bw, H - B - out[i] / ymax * ph);
	buf_adds(o, "\"/>");
	for (size_t i = 0; i < nb; i++) {
		int64_t from = t0 + (int64_t)i * bucket;
		const char *sev = alert_at(k, from, from + bucket, "volume");
		const char *nsev = alert_at(k, from, from + bucket, "negative_share");
		if (sev)
			buf_addf(o, "<circle class=\"spike %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\">"
			            "<title>volume spike (%s)</title></circle>",
			         sev, L + (i + 0.5) * bw, fmax(H - B - in[i] / ymax * ph - 8, 20), sev);
		if (nsev)
			buf_addf(o, "<rect class=\"spike %s\" x=\"%.1f\" y=\"14\" width=\"9\" height=\"9\" "
			            "transform=\"rotate(45 %.1f 18)\"><title>negative sentiment spike (%s)"
			            "</title></rect>",
			         nsev, L + (i + 0.5) * bw - 4.5, L + (i + 0.5) * bw, nsev);
	}
	for (int i = 0; i < 5 && nb > 0; i++) {
		size_t at = (size_t)((double)(nb - 1) * i / 4);
		char lab[32];
		label_time(k, lab, t0 + (int64_t)at * bucket, bucket);
		buf_addf(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>",
		         L + (at + 0.5) * bw, H - B + 16, i == 0 ? "start" : i == 4 ? "end" : "middle", lab);
	}
	buf_addf(o, "<text x=\"%d\" y=\"%d\">bars: inbound, line: outbound, per %s</text>", L,
	         H - 6, bucket == 3600 ? "hour" : bucket == 86400 ? "day" : bucket == 7 * 86400 ? "week"
	         : bucket == 30 * 86400 ? "30 days" : "year");
	buf_adds(o, "</svg>\n");
	free(in);
	free(out);
}

static void hbars(buf *o, const char *id, const char *title, size_t n, const char **labels,
                  const double *values, const char **notes, double vmax, const char *cls)
{
	int rowh = 22, h = 20 + (int)(n ? n : 1) * rowh;
	buf_addf(o, "<h2>%s</h2>\n<svg id=\"%s\" viewBox=\"0 0 1000 %d\" "
	            "role=\"img\" aria-label=\"%s\">",
	         title, id, h, id);
	if (!n)
		buf_adds(o, "<text x=\"500\" y=\"24\" text-anchor=\"middle\">no data</text>");
	for (size_t i = 0; i < n; i++) {
		double y = 10 + (double)i * rowh, w = vmax > 0 ? values[i] / vmax * 560 : 0;
		buf_addf(o, "<text x=\"240\" y=\"%.0f\" text-anchor=\"end\">", y + 14);
		escs(o, labels[i]);
		buf_addf(o, "</text><rect class=\"%s\" x=\"250\" y=\"%.0f\" width=\"%.1f\" "
		            "height=\"16\"><title>",
		         cls, y + 2, w);
		escs(o, labels[i]);
		buf_adds(o, ": ");
		escs(o, notes[i]);
		buf_addf(o, "</title></rect><text x=\"%.1f\" y=\"%.0f\">", 256 + w, y + 14);
		escs(o, notes[i]);
		buf_adds(o, "</text>");
	}
	buf_adds(o, "</svg>\n");
}

static void chart_frt(struct kpi *k, const struct stats *s, buf *o)
{
	static const struct { double le; const char *label; } bins[] = {
		{ 60, "≤1m" }, { 300, "1–5m" }, { 900, "5–15m" }, { 1800, "15–30m" },
		{ 3600, "30m–1h" }, { 7200, "1–2h" }, { 14400, "2–4h" }, { 28800, "4–8h" },
		{ 86400, "8–24h" }, { 259200, "1–3d" }, { INFINITY, ">3d" },
	};
	enum { NB = sizeof bins / sizeof bins[0] };
	double c[NB], ymax = 1;
	uint64_t prev = 0;
	(void)k;
	for (int i = 0; i < NB; i++) {
		uint64_t le = isinf(bins[i].le) ? s->frt.n : sketch_count_le(&s->frt, bins[i].le);
		c[i] = (double)(le - prev);
		prev = le;
		if (c[i] > ymax)
			ymax = c[i];
	}
	buf_adds(o, "<h2>First response time distribution</h2>\n<svg id=\"chart-frt\" "
	            "viewBox=\"0 0 1000 260\" role=\"img\" "
	            "aria-label=\"response times\">");
	axes(o, ymax, "responses");
	double bw = (double)(W - 10 - L) / NB, ph = H - B - 10;
	for (int i = 0; i < NB; i++) {
		double h = c[i] / ymax * ph;
		buf_addf(o, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
		            "<title>%s: %.0f</title></rect>",
		         L + i * bw + bw * 0.1, H - B - h, bw * 0.8, h, bins[i].label, c[i]);
		buf_addf(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
		         L + (i + 0.5) * bw, H - B + 16, bins[i].label);
		if (c[i] > 0)
			buf_addf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>",
			         L + (i + 0.5) * bw, H - B - h - 4, c[i]);
	}
	char a[32], b2[32], c2[32];
	fmt_dur(sketch_quantile(&s->frt, 0.5), a);
	fmt_dur(sketch_quantile(&s->frt, 0.9), b2);
	fmt_dur(sketch_mean(&s->frt), c2);
	buf_addf(o, "<text x=\"%d\" y=\"%d\">%llu first responses: median %s, p90 %s, mean %s"
	            "</text></svg>\n",
	         L, H - 6, (unsigned long long)s->frt.n, a, b2, c2);
}

static struct kpi *cmp_k;
static int by_inbound(const void *x, const void *y)
{
	const struct group *a = cmp_k->g[*(const uint32_t *)x], *b = cmp_k->g[*(const uint32_t *)y];
	if (a->s.n_in != b->s.n_in)
		return a->s.n_in > b->s.n_in ? -1 : 1;
	return strcmp(a->key, b->key);
}

static void chart_sla(struct kpi *k, buf *o)
{
	uint32_t *v = malloc((k->ng ? k->ng : 1) * sizeof *v);
	size_t n = 0;
	if (!v)
		return;
	for (size_t i = 0; i < k->ng; i++)
		if (k->g[i]->fam == FAM_ACCOUNT && k->g[i]->s.n_in)
			v[n++] = (uint32_t)i;
	cmp_k = k;
	qsort(v, n, sizeof *v, by_inbound);
	if (n > 15)
		n = 15;
	const char **labels = calloc(n + 1, sizeof *labels), **notes = calloc(n + 1, sizeof *notes);
	double *values = calloc(n + 1, sizeof *values);
	char (*text)[64] = calloc(n + 1, sizeof *text);
	size_t m = 0;
	for (size_t i = 0; labels && notes && values && text && i < n; i++) {
		const struct stats *s = &k->g[v[i]]->s;
		double decided = (double)(s->sla[SLA_MET] + s->sla[SLA_BREACHED] + s->sla[SLA_MISSED]);
		labels[m] = k->g[v[i]]->key;
		if (k->any_sla) {
			values[m] = decided > 0 ? (double)s->sla[SLA_MET] / decided : 0;
			snprintf(text[m], 64, "%.1f%% met of %.0f decided", 100 * values[m], decided);
		} else {
			values[m] = s->n_in ? (double)s->answered / (double)s->n_in : 0;
			snprintf(text[m], 64, "%.1f%% answered of %llu", 100 * values[m],
			         (unsigned long long)s->n_in);
		}
		notes[m] = text[m];
		m++;
	}
	hbars(o, "chart-sla", k->any_sla ? "SLA compliance per account"
	                                 : "SLA compliance per account (no sla data: response rate)",
	      m, labels, values, notes, 1, "met");
	free(labels);
	free(notes);
	free(values);
	free(text);
	free(v);
}

static int tag_cmp(const void *x, const void *y)
{
	const struct sment *a = *(const struct sment *const *)x, *b = *(const struct sment *const *)y;
	const struct tagcount *ca = a->v, *cb = b->v;
	if (ca->cur != cb->cur)
		return ca->cur > cb->cur ? -1 : 1;
	return strcmp(a->k, b->k);
}

static void chart_tags(struct kpi *k, const struct stats *s, buf *o)
{
	const struct sment **v = malloc((s->tags.n ? s->tags.n : 1) * sizeof *v);
	size_t n = 0;
	if (!v)
		return;
	for (size_t i = 0; i < s->tags.cap; i++)
		if (s->tags.t[i].k && ((const struct tagcount *)s->tags.t[i].v)->cur)
			v[n++] = &s->tags.t[i];
	qsort(v, n, sizeof *v, tag_cmp);
	size_t lim = k->top ? (size_t)k->top : 15;
	if (n > lim)
		n = lim;
	const char **labels = calloc(n + 1, sizeof *labels), **notes = calloc(n + 1, sizeof *notes);
	double *values = calloc(n + 1, sizeof *values), vmax = 1;
	char (*text)[64] = calloc(n + 1, sizeof *text);
	for (size_t i = 0; labels && notes && values && text && i < n; i++) {
		const struct tagcount *c = v[i]->v;
		labels[i] = v[i]->k;
		values[i] = (double)c->cur;
		if (values[i] > vmax)
			vmax = values[i];
		if (k->prev_since != NO_TIME)
			snprintf(text[i], 64, "%llu (%+lld vs previous period)", (unsigned long long)c->cur,
			         (long long)c->cur - (long long)c->prev);
		else
			snprintf(text[i], 64, "%llu", (unsigned long long)c->cur);
		notes[i] = text[i];
	}
	hbars(o, "chart-tags", "Top tags", labels ? n : 0, labels, values, notes, vmax, "bar");
	free(labels);
	free(notes);
	free(values);
	free(text);
	free(v);
}

/* An alert in words, escaped, for a marker's tooltip. */
static void alert_title(buf *o, const struct alert *a)
{
	buf cell = {0};
	alert_group(a, &cell);
	esc(o, cell.p, cell.len);
	buf_free(&cell);
	buf_addf(o, " %s", a->metric);
	if (a->tag) {
		buf_adds(o, " ");
		escs(o, a->tag);
	}
	buf_addf(o, " %s%s: %.3g (baseline %.3g, sd %.3g, floor %.3g, z %.1f)", a->severity,
	         a->escalated ? ", raised" : "", a->value, a->mean, a->sd, a->floor, a->z);
}

/* The hourly inbound series of the last two weeks of data, with the
 * alerts marked where they fired. */
static void chart_spikes(struct kpi *k, buf *o)
{
	buf_adds(o, "<h2>Hourly inbound and spike alerts</h2>\n<svg id=\"chart-spikes\" "
	            "viewBox=\"0 0 1000 260\" role=\"img\" "
	            "aria-label=\"spikes\">");
	if (!k->nhours) {
		axes(o, 0, "inbound per hour");
		buf_adds(o, "</svg>\n");
		return;
	}
	int64_t h1 = k->hours[k->nhours - 1].h, h0 = k->hours[0].h;
	if (h1 - h0 > 14 * 24 - 1)
		h0 = h1 - (14 * 24 - 1);
	size_t n = (size_t)(h1 - h0 + 1);
	double *v = calloc(n, sizeof *v), ymax = 1;
	if (!v) {
		buf_adds(o, "</svg>\n");
		return;
	}
	for (size_t i = 0; i < k->nhours; i++)
		if (k->hours[i].h >= h0)
			v[k->hours[i].h - h0] = (double)k->hours[i].in;
	for (size_t i = 0; i < n; i++)
		if (v[i] > ymax)
			ymax = v[i];
	axes(o, ymax, "inbound per hour");
	double dx = n > 1 ? (double)(W - 10 - L) / (double)(n - 1) : 0, ph = H - B - 10;
	buf_adds(o, "<polyline class=\"line\" points=\"");
	for (size_t i = 0; i < n; i++)
		buf_addf(o, "%.1f,%.1f ", L + i * dx, H - B - v[i] / ymax * ph);
	buf_adds(o, "\"/>");
	size_t shown = 0;
	for (size_t i = 0; i < k->nalerts; i++) {
		const struct alert *a = &k->alerts[i];
		if (a->hour < h0 || a->hour > h1)
			continue;
		char ts[40];
		fmt_time(k, a->hour * 3600, ts);
		double x = L + (double)(a->hour - h0) * dx, y = H - B - v[a->hour - h0] / ymax * ph;
		buf_addf(o, "<circle class=\"spike %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\"><title>%s ",
		         a->severity, x, y, ts);
		alert_title(o, a);
		buf_adds(o, "</title></circle>");
		shown++;
	}
	char a0[32], a1[32];
	label_time(k, a0, h0 * 3600, 3600);
	label_time(k, a1, h1 * 3600, 3600);
	buf_addf(o, "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">"
	            "%s</text>",
	         L, H - B + 16, a0, W - 10, H - B + 16, a1);
	buf_addf(o, "<text x=\"%d\" y=\"%d\">%zu alert%s in this window, %zu in all (k = %g over "
	            "a trailing baseline)</text></svg>\n",
	         L, H - 6, shown, shown == 1 ? "" : "s", k->nalerts, k->spike_k);
	free(v);
}

/* ---------------------------------------------------------- page */

/* Every figure with data, as --wide shows them; the header's title holds
 * the legend's line. */
static void group_table(struct kpi *k, buf *o)
{
	uint32_t *gv;
	size_t ng = report_groups(k, &gv);
	if (!gv)
		return;
	const struct stats *tot = &k->g[k->total_g]->s;
	uint8_t list[KPI_MAXCOLUMNS];
	size_t nlist = table_columns(k, tot, list, true);
	size_t all = 0;
	for (size_t i = 0; i < k->ng; i++)
		all += k->g[i]->fam == FAM_BY;
	buf_adds(o, "<h2>By ");
	escs(o, k->by);
	if (ng < all)
		buf_addf(o, ": top %zu of %zu", ng, all);
	buf_adds(o, "</h2>\n<table id=\"groups\"><tr>");
	for (size_t i = 0; i < k->nkeys; i++) {
		buf_adds(o, "<th>");
		escs(o, k->keys[i].name);
		buf_adds(o, "</th>");
	}
	for (size_t j = 0; j < nlist; j++) {
		const char *desc, *head = column_head(list[j], &desc);
		buf_adds(o, "<th title=\"");
		escs(o, desc);
		buf_adds(o, "\">");
		escs(o, head);
		buf_adds(o, "</th>");
	}
	buf_adds(o, "</tr>\n");
	buf cell = {0};
	for (size_t r = 0; r <= ng; r++) {
		const struct group *g = r < ng ? k->g[gv[r]] : k->g[k->total_g];
		buf_adds(o, r < ng ? "<tr>" : "<tr class=\"total\">");
		const char *p = g->key;
		for (size_t i = 0; i < k->nkeys; i++) {
			const char *sep = strchr(p, '\x1f');
			size_t n = sep ? (size_t)(sep - p) : strlen(p);
			buf_adds(o, "<td>");
			if (r < ng)
				esc(o, p, n);
			else if (i == 0)
				buf_adds(o, "(all)");
			buf_adds(o, "</td>");
			p = sep ? sep + 1 : p + n;
		}
		for (size_t j = 0; j < nlist; j++) {
			buf_reset(&cell);
			column_human(&cell, &g->s, list[j]);
			buf_adds(o, "<td>");
			esc(o, cell.p, cell.len);
			buf_adds(o, "</td>");
		}
		buf_adds(o, "</tr>\n");
	}
	buf_free(&cell);
	buf_adds(o, "</table>\n");
	free(gv);
}

int html_write(struct kpi *k, buf *o)
{
	long gi = kpi_group(k, FAM_TOTAL, "", 0);
	if (gi < 0)
		return -1;
	const struct stats *s = &k->g[gi]->s;
	char t0[40] = "-", t1[40] = "-", v[32];
	if (k->min_t != NO_TIME)
		fmt_time(k, k->min_t, t0);
	if (k->max_t != NO_TIME)
		fmt_time(k, k->max_t, t1);
	buf_adds(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	            "<meta name=\"viewport\" content=\"width=device-width\">"
	            "<title>KPI report</title><style>");
	buf_adds(o, style);
	buf_adds(o, "</style></head><body>\n<h1>KPI report</h1>\n<div class=\"sub\">");
	buf_addf(o, "%llu records, %s to %s, times in ", (unsigned long long)k->records, t0, t1);
	escs(o, tz_name(k->zone));
	if (k->by) {
		buf_adds(o, ", by ");
		escs(o, k->by);
	}
	buf_adds(o, "</div>\n<div class=\"cards\">\n");
	double decided = (double)(s->sla[0] + s->sla[1] + s->sla[2]);
	snprintf(v, sizeof v, "%llu", (unsigned long long)s->n_in);
	card(o, "inbound", v);
	snprintf(v, sizeof v, "%llu", (unsigned long long)s->n_out);
	card(o, "outbound", v);
	snprintf(v, sizeof v, "%.0f", distinct_count(&s->customers));
	card(o, "customers", v);
	pct(v, s->n_in ? (double)s->answered / (double)s->n_in : NAN);
	card(o, "response rate", v);
	fmt_dur(sketch_quantile(&s->frt, 0.5), v);
	card(o, "first response, median", v);
	fmt_dur(sketch_quantile(&s->frt, 0.9), v);
	card(o, "first response, p90", v);
	fmt_dur(sketch_quantile(&s->latency, 0.5), v);
	card(o, "per-reply latency, median", v);
	pct(v, decided > 0 ? (double)s->sla[0] / decided : NAN);
	card(o, "SLA compliance", v);
	pct(v, stats_threads(s) > 0 && (k->resolve_after >= 0 || stats_resolved(s) > 0)
	       ? stats_resolved(s) / stats_threads(s) : NAN);
	card(o, "resolution rate", v);
	pct(v, s->sent_n ? (double)s->sent_label[SENT_NEG] / (double)s->sent_n : NAN);
	card(o, "negative sentiment", v);
	pct(v, s->csat_n ? (double)s->csat_sat / (double)s->csat_n : NAN);
	card(o, "CSAT", v);
	if (s->nps_n)
		snprintf(v, sizeof v, "%+.0f", 100.0 * ((double)s->nps_pro - (double)s->nps_det) /
		                                   (double)s->nps_n);
	else
		strcpy(v, "-");
	card(o, "NPS", v);
	buf_adds(o, "</div>\n");
	chart_volume(k, o);
	chart_frt(k, s, o);
	chart_sla(k, o);
	chart_tags(k, s, o);
	chart_spikes(k, o);
	if (k->nkeys)
		group_table(k, o);
	buf_adds(o, "<h2>Alerts</h2>\n");
	if (!k->nalerts)
		buf_adds(o, "<p class=\"none\">No spikes.</p>\n");
	else {
		buf_adds(o, "<table id=\"alerts\"><tr><th>hour</th><th>group</th><th>alert</th>"
		            "<th>severity</th><th>value</th><th>mean</th><th>sd</th><th>floor</th>"
		            "<th>z</th></tr>\n");
		for (size_t i = 0; i < k->nalerts; i++) {
			const struct alert *a = &k->alerts[i];
			char ts[40];
			fmt_time(k, a->hour * 3600, ts);
			buf_addf(o, "<tr><td>%s</td><td>", ts);
			buf cell = {0};
			alert_group(a, &cell);
			esc(o, cell.p, cell.len);
			buf_free(&cell);
			buf_addf(o, "</td><td>%s", a->metric);
			if (a->tag) {
				buf_adds(o, " ");
				escs(o, a->tag);
			}
			buf_addf(o, "</td><td>%s%s</td><td>%.3g</td><td>%.3g</td><td>%.3g</td><td>%.3g</td>"
			            "<td>%.2f</td></tr>\n",
			         a->severity, a->escalated ? ", raised" : "", a->value, a->mean, a->sd,
			         a->floor, a->z);
		}
		buf_adds(o, "</table>\n");
	}
	buf_adds(o, "</body></html>\n");
	return 0;
}
