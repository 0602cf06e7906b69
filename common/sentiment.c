/*
 * Sentiment by lexicon and rules.  The shape of the rules follows what
 * VADER (Hutto and Gilbert, 2014) found about social media text; the
 * lexicons and the code are this project's own.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "sentiment.h"
#include "sentmodel.h"
#include "textmatch.h"
#include "cfgfile.h"
#include "inifile.h"

enum { L_EN, L_FR, L_USER, L_N, L_STRICT = 8 };

struct entry {
	char *key;           /* folded */
	uint32_t h;          /* hash(key) */
	unsigned klen;       /* strlen(key) */
	float score[L_N];    /* on the internal scale, -4..4 */
	unsigned char has;   /* bit per lexicon; 0: only flags */
	unsigned char flags; /* F_* */
	float boost;         /* for F_BOOST */
};

enum { F_NEG = 1, F_BUT = 2, F_HEAD = 4, F_BOOST = 8, F_SWEAR = 16 };

#define WC_SLOTS 16384
#define WC_KEY 32

struct sentiment {
	struct entry *tab;
	size_t cap, n;       /* open addressing, cap a power of two */
	/* tags[i]: tab[i]'s hash | 1, 0 when empty.  Probes read this array,
	 * a sixteenth of the table's size, which stays in cache: most words
	 * of a text are in no lexicon, and stem_lookup tries several forms. */
	uint32_t *tags;
	bool shared;         /* tab and tags are another scorer's (sentiment_new_sharing) */
	cp_buf scratch;
	/* sentiment_word's answers for the words seen last, by hash, direct
	 * mapped: customers use the same few thousand words, most of them in
	 * no lexicon, and each miss tried several stems.  An entry holds for
	 * the lexicons' generation it was made in (put makes a new one).
	 * WC_SLOTS entries, 850 KB: at 4,096 a sixth of the look-ups on
	 * twcs tweets missed (a probe and several stems each), at 16,384
	 * under a seventh, and the model's scoring took 5% less time. */
	struct wcache {
		uint32_t h, gen;
		uint8_t n;
		bool found;
		char key[WC_KEY];
		float v, boost;
	} *wcache;
	uint32_t gen;
	const sm_model *model; /* NULL: the lexicon scorer for every language */
	sm_model loaded;       /* a model read by sentiment_load_model */
	struct sm_feats *feats; /* made once, reused for every text */
	bool feats_fresh;      /* feats are the last scored text's */
};

/* AFINN's -5..5 onto the -4..4 scale the squashing constant suits. */
#define AFINN_SCALE 0.8

/* a and b agree on their first n bytes: words are short, and a call to
 * memcmp cost more than the comparison. */
static inline bool same(const char *a, const char *b, size_t n)
{
	unsigned d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* h is hash32(k, n). */
static struct entry *find_h(const sentiment *s, const char *k, size_t n, uint32_t h)
{
	if (!s->cap)
		return NULL;
	uint32_t tag = h | 1;
	for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->tags[i])
			return NULL;
		struct entry *e = &s->tab[i];
		/* k may hold a NUL (a key cut short); such a k matches nothing */
		if (s->tags[i] == tag && e->h == h && e->klen == n && same(e->key, k, n))
			return e;
	}
}

static struct entry *find(const sentiment *s, const char *k, size_t n)
{
	return find_h(s, k, n, hash32(k, n));
}

static int grow(sentiment *s)
{
	size_t cap = s->cap ? 2 * s->cap : 4096;
	struct entry *t = calloc(cap, sizeof *t);
	uint32_t *tags = calloc(cap, sizeof *tags);
	if (!t || !tags) {
		free(t);
		free(tags);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		struct entry *e = &s->tab[i];
		if (!e->key)
			continue;
		size_t j = e->h & (cap - 1);
		while (t[j].key)
			j = (j + 1) & (cap - 1);
		t[j] = *e;
		tags[j] = e->h | 1;
	}
	free(s->tab);
	free(s->tags);
	s->tab = t;
	s->tags = tags;
	s->cap = cap;
	return 0;
}

static const char *const negations[] = {
	"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "nowhere",
	"cannot", "without", "aint", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt",
	"werent", "wont", "wouldnt", "shouldnt", "couldnt", "cant", "hasnt", "havent",
	"hadnt", "mustnt", "neednt", "darent", "rarely", "seldom", "hardly", "barely",
	"ne", "n", "pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "non", "guere",
	NULL,
};

struct booster { const char *w; float v; };
static const struct booster boosters[] = {
	{"very", 0.293f}, {"really", 0.293f}, {"so", 0.293f}, {"extremely", 0.4f},
	{"super", 0.293f}, {"totally", 0.293f}, {"too", 0.2f}, {"absolutely", 0.35f},
	{"completely", 0.3f}, {"incredibly", 0.35f}, {"highly", 0.293f}, {"deeply", 0.293f},
	{"truly", 0.293f}, {"utterly", 0.35f}, {"especially", 0.2f}, {"hugely", 0.3f},
	{"such", 0.2f}, {"most", 0.2f}, {"fucking", 0.35f}, {"freaking", 0.3f},
	{"frickin", 0.3f}, {"bloody", 0.3f}, {"damn", 0.25f}, {"pretty", 0.15f},
	{"remarkably", 0.3f}, {"exceptionally", 0.35f}, {"insanely", 0.35f}, {"seriously", 0.25f},
	{"mega", 0.3f}, {"ultra", 0.3f}, {"sooo", 0.3f}, {"soo", 0.3f}, {"soooo", 0.35f},
	{"tres", 0.293f}, {"vraiment", 0.293f}, {"trop", 0.293f}, {"tellement", 0.3f},
	{"hyper", 0.3f}, {"extremement", 0.4f}, {"totalement", 0.3f}, {"completement", 0.3f},
	{"absolument", 0.35f}, {"si", 0.2f}, {"grave", 0.25f}, {"carrement", 0.3f},
	{"vachement", 0.3f}, {"franchement", 0.2f}, {"particulierement", 0.25f},
	{"slightly", -0.293f}, {"somewhat", -0.293f}, {"kinda", -0.293f}, {"sorta", -0.293f},
	{"marginally", -0.293f}, {"partly", -0.293f}, {"almost", -0.2f}, {"fairly", -0.15f},
	{"little", -0.2f}, {"bit", -0.2f}, {"less", -0.293f}, {"occasionally", -0.2f},
	{"peu", -0.293f}, {"plutot", -0.15f}, {"legerement", -0.293f}, {"moyennement", -0.293f},
	{NULL, 0},
};

/* Words that, after "as", only intensify what came before. */
static const char *const swears[] = {
	"fuck", "fck", "hell", "shit", "heck", "sin", "balls", NULL,
};

static const char *const contrasts[] = {
	"but", "however", "although", "mais", "cependant", "pourtant",
	"toutefois", "neanmoins", NULL,
};

/* French elisions split off the word: l'avion, j'adore, n'est, qu'il. */
static const char *const elisions[] = {
	"l", "j", "d", "m", "t", "s", "n", "c", "qu", "jusqu", "lorsqu", "puisqu", NULL,
};

static bool in_list(const char *const *l, const char *w)
{
	for (; *l; l++)
		if (!strcmp(*l, w))
			return true;
	return false;
}

/* "he'll", "I'd": the suffix goes, or they would read as "hell" and "id". */
static bool drops_suffix(const char *suf, size_t n)
{
	return (n == 2 && suf[0] == 'l' && suf[1] == 'l') || (n == 1 && suf[0] == 'd');
}

/* Fold a word the way text is folded: case, accents, quotes. */
static int fold(const char *w, size_t n, cp_buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		size_t l;
		char f[8];
		uint32_t c = tm_decode(w + i, n - i, &l);
		if (buf_add(out, f, tm_fold(c, f)) < 0)
			return -1;
		i += l;
	}
	return buf_cstr(out) ? 0 : -1;
}


/* Write apostrophes the way the tokenizer reads them: "can't" is "cant",
 * "j'aime" is "j aime". */
static void apostrophes(cp_buf *k)
{
	char *w = k->p;
	for (char *ap; (ap = strchr(w, '\'')) != NULL;) {
		char *ws = ap;
		while (ws > k->p && ws[-1] != ' ')
			ws--;
		char pre[16];
		size_t pl = (size_t)(ap - ws);
		snprintf(pre, sizeof pre, "%.*s", (int)(pl < 15 ? pl : 15), ws);
		size_t sl = strcspn(ap + 1, " ");
		if (pl < 15 && in_list(elisions, pre)) {
			*ap = ' ';
		} else if (drops_suffix(ap + 1, sl)) {
			memmove(ap, ap + 1 + sl, strlen(ap + 1 + sl) + 1);
			k->len -= 1 + sl;
		} else {
			memmove(ap, ap + 1, strlen(ap + 1) + 1);
			k->len--;
		}
		w = ap;
	}
}

/* The entry for a folded key, made when missing. */
static struct entry *intern(sentiment *s, const char *k, size_t n)
{
	struct entry *e = find(s, k, n);
	if (e)
		return e;
	if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
		return NULL;
	size_t j = hash32(k, n) & (s->cap - 1);
	while (s->tab[j].key)
		j = (j + 1) & (s->cap - 1);
	e = &s->tab[j];
	if (!(e->key = strndup(k, n)))
		return NULL;
	e->klen = (unsigned)strlen(e->key);
	e->h = hash32(e->key, e->klen);
	s->tags[j] = e->h | 1;
	s->n++;
	return e;
}

static int put(sentiment *s, int lex, const char *word, size_t n, double score)
{
	s->gen++; /* what sentiment_word remembers no longer holds */
	cp_buf k = {0};
	if (fold(word, n, &k) < 0) {
		buf_free(&k);
		return -1;
	}
	if (k.len == 0) {
		buf_free(&k);
		return 0;   /* nothing left of the word: no entry */
	}
	apostrophes(&k);
	/* The text splits words at hyphens, so "must-see" is a phrase. */
	for (size_t i = 1; i + 1 < k.len; i++)
		if (k.p[i] == '-' && isalnum((unsigned char)k.p[i - 1]) &&
		    isalnum((unsigned char)k.p[i + 1]))
			k.p[i] = ' ';
	struct entry *e = intern(s, k.p, k.len);
	/* A phrase: its first word tells the scorer to look further. */
	char *sp = strchr(k.p, ' ');
	struct entry *head = sp ? intern(s, k.p, (size_t)(sp - k.p)) : NULL;
	buf_free(&k);
	if (!e || (sp && !head))
		return -1;
	if (head)
		head->flags |= F_HEAD;
	e->score[lex] = (float)(score * AFINN_SCALE);
	e->has |= 1u << lex;
	return 0;
}

static int put_flags(sentiment *s)
{
	for (const char *const *w = negations; *w; w++) {
		struct entry *e = intern(s, *w, strlen(*w));
		if (!e)
			return -1;
		e->flags |= F_NEG;
	}
	for (const char *const *w = contrasts; *w; w++) {
		struct entry *e = intern(s, *w, strlen(*w));
		if (!e)
			return -1;
		e->flags |= F_BUT;
	}
	for (const char *const *w = swears; *w; w++) {
		struct entry *e = intern(s, *w, strlen(*w));
		if (!e)
			return -1;
		e->flags |= F_SWEAR;
	}
	for (const struct booster *b = boosters; b->w; b++) {
		struct entry *e = intern(s, b->w, strlen(b->w));
		if (!e)
			return -1;
		e->flags |= F_BOOST;
		e->boost = b->v;
	}
	return 0;
}

static int load_builtin(sentiment *s, int lex, const char *p)
{
	while (*p) {
		char *end;
		double score = strtod(p, &end);
		p = end;
		while (*p && *p != '\n') {
			while (*p == ' ')
				p++;
			const char *w = p;
			while (*p && *p != ' ' && *p != '\n')
				p++;
			if (p > w) {
				char word[128];
				size_t n = (size_t)(p - w) < sizeof word - 1 ? (size_t)(p - w) : sizeof word - 1;
				memcpy(word, w, n);
				for (size_t i = 0; i < n; i++)
					if (word[i] == '_')
						word[i] = ' ';
				if (put(s, lex, word, n, score) < 0)
					return -1;
			}
		}
		if (*p == '\n')
			p++;
	}
	return 0;
}

sentiment *sentiment_new(void)
{
	sentiment *s = calloc(1, sizeof *s);
	if (s) {
		s->model = sm_builtin.features == SM_FEATURES_VERSION ? &sm_builtin : NULL;
		s->feats = malloc(sizeof *s->feats);
	}
	if (s)
		s->wcache = calloc(WC_SLOTS, sizeof *s->wcache);
	if (!s || !s->feats || !s->wcache || grow(s) < 0 ||
	    load_builtin(s, L_EN, sentiment_lexicon_en) < 0 ||
	    load_builtin(s, L_FR, sentiment_lexicon_fr) < 0 || put_flags(s) < 0) {
		sentiment_free(s);
		return NULL;
	}
	return s;
}

int sentiment_add(sentiment *s, const char *word, double score)
{
	return put(s, L_USER, word, strlen(word), score);
}

/* One line of a lexicon file: WORD<TAB>SCORE, or a blank line, or a
 * comment starting with '#' in its first column. */
static int lexicon_line(void *v, ini_line *l, cp_err *e)
{
	sentiment *s = v;
	char *line = l->raw;
	size_t n = strlen(line);
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (n == 0 || line[0] == '#')
		return 0;
	char *tab = strrchr(line, '\t');
	char *end = NULL;
	double score = 0;
	if (tab) {
		errno = 0;
		score = strtod(tab + 1, &end);
	}
	if (!tab || tab == line || end == tab + 1 || *end || errno || !isfinite(score) ||
	    score < -5 || score > 5)
		return cp_fail(e, CP_EX_CONFIG, "expected WORD<TAB>SCORE with a score from -5 to 5");
	if (put(s, L_USER, line, (size_t)(tab - line), score) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

int sentiment_load(sentiment *s, const char *path, cp_err *e)
{
	return ini_read(path, NULL, lexicon_line, s, e);
}

sentiment *sentiment_new_sharing(const sentiment *s)
{
	sentiment *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->tab = s->tab;
	t->tags = s->tags;
	t->cap = s->cap;
	t->n = s->n;
	t->shared = true;
	t->gen = s->gen;
	t->model = s->model;   /* s->loaded when s read one: s outlives t */
	t->feats = malloc(sizeof *t->feats);
	t->wcache = calloc(WC_SLOTS, sizeof *t->wcache);
	if (!t->feats || !t->wcache) {
		sentiment_free(t);
		return NULL;
	}
	return t;
}

void sentiment_free(sentiment *s)
{
	if (!s)
		return;
	if (!s->shared) {
		for (size_t i = 0; i < s->cap; i++)
			free(s->tab[i].key);
		free(s->tab);
		free(s->tags);
	}
	buf_free(&s->scratch);
	sm_free(&s->loaded);
	free(s->feats);
	free(s->wcache);
	free(s);
}

const char *sentiment_label_name(int label)
{
	return label == SENT_POSITIVE ? "positive" : label == SENT_NEGATIVE ? "negative" : "neutral";
}

/* ---------------------------------------------------------------- scoring */

enum { T_WORD, T_EMO, T_BUT, T_STOP };

struct token {
	char key[48];        /* folded; emoji and emoticons as written */
	unsigned char klen;
	const struct entry *e; /* its lexicon entry, or NULL */
	unsigned char kind;
	bool caps;           /* ALL CAPS as written */
	bool elongated;
	bool title;          /* Capitalised, the rest small: "Best" */
};

#define MAXTOK 512
/* How far back a negation reaches, within a clause: "not going to be able". */
#ifndef NEG_SCOPE
#define NEG_SCOPE 4
#endif

static const char *const emoticons_pos[] = {
	":)", ":-)", ":))", ":)))", ":D", ":-D", ";)", ";-)", ";D", "=)", "=D", ":]", ":p",
	":P", ":-P", ";P", "<3", "<33", "<333", "^^", "^_^", ":*", ":-*", "(:", "xD", "XD",
	"xd", "8)", ":')", "\\o/", "c:", ":'D", "(;", ":-))", "^.^", NULL,
};
static const char *const emoticons_neg[] = {
	":(", ":-(", ":((", ":(((", ":'(", ":/", ":-/", ":\\", ":|", ":-|", ">:(", "D:",
	"</3", "-_-", ":S", ":s", "):", ":@", "=(", ":[", ";_;", "T_T", "T.T", ":-[",
	">_<", "D=", NULL,
};

/* Is there an emoticon at s?  Its length, with *v its valence. */
/* The emoticons by first byte, each byte's in the lists' order (the
 * positive ones first): most calls are for punctuation or a letter that
 * starts none or one, and try only those.  Filled on first use, once
 * whatever the threads. */
#define NEMO 128
static struct emo { const char *s; float v; } emo_sorted[NEMO];
static uint8_t emo_start[257];
static bool emo_ready;    /* stored with release once filled */
static pthread_once_t emo_once = PTHREAD_ONCE_INIT;

static void emo_init(void)
{
	size_t n = 0;
	for (int b = 0; b < 256; b++) {
		emo_start[b] = (uint8_t)n;
		for (int pass = 0; pass < 2; pass++)
			for (const char *const *e = pass ? emoticons_neg : emoticons_pos; *e; e++)
				if ((unsigned char)**e == b && n < NEMO)
					emo_sorted[n++] = (struct emo){ *e, pass ? -1.8f : 1.8f };
	}
	emo_start[256] = (uint8_t)n;
	__atomic_store_n(&emo_ready, true, __ATOMIC_RELEASE);
}

size_t sentiment_emoticon(const char *s, size_t n, float *v)
{
	if (!__atomic_load_n(&emo_ready, __ATOMIC_ACQUIRE))
		pthread_once(&emo_once, emo_init);
	if (!n)
		return 0;
	unsigned char c = (unsigned char)s[0];
	size_t best = 0;
	for (size_t k = emo_start[c]; k < emo_start[c + 1]; k++) {
		const char *e = emo_sorted[k].s;
		/* all of e at s (a few bytes: no calls) */
		size_t l = 1;
		while (e[l] && l < n && e[l] == s[l])
			l++;
		if (e[l])
			continue;
		if (l > best && (l == n || !isalnum((unsigned char)s[l]) || e[l - 1] == 'D')) {
			best = l;
			*v = emo_sorted[k].v;
		}
	}
	return best;
}

/* The score of entry e (NULL: none) in the preferred lexicon. */
static float entry_score(const struct entry *e, int pref, bool *found)
{
	*found = false;
	if (!e || !e->has)
		return 0;
	/* pref | L_STRICT: the preferred lexicon only, for guessed forms. */
	if (pref & L_STRICT) {
		pref &= ~L_STRICT;
		if (!(e->has & ((1u << L_USER) | (1u << pref))))
			return 0;
	}
	*found = true;
	if (e->has & (1u << L_USER))
		return e->score[L_USER];
	if (e->has & (1u << pref))
		return e->score[pref];
	return e->score[pref == L_EN ? L_FR : L_EN];
}

static float lookup(const sentiment *s, const char *k, size_t n, int pref, bool *found)
{
	return entry_score(find(s, k, n), pref, found);
}

/* Runs of three or more of a letter made two, or one: "goooood" tries
 * "good" then "god".  Returns false when nothing was elongated. */
static bool squeeze(const char *k, char *out, size_t outsz, int keep)
{
	bool three = false;
	for (size_t i = 0; k[i] && k[i + 1] && !three; i++)
		three = k[i] == k[i + 1] && k[i + 1] == k[i + 2];
	if (!three)
		return false;
	size_t o = 0;
	bool any = false;
	for (size_t i = 0; k[i] && o + 1 < outsz;) {
		size_t j = i;
		while (k[j] == k[i])
			j++;
		size_t run = j - i;
		if (run >= 3 && isalpha((unsigned char)k[i]))
			any = true;
		size_t put = run >= 3 && isalpha((unsigned char)k[i]) ? (size_t)keep : run;
		for (size_t r = 0; r < put && o + 1 < outsz; r++)
			out[o++] = k[i];
		i = j;
	}
	out[o] = '\0';
	return any;
}

/* Inflected forms the lexicon does not list: "worries" as "worry",
 * "annoyingly" as "annoying", "stopped" as "stop"; in the text's own
 * language only, or English "during" would be French "dur". */
static float stem_lookup(const sentiment *s, const char *k, size_t n, int pref, bool *found)
{
#define R(suf, rep) { suf, rep, sizeof suf - 1, sizeof rep - 1 }
	static const struct { const char *suf, *rep; unsigned char sl, rl; } rules[] = {
		R("iest", "y"), R("ier", "y"), R("ies", "y"), R("ied", "y"), R("ily", "y"),
		R("ingly", ""), R("edly", ""), R("fully", "ful"), R("ness", ""), R("ment", ""),
		R("ing", ""), R("ing", "e"), R("ed", ""), R("ed", "e"), R("es", ""), R("s", ""),
		R("ly", ""), R("est", ""), R("er", ""), R("er", "e"),
	};
#undef R
	*found = false;
	pref |= L_STRICT;
	/* every suffix ends in one of these */
	if (n < 5 || n > 40 || !memchr("trsdyg", k[n - 1], 6))
		return 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		size_t sl = rules[i].sl;
		if (n - sl < 3 || k[n - 1] != rules[i].suf[sl - 1] ||
		    memcmp(k + n - sl, rules[i].suf, sl))
			continue;
		char w[48];
		size_t b = n - sl;
		memcpy(w, k, b);
		memcpy(w + b, rules[i].rep, rules[i].rl + 1);
		float v = lookup(s, w, b + rules[i].rl, pref, found);
		if (*found)
			return v;
		/* a doubled consonant: "stopped", "upsetting" */
		if (!*rules[i].rep && b >= 4 && w[b - 1] == w[b - 2] && !strchr("aeiou", w[b - 1])) {
			w[b - 1] = '\0';
			v = lookup(s, w, b - 1, pref, found);
			if (*found)
				return v;
		}
	}
	return 0;
}

/* Laughter the lexicon cannot list: "hahahah", "ahahaha", "hehehe",
 * "lololol". */
static bool is_laugh(const char *k, size_t n)
{
	size_t h = 0, v = 0, l = 0, o = 0;
	for (size_t i = 0; i < n; i++) {
		switch (k[i]) {
		case 'h': h++; break;
		case 'a': case 'e': v++; break;
		case 'l': l++; break;
		case 'o': o++; break;
		default: return false;
		}
		if (i && k[i] == k[i - 1] && k[i] != 'h' && k[i] != 'a')
			return false;
	}
	return n >= 4 && ((h >= 2 && v >= 2 && !l && !o) || (l >= 2 && o >= 2 && !h && !v &&
	                                                   k[0] == 'l'));
}

static void set_key(struct token *t, const char *k, size_t n)
{
	if (n >= sizeof t->key)
		n = sizeof t->key - 1;
	memcpy(t->key, k, n);
	t->key[n] = '\0';
	t->klen = (unsigned char)n;
}

static bool is_neg(const struct token *t)
{
	size_t l = t->klen;
	return (t->e && (t->e->flags & F_NEG)) ||
	       (l > 4 && (!memcmp(t->key + l - 3, "dnt", 3) || !memcmp(t->key + l - 3, "snt", 3)));
}

static void push_stop(struct token *tok, float *val, size_t *nt)
{
	if (*nt && tok[*nt - 1].kind != T_STOP) {
		memset(&tok[*nt], 0, sizeof tok[*nt]);
		tok[*nt].kind = T_STOP;
		val[(*nt)++] = 0;
	}
}

/* A negation in "may or may not", "whether or not" negates nothing. */
static bool or_not(const struct token *tok, size_t neg)
{
	return (neg >= 1 && !strcmp(tok[neg - 1].key, "or")) ||
	       (neg >= 2 && !strcmp(tok[neg - 2].key, "or"));
}

int sentiment_lexicon_score(sentiment *s, const char *text, size_t len, const char *lang,
                            double *score)
{
	struct token tok[MAXTOK];
	float val[MAXTOK];
	size_t nt = 0, ncaps = 0, nwords = 0;
	bool hashtag = false; /* in a #HashTag, whose capitals split words */
	int excl = 0, quest = 0;
	int pref = lang && (lang[0] == 'f' || lang[0] == 'F') && (lang[1] == 'r' || lang[1] == 'R') ?
	           L_FR : L_EN;
	cp_buf *fb = &s->scratch;

	for (size_t i = 0; i < len && nt < MAXTOK;) {
		unsigned char b = (unsigned char)text[i];
		if (b == ' ' || b == '\n') {
			hashtag = false;
			i++;
			continue;
		}
		/* Links and @handles carry no sentiment; "https://" would read as ":/". */
		if ((b == 'h' && len - i > 7 && !strncmp(text + i, "http://", 7)) ||
		    (b == 'h' && len - i > 8 && !strncmp(text + i, "https://", 8)) ||
		    (b == '@' && i + 1 < len && (isalnum((unsigned char)text[i + 1]) || text[i + 1] == '_'))) {
			while (i < len && !isspace((unsigned char)text[i]))
				i++;
			continue;
		}
		float ev;
		size_t el = (b < 0x80 && !isalnum(b)) || (b == 'x' || b == 'X' || b == 'D' || b == 'c' || b == 'T') ?
		            sentiment_emoticon(text + i, len - i, &ev) : 0;
		if (el && (i == 0 || !isalnum((unsigned char)text[i - 1]) || b == ':' || b == ';')) {
			struct token *t = &tok[nt];
			memset(t, 0, sizeof *t);
			t->kind = T_EMO;
			val[nt++] = ev;
			i += el;
			continue;
		}
		if (b == '!' || b == '?') {
			*(b == '!' ? &excl : &quest) += 1;
			push_stop(tok, val, &nt);
			i++;
			continue;
		}
		size_t l;
		uint32_t c = tm_decode(text + i, len - i, &l);
		int cls = tm_class(c);
		if (cls == TM_EMOJI) {
			struct token *t = &tok[nt];
			memset(t, 0, sizeof *t);
			t->kind = T_WORD;
			set_key(t, text + i, l);
			t->e = find(s, t->key, t->klen);
			val[nt++] = 0;
			i += l;
			continue;
		}
		if (cls != TM_WORD) {
			/* Punctuation stops negation from reaching across. */
			if (b == '.' || b == ',' || b == ';' || b == ':')
				push_stop(tok, val, &nt);
			hashtag = b == '#';
			i += l;
			continue;
		}
		/* A word: letters and digits, with apostrophes inside; in a
		 * hashtag, "#NeverAgain" is "never" "again". */
		size_t start = i;
		bool upper = true, anyletter = false, split = false;
		while (i < len) {
			/* ASCII, most of the text, without the calls: the same
			 * classes as tm_class */
			if ((unsigned char)text[i] < 0x80) {
				c = (unsigned char)text[i];
				l = 1;
				cls = c - '0' < 10 || (c | 0x20) - 'a' < 26 || c == '_' ? TM_WORD : TM_PUNCT;
			} else {
				c = tm_decode(text + i, len - i, &l);
				cls = tm_class(c);
			}
			if (hashtag && c - 'A' < 26 && i > start &&
			    (unsigned)(unsigned char)text[i - 1] - 'a' < 26) {
				split = true;
				break;
			}
			if (cls == TM_WORD || cls == TM_MARK) {
				if (c - 'a' < 26)
					upper = false;
				if (c < 0x80 && (c | 0x20) - 'a' < 26)
					anyletter = true;
				if (c >= 0xe0 && c <= 0xff)
					upper = false;
				i += l;
				continue;
			}
			if ((c == '\'' || c == 0x2019) && i + l < len) {
				size_t l2;
				uint32_t d = tm_decode(text + i + l, len - i - l, &l2);
				if (tm_class(d) == TM_WORD) {
					i += l;
					continue;
				}
			}
			break;
		}
		/* Plain ASCII words, most of them, fold by a table. */
		char ascii_key[64];
		char *k;
		size_t kn = i - start;
		bool plain = kn < sizeof ascii_key;
		for (size_t j = 0; plain && j < kn; j++)
			plain = (unsigned char)text[start + j] < 0x80;
		if (plain) {
			for (size_t j = 0; j < kn; j++) {
				unsigned char a = (unsigned char)text[start + j];
				ascii_key[j] = (char)((unsigned)a - 'A' < 26 ? a | 0x20 : a);
			}
			ascii_key[kn] = '\0';
			k = ascii_key;
		} else {
			if (fold(text + start, i - start, fb) < 0)
				return SENT_NEUTRAL;
			k = fb->p;
			kn = fb->len;
		}
		/* French elision: "j'adore" is "j" "adore". */
		char *ap = memchr(k, '\'', kn);
		if (ap) {
			size_t pl = (size_t)(ap - k);
			*ap = '\0';
			if (in_list(elisions, k) && nt + 1 < MAXTOK) {
				struct token *t = &tok[nt];
				memset(t, 0, sizeof *t);
				set_key(t, k, pl);
				t->kind = T_WORD;
				t->e = find(s, t->key, t->klen);
				val[nt++] = 0;
				k = ap + 1;
				kn -= pl + 1;
			} else if (drops_suffix(ap + 1, kn - pl - 1)) {
				kn = pl;
			} else {
				/* English contractions: "don't" looks up as "dont". */
				memmove(ap, ap + 1, kn - pl);
				kn--;
			}
		}
		struct token *t = &tok[nt];
		memset(t, 0, sizeof *t);
		set_key(t, k, kn);
		t->e = find(s, t->key, t->klen);
		t->kind = t->e && (t->e->flags & F_BUT) ? T_BUT : T_WORD;
		t->caps = upper && anyletter && i - start >= 2;
		t->title = isupper((unsigned char)text[start]) && !upper && !hashtag;
		hashtag = split;
		val[nt++] = 0;
		nwords++;
		ncaps += t->caps;
	}

	/* ALL CAPS stands out only against a text that is not all caps. */
	bool caps_differ = ncaps > 0 && ncaps < nwords;
	/* Names stand out only in a text that is not all Title Case. */
	size_t ntitle = 0;
	for (size_t i = 0; i < nt; i++)
		ntitle += tok[i].title;
	bool names = ntitle * 2 <= nwords;
	bool used[MAXTOK];
	memset(used, 0, nt);
	for (size_t i = 0; i < nt; i++) {
		struct token *t = &tok[i];
		if (t->kind != T_WORD || used[i])
			continue;
		bool found = false;
		float v = 0;
		size_t span = 1;
		/* Phrases first, three words then two, when a phrase starts here. */
		for (size_t w = 3; w >= 2 && !found && t->e && (t->e->flags & F_HEAD); w--) {
			if (i + w > nt)
				continue;
			char ph[160];
			size_t o = 0;
			bool okp = true;
			for (size_t j = i; j < i + w && okp; j++) {
				if ((tok[j].kind != T_WORD && tok[j].kind != T_BUT) ||
				    o + tok[j].klen + 1 >= sizeof ph) {
					okp = false;
					break;
				}
				if (j > i)
					ph[o++] = ' ';
				memcpy(ph + o, tok[j].key, tok[j].klen);
				o += tok[j].klen;
			}
			if (okp) {
				v = lookup(s, ph, o, pref, &found);
				if (found)
					span = w;
			}
		}
		if (!found && t->e && t->e->has)
			v = entry_score(t->e, pref, &found); /* t->e: find(t->key) */
		if (!found && !t->e)
			v = stem_lookup(s, t->key, t->klen, pref, &found);
		if (!found && !t->e && is_laugh(t->key, t->klen))
			v = lookup(s, "haha", 4, pref, &found);
		if (!found && !t->e) {
			char sq[48];
			if (squeeze(t->key, sq, sizeof sq, 2)) {
				t->elongated = true;
				v = lookup(s, sq, strlen(sq), pref, &found);
				if (!found && squeeze(t->key, sq, sizeof sq, 1))
					v = lookup(s, sq, strlen(sq), pref, &found);
			}
		}
		for (size_t j = i + 1; j < i + span; j++)
			used[j] = true;
		if (!found || v == 0)
			continue;
		float sign = v > 0 ? 1.0f : -1.0f;
		/* Capitalised words next to capitalised words mid-sentence are
		 * mostly names and titles: "Best Buy", "Kill Bill", "Good Morning
		 * America". */
		if (names && t->title && i > 0 && tok[i - 1].kind != T_STOP &&
		    (tok[i - 1].title || (i + 1 < nt && tok[i + 1].title)))
			continue;
		if (t->caps && caps_differ)
			v += sign * 0.733f;
		if (t->elongated)
			v += sign * 0.3f;
		/* Profanity after a word intensifies it: "cute af", "good as hell". */
		if (i + 1 < nt && tok[i + 1].kind == T_WORD && !strcmp(tok[i + 1].key, "af"))
			v += sign * 0.293f;
		else if (i + 2 < nt && !strcmp(tok[i + 1].key, "as") && tok[i + 2].e &&
		         (tok[i + 2].e->flags & F_SWEAR)) {
			v += sign * 0.35f;
			used[i + 2] = true;
		}
		/* Boosters and negation in the three words before; a phrase that
		 * starts with a negation ("pas terrible", "not bad") carries its own. */
		bool negated = false, own_neg = span > 1 && is_neg(t);
		for (size_t back = 1; back <= NEG_SCOPE && back <= i; back++) {
			const struct token *p = &tok[i - back];
			if (p->kind == T_STOP || p->kind == T_BUT)
				break;
			if (p->kind != T_WORD)
				continue;
			if (back <= 3 && p->e && (p->e->flags & F_BOOST)) {
				float bv = p->e->boost;
				float scale = back == 1 ? 1.0f : back == 2 ? 0.95f : 0.9f;
				v += sign * bv * scale;
				if (p->caps && caps_differ)
					v += sign * 0.733f * (bv > 0 ? 1 : -1);
			}
			if (is_neg(p) && !own_neg && !or_not(tok, i - back))
				negated = true;
		}
		/* French "ne ... pas" puts the negation after the verb too:
		 * "je ne l'aime pas". */
		if (!negated && !own_neg && i + 1 < nt && tok[i + 1].kind == T_WORD &&
		    (!strcmp(tok[i + 1].key, "pas") || !strcmp(tok[i + 1].key, "jamais") ||
		     !strcmp(tok[i + 1].key, "plus")) &&
		    i >= 1 && (is_neg(&tok[i - 1]) || (i >= 2 && is_neg(&tok[i - 2]))))
			negated = true;
		/* A negated positive turns negative ("not good"); a negated
		 * negative only weakly positive ("not bad", "not injured"). */
		if (negated)
			v *= v > 0 ? -0.74f : -0.2f;
		val[i] = v;
	}

	/* Contrast: what comes after "but" outweighs what came before. */
	for (size_t i = 0; i < nt; i++) {
		if (tok[i].kind != T_BUT)
			continue;
		for (size_t j = 0; j < nt; j++) {
			if (j < i)
				val[j] *= 0.5f;
			else if (j > i)
				val[j] *= 1.5f;
		}
		break;
	}

	double sum = 0;
	for (size_t i = 0; i < nt; i++)
		sum += val[i];
	if (sum != 0) {
		int ex = excl > 4 ? 4 : excl;
		double q = quest > 1 ? (quest > 3 ? 0.96 : quest * 0.18) : 0;
		sum += (sum > 0 ? 1 : -1) * (ex * 0.292 + q);
	} else if (excl > 0) {
		/* No coloured word, but exclamations: online, mostly enthusiasm. */
		sum = 0.5 * (excl > 3 ? 3 : excl);
	}
	double comp = sum / sqrt(sum * sum + 15.0);
	if (comp > 1)
		comp = 1;
	if (comp < -1)
		comp = -1;
	*score = comp;
	if (comp >= SENT_POS_THRESHOLD)
		return SENT_POSITIVE;
	if (comp <= SENT_NEG_THRESHOLD)
		return SENT_NEGATIVE;
	return SENT_NEUTRAL;
}

/* ------------------------------------------------------------ the model */

float sentiment_word(const sentiment *s, const char *k, size_t n, bool *found, float *boost)
{
	uint32_t h = hash32(k, n);
	/* the cache is the sentiment's working memory, not its state */
	struct wcache *c = n && n <= WC_KEY ? &s->wcache[h & (WC_SLOTS - 1)] : NULL;
	if (c && c->gen == s->gen && c->h == h && c->n == n && same(c->key, k, n)) {
		*found = c->found;
		*boost = c->boost;
		return c->v;
	}
	const struct entry *e = find_h(s, k, n, h);
	*boost = e && (e->flags & F_BOOST) ? e->boost : 0;
	float v = entry_score(e, L_EN, found);
	if (!*found && n < 48) {
		char w[48];
		memcpy(w, k, n);
		w[n] = '\0';
		v = stem_lookup(s, w, n, L_EN, found);
	}
	if (c) {
		c->h = h;
		c->gen = s->gen;
		c->n = (uint8_t)n;
		memcpy(c->key, k, n);
		c->found = *found;
		c->boost = *boost;
		c->v = v;
	}
	return v;
}

static bool is_french(const char *lang)
{
	return lang && (lang[0] == 'f' || lang[0] == 'F') && (lang[1] == 'r' || lang[1] == 'R') &&
	       (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

int sentiment_load_model(sentiment *s, const char *path, cp_err *e)
{
	sm_model m;
	if (sm_load(&m, path, e) < 0)
		return -1;
	sm_free(&s->loaded);
	s->loaded = m;
	s->model = &s->loaded;
	return 0;
}

void sentiment_use_model(sentiment *s, bool on)
{
	s->model = !on ? NULL : s->loaded.w ? &s->loaded :
	           sm_builtin.features == SM_FEATURES_VERSION ? &sm_builtin : NULL;
}

const struct sm_feats *sentiment_features(sentiment *s, const char *text, size_t len)
{
	if (!s->feats_fresh)
		sm_extract(s, text, len, s->feats);
	s->feats_fresh = true;
	return s->feats;
}

int sentiment_score(sentiment *s, const char *text, size_t len, const char *lang, double *score)
{
	s->feats_fresh = false;
	if (!s->model || is_french(lang))
		return sentiment_lexicon_score(s, text, len, lang, score);
	double p[SM_CLASSES];
	sm_extract(s, text, len, s->feats);
	s->feats_fresh = true;
	if (!s->feats->n) { /* nothing but spaces and punctuation */
		*score = 0;
		return SENT_NEUTRAL;
	}
	sm_predict(s->model, s->feats, p);
	*score = p[2] - p[0];
	if (p[2] > p[1] && p[2] > p[0])
		return SENT_POSITIVE;
	if (p[0] > p[1] && p[0] >= p[2])
		return SENT_NEGATIVE;
	return SENT_NEUTRAL;
}
