/*
 * Aggregates: the key hash, distinct counting, per-group statistics.
 * Everything here merges exactly: counts and sums add, sketches add
 * bucket counts, distinct counters take the union (or the register
 * maximum); partial.c writes and reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "kpi.h"
#include "tz.h"

void kpi_init(struct kpi *k, cp_prog *p)
{
	k->p = p;
	k->pending.esize = sizeof(struct pending);
	k->orphans.esize = sizeof(struct orphans);
	k->threads.esize = sizeof(struct kpi_thread);
	k->hours_at.esize = sizeof(struct hour_at);
	k->groups.first_cap = k->gsets.first_cap = k->tag_hours.first_cap = KPI_MAP_FIRST;
	k->total_g = -1;
	k->last_hour = NO_TIME;
	k->since = k->until = k->now = k->prev_since = k->prev_until = NO_TIME;
	k->prev_g = -1;
	k->watermark = k->min_t = k->max_t = NO_TIME;
	k->resolve_after = -1;
	k->reply_window = 86400;
	k->spike_k = 3;
	k->spike_window = 7 * 86400;
	k->spike_cooldown = 6 * 3600;
	k->spike_min = 10;
	k->fmt = F_TABLE;
	k->quantile_budget = 64 << 20;
	k->sla_goal = 0.9;
}

/* ---------------------------------------------------------- the key hash */

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
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The last 0-7 bytes as memcpy would put them, in two loads that may
	 * overlap rather than a loop of byte copies (ids end in 1-7 bytes). */
	if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		v = lo | (uint64_t)hi << (8 * (n - 4));
	} else if (n) {
		v = s[0] | (uint64_t)s[n / 2] << (8 * (n / 2)) | (uint64_t)s[n - 1] << (8 * (n - 1));
	}
#else
	memcpy(&v, s, n);
#endif
	h ^= v * 0x87C37B91114253D5ULL;
	return hash_fmix64(h);
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

int distinct_to_hll(struct distinct *d)
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
		return distinct_to_hll(d);
	return 0;
}

int distinct_merge(struct distinct *d, const struct distinct *s)
{
	if (s->reg) {
		if (!d->reg && distinct_to_hll(d) < 0)
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
	s->tags.first_cap = KPI_MAP_FIRST;
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
	map_free(&s->tags, free);
}

int tag_count(struct stats *s, const char *tag, size_t n, bool prev)
{
	struct map_slot *e = map_addn_h(&s->tags, tag, n, kpi_hash(tag, n));
	if (!e)
		return -1;
	if (!e->val && !(e->val = calloc(1, sizeof(struct tagcount))))
		return -1;
	struct tagcount *c = e->val;
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
	for (int i = 0; i < SENT_NLABELS; i++)
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
	const struct map_slot *t;
	for (size_t i = 0; (t = map_next(&s->tags, &i));) {
		struct map_slot *x = map_addn_h(&d->tags, t->key, t->keylen, t->hash);
		if (!x || (!x->val && !(x->val = calloc(1, sizeof(struct tagcount)))))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		struct tagcount *dc = x->val, *sc = t->val;
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
	struct map_slot *e = map_findn_h(&k->groups, b->p, b->len, h);
	if (e)
		return (long)(uintptr_t)e->val;
	if (k->ng == k->gcap) {
		struct group **ng = cp_grow(k->g, &k->gcap, sizeof *ng, 16);
		if (!ng)
			return -1;
		k->g = ng;
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
	g->hours.first_cap = HOURS_FIRST_CAP;
	stats_init(&g->s);
	e = map_addn_h(&k->groups, b->p, b->len, h);
	if (!e) {
		free(g->key);
		free(g);
		return -1;
	}
	e->val = (void *)(uintptr_t)k->ng;
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
	struct map_slot *e = map_findn_h(&k->gsets, bytes, n, h);
	if (e)
		return e->val;
	struct gset *d = malloc(sizeof *d);
	if (!d || !(d->g = malloc(n ? n : 1))) {
		free(d);
		return NULL;
	}
	memcpy(d->g, s->g, n);
	d->n = s->n;
	if (!(e = map_addn_h(&k->gsets, bytes, n, h))) {
		free(d->g);
		free(d);
		return NULL;
	}
	e->val = d;
	return d;
}

static void gset_free(void *v)
{
	struct gset *gs = v;
	free(gs->g);
	free(gs);
}

static void series_free(void *v)
{
	ht_free(v);
	free(v);
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
	map_free(&k->groups, NULL);
	ht_free(&k->pending);
	struct orphans *o;
	for (size_t i = 0; (o = ht_next(&k->orphans, &i));)
		free(o->r);
	ht_free(&k->orphans);
	ht_free(&k->threads);
	map_free(&k->gsets, gset_free);
	map_free(&k->tag_hours, series_free);
	ht_free(&k->hours_at);
	free(k->hours);
	free(k->alerts);
	free(k->gs.g);
	buf_free(&k->scratch);
	buf_free(&k->key);
}
