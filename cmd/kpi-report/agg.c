/*
 * Aggregates: string maps, distinct counting, per-group statistics, and
 * the partial form that --merge reads back.  Everything here merges
 * exactly: counts and sums add, sketches add bucket counts, distinct
 * counters take the union (or the register maximum).
 */
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "tz.h"

/* ---------------------------------------------------------- string map */

uint64_t kpi_hash(const void *p, size_t n)
{
	/* Eight bytes a step, then MurmurHash3's finaliser so that every bit
	 * of the result depends on every input bit (HyperLogLog reads the
	 * high bits, the tables the low ones). */
	const unsigned char *s = p;
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xC2B2AE3D27D4EB4FULL), v;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&v, s, 8);
		h ^= v * 0x87C37B91114253D5ULL;
		h = (h << 31 | h >> 33) * 0x4CF5AD432745937FULL;
	}
	v = 0;
	memcpy(&v, s, n);
	h ^= v * 0x87C37B91114253D5ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

struct sment *smap_get(struct smap *m, const char *k, size_t klen, uint64_t h)
{
	if (!m->cap)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct sment *e = &m->t[i];
		if (!e->k)
			return NULL;
		if (e->h == h && e->klen == klen && memcmp(e->k, k, klen) == 0)
			return e;
	}
}

static int smap_grow(struct smap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	struct sment *nt = calloc(ncap, sizeof *nt);
	if (!nt)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->t[i].k)
			continue;
		size_t j = m->t[i].h & (ncap - 1);
		while (nt[j].k)
			j = (j + 1) & (ncap - 1);
		nt[j] = m->t[i];
	}
	free(m->t);
	m->t = nt;
	m->cap = ncap;
	return 0;
}

struct sment *smap_put(struct smap *m, const char *k, size_t klen, uint64_t h)
{
	struct sment *e = smap_get(m, k, klen, h);
	if (e)
		return e;
	if ((m->n + 1) * 2 > m->cap && smap_grow(m) < 0)
		return NULL;
	size_t i = h & (m->cap - 1);
	while (m->t[i].k)
		i = (i + 1) & (m->cap - 1);
	char *copy = malloc(klen + 1);
	if (!copy)
		return NULL;
	memcpy(copy, k, klen);
	copy[klen] = '\0';
	m->t[i] = (struct sment){ copy, klen, h, NULL };
	m->n++;
	return &m->t[i];
}

/* Backward-shift deletion keeps linear probing free of tombstones. */
void smap_del(struct smap *m, struct sment *e)
{
	size_t i = (size_t)(e - m->t), mask = m->cap - 1;
	free(e->k);
	m->t[i].k = NULL;
	m->n--;
	for (size_t j = (i + 1) & mask; m->t[j].k; j = (j + 1) & mask) {
		size_t home = m->t[j].h & mask;
		/* Move j back to the hole at i when its home is not in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->t[i] = m->t[j];
			m->t[j].k = NULL;
			i = j;
		}
	}
}

void smap_free(struct smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->t[i].k);
	free(m->t);
	memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------- distinct */

static void hll_add(uint8_t *reg, uint64_t h)
{
	uint32_t idx = (uint32_t)(h >> (64 - HLL_P));
	uint64_t w = h << HLL_P;
	uint8_t rho = w ? (uint8_t)(__builtin_clzll(w) + 1) : (uint8_t)(64 - HLL_P + 1);
	if (rho > reg[idx])
		reg[idx] = rho;
}

static int set_insert(struct distinct *d, uint64_t h)
{
	if ((d->n + 1) * 2 > d->cap) {
		uint32_t ncap = d->cap ? d->cap * 2 : 8;
		uint64_t *ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return -1;
		for (uint32_t i = 0; i < d->cap; i++) {
			if (!d->set[i])
				continue;
			uint32_t j = (uint32_t)d->set[i] & (ncap - 1);
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = d->set[i];
		}
		free(d->set);
		d->set = ns;
		d->cap = ncap;
	}
	uint32_t j = (uint32_t)h & (d->cap - 1);
	while (d->set[j]) {
		if (d->set[j] == h)
			return 0;
		j = (j + 1) & (d->cap - 1);
	}
	d->set[j] = h;
	d->n++;
	return 0;
}

static int to_hll(struct distinct *d)
{
	d->reg = calloc((size_t)1 << HLL_P, 1);
	if (!d->reg)
		return -1;
	for (uint32_t i = 0; i < d->cap; i++)
		if (d->set[i])
			hll_add(d->reg, d->set[i]);
	free(d->set);
	d->set = NULL;
	d->n = d->cap = 0;
	return 0;
}

int distinct_add(struct distinct *d, uint64_t h)
{
	if (!h)
		h = 1; /* 0 marks an empty slot */
	if (d->reg) {
		hll_add(d->reg, h);
		return 0;
	}
	if (set_insert(d, h) < 0)
		return -1;
	if (d->n > DISTINCT_EXACT)
		return to_hll(d);
	return 0;
}

int distinct_merge(struct distinct *d, const struct distinct *s)
{
	if (s->reg) {
		if (!d->reg && to_hll(d) < 0)
			return -1;
		for (size_t i = 0; i < (size_t)1 << HLL_P; i++)
			if (s->reg[i] > d->reg[i])
				d->reg[i] = s->reg[i];
		return 0;
	}
	for (uint32_t i = 0; i < s->cap; i++)
		if (s->set[i] && distinct_add(d, s->set[i]) < 0)
			return -1;
	return 0;
}

double distinct_count(const struct distinct *d)
{
	if (!d->reg)
		return d->n;
	double m = (double)((size_t)1 << HLL_P), sum = 0, zeros = 0;
	for (size_t i = 0; i < (size_t)1 << HLL_P; i++) {
		sum += ldexp(1, -d->reg[i]);
		zeros += d->reg[i] == 0;
	}
	double est = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (est <= 2.5 * m && zeros > 0)
		est = m * log(m / zeros);
	return round(est);
}

/* ---------------------------------------------------------- stats */

void stats_init(struct stats *s)
{
	memset(s, 0, sizeof *s);
	sketch_init(&s->frt, SKETCH_ALPHA);
	sketch_init(&s->frt_bus, SKETCH_ALPHA);
	sketch_init(&s->latency, SKETCH_ALPHA);
	/* Exact values without a limit per sketch: kpi_sample and
	 * kpi_fit_budget bound them all together, by --quantile-memory. */
	sketch_keep_exact(&s->frt, 0);
	sketch_keep_exact(&s->frt_bus, 0);
	sketch_keep_exact(&s->latency, 0);
}

/* ---------------------------------------------------------- exact values */

static int by_exact_bytes(const void *a, const void *b)
{
	uint64_t x = sketch_exact_bytes(*(sketch *const *)a), y = sketch_exact_bytes(*(sketch *const *)b);
	return x > y ? -1 : x < y;
}

/* Over the budget: the sketches holding most turn to buckets first, until
 * what is left takes 7/8 of it (so that this does not run again for each
 * of the next few values).  Their quantiles become approximate, and the
 * output says so. */
int kpi_fit_budget(struct kpi *k)
{
	if (k->exact_bytes <= k->quantile_budget)
		return 0;
	sketch **v = malloc((k->ng ? k->ng : 1) * 3 * sizeof *v);
	size_t n = 0;
	if (!v)
		return -1;
	for (size_t i = 0; i < k->ng; i++) {
		struct stats *s = &k->g[i]->s;
		sketch *three[3] = { &s->frt, &s->frt_bus, &s->latency };
		for (int j = 0; j < 3; j++)
			if (sketch_exact_bytes(three[j]))
				v[n++] = three[j];
	}
	qsort(v, n, sizeof *v, by_exact_bytes);
	uint64_t goal = k->quantile_budget / 8 * 7;
	for (size_t i = 0; i < n && k->exact_bytes > goal; i++) {
		k->exact_bytes -= sketch_exact_bytes(v[i]);
		if (sketch_approximate(v[i]) < 0) {
			free(v);
			return -1;
		}
	}
	free(v);
	return 0;
}

int kpi_sample(struct kpi *k, sketch *s, double x)
{
	uint64_t before = sketch_exact_bytes(s);
	if (!s->bucketed && !k->quantile_budget && sketch_approximate(s) < 0)
		return -1;
	if (sketch_add(s, x) < 0)
		return -1;
	k->exact_bytes += sketch_exact_bytes(s) - before;
	return kpi_fit_budget(k);
}

double stats_threads(const struct stats *s)
{
	return (double)s->threads + distinct_count(&s->thread_ids);
}

double stats_resolved(const struct stats *s)
{
	return (double)s->resolved + distinct_count(&s->resolved_ids);
}

void stats_free(struct stats *s)
{
	free(s->customers.set);
	free(s->customers.reg);
	free(s->thread_ids.set);
	free(s->thread_ids.reg);
	free(s->resolved_ids.set);
	free(s->resolved_ids.reg);
	sketch_free(&s->frt);
	sketch_free(&s->frt_bus);
	sketch_free(&s->latency);
	for (size_t i = 0; i < s->tags.cap; i++)
		free(s->tags.t[i].v);
	smap_free(&s->tags);
}

int tag_count(struct stats *s, const char *tag, size_t n, bool prev)
{
	struct sment *e = smap_put(&s->tags, tag, n, kpi_hash(tag, n));
	if (!e)
		return -1;
	if (!e->v && !(e->v = calloc(1, sizeof(struct tagcount))))
		return -1;
	struct tagcount *c = e->v;
	if (prev)
		c->prev++;
	else
		c->cur++;
	return 0;
}

int kpi_merge_sketch(struct kpi *k, sketch *d, const sketch *s, cp_err *e)
{
	uint64_t before = sketch_exact_bytes(d);
	if (!d->bucketed && !k->quantile_budget && s->n && sketch_approximate(d) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	if (sketch_merge(d, s, e) < 0)
		return -1;
	k->exact_bytes += sketch_exact_bytes(d) - before;
	return kpi_fit_budget(k) < 0 ? cp_fail(e, CP_EX_OSERR, "out of memory") : 0;
}

int stats_merge(struct kpi *k, struct stats *d, const struct stats *s, cp_err *e)
{
	d->n_in += s->n_in;
	d->n_out += s->n_out;
	d->answered += s->answered;
	if (distinct_merge(&d->customers, &s->customers) < 0 ||
	    distinct_merge(&d->thread_ids, &s->thread_ids) < 0 ||
	    distinct_merge(&d->resolved_ids, &s->resolved_ids) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	if (kpi_merge_sketch(k, &d->frt, &s->frt, e) < 0 ||
	    kpi_merge_sketch(k, &d->frt_bus, &s->frt_bus, e) < 0 ||
	    kpi_merge_sketch(k, &d->latency, &s->latency, e) < 0)
		return -1;
	for (int i = 0; i < SLA_NSTATUS; i++)
		d->sla[i] += s->sla[i];
	d->threads += s->threads;
	d->resolved += s->resolved;
	d->threads_open += s->threads_open;
	d->sent_n += s->sent_n;
	for (int i = 0; i < SENT_NLABEL; i++)
		d->sent_label[i] += s->sent_label[i];
	d->sent_scored += s->sent_scored;
	d->sent_sum += s->sent_sum;
	d->csat_n += s->csat_n;
	d->csat_sat += s->csat_sat;
	d->csat_sum += s->csat_sum;
	d->nps_n += s->nps_n;
	d->nps_pro += s->nps_pro;
	d->nps_det += s->nps_det;
	d->likes += s->likes;
	d->reposts += s->reposts;
	d->replies += s->replies;
	for (size_t i = 0; i < s->tags.cap; i++) {
		const struct sment *t = &s->tags.t[i];
		if (!t->k)
			continue;
		struct sment *x = smap_put(&d->tags, t->k, t->klen, t->h);
		if (!x || (!x->v && !(x->v = calloc(1, sizeof(struct tagcount)))))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		struct tagcount *dc = x->v, *sc = t->v;
		dc->cur += sc->cur;
		dc->prev += sc->prev;
	}
	return 0;
}

long kpi_group(struct kpi *k, int fam, const char *key, size_t klen)
{
	cp_buf *b = &k->scratch;
	buf_reset(b);
	if (buf_addc(b, (char)('0' + fam)) < 0 || buf_add(b, key, klen) < 0)
		return -1;
	uint64_t h = kpi_hash(b->p, b->len);
	struct sment *e = smap_get(&k->groups, b->p, b->len, h);
	if (e)
		return (long)(uintptr_t)e->v;
	if (k->ng == k->gcap) {
		size_t ncap = k->gcap ? k->gcap * 2 : 16;
		struct group **ng = realloc(k->g, ncap * sizeof *ng);
		if (!ng)
			return -1;
		k->g = ng;
		k->gcap = ncap;
	}
	struct group *g = calloc(1, sizeof *g);
	if (!g || !(g->key = malloc(klen + 1))) {
		free(g);
		return -1;
	}
	memcpy(g->key, key, klen);
	g->key[klen] = '\0';
	g->fam = fam;
	g->hours.esize = sizeof(struct hslot);
	stats_init(&g->s);
	e = smap_put(&k->groups, b->p, b->len, h);
	if (!e) {
		free(g->key);
		free(g);
		return -1;
	}
	e->v = (void *)(uintptr_t)k->ng;
	k->g[k->ng] = g;
	return (long)k->ng++;
}

static const struct gset *gset_intern_lookup(struct kpi *k, const struct gset *s);

const struct gset *gset_intern(struct kpi *k, const struct gset *s)
{
	/* Consecutive records often fall in the same groups. */
	static const struct gset *last;
	if (last && last->n == s->n && memcmp(last->g, s->g, s->n * sizeof *s->g) == 0)
		return last;
	last = gset_intern_lookup(k, s);
	return last;
}

static const struct gset *gset_intern_lookup(struct kpi *k, const struct gset *s)
{
	size_t n = s->n * sizeof *s->g;
	const char *bytes = n ? (const char *)s->g : "";
	uint64_t h = kpi_hash(bytes, n);
	struct sment *e = smap_get(&k->gsets, bytes, n, h);
	if (e)
		return e->v;
	struct gset *d = malloc(sizeof *d);
	if (!d || !(d->g = malloc(n ? n : 1))) {
		free(d);
		return NULL;
	}
	memcpy(d->g, s->g, n);
	d->n = s->n;
	if (!(e = smap_put(&k->gsets, bytes, n, h))) {
		free(d->g);
		free(d);
		return NULL;
	}
	e->v = d;
	return d;
}

void kpi_free(struct kpi *k)
{
	for (size_t i = 0; i < k->ng; i++) {
		stats_free(&k->g[i]->s);
		ht_free(&k->g[i]->hours);
		free(k->g[i]->key);
		free(k->g[i]);
	}
	free(k->g);
	smap_free(&k->groups);
	ht_free(&k->pending);
	for (size_t i = 0; i < k->orphans.cap; i++) {
		struct orphans *o = (void *)(k->orphans.t + i * k->orphans.esize);
		if (o->key)
			free(o->r);
	}
	ht_free(&k->orphans);
	ht_free(&k->threads);
	for (size_t i = 0; i < k->gsets.cap; i++)
		if (k->gsets.t[i].k) {
			struct gset *gs = k->gsets.t[i].v;
			free(gs->g);
			free(gs);
		}
	smap_free(&k->gsets);
	for (size_t i = 0; i < k->tag_hours.cap; i++)
		if (k->tag_hours.t[i].k) {
			ht_free(k->tag_hours.t[i].v);
			free(k->tag_hours.t[i].v);
		}
	smap_free(&k->tag_hours);
	smap_free(&k->hours_map);
	free(k->hours);
	free(k->alerts);
	free(k->gs.g);
	buf_free(&k->scratch);
	buf_free(&k->key);
}

/* ---------------------------------------------------------- partials */

static int distinct_json(const struct distinct *d, cp_buf *out)
{
	if (d->reg) {
		if (buf_adds(out, "{\"h\":\"") < 0)
			return -1;
		static const char hex[] = "0123456789abcdef";
		if (buf_reserve(out, 2 << HLL_P) < 0)
			return -1;
		for (size_t i = 0; i < (size_t)1 << HLL_P; i++) {
			out->p[out->len++] = hex[d->reg[i] >> 4];
			out->p[out->len++] = hex[d->reg[i] & 15];
		}
		return buf_adds(out, "\"}");
	}
	if (buf_adds(out, "{\"x\":[") < 0)
		return -1;
	bool first = true;
	for (uint32_t i = 0; i < d->cap; i++) {
		if (!d->set[i])
			continue;
		if (buf_addf(out, first ? "\"%016llx\"" : ",\"%016llx\"",
		             (unsigned long long)d->set[i]) < 0)
			return -1;
		first = false;
	}
	return buf_adds(out, "]}");
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int distinct_from_json(struct distinct *d, cp_val v, cp_err *e)
{
	size_t n;
	const char *s;
	cp_val h = val_member(v, "h"), x = val_member(v, "x");
	if (h.type == VAL_STRING) {
		s = val_rawstr(h, &n);
		if (!s || n != (size_t)2 << HLL_P)
			return cp_fail(e, CP_EX_DATAERR, "customers: bad register string");
		if (!d->reg && to_hll(d) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		for (size_t i = 0; i < (size_t)1 << HLL_P; i++) {
			int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);
			if (a < 0 || b < 0)
				return cp_fail(e, CP_EX_DATAERR, "customers: bad register string");
			uint8_t r = (uint8_t)(a * 16 + b);
			if (r > d->reg[i])
				d->reg[i] = r;
		}
		return 0;
	}
	if (x.type != VAL_ARRAY)
		return cp_fail(e, CP_EX_DATAERR, "customers: neither x nor h");
	size_t pos = 0;
	cp_val el;
	while (val_next(x, &pos, NULL, &el)) {
		s = val_rawstr(el, &n);
		if (!s || n != 16)
			return cp_fail(e, CP_EX_DATAERR, "customers: bad hash");
		uint64_t hv = 0;
		for (size_t i = 0; i < 16; i++) {
			int c = hexval(s[i]);
			if (c < 0)
				return cp_fail(e, CP_EX_DATAERR, "customers: bad hash");
			hv = hv << 4 | (uint64_t)c;
		}
		if (distinct_add(d, hv) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	return 0;
}

int stats_to_json(const struct stats *s, cp_buf *o)
{
	int rc = 0;
	rc |= buf_addf(o, "{\"in\":%llu,\"out\":%llu,\"ans\":%llu,\"cust\":",
	               (unsigned long long)s->n_in, (unsigned long long)s->n_out,
	               (unsigned long long)s->answered);
	rc |= distinct_json(&s->customers, o);
	rc |= buf_adds(o, ",\"thd\":");
	rc |= distinct_json(&s->thread_ids, o);
	rc |= buf_adds(o, ",\"rsd\":");
	rc |= distinct_json(&s->resolved_ids, o);
	rc |= buf_adds(o, ",\"frt\":");
	rc |= sketch_to_json(&s->frt, o);
	rc |= buf_adds(o, ",\"bus\":");
	rc |= sketch_to_json(&s->frt_bus, o);
	rc |= buf_adds(o, ",\"lat\":");
	rc |= sketch_to_json(&s->latency, o);
	rc |= buf_addf(o, ",\"sla\":[%llu,%llu,%llu,%llu,%llu]", (unsigned long long)s->sla[0],
	               (unsigned long long)s->sla[1], (unsigned long long)s->sla[2],
	               (unsigned long long)s->sla[3], (unsigned long long)s->sla[4]);
	rc |= buf_addf(o, ",\"thr\":[%llu,%llu,%llu]", (unsigned long long)s->threads,
	               (unsigned long long)s->resolved, (unsigned long long)s->threads_open);
	rc |= buf_addf(o, ",\"sent\":[%llu,%llu,%llu,%llu,%llu,%lld]",
	               (unsigned long long)s->sent_n, (unsigned long long)s->sent_label[0],
	               (unsigned long long)s->sent_label[1], (unsigned long long)s->sent_label[2],
	               (unsigned long long)s->sent_scored, (long long)s->sent_sum);
	rc |= buf_addf(o, ",\"csat\":[%llu,%llu,%.17g]", (unsigned long long)s->csat_n,
	               (unsigned long long)s->csat_sat, s->csat_sum);
	rc |= buf_addf(o, ",\"nps\":[%llu,%llu,%llu]", (unsigned long long)s->nps_n,
	               (unsigned long long)s->nps_pro, (unsigned long long)s->nps_det);
	rc |= buf_addf(o, ",\"eng\":[%.17g,%.17g,%.17g],\"tags\":{", s->likes, s->reposts,
	               s->replies);
	bool first = true;
	for (size_t i = 0; i < s->tags.cap; i++) {
		const struct sment *t = &s->tags.t[i];
		if (!t->k)
			continue;
		const struct tagcount *c = t->v;
		if (!first)
			rc |= buf_addc(o, ',');
		first = false;
		rc |= buf_json_str(o, t->k, t->klen);
		rc |= buf_addf(o, ":[%llu,%llu]", (unsigned long long)c->cur,
		               (unsigned long long)c->prev);
	}
	rc |= buf_adds(o, "}}");
	return rc ? -1 : 0;
}

/* Read n whole numbers from an array into u64s. */
static int counts(cp_val arr, uint64_t *out, size_t n)
{
	if (arr.type != VAL_ARRAY || val_len(arr) != n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t x;
		if (val_int(val_index(arr, i), &x) < 0 || x < 0)
			return -1;
		out[i] = (uint64_t)x;
	}
	return 0;
}

int stats_from_json(struct stats *s, cp_val v, cp_err *e)
{
	uint64_t c3[3], c5[6];
	double d;
	int64_t a, b, c;
	if (val_int(val_member(v, "in"), &a) < 0 || val_int(val_member(v, "out"), &b) < 0 ||
	    val_int(val_member(v, "ans"), &c) < 0 || a < 0 || b < 0 || c < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad counts");
	s->n_in = (uint64_t)a;
	s->n_out = (uint64_t)b;
	s->answered = (uint64_t)c;
	if (distinct_from_json(&s->customers, val_member(v, "cust"), e) < 0 ||
	    distinct_from_json(&s->thread_ids, val_member(v, "thd"), e) < 0 ||
	    distinct_from_json(&s->resolved_ids, val_member(v, "rsd"), e) < 0 ||
	    sketch_from_json(&s->frt, val_member(v, "frt"), e) < 0 ||
	    sketch_from_json(&s->frt_bus, val_member(v, "bus"), e) < 0 ||
	    sketch_from_json(&s->latency, val_member(v, "lat"), e) < 0)
		return -1;
	if (counts(val_member(v, "sla"), s->sla, SLA_NSTATUS) < 0 ||
	    counts(val_member(v, "thr"), c3, 3) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad sla or thread counts");
	s->threads = c3[0];
	s->resolved = c3[1];
	s->threads_open = c3[2];
	cp_val sent = val_member(v, "sent");
	if (sent.type != VAL_ARRAY || val_len(sent) != 6 ||
	    val_int(val_index(sent, 5), &s->sent_sum) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad sentiment");
	for (size_t i = 0; i < 5; i++) {
		int64_t x;
		if (val_int(val_index(sent, i), &x) < 0 || x < 0)
			return cp_fail(e, CP_EX_DATAERR, "partial: bad sentiment");
		c5[i] = (uint64_t)x;
	}
	s->sent_n = c5[0];
	memcpy(s->sent_label, c5 + 1, sizeof s->sent_label);
	s->sent_scored = c5[4];
	cp_val cs = val_member(v, "csat");
	int64_t cn, csat;
	if (cs.type != VAL_ARRAY || val_int(val_index(cs, 0), &cn) < 0 ||
	    val_int(val_index(cs, 1), &csat) < 0 || val_num(val_index(cs, 2), &d) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad csat");
	s->csat_n = (uint64_t)cn;
	s->csat_sat = (uint64_t)csat;
	s->csat_sum = d;
	if (counts(val_member(v, "nps"), c3, 3) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad nps");
	s->nps_n = c3[0];
	s->nps_pro = c3[1];
	s->nps_det = c3[2];
	cp_val eng = val_member(v, "eng");
	if (eng.type != VAL_ARRAY || val_num(val_index(eng, 0), &s->likes) < 0 ||
	    val_num(val_index(eng, 1), &s->reposts) < 0 || val_num(val_index(eng, 2), &s->replies) < 0)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad engagement");
	cp_val tags = val_member(v, "tags"), tk, tv;
	size_t pos = 0;
	cp_buf name = {0};
	while (val_next(tags, &pos, &tk, &tv)) {
		uint64_t cp[2];
		buf_reset(&name);
		if (val_str(tk, &name) < 0 || counts(tv, cp, 2) < 0) {
			buf_free(&name);
			return cp_fail(e, CP_EX_DATAERR, "partial: bad tag count");
		}
		struct sment *x = smap_put(&s->tags, name.p, name.len, kpi_hash(name.p, name.len));
		if (!x || (!x->v && !(x->v = calloc(1, sizeof(struct tagcount))))) {
			buf_free(&name);
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
		struct tagcount *tc = x->v;
		tc->cur += cp[0];
		tc->prev += cp[1];
	}
	buf_free(&name);
	return 0;
}

int key_json(const struct group *g, cp_buf *out)
{
	int rc = buf_addc(out, '[');
	const char *s = g->key;
	if (*s || g->fam != FAM_TOTAL) {
		for (;;) {
			const char *sep = strchr(s, '\x1f');
			size_t n = sep ? (size_t)(sep - s) : strlen(s);
			rc |= buf_json_str(out, s, n);
			if (!sep)
				break;
			rc |= buf_addc(out, ',');
			s = sep + 1;
		}
	}
	rc |= buf_addc(out, ']');
	return rc ? -1 : 0;
}

int gset_json(struct kpi *k, const struct gset *gs, cp_buf *out)
{
	int rc = buf_addc(out, '[');
	for (uint16_t i = 0; i < gs->n; i++) {
		const struct group *g = k->g[gs->g[i]];
		rc |= buf_addf(out, "%s[%d,", i ? "," : "", g->fam);
		rc |= buf_json_str(out, g->key, strlen(g->key));
		rc |= buf_addc(out, ']');
	}
	rc |= buf_addc(out, ']');
	return rc ? -1 : 0;
}

int gset_from_json(struct kpi *k, cp_val v, const struct gset **out, cp_err *e)
{
	size_t n = val_len(v), pos = 0;
	cp_val el;
	struct gset tmp = {0}, *gs = &tmp;
	if (v.type != VAL_ARRAY || n > 65535)
		return cp_fail(e, CP_EX_DATAERR, "partial: bad group list");
	gs->g = malloc((n ? n : 1) * sizeof *gs->g);
	gs->n = 0;
	if (!gs->g)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	while (val_next(v, &pos, NULL, &el)) {
		int64_t fam;
		cp_buf *key = &k->key;
		buf_reset(key);
		if (val_int(val_index(el, 0), &fam) < 0 || fam < FAM_TOTAL || fam > FAM_PREV ||
		    val_str(val_index(el, 1), key) < 0) {
			free(tmp.g);
			return cp_fail(e, CP_EX_DATAERR, "partial: bad group reference");
		}
		long gi = kpi_group(k, (int)fam, key->p ? key->p : "", key->len);
		if (gi < 0) {
			free(tmp.g);
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
		gs->g[gs->n++] = (uint32_t)gi;
	}
	*out = gset_intern(k, gs);
	free(tmp.g);
	return *out ? 0 : cp_fail(e, CP_EX_OSERR, "out of memory");
}

static void time_or_null(cp_buf *o, const char *name, int64_t t)
{
	if (t == NO_TIME)
		buf_addf(o, ",\"%s\":null", name);
	else
		buf_addf(o, ",\"%s\":%lld", name, (long long)t);
}

/* The partial: a header, then one line per group, hour and open item. */
int kpi_write_partial(struct kpi *k, cp_buf *o)
{
	int rc = 0;
	rc |= buf_adds(o, "{\"kpi_partial\":1,\"by\":");
	rc |= buf_json_str(o, k->by ? k->by : "", strlen(k->by ? k->by : ""));
	rc |= buf_adds(o, ",\"tz\":");
	rc |= buf_json_str(o, tz_name(k->zone), strlen(tz_name(k->zone)));
	time_or_null(o, "since", k->since);
	time_or_null(o, "until", k->until);
	time_or_null(o, "prev_since", k->prev_since);
	time_or_null(o, "prev_until", k->prev_until);
	rc |= buf_addf(o, ",\"resolve_after\":%lld,\"reply_window\":%lld,\"records\":%llu",
	               (long long)k->resolve_after, (long long)k->reply_window,
	               (unsigned long long)k->records);
	time_or_null(o, "watermark", k->watermark);
	time_or_null(o, "min_t", k->min_t);
	time_or_null(o, "max_t", k->max_t);
	rc |= buf_addf(o, ",\"any_sla\":%s,\"any_business\":%s,\"unmatched\":%llu}\n",
	               k->any_sla ? "true" : "false", k->any_business ? "true" : "false",
	               (unsigned long long)k->replies_unmatched);
	for (size_t i = 0; i < k->ng; i++) {
		struct group *g = k->g[i];
		rc |= buf_addf(o, "{\"t\":\"group\",\"fam\":%d,\"key\":", g->fam);
		rc |= buf_json_str(o, g->key, strlen(g->key));
		rc |= buf_adds(o, ",\"s\":");
		rc |= stats_to_json(&g->s, o);
		rc |= buf_adds(o, "}\n");
	}
	for (size_t i = 0; i < k->nhours; i++)
		rc |= buf_addf(o, "{\"t\":\"hour\",\"h\":%lld,\"in\":%llu,\"out\":%llu,\"neg\":%llu,"
		                  "\"lab\":%llu}\n",
		               (long long)k->hours[i].h, (unsigned long long)k->hours[i].in,
		               (unsigned long long)k->hours[i].out,
		               (unsigned long long)k->hours[i].neg,
		               (unsigned long long)k->hours[i].labelled);
	for (size_t i = 0; i < k->ng; i++) {
		const struct htab *h = &k->g[i]->hours;
		for (size_t j = 0; j < h->cap; j++) {
			const struct hslot *x = (const void *)(h->t + j * h->esize);
			if (!x->key)
				continue;
			rc |= buf_addf(o, "{\"t\":\"ghour\",\"g\":[[%d,", k->g[i]->fam);
			rc |= buf_json_str(o, k->g[i]->key, strlen(k->g[i]->key));
			rc |= buf_addf(o, "]],\"h\":%lld,\"in\":%llu,\"neg\":%llu,\"lab\":%llu}\n",
			               (long long)key_hour(x->key), (unsigned long long)x->in,
			               (unsigned long long)x->neg, (unsigned long long)x->lab);
		}
	}
	for (size_t i = 0; i < k->tag_hours.cap; i++) {
		const struct sment *e = &k->tag_hours.t[i];
		if (!e->k)
			continue;
		const struct htab *h = e->v;
		for (size_t j = 0; j < h->cap; j++) {
			const struct hslot *x = (const void *)(h->t + j * h->esize);
			if (!x->key)
				continue;
			rc |= buf_adds(o, "{\"t\":\"thour\",\"tag\":");
			rc |= buf_json_str(o, e->k, e->klen);
			rc |= buf_addf(o, ",\"h\":%lld,\"in\":%llu,\"neg\":0,\"lab\":0}\n",
			               (long long)key_hour(x->key), (unsigned long long)x->in);
		}
	}
	for (size_t i = 0; i < k->pending.cap; i++) {
		const struct pending *pe = (const void *)(k->pending.t + i * k->pending.esize);
		if (!pe->key)
			continue;
		rc |= buf_addf(o, "{\"t\":\"pending\",\"key\":\"%016llx\",\"at\":%lld",
		               (unsigned long long)pe->key, (long long)pe->t);
		time_or_null(o, "first", pe_first(pe));
		rc |= buf_addf(o, ",\"sla\":%s,\"g\":", pe->first_d == PE_SLA ? "true" : "false");
		rc |= gset_json(k, pe->gs, o);
		rc |= buf_adds(o, "}\n");
	}
	for (size_t i = 0; i < k->orphans.cap; i++) {
		const struct orphans *or = (const void *)(k->orphans.t + i * k->orphans.esize);
		if (!or->key)
			continue;
		for (size_t j = 0; j < or->n; j++) {
			rc |= buf_addf(o, "{\"t\":\"reply\",\"parent\":\"%016llx\",\"at\":%lld,"
			                  "\"counts\":%s,\"g\":",
			               (unsigned long long)or->key, (long long)or->r[j].t,
			               or->r[j].counts ? "true" : "false");
			rc |= gset_json(k, or->r[j].gs, o);
			rc |= buf_adds(o, "}\n");
		}
	}
	for (size_t i = 0; i < k->threads.cap; i++) {
		const struct thread *t = (const void *)(k->threads.t + i * k->threads.esize);
		if (!t->key)
			continue;
		rc |= buf_addf(o, "{\"t\":\"thread\",\"key\":\"%016llx\",\"first\":%lld",
		               (unsigned long long)t->key, (long long)t->first);
		time_or_null(o, "last_in", t->last_in);
		time_or_null(o, "last_out", t->last_out);
		rc |= buf_addf(o, ",\"res\":%s,\"g\":", t->resolved_tag ? "true" : "false");
		rc |= gset_json(k, t->gs, o);
		rc |= buf_adds(o, "}\n");
	}
	return rc ? -1 : 0;
}
