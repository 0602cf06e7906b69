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

static void esc(cp_buf *o, const char *s, size_t n)
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

static void escs(cp_buf *o, const char *s)
{
	esc(o, s, strlen(s));
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2937;background:#fff}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}"
	".sub{color:#6b7280}.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}"
	".card{border:1px solid #e5e7eb;border-radius:6px;padding:8px 12px;min-width:110px}"
	".card b{display:block;font-size:20px}.card span{color:#6b7280;font-size:12px}"
	".card .prev{display:block;font-size:11px}"
	"svg{display:block;max-width:100%;height:auto;border:1px solid #f3f4f6}"
	"svg text{font:11px system-ui,sans-serif;fill:#374151}"
	".in{fill:#2563eb}.out{fill:none;stroke:#16a34a;stroke-width:2}"
	".bar{fill:#6366f1}.met,.ok{fill:#16a34a}.near{fill:#f59e0b}.below{fill:#dc2626}"
	".goal{stroke:#111827;stroke-width:2;stroke-dasharray:6 3}"
	".grid{stroke:#f3f4f6;stroke-width:1}.tick{fill:#6b7280}.note{fill:#4b5563}"
	".axis-title{font-weight:600}tr.total td{font-weight:600}"
	".axis{stroke:#9ca3af;stroke-width:1}"
	".spike{stroke:#fff;stroke-width:1.5}.minor{fill:#f59e0b}.moderate{fill:#ea580c}"
	".major{fill:#dc2626}.line{fill:none;stroke:#2563eb;stroke-width:1.5}"
	"table{border-collapse:collapse;margin-top:8px}td,th{padding:3px 8px;"
	"border-bottom:1px solid #e5e7eb;text-align:right}td:first-child,th:first-child"
	"{text-align:left}.none{color:#9ca3af}";

static void card(cp_buf *o, const char *label, const char *value, const char *before)
{
	buf_adds(o, "<div class=\"card\"><b>");
	escs(o, value);
	buf_adds(o, "</b><span>");
	escs(o, label);
	if (before) {
		buf_adds(o, "</span><span class=\"prev\">");
		escs(o, before);
	}
	buf_adds(o, "</span></div>\n");
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
#define NOTE_Y (H + 18)    /* a chart's note, under its axis title */
#define LEGEND_Y (H + 40)  /* and its legend; the view box is H + 50 tall */

/* The axes, with the y axis ticked at 0, half and the top (with grid
 * lines) and both axes titled. */
static void axes(cp_buf *o, double ymax, const char *ylabel, const char *xlabel)
{
	buf_addf(o, "<line class=\"axis\" x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\"/>", L, L, H - B);
	buf_addf(o, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, H - B, W - 10,
	         H - B);
	for (int i = 0; i <= 2; i++) {
		double y = H - B - (H - B - 10) * i / 2.0, v = ymax * i / 2;
		if (i)
			buf_addf(o, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", L, y,
			         W - 10, y);
		buf_addf(o, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.*f</text>",
		         L - 4, y + 4, v == floor(v) || v >= 10 ? 0 : 1, v);
	}
	buf_addf(o, "<text class=\"axis-title\" x=\"14\" y=\"%d\" text-anchor=\"middle\" "
	            "transform=\"rotate(-90 14 %d)\">",
	         (H - B) / 2, (H - B) / 2);
	escs(o, ylabel);
	buf_addf(o, "</text><text class=\"axis-title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
	         (L + W - 10) / 2, H - 2);
	escs(o, xlabel);
	buf_adds(o, "</text>");
}

/* Labels under n slots of width bw from x0, about seven of them. */
static void time_ticks(const struct kpi *k, cp_buf *o, int64_t t0, int64_t bucket, size_t n,
                       double bw)
{
	size_t step = (n + 6) / 7;
	if (!step)
		step = 1;
	for (size_t i = 0; i < n; i += step) {
		char lab[40];
		label_time(k, lab, t0 + (int64_t)i * bucket, bucket);
		buf_addf(o, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
		            "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
		         L + (i + 0.5) * bw, H - B, L + (i + 0.5) * bw, H - B + 4, L + (i + 0.5) * bw,
		         H - B + 16, lab);
	}
}

/* What the markers of spike alerts mean. */
static void severity_legend(cp_buf *o, int x, int y)
{
	static const char *const sev[] = { "minor", "moderate", "major" };
	buf_addf(o, "<g class=\"legend\" id=\"legend-severity\"><text x=\"%d\" y=\"%d\">spike "
	            "alerts:</text>",
	         x, y + 4);
	for (int i = 0; i < 3; i++)
		buf_addf(o, "<circle class=\"key %s\" cx=\"%d\" cy=\"%d\" r=\"6\"/><text x=\"%d\" "
		            "y=\"%d\">%s</text>",
		         sev[i], x + 90 + i * 95, y, x + 100 + i * 95, y + 4, sev[i]);
	buf_addf(o, "<rect class=\"key moderate\" x=\"%d\" y=\"%d\" width=\"9\" height=\"9\" "
	            "transform=\"rotate(45 %d %d)\"/><text x=\"%d\" y=\"%d\">negative sentiment "
	            "(colour: severity)</text></g>",
	         x + 375, y - 4, x + 379, y, x + 390, y + 4);
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

/* The span the volume chart shows: the period asked for; else the data's,
 * less isolated outliers at either end (the 0.5% most outlying records,
 * when leaving them out halves the span or more); *trim_lo and *trim_hi
 * count the records left out. */
static void volume_range(const struct kpi *k, int64_t *t0, int64_t *t1, uint64_t *trim_lo,
                         uint64_t *trim_hi)
{
	*trim_lo = *trim_hi = 0;
	*t0 = k->hours[0].h * 3600;
	*t1 = (k->hours[k->nhours - 1].h + 1) * 3600;
	if (k->since != NO_TIME && k->until != NO_TIME) {
		*t0 = k->since;
		*t1 = k->until;
		return;
	}
	uint64_t total = 0, cut, cum = 0;
	for (size_t i = 0; i < k->nhours; i++)
		total += k->hours[i].in + k->hours[i].out;
	cut = total / 200;
	if (!cut)
		return;
	size_t lo = 0, hi = k->nhours - 1;
	while (lo < hi && cum + k->hours[lo].in + k->hours[lo].out <= cut) {
		cum += k->hours[lo].in + k->hours[lo].out;
		lo++;
	}
	uint64_t cum_hi = 0;
	while (hi > lo && cum_hi + k->hours[hi].in + k->hours[hi].out <= cut) {
		cum_hi += k->hours[hi].in + k->hours[hi].out;
		hi--;
	}
	int64_t a = k->hours[lo].h * 3600, b = (k->hours[hi].h + 1) * 3600;
	if ((b - a) * 2 > *t1 - *t0)
		return;
	*t0 = a;
	*t1 = b;
	*trim_lo = cum;
	*trim_hi = cum_hi;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static void chart_volume(struct kpi *k, cp_buf *o)
{
	static const int64_t sizes[] = { 3600, 86400, 7 * 86400, 28 * 86400, 364 * 86400 };
	static const char *const names[] = { "hour", "day", "week", "4 weeks", "52 weeks" };
	buf_adds(o, "<h2>Volume over time</h2>\n<svg id=\"chart-volume\" viewBox=\"0 0 1000 310\" "
	            "role=\"img\" aria-label=\"volume\">");
	if (!k->nhours) {
		axes(o, 0, "records", "time");
		buf_adds(o, "<text x=\"500\" y=\"130\" text-anchor=\"middle\">no records</text></svg>\n");
		return;
	}
	int64_t t0, t1, bucket = 0;
	uint64_t trim_lo, trim_hi;
	size_t which = 0;
	volume_range(k, &t0, &t1, &trim_lo, &trim_hi);
	for (which = 0; which < sizeof sizes / sizeof sizes[0]; which++) {
		bucket = sizes[which];
		if ((t1 - t0 + bucket - 1) / bucket <= 120)
			break;
	}
	if (which == sizeof sizes / sizeof sizes[0])
		which--;
	/* Bins start on the wall clock of --tz: midnight, Monday (1970-01-05). */
	int64_t align = bucket >= 7 * 86400 ? 4 * 86400 : 0;
	int64_t l0 = t0 + tz_offset(k->zone, t0);
	l0 = floor_div(l0 - align, bucket) * bucket + align;
	int64_t l1 = t1 + tz_offset(k->zone, t1);
	size_t nb = (size_t)((l1 - l0 + bucket - 1) / bucket);
	if (nb < 1)
		nb = 1;
	if (nb > 2000)
		nb = 2000;
	double *in = calloc(nb, sizeof *in), *out = calloc(nb, sizeof *out), ymax = 1;
	if (!in || !out) {
		free(in);
		free(out);
		buf_adds(o, "</svg>\n");
		return;
	}
	uint64_t shown = 0;
	for (size_t i = 0; i < k->nhours; i++) {
		int64_t t = k->hours[i].h * 3600;
		if (t < t0 || t >= t1)
			continue;
		int64_t b = floor_div(t + tz_offset(k->zone, t) - l0, bucket);
		if (b < 0 || (size_t)b >= nb)
			continue;
		in[b] += (double)k->hours[i].in;
		out[b] += (double)k->hours[i].out;
		shown += k->hours[i].in + k->hours[i].out;
	}
	for (size_t i = 0; i < nb; i++) {
		if (in[i] > ymax)
			ymax = in[i];
		if (out[i] > ymax)
			ymax = out[i];
	}
	char ylabel[40], xlabel[80];
	snprintf(ylabel, sizeof ylabel, "records per %s", names[which]);
	snprintf(xlabel, sizeof xlabel, "%s (%s)", which == 0 ? "hour" : "start of the bin",
	         tz_name(k->zone));
	axes(o, ymax, ylabel, xlabel);
	double bw = (double)(W - 10 - L) / (double)nb, ph = H - B - 10;
	/* The bins' starts are local times: labels read them back as such. */
	int64_t t0_bins = l0 - tz_offset(k->zone, l0);
	for (size_t i = 0; i < nb; i++) {
		double h = in[i] / ymax * ph;
		char lab[40];
		label_time(k, lab, t0_bins + (int64_t)i * bucket, bucket);
		buf_addf(o, "<rect class=\"in\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		            "data-in=\"%.0f\" data-out=\"%.0f\"><title>%s: %.0f in, %.0f out</title></rect>",
		         L + i * bw + bw * 0.1, H - B - h, bw * 0.8 > 0.5 ? bw * 0.8 : 0.5, h, in[i],
		         out[i], lab, in[i], out[i]);
	}
	buf_adds(o, "<polyline class=\"out\" points=\"");
	for (size_t i = 0; i < nb; i++)
		buf_addf(o, "%.1f,%.1f ", L + (i + 0.5) * bw, H - B - out[i] / ymax * ph);
	buf_adds(o, "\"/>");
	for (size_t i = 0; i < nb; i++) {
		int64_t from = t0_bins + (int64_t)i * bucket;
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
	time_ticks(k, o, t0_bins, bucket, nb, bw);
	buf_addf(o, "<text class=\"note\" x=\"%d\" y=\"%d\">bars: inbound, line: outbound; %llu "
	            "records shown",
	         L, NOTE_Y, (unsigned long long)shown);
	if (trim_lo || trim_hi) {
		char a[40], b[40];
		label_time(k, a, t0, 86400);
		label_time(k, b, t1 - 1, 86400);
		buf_addf(o, "; left out as outliers: %llu before %s, %llu after %s",
		         (unsigned long long)trim_lo, a, (unsigned long long)trim_hi, b);
	}
	buf_adds(o, "</text>");
	severity_legend(o, L, LEGEND_Y);
	buf_adds(o, "</svg>\n");
	free(in);
	free(out);
}

static void hbars(cp_buf *o, const char *id, const char *title, size_t n, const char **labels,
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

static void chart_frt(struct kpi *k, const struct stats *s, cp_buf *o)
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
	            "viewBox=\"0 0 1000 310\" role=\"img\" "
	            "aria-label=\"response times\">");
	axes(o, ymax, "inbound records answered", "first response time");
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
			         L + (i + 0.5) * bw, fmax(H - B - h - 4, 22), c[i]);
	}
	char a[32], b2[32], c2[32];
	fmt_dur(sketch_quantile(&s->frt, 0.5), a);
	fmt_dur(sketch_quantile(&s->frt, 0.9), b2);
	fmt_dur(sketch_mean(&s->frt), c2);
	buf_addf(o, "<text class=\"note\" x=\"%d\" y=\"%d\">%llu first responses: median %s, "
	            "p90 %s, mean %s</text></svg>\n",
	         L, NOTE_Y, (unsigned long long)s->frt.n, a, b2, c2);
}

static struct kpi *cmp_k;
static int by_inbound(const void *x, const void *y)
{
	const struct group *a = cmp_k->g[*(const uint32_t *)x], *b = cmp_k->g[*(const uint32_t *)y];
	if (a->s.n_in != b->s.n_in)
		return a->s.n_in > b->s.n_in ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* SLA compliance per account, the busiest first: each bar coloured by
 * where it stands against --sla-goal (at or above: ok; within 10 points
 * below: near; else: below), with the goal drawn as a line.  Without sla
 * data, the response rate stands in, uncoloured. */
static void chart_sla(struct kpi *k, cp_buf *o)
{
	enum { ROW = 22, X0 = 250, BW = 560, MAXN = 15 };
	uint32_t *v = malloc((k->ng ? k->ng : 1) * sizeof *v);
	size_t n = 0, all;
	if (!v)
		return;
	for (size_t i = 0; i < k->ng; i++)
		if (k->g[i]->fam == FAM_ACCOUNT && k->g[i]->s.n_in)
			v[n++] = (uint32_t)i;
	cmp_k = k;
	qsort(v, n, sizeof *v, by_inbound);
	all = n;
	if (n > MAXN)
		n = MAXN;
	double goal = k->sla_goal;
	int h = 70 + (int)(n ? n : 1) * ROW;
	buf_addf(o, "<h2>%s per account: %s %zu of %zu, by inbound volume</h2>\n",
	         k->any_sla ? "SLA compliance" : "Response rate (no sla data)",
	         n < all ? "top" : "all", n, all);
	buf_addf(o, "<svg id=\"chart-sla\" viewBox=\"0 0 1000 %d\" role=\"img\" "
	            "aria-label=\"SLA compliance per account\">",
	         h);
	if (!n)
		buf_adds(o, "<text x=\"500\" y=\"24\" text-anchor=\"middle\">no data</text>");
	int y_axis = 10 + (int)n * ROW;
	for (int i = 0; i <= 4; i++)
		buf_addf(o, "<line class=\"grid\" x1=\"%.1f\" y1=\"6\" x2=\"%.1f\" y2=\"%d\"/>"
		            "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>",
		         X0 + BW * i / 4.0, X0 + BW * i / 4.0, y_axis, X0 + BW * i / 4.0, y_axis + 14,
		         25 * i);
	for (size_t i = 0; i < n; i++) {
		const struct stats *s = &k->g[v[i]]->s;
		double decided = (double)(s->sla[SLA_MET] + s->sla[SLA_BREACHED] + s->sla[SLA_MISSED]);
		double val;
		char note[64];
		const char *cls = "bar";
		if (k->any_sla) {
			val = decided > 0 ? (double)s->sla[SLA_MET] / decided : 0;
			snprintf(note, sizeof note, "%.1f%% met of %.0f decided", 100 * val, decided);
			cls = val >= goal ? "ok" : val >= goal - 0.1 ? "near" : "below";
		} else {
			val = s->n_in ? (double)s->answered / (double)s->n_in : 0;
			snprintf(note, sizeof note, "%.1f%% answered of %llu", 100 * val,
			         (unsigned long long)s->n_in);
		}
		double y = 10 + (double)i * ROW, w = val * BW;
		buf_addf(o, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">", X0 - 10, y + 14);
		escs(o, k->g[v[i]]->key);
		buf_addf(o, "</text><rect class=\"%s\" x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"16\" "
		            "data-value=\"%.4f\"><title>",
		         cls, X0, y + 2, w, val);
		escs(o, k->g[v[i]]->key);
		buf_addf(o, ": %s</title></rect><text x=\"%d\" y=\"%.0f\">%s</text>", note,
		         X0 + BW + 10, y + 14, note);
	}
	if (k->any_sla) {
		double gx = X0 + goal * BW;
		buf_addf(o, "<line class=\"goal\" id=\"sla-goal\" x1=\"%.1f\" y1=\"4\" x2=\"%.1f\" "
		            "y2=\"%d\"><title>goal: %.0f%% met</title></line>",
		         gx, gx, y_axis, 100 * goal);
		int ly = y_axis + 40;
		buf_addf(o, "<g class=\"legend\"><line class=\"goal\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		            "y2=\"%d\"/><text x=\"%d\" y=\"%d\">goal %.0f%% (--sla-goal)</text>"
		            "<rect class=\"ok\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/><text x=\"%d\" "
		            "y=\"%d\">at or above</text><rect class=\"near\" x=\"%d\" y=\"%d\" width=\"12\" "
		            "height=\"12\"/><text x=\"%d\" y=\"%d\">up to 10 points below</text>"
		            "<rect class=\"below\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/><text "
		            "x=\"%d\" y=\"%d\">further below</text></g>",
		         X0, ly - 8, X0, ly + 6, X0 + 6, ly + 4, 100 * goal, X0 + 160, ly - 6, X0 + 178,
		         ly + 4, X0 + 280, ly - 6, X0 + 298, ly + 4, X0 + 460, ly - 6, X0 + 478, ly + 4);
	}
	buf_addf(o, "<text class=\"axis-title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
	         X0 + BW / 2, y_axis + 28,
	         k->any_sla ? "met / (met + breached + missed)" : "answered / inbound");
	buf_adds(o, "</svg>\n");
	free(v);
}

static int tag_cmp(const void *x, const void *y)
{
	const struct map_slot *a = *(const struct map_slot *const *)x;
	const struct map_slot *b = *(const struct map_slot *const *)y;
	const struct tagcount *ca = a->val, *cb = b->val;
	if (ca->cur != cb->cur)
		return ca->cur > cb->cur ? -1 : 1;
	return strcmp(a->key, b->key);
}

static void chart_tags(struct kpi *k, const struct stats *s, cp_buf *o)
{
	const struct map_slot **v = malloc((s->tags.n ? s->tags.n : 1) * sizeof *v);
	const struct map_slot *t;
	size_t n = 0;
	if (!v)
		return;
	for (size_t i = 0; (t = map_next(&s->tags, &i));)
		if (((const struct tagcount *)t->val)->cur)
			v[n++] = t;
	qsort(v, n, sizeof *v, tag_cmp);
	size_t lim = k->top ? (size_t)k->top : 15, all = n;
	if (n > lim)
		n = lim;
	char title[80];
	snprintf(title, sizeof title, "Tags: %s %zu of %zu, by count", n < all ? "top" : "all", n,
	         all);
	const char **labels = calloc(n + 1, sizeof *labels), **notes = calloc(n + 1, sizeof *notes);
	double *values = calloc(n + 1, sizeof *values), vmax = 1;
	char (*text)[64] = calloc(n + 1, sizeof *text);
	for (size_t i = 0; labels && notes && values && text && i < n; i++) {
		const struct tagcount *c = v[i]->val;
		labels[i] = v[i]->key;
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
	hbars(o, "chart-tags", title, labels ? n : 0, labels, values, notes, vmax, "bar");
	free(labels);
	free(notes);
	free(values);
	free(text);
	free(v);
}

/* Who and what an alert is about, escaped: its group, then between, then
 * its metric and tag. */
static void alert_subject(cp_buf *o, const struct alert *a, const char *between)
{
	cp_buf cell = {0};
	alert_group(a, &cell);
	esc(o, cell.p, cell.len);
	buf_free(&cell);
	buf_addf(o, "%s%s", between, a->metric);
	if (a->tag) {
		buf_adds(o, " ");
		escs(o, a->tag);
	}
}

/* An alert in words, escaped, for a marker's tooltip. */
static void alert_title(cp_buf *o, const struct alert *a)
{
	alert_subject(o, a, " ");
	buf_addf(o, " %s%s: %.3g (baseline %.3g, sd %.3g, floor %.3g, z %.1f)", a->severity,
	         a->escalated ? ", raised" : "", a->value, a->mean, a->sd, a->floor, a->z);
}

/* The hourly inbound series of the last two weeks of data, with the
 * alerts marked where they fired. */
static void chart_spikes(struct kpi *k, cp_buf *o)
{
	char xlabel[80];
	snprintf(xlabel, sizeof xlabel, "hour (%s)", tz_name(k->zone));
	buf_adds(o, "<h2>Hourly inbound and spike alerts</h2>\n<svg id=\"chart-spikes\" "
	            "viewBox=\"0 0 1000 310\" role=\"img\" "
	            "aria-label=\"spikes\">");
	if (!k->nhours) {
		axes(o, 0, "inbound per hour", xlabel);
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
	axes(o, ymax, "inbound per hour", xlabel);
	double bw = (double)(W - 10 - L) / (double)n, ph = H - B - 10;
	buf_adds(o, "<polyline class=\"line\" points=\"");
	for (size_t i = 0; i < n; i++)
		buf_addf(o, "%.1f,%.1f ", L + (i + 0.5) * bw, H - B - v[i] / ymax * ph);
	buf_adds(o, "\"/>");
	size_t shown = 0;
	for (size_t i = 0; i < k->nalerts; i++) {
		const struct alert *a = &k->alerts[i];
		if (a->hour < h0 || a->hour > h1)
			continue;
		char ts[40];
		fmt_time(k, a->hour * 3600, ts);
		double x = L + ((double)(a->hour - h0) + 0.5) * bw, y = H - B - v[a->hour - h0] / ymax * ph;
		buf_addf(o, "<circle class=\"spike %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\"><title>%s ",
		         a->severity, x, y, ts);
		alert_title(o, a);
		buf_adds(o, "</title></circle>");
		shown++;
	}
	time_ticks(k, o, h0 * 3600, 3600, n, bw);
	buf_addf(o, "<text class=\"note\" x=\"%d\" y=\"%d\">the last %zu hours; %zu alert%s here, "
	            "%zu in all (k = %g; see the alerts table)</text>",
	         L, NOTE_Y, n, shown, shown == 1 ? "" : "s", k->nalerts, k->spike_k);
	severity_legend(o, L, LEGEND_Y);
	buf_adds(o, "</svg>\n");
	free(v);
}

/* ---------------------------------------------------------- page */

/* Every figure with data, as --wide shows them; the header's title holds
 * the legend's line. */
static void group_table(struct kpi *k, cp_buf *o)
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
		all += k->g[i]->fam == FAM_BY && k->g[i]->s.n_in + k->g[i]->s.n_out;
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
	cp_buf cell = {0};
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

int html_write(struct kpi *k, cp_buf *o)
{
	long gi = kpi_group(k, FAM_TOTAL, "", 0);
	if (gi < 0)
		return -1;
	const struct stats *s = &k->g[gi]->s;
	char t0[40] = "-", t1[40] = "-";
	if (k->min_t != NO_TIME)
		fmt_time(k, k->min_t, t0);
	if (k->max_t != NO_TIME)
		fmt_time(k, k->max_t, t1);
	buf_adds(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	            "<meta name=\"viewport\" content=\"width=device-width\">"
	            "<title>KPI report</title><style>");
	buf_adds(o, style);
	buf_adds(o, "</style></head><body>\n<h1>KPI report</h1>\n<div class=\"sub\">");
	buf_addf(o, "%llu records, %s to %s, times in ", (unsigned long long)(s->n_in + s->n_out),
	         t0, t1);
	escs(o, tz_name(k->zone));
	if (k->by) {
		buf_adds(o, ", by ");
		escs(o, k->by);
	}
	buf_adds(o, "</div>\n<div class=\"cards\">\n");
	/* The headline figures; with a previous period, it and the change. */
	uint8_t cards[KPI_MAXCOLUMNS];
	const char *label[KPI_MAXCOLUMNS];
	size_t ncards = card_columns(cards, label);
	const struct stats *prev = k->prev_since != NO_TIME ? &k->g[kpi_group(k, FAM_PREV, "", 0)]->s
	                                                   : NULL;
	cp_buf value = {0}, before = {0};
	for (size_t i = 0; i < ncards; i++) {
		buf_reset(&value);
		buf_reset(&before);
		column_human(&value, s, cards[i]);
		if (prev) {
			buf_adds(&before, "previous ");
			column_human(&before, prev, cards[i]);
			buf_adds(&before, ", ");
			column_change(&before, s, prev, cards[i]);
		}
		card(o, label[i], buf_cstr(&value), prev ? buf_cstr(&before) : NULL);
	}
	buf_free(&value);
	buf_free(&before);
	if (prev) {
		char a[40], b[40];
		fmt_time(k, k->prev_since, a);
		fmt_time(k, k->prev_until, b);
		buf_addf(o, "</div>\n<div class=\"sub\">Previous period: %s to %s", a, b);
	}
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
			alert_subject(o, a, "</td><td>");
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
