/*
 * The trained sentiment model: features and prediction (see sentmodel.h).
 * Everything here runs once per inbound record, so it allocates nothing,
 * tokenizes and hashes in one pass, and reads the weights from one flat
 * table of int16 triples, summed in integers.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment.h"
#include "sentmodel.h"
#include "inifile.h"
#include "textmatch.h"
#include "hash.h"

/* ---------------------------------------------------------------- hashing */

enum { SEED_WORD = 1, SEED_NEGWORD, SEED_BIGRAM, SEED_CHAR };

/* FNV-1a (hash.h), started apart for each kind of feature. */
static inline uint32_t seed(int kind)
{
	return HASH32_INIT ^ ((uint32_t)kind * 0x9e3779b9u);
}

static inline uint32_t hash_bytes(int kind, const char *s, size_t n)
{
	return hash32_add(seed(kind), s, n);
}

static inline void emit(struct sm_feats *f, uint32_t h)
{
	if (f->n < SM_MAXHASH)
		f->h[f->n++] = hash_fmix32(h); /* FNV's low bits alone fold badly onto buckets */
}

/* ---------------------------------------------------------------- tokens */

/* ASCII classes by arithmetic: no locale, no function call per byte. */
static inline bool a_upper(unsigned c) { return c - 'A' < 26; }
static inline bool a_alpha(unsigned c) { return (c | 0x20) - 'a' < 26; }
static inline bool a_digit(unsigned c) { return c - '0' < 10; }
static inline bool a_alnum(unsigned c) { return a_alpha(c) || a_digit(c); }
static inline bool a_space(unsigned c) { return c == ' ' || c - '\t' < 5; }

enum { K_WORD, K_EMOJI, K_EMOTICON, K_URL, K_USER, K_EXCL, K_QUEST };

#define TOKLEN 32
#define MAXTOK 256
/* Words a negation reaches, within its clause: "don't think it was good". */
#define NEG_REACH 5

struct tok {
	char key[TOKLEN];
	unsigned char len, kind;
	bool neg;       /* inside a negation's scope */
};

/* By first letter, each word followed by a space: a short search per word. */
static const char *const negations['z' - 'a' + 1] = {
	['a' - 'a'] = " aint arent ",
	['b' - 'a'] = " barely ",
	['c' - 'a'] = " cannot cant couldnt ",
	['d' - 'a'] = " dont doesnt didnt ",
	['h' - 'a'] = " hasnt havent hadnt hardly ",
	['i' - 'a'] = " isnt ",
	['l' - 'a'] = " lack lacks ",
	['m' - 'a'] = " mustnt ",
	['n' - 'a'] = " not no never nobody nothing none neither nor nowhere neednt nope nah ",
	['s' - 'a'] = " shouldnt ",
	['w' - 'a'] = " without wasnt werent wont wouldnt ",
};

/* Per first letter, the lengths its negations have (bit n): most words
 * are ruled out without a search.  Filled on first use, once whatever the
 * threads. */
static uint16_t neg_lengths['z' - 'a' + 1];
static bool neg_ready;    /* stored with release once filled */
static pthread_once_t neg_once = PTHREAD_ONCE_INIT;

static void neg_init(void)
{
	for (int c = 0; c <= 'z' - 'a'; c++)
		for (const char *l = negations[c] ? negations[c] + 1 : ""; *l;) {
			size_t m = strcspn(l, " ");
			neg_lengths[c] |= (uint16_t)(1u << m);
			l += m + 1;
		}
	__atomic_store_n(&neg_ready, true, __ATOMIC_RELEASE);
}

static bool is_negation(const char *k, size_t n)
{
	if (n < 2 || n > 8 || k[0] < 'a' || k[0] > 'z' || !negations[k[0] - 'a'])
		return false;
	if (!__atomic_load_n(&neg_ready, __ATOMIC_ACQUIRE))
		pthread_once(&neg_once, neg_init);
	if (!(neg_lengths[k[0] - 'a'] & (1u << n)))
		return false;
	for (const char *l = negations[k[0] - 'a'] + 1; *l;) {
		size_t m = 0;
		while (l[m] != ' ')
			m++;
		if (m == n && !memcmp(l, k, n))
			return true;
		l += m + 1;
	}
	return false;
}

static bool is_contrast(const char *k, size_t n)
{
	return (n == 3 && !memcmp(k, "but", 3)) || (n == 7 && !memcmp(k, "however", 7));
}

static bool word_cp(uint32_t c, int cls)
{
	(void)c;
	return cls == TM_WORD || cls == TM_MARK;
}

/* The hashed features of one word: itself (marked when negated) and its
 * character 3- and 4-grams, spaces marking its ends (5-grams added
 * nothing on held-out data, and cost a quarter more features). */
static void word_features(struct sm_feats *f, const struct tok *t, uint32_t word)
{
	emit(f, t->neg ? hash_bytes(SEED_NEGWORD, t->key, t->len) : word);
	if (t->kind != K_WORD)
		return;
	char p[TOKLEN + 2];
	size_t n = t->len;
	p[0] = ' ';
	/* the whole key buffer: a copy of known size, no call */
	memcpy(p + 1, t->key, TOKLEN);
	p[n + 1] = ' ';
	n += 2;
	for (size_t i = 0; i + 3 <= n; i++) {
		uint32_t h = seed(SEED_CHAR);
		h = hash32_byte(h, (unsigned char)p[i]);
		h = hash32_byte(h, (unsigned char)p[i + 1]);
		h = hash32_byte(h, (unsigned char)p[i + 2]);
		emit(f, h);
		if (i + 4 <= n) {
			h = hash32_byte(h, (unsigned char)p[i + 3]);
			emit(f, h);

		}
	}
}

static float capped(unsigned n, unsigned cap)
{
	return (float)(n < cap ? n : cap) / (float)cap;
}

void sm_extract(struct sentiment *lex, const char *text, size_t len, struct sm_feats *f)
{
	struct tok tok[MAXTOK];
	size_t nt = 0;
	unsigned ncaps = 0, nelong = 0, nexcl = 0, nquest = 0, nneg = 0, emo_pos = 0, emo_neg = 0;
	int neg_left = 0; /* words the current negation still reaches */

	f->n = 0;
	memset(f->dense, 0, sizeof f->dense);
	for (size_t i = 0; i < len && nt < MAXTOK;) {
		unsigned char b = (unsigned char)text[i];
		struct tok *t = &tok[nt];
		if (b == ' ' || b == '\n' || b == '\t' || b == '\r') {
			i++;
			continue;
		}
		if ((b == 'h' && len - i > 7 && (!memcmp(text + i, "http://", 7) ||
		                                 (len - i > 8 && !memcmp(text + i, "https://", 8)))) ||
		    (b == 'w' && len - i > 4 && !memcmp(text + i, "www.", 4)) ||
		    (b == '@' && i + 1 < len && (a_alnum((unsigned char)text[i + 1]) || text[i + 1] == '_'))) {
			t->kind = b == '@' ? K_USER : K_URL;
			memcpy(t->key, b == '@' ? "<user>" : "<url>", b == '@' ? 6 : 5);
			t->len = b == '@' ? 6 : 5;
			t->neg = false;
			nt++;
			while (i < len && !a_space((unsigned char)text[i]))
				i++;
			continue;
		}
		if (b < 0x80 && (!a_alnum(b) || (b == 'x' || b == 'X' || b == 'D' || b == 'c' || b == 'T')) &&
		    (i == 0 || !a_alnum((unsigned char)text[i - 1]) || b == ':' || b == ';')) {
			float v;
			size_t el = sentiment_emoticon(text + i, len - i, &v);
			if (el) {
				t->kind = K_EMOTICON;
				memcpy(t->key, v > 0 ? ":)" : ":(", 2);
				t->len = 2;
				t->neg = false;
				*(v > 0 ? &emo_pos : &emo_neg) += 1;
				nt++;
				i += el;
				continue;
			}
		}
		if (b == '!' || b == '?') {
			size_t j = i;
			bool e = false, q = false;
			while (j < len && (text[j] == '!' || text[j] == '?')) {
				e |= text[j] == '!';
				q |= text[j] == '?';
				j++;
			}
			nexcl += e;
			nquest += q;
			t->kind = e && q ? K_QUEST : e ? K_EXCL : K_QUEST;
			t->len = (unsigned char)(e && q ? 2 : 1);
			memcpy(t->key, e && q ? "?!" : e ? "!" : "?", t->len);
			t->neg = false;
			nt++;
			neg_left = 0;
			i = j;
			continue;
		}
		size_t l = 1;
		uint32_t c = b;
		/* ASCII classed here (as tm_class does), without the calls */
		int cls = b >= 0x80 ? (c = tm_decode(text + i, len - i, &l), tm_class(c)) :
		          a_alnum(b) || b == '_' ? TM_WORD : a_space(b) ? TM_SPACE : TM_PUNCT;
		if (cls == TM_EMOJI || cls == TM_CJK) {
			char fb[8];
			size_t fl = tm_fold(c, fb);
			if (fl) {
				t->kind = cls == TM_EMOJI ? K_EMOJI : K_WORD;
				memcpy(t->key, fb, fl);
				t->len = (unsigned char)fl;
				t->neg = false;
				nt++;
			}
			i += l;
			continue;
		}
		if (!word_cp(c, cls)) {
			if (b == '.' || b == ',' || b == ';' || b == ':')
				neg_left = 0;
			i += l;
			continue;
		}
		/* A word: folded, apostrophes dropped ("don't" is "dont"), digits
		 * made 0, runs of three or more of a letter made two. */
		size_t o = 0;
		unsigned letters = 0, upper = 0;
		bool elongated = false;
		while (i < len) {
			b = (unsigned char)text[i];
			if (b < 0x80) {
				if (a_alnum(b)) {
					bool alpha = a_alpha(b);
					char k = alpha ? (char)(b | 0x20) : '0';
					if (alpha) {
						letters++;
						upper += a_upper(b);
					}
					if (alpha && o >= 2 && t->key[o - 1] == k && t->key[o - 2] == k) {
						elongated = true;
					} else if (o < TOKLEN) {
						t->key[o++] = k;
					}
					i++;
					continue;
				}
				if (b == '\'' && i + 1 < len && a_alpha((unsigned char)text[i + 1])) {
					i++;
					continue;
				}
				if (b == '_') {
					i++;
					continue;
				}
				break;
			}
			c = tm_decode(text + i, len - i, &l);
			cls = tm_class(c);
			if (c == 0x2019 && i + l < len && a_alpha((unsigned char)text[i + l])) {
				i += l;
				continue;
			}
			if (!word_cp(c, cls))
				break;
			char fb[8];
			size_t fl = tm_fold(c, fb);
			letters++;
			if (o + fl <= TOKLEN) {
				memcpy(t->key + o, fb, fl);
				o += fl;
			}
			i += l;
		}
		if (!o)
			continue;
		t->len = (unsigned char)o;
		t->kind = K_WORD;
		t->neg = neg_left > 0;
		if (neg_left > 0)
			neg_left--;
		nelong += elongated;
		ncaps += letters >= 2 && upper == letters;
		if (is_negation(t->key, o)) {
			neg_left = NEG_REACH;
			nneg++;
			t->neg = false;
		} else if (is_contrast(t->key, o)) {
			neg_left = 0;
		}
		nt++;
	}

	/* The lexicon's view, from the same tokens: valences summed, a
	 * negated positive turned negative and a negated negative weakened
	 * (as the lexicon scorer does), what follows "but" weighing three
	 * times what precedes it, emoticons counting. */
	double before = 0, after = 0, pos = 0, neg = 0, last = 0, boost = 0;
	bool but = false;
	uint32_t prev = hash_bytes(SEED_WORD, "<s>", 3);
	for (size_t i = 0; i < nt; i++) {
		const struct tok *t = &tok[i];
		double v = 0;
		if (t->kind == K_WORD && lex) {
			bool found;
			float b;
			v = sentiment_word(lex, t->key, t->len, &found, &b);
			if (v != 0)
				v += v > 0 ? boost : -boost;
			boost = b;
			if (t->neg)
				v *= v > 0 ? -0.74 : -0.2;
			if (!but && is_contrast(t->key, t->len))
				but = true;
		} else {
			boost = 0;
			if (t->kind == K_EMOTICON)
				v = t->key[1] == ')' ? 1.8 : -1.8;
		}
		if (v > 0)
			pos += v;
		else
			neg -= v;
		if (v != 0)
			last = v;
		*(but ? &after : &before) += v;
		uint32_t cur = hash_bytes(SEED_WORD, tok[i].key, tok[i].len);
		word_features(f, &tok[i], cur);
		emit(f, (prev * 0x01000193u) ^ cur ^ seed(SEED_BIGRAM));
		prev = cur;
	}
	if (nt)
		emit(f, (prev * 0x01000193u) ^ hash_bytes(SEED_WORD, "</s>", 4) ^ seed(SEED_BIGRAM));

	double sum = but ? 0.5 * before + 1.5 * after : before;
	double ls = sum / sqrt(sum * sum + 15);
	f->dense[0] = (float)ls;
	f->dense[1] = ls >= 0.25;
	f->dense[2] = ls <= -0.25;
	f->dense[3] = ls >= 0.6;
	f->dense[4] = ls <= -0.6;
	f->dense[5] = capped(ncaps, 3);
	f->dense[6] = capped(nelong, 3);
	f->dense[7] = capped(nexcl, 3);
	f->dense[8] = capped(nquest, 2);
	f->dense[9] = capped(emo_pos, 2);
	f->dense[10] = capped(emo_neg, 2);
	f->dense[11] = capped(nneg, 2);
	f->dense[12] = nt && tok[nt - 1].kind == K_EXCL;
	/* the lexicon's words, on its -4..4 scale brought to about -1..1 */
	f->dense[13] = (float)(pos / (pos + 4));
	f->dense[14] = (float)(neg / (neg + 4));
	f->dense[15] = (float)(last / 4);
}

/* ---------------------------------------------------------------- predict */

void sm_predict(const sm_model *m, const struct sm_feats *f, double p[SM_CLASSES])
{
	lm_predict(SM_CLASSES, m->buckets, m->scale, m->bias, &m->dense[0][0], &m->w[0][0], f, p);
}

/* ---------------------------------------------------------------- loading */

void sm_free(sm_model *m)
{
	if (!m)
		return;
	free(m->own);
	m->own = NULL;
	m->w = NULL;
}

int sm_load(sm_model *m, const char *path, cp_err *e)
{
	memset(m, 0, sizeof *m);
	int16_t *own = NULL;
	struct lm_view v = {
		.nclass = SM_CLASSES, .magic = SM_MAGIC,
		.classes = SM_CLASS_NAMES, .features = &m->features,
		.buckets = &m->buckets, .scale = &m->scale, .bias = m->bias,
		.dense = &m->dense[0][0], .own = &own,
	};
	if (lm_load(&v, path, e) < 0)
		return -1;
	m->own = (int16_t (*)[SM_CLASSES])own;
	m->w = (const int16_t (*)[SM_CLASSES])m->own;
	return 0;
}

/* count integers within [lo, hi] and nothing else after the keyword. */
static bool ints(char *s, long *out, int count, long lo, long hi)
{
	for (int k = 0; k < count; k++) {
		char *end;
		errno = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return false;
		out[k] = strtol(s, &end, 10);
		if (end == s || errno || out[k] < lo || out[k] > hi || (*end && *end != ' ' && *end != '\t'))
			return false;
		s = end;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

static bool weights(const long *w, int n)
{
	for (int c = 0; c < n; c++)
		if (w[c] < -32767 || w[c] > 32767)
			return false;
	return true;
}

/* Where the reader is in the file's fixed order of lines. */
enum { S_MAGIC, S_FEATURES, S_CLASSES, S_BUCKETS, S_SCALE, S_BIAS, S_DENSE, S_W, S_DONE };
struct lm_reader {
	const struct lm_view *v;
	int st, ndense;
	unsigned long nw;
	unsigned lineno;     /* the last line read */
	const char *why;
	char msg[160];       /* a why that names the number of classes */
};

/* "expected \"WHAT N N N\"" and the rest of a message, one N a class. */
static const char *expected(struct lm_reader *L, const char *what, const char *rest)
{
	int n = snprintf(L->msg, sizeof L->msg, "expected \"%s", what);
	for (int c = 0; c < L->v->nclass && n > 0 && (size_t)n < sizeof L->msg; c++)
		n += snprintf(L->msg + n, sizeof L->msg - (size_t)n, " N");
	if (n > 0 && (size_t)n < sizeof L->msg)
		snprintf(L->msg + n, sizeof L->msg - (size_t)n, "\"%s", rest);
	return L->msg;
}

static int lm_line(void *ctx, ini_line *l, cp_err *e)
{
	struct lm_reader *L = ctx;
	const struct lm_view *m = L->v;
	int nc = m->nclass;
	char *line = l->raw;
	L->lineno = l->lineno;
	size_t n = strlen(line);
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (n == 0 || line[0] == '#')
		return 0;
	char *arg = line + strcspn(line, " \t");
	size_t kl = (size_t)(arg - line);
#define IS(k) (kl == strlen(k) && !memcmp(line, k, kl))
	long v[LM_MAXCLASSES + 1];
	switch (L->st) {
	case S_MAGIC:
		if (!IS(m->magic) || !ints(arg, v, 1, 1, 1)) {
			snprintf(L->msg, sizeof L->msg, "expected \"%s 1\" first", m->magic);
			L->why = L->msg;
		}
		break;
	case S_FEATURES:
		if (!IS("features") || !ints(arg, v, 1, 0, 1000000))
			L->why = "expected \"features N\"";
		else if (v[0] != SM_FEATURES_VERSION)
			L->why = "made for another version of the features; retrain it";
		else
			*m->features = (int)v[0];
		break;
	case S_CLASSES:
		if (!IS("classes") || arg[0] != ' ' || strcmp(arg + 1, m->classes)) {
			snprintf(L->msg, sizeof L->msg, "expected \"classes %s\"", m->classes);
			L->why = L->msg;
		}
		break;
	case S_BUCKETS:
		if (!IS("buckets") || !ints(arg, v, 1, 1, 1L << 24) || (v[0] & (v[0] - 1)))
			L->why = "expected \"buckets N\", N a power of two up to 16777216";
		else if (!(*m->own = calloc((size_t)v[0] * (size_t)nc, sizeof **m->own)))
			L->why = "out of memory";
		else
			*m->buckets = (uint32_t)v[0];
		break;
	case S_SCALE: {
		char *end;
		errno = 0;
		*m->scale = IS("scale") ? strtod(arg, &end) : 0;
		if (!IS("scale") || end == arg || *end || errno || !isfinite(*m->scale) ||
		    *m->scale <= 0)
			L->why = "expected \"scale X\", X a positive number";
		break;
	}
	case S_BIAS:
		if (!IS("bias") || !ints(arg, v, nc, -32767, 32767))
			L->why = expected(L, "bias", ", integers from -32767 to 32767");
		else
			for (int c = 0; c < nc; c++)
				m->bias[c] = (int16_t)v[c];
		break;
	case S_DENSE:
		if (!IS("dense") || !ints(arg, v, nc + 1, -32767, 32767) || v[0] != L->ndense)
			L->why = expected(L, "dense I", ", I counting from 0 to 15, N from -32767 to 32767");
		else
			for (int c = 0; c < nc; c++)
				m->dense[L->ndense * nc + c] = (int16_t)v[c + 1];
		if (!L->why && ++L->ndense < SM_NDENSE)
			L->st--;
		break;
	case S_W:
		if (IS("end")) {
			if (!ints(arg, v, 1, 0, 1L << 24) || (unsigned long)v[0] != L->nw)
				L->why = "\"end N\" does not match the number of w lines";
			break;
		}
		if (!IS("w") || !ints(arg, v, nc + 1, -(1L << 24), 1L << 24) || v[0] < 0 ||
		    v[0] >= (long)*m->buckets || !weights(v + 1, nc))
			L->why = expected(L, "w BUCKET", " (BUCKET below buckets, N from -32767 to "
			                  "32767) or \"end N\"");
		else
			for (int c = 0; c < nc; c++)
				(*m->own)[(size_t)v[0] * (size_t)nc + (size_t)c] = (int16_t)v[c + 1];
		L->nw++;
		L->st--;
		break;
	default:
		L->why = "text after \"end\"";
	}
#undef IS
	L->st++;
	if (L->why)
		return cp_fail(e, !strcmp(L->why, "out of memory") ? CP_EX_OSERR : CP_EX_CONFIG, "%s",
		               L->why);
	return 0;
}

int lm_load(const struct lm_view *v, const char *path, cp_err *e)
{
	cp_buf b = {0};
	*v->own = NULL;
	int r = state_read(path, &b, e);
	if (r <= 0) {
		buf_free(&b);
		return r == 0 ? cp_fail(e, CP_EX_NOINPUT, "%s: no such file", path) : -1;
	}
	struct lm_reader L = { .v = v, .st = S_MAGIC };
	r = ini_parse(path, b.p ? b.p : "", b.len, NULL, lm_line, &L, e);
	buf_free(&b);
	if (r == 0 && L.st != S_DONE)
		r = cp_fail(e, CP_EX_CONFIG, "%s:%u: ends early, without \"end N\"", path, L.lineno);
	if (r < 0) {
		free(*v->own);
		*v->own = NULL;
		return -1;
	}
	return 0;
}
