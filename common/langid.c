/*
 * langid.c - the language of a short text; see langid.h for the method.
 *
 * The word lists are each language's most frequent function words and the
 * everyday words of a support request, written from general usage, not
 * from any data set.  A word that several languages share ("de", "la",
 * "no", "me") counts for each of them; the words that only one language
 * has decide.  Elided forms are kept with their apostrophe ("l'", "qu'"
 * for French, "'t", "'re" for English), since they are among the surest
 * signs of a language in a short message.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "langid.h"
#include "hash.h"
#include "unicode.h"

enum { EN, FR, ES, DE, IT, PT, NLANG };

static const char *const lang_code[NLANG] = { "en", "fr", "es", "de", "it", "pt" };

static const char *const lang_words[NLANG] = {
	[EN] =
	"the be to of and a in that have i it for not on with he as you do at "
	"this but his by from they we say her she or an will my one all would "
	"there their what so up out if about who get which go me when make can "
	"like time no just him know take into your some could them see other "
	"than then now look only come its over think also back after use two how "
	"our work first well way even new want because any these give day most "
	"us is are was were been has had did does am im dont cant wont didnt "
	"doesnt isnt wasnt ive thanks thank please help why still got need "
	"really here where ever never again today tomorrow yesterday should very "
	"much more too off don won didn doesn isn wasn aren haven hasn couldn "
	"shouldn wouldn 't 's 'm 're 've 'll 'd u ur lol hey hi yes yeah "
	"every being those something anything nothing someone anyone nobody "
	"already since until while through before let made said going trying "
	"tried getting called told asked waiting wait order account phone "
	"customer support store card money week hours minutes problem issue "
	"fix working love hate great thing things sure right good bad best "
	"last next night tonight morning done sorry home people guys "
	"happy birthday watch watching tell says many",
	[FR] =
	"le la les de des du un une et est sont pas ne que qui quoi pour dans "
	"avec sur ce cet cette ces mon ma mes ton ta tes son sa ses notre nos "
	"votre vos leur leurs je tu il elle on nous vous ils elles mais ou où "
	"très rien toujours jamais depuis merci bonjour bonsoir svp ça "
	"ai as avez avons ont suis es êtes sommes été fait faire avoir être "
	"au aux encore aussi déjà alors car donc comme quand comment pourquoi "
	"aucun aucune personne commande colis livraison remboursement client "
	"j' l' d' qu' n' c' s' m' t' y en à non oui chez sans sous après avant "
	"peut veux voudrais faut vais va vont moi toi lui eux cela ceci "
	"bien mal tout tous toute toutes même ici là hier demain aujourd' "
	"heure heures jour jours semaine mois reçu appel téléphone compte",
	[ES] =
	"el la los las de que y en un una es por con no se lo su para como más "
	"pero sus al del me mi mis ya muy sin sobre también hasta hay donde "
	"desde todo todos nos cuando porque esta este está están estoy ha han "
	"hace gracias hola pedido nadie todavía ningún ninguna qué cómo soy son "
	"fue tengo tiene tienen puedo puede eso esto ese nada bien ahora aún "
	"favor servicio cliente ustedes usted estaba estado hoy ayer mañana "
	"semana días horas llamada cuenta dinero compra envío llegó llegado "
	"yo tu tú te le les o ni otra otro siempre nunca",
	[DE] =
	"der die das und ist nicht ich du er sie es wir ihr mit von zu den dem "
	"des ein eine einen einem einer auf für im auch so aber wie noch nach "
	"schon wieder bei aus um nur mein meine meinen dein ihre kein keine "
	"mir mich dich sich hat habe haben hatte sind war wird werden kann "
	"bitte danke hallo immer seit heute gestern morgen warum wann was wer "
	"jetzt sehr mal oder dass weil bestellung kunde zug ja nein hier vor "
	"über unter gibt gut geht ihnen euch uns man nichts etwas wurde "
	"möchte kann können muss müssen soll stunde stunden tage woche",
	[IT] =
	"il lo la i gli le di da in con su per tra fra un una uno e è non che "
	"ma mi ti ci si del della dei delle dello nel nella al alla allo sono ho "
	"hai ha abbiamo avete hanno questo questa questi anche come più molto "
	"perché ancora grazie ciao buongiorno ordine nessuno niente mio mia "
	"tuo vostro sempre già dopo oggi ieri domani essere stato stata fatto "
	"dove quando cosa l' un' dell' nell' all' dall' sull' c' qui ecco "
	"voi loro io tu lei lui solo ora adesso mai nulla treno ore giorni",
	[PT] =
	"o a os as de que e do da dos das em um uma para com não no na nos se "
	"por mais mas ao aos pelo pela como foi é já está estou muito minha "
	"meu seu sua você vocês obrigado obrigada olá isso ainda nada tem ter "
	"sem até quando porque também só há pedido nenhum nenhuma ninguém "
	"desde eu ele ela eles elas dia dias hoje ontem amanhã horas semana "
	"conta dinheiro compra entrega cliente atendimento sempre nunca aqui "
	"vou vai estão estava fiz feito fazer consigo",
};

/* The word table: an open-addressing hash of every listed word to the set
 * of languages that list it, built once.  Words are kept in their slot
 * (the longest has 13 bytes): a probe reads one cache line. */
#define SLOTS 2048
#define WORD_MAX 14
static struct slot {
	uint32_t h;
	uint8_t len;          /* 0: free */
	uint8_t langs;
	char w[WORD_MAX];
} table[SLOTS];
static bool table_ready;   /* stored with release once built */
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
/* One bit per listed word's hash (bits 20-31, apart from the slot's):
 * most words of a text are not listed, and are ruled out here, in 512
 * bytes that stay in cache, before a probe of the table. */
static uint64_t bloom[64];
/* Which slots this text has counted already: stamp[i] == stamp_gen.  Per
 * thread: tag judges records on several (cp_each_record_jobs). */
static _Thread_local uint32_t stamp[SLOTS], stamp_gen;

/* a and b agree on their first n bytes: words are short, and a call to
 * memcmp cost more than the comparison. */
static inline bool same(const char *a, const char *b, size_t n)
{
	unsigned d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* h is hash32(w, n): the detector hashes a word as it reads it. */
static struct slot *find(const char *w, size_t n, uint32_t h, bool add)
{
	if (n > WORD_MAX)
		return NULL;
	for (uint32_t i = h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
		struct slot *s = &table[i];
		if (!s->len)
			return add ? s : NULL;
		if (s->h == h && s->len == n && same(s->w, w, n))
			return s;
	}
}

static void build(void)
{
	for (int l = 0; l < NLANG; l++) {
		const char *p = lang_words[l];
		while (*p) {
			while (*p == ' ')
				p++;
			const char *w = p;
			while (*p && *p != ' ')
				p++;
			size_t n = (size_t)(p - w);
			if (n && n <= WORD_MAX) {
				uint32_t h = hash32(w, n);
				struct slot *s = find(w, n, h, true);
				memcpy(s->w, w, n);
				s->h = h;
				s->len = (uint8_t)n;
				s->langs |= (uint8_t)(1u << l);
				bloom[h >> 20 & 63] |= (uint64_t)1 << (h >> 26);
			}
		}
	}
	__atomic_store_n(&table_ready, true, __ATOMIC_RELEASE);
}

/* Letters that belong to one language or a few: each kind counts once. */
static unsigned letter_langs(uint32_t c)
{
	switch (c) {
	case 0xF1: case 0xBF: case 0xA1:                    /* ñ ¿ ¡ */
		return 1u << ES;
	case 0xDF: case 0xE4: case 0xF6: case 0xFC:         /* ß ä ö ü */
		return 1u << DE;
	case 0xE3: case 0xF5:                               /* ã õ */
		return 1u << PT;
	case 0x153: case 0xEE: case 0xFB: case 0xEB: case 0xEF: /* œ î û ë ï */
		return 1u << FR;
	case 0xEC: case 0xF2:                               /* ì ò */
		return 1u << IT;
	case 0xE7:                                          /* ç */
		return 1u << FR | 1u << PT;
	case 0xE8: case 0xF9:                               /* è ù */
		return 1u << FR | 1u << IT;
	case 0xEA: case 0xF4: case 0xE2:                    /* ê ô â */
		return 1u << FR | 1u << PT;
	case 0xE1: case 0xED: case 0xF3: case 0xFA:         /* á í ó ú */
		return 1u << ES | 1u << PT;
	}
	return 0;
}

/* The lower case of a Latin letter, or 0 when c is not one. */
static uint32_t latin_lower(uint32_t c)
{
	if (c < 0x80) {
		if (c >= 'A' && c <= 'Z')
			return c + 32;
		return c >= 'a' && c <= 'z' ? c : 0;
	}
	if (c < 0xC0 || c == 0xD7 || c == 0xF7 || c > 0x24F)
		return 0;
	if (c <= 0xDE)
		return c + 32;
	if (c <= 0xFF)
		return c;
	if (c == 0x178)
		return 0xFF;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c;
	return c;
}

enum script { S_LATIN, S_KANA, S_HANGUL, S_HAN, S_CYRILLIC, S_GREEK, S_ARABIC,
	S_HEBREW, S_THAI, S_DEVANAGARI, NSCRIPT };

static int script_of(uint32_t c)
{
	if (c >= 0x3040 && c <= 0x30FF) return S_KANA;
	if (c >= 0x31F0 && c <= 0x31FF) return S_KANA;
	if (c >= 0xFF66 && c <= 0xFF9F) return S_KANA;
	if (c >= 0xAC00 && c <= 0xD7AF) return S_HANGUL;
	if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F)) return S_HANGUL;
	if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF)) return S_HAN;
	if (c >= 0x400 && c <= 0x52F) return S_CYRILLIC;
	if ((c >= 0x370 && c <= 0x3FF) || (c >= 0x1F00 && c <= 0x1FFF)) return S_GREEK;
	if ((c >= 0x600 && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F) ||
	    (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF)) return S_ARABIC;
	if (c >= 0x590 && c <= 0x5FF) return S_HEBREW;
	if (c >= 0xE00 && c <= 0xE7F) return S_THAI;
	if (c >= 0x900 && c <= 0x97F) return S_DEVANAGARI;
	return -1;
}

/* A text in a script other than Latin: the language that script is
 * written in, told apart by letters only some of its languages use. */
static const char *by_script(const unsigned *count, unsigned flags)
{
	enum { F_UK = 1, F_FA = 2, F_UR = 4 };
	int best = S_KANA;
	for (int s = S_KANA + 1; s < NSCRIPT; s++)
		if (count[s] > count[best])
			best = s;
	switch (best) {
	case S_KANA: return "ja";
	case S_HAN: return count[S_KANA] ? "ja" : "zh";
	case S_HANGUL: return "ko";
	case S_CYRILLIC: return flags & F_UK ? "uk" : "ru";
	case S_GREEK: return "el";
	case S_ARABIC: return flags & F_UR ? "ur" : flags & F_FA ? "fa" : "ar";
	case S_HEBREW: return "he";
	case S_THAI: return "th";
	case S_DEVANAGARI: return "hi";
	}
	return "und";
}

static unsigned script_flags(uint32_t c)
{
	switch (c) {
	case 0x456: case 0x406: case 0x457: case 0x407:     /* і ї */
	case 0x454: case 0x404: case 0x491: case 0x490:     /* є ґ */
		return 1;
	case 0x67E: case 0x686: case 0x698: case 0x6AF:     /* پ چ ژ گ */
		return 2;
	case 0x679: case 0x688: case 0x691: case 0x6BA: case 0x6D2: /* ٹ ڈ ڑ ں ے */
		return 4;
	}
	return 0;
}

static bool is_apostrophe(uint32_t c)
{
	return c == '\'' || c == 0x2019;
}

/* Skip a handle, an agent's signature (^JD), a URL: whatever runs to the
 * next white space. */
static size_t skip_token(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
		i++;
	return i;
}

static bool starts_url(const char *s, size_t n, size_t i)
{
	/* "ht..." or "ww...", or none of them */
	if (n - i < 4 || (s[i + 1] | 32) != ((s[i] | 32) == 'h' ? 't' : 'w'))
		return false;
	static const char *const pre[] = { "http://", "https://", "www." };
	for (size_t k = 0; k < sizeof pre / sizeof *pre; k++) {
		size_t m = strlen(pre[k]);
		if (n - i >= m && !strncasecmp(s + i, pre[k], m))
			return true;
	}
	return false;
}

/* Does a token start at byte i: after white space, "(" or a quote? */
static bool at_start(const char *s, size_t i)
{
	return i == 0 || s[i - 1] == ' ' || s[i - 1] == '\n' || s[i - 1] == '\t' ||
	       s[i - 1] == '(' || s[i - 1] == '"';
}

/* Signs already counted, each once: "ha ha ha" is one sign. */
#define SEEN_MAX 16
struct seen {
	uintptr_t key[SEEN_MAX];
	unsigned n, cap;    /* cap <= SEEN_MAX */
};

struct tally {
	unsigned score[NLANG];
	unsigned words;
	struct seen letters;        /* letter kinds, by code point */
	unsigned counted, cap;      /* words counted, in stamp; at most cap */
};

/* A sign for langs, unless key was counted before (once the set is full,
 * every sign counts). */
static void count_sign(struct tally *t, struct seen *seen, uintptr_t key, unsigned langs)
{
	for (unsigned k = 0; k < seen->n; k++)
		if (seen->key[k] == key)
			return;
	if (seen->n < seen->cap)
		seen->key[seen->n++] = key;
	for (int l = 0; l < NLANG; l++)
		if (langs & (1u << l))
			t->score[l]++;
}

static void count_word(struct tally *t, const char *w, size_t n, uint32_t h)
{
	if (!n)
		return;
	t->words++;
	if (!(bloom[h >> 20 & 63] & ((uint64_t)1 << (h >> 26))))
		return;
	struct slot *s = find(w, n, h, false);
	if (!s)
		return;
	/* each word once (once cap words are, every one counts) */
	size_t i = (size_t)(s - table);
	if (stamp[i] == stamp_gen)
		return;
	if (t->counted < t->cap) {
		stamp[i] = stamp_gen;
		t->counted++;
	}
	for (int l = 0; l < NLANG; l++)
		t->score[l] += s->langs >> l & 1;
}

static void count_letter(struct tally *t, uint32_t c)
{
	unsigned langs = letter_langs(c);
	if (langs)
		count_sign(t, &t->letters, c, langs);
}

const char *langid_detect(const char *text, size_t len)
{
	if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		pthread_once(&table_once, build);
	struct tally t = { .letters.cap = SEEN_MAX, .cap = 64 };
	if (++stamp_gen == 0) {
		memset(stamp, 0, sizeof stamp);
		stamp_gen = 1;
	}
	unsigned script[NSCRIPT] = {0}, flags = 0;
	char w[32];
	size_t wn = 0;
	uint32_t wh = HASH32_INIT; /* hash32(w, wn) */
	bool not_word = false;
	size_t i = 0;
	while (i < len) {
		unsigned char b = (unsigned char)text[i];
		/* ASCII letters, the bulk of the text, first and cheaply: no
		 * ASCII letter is one of letter_langs'. */
		if ((unsigned)((b | 32) - 'a') < 26) {
			if (((b | 32) == 'h' || (b | 32) == 'w') && at_start(text, i) &&
			    starts_url(text, len, i)) {
				i = skip_token(text, len, i);
				continue;
			}
			/* The whole run of ASCII letters here: no letter after
			 * the first can start a URL (at_start). */
			size_t j = i;
			do {
				unsigned char lc = (unsigned char)(text[j] | 32);
				if (wn < sizeof w) {
					w[wn++] = (char)lc;
					wh = hash32_byte(wh, lc);
				} else {
					not_word = true;
				}
				j++;
			} while (j < len && (unsigned)(((unsigned char)text[j] | 32) - 'a') < 26);
			script[S_LATIN] += (unsigned)(j - i);
			i = j;
			continue;
		}
		if ((b == '@' || b == '^') && at_start(text, i)) {
			i = skip_token(text, len, i);
			continue;
		}
		if (b < 0x80 && b != '\'') {
			/* Other ASCII: a digit spoils the word, the rest ends
			 * it (what the general path below does for them). */
			i++;
			if ((unsigned)(b - '0') < 10) {
				not_word = true;
				continue;
			}
			if (wn && !not_word && !(wn == 1 && w[0] == '\''))
				count_word(&t, w, wn, wh);
			wn = 0;
			wh = HASH32_INIT;
			not_word = false;
			continue;
		}
		uint32_t c = b;
		int k = b < 0x80 ? 1 : uni_decode(text + i, len - i, &c);
		if (k < 0) {
			i++;
			c = ' ';
		} else {
			i += (size_t)k;
		}
		uint32_t lc = latin_lower(c);
		if (lc) {
			script[S_LATIN]++;
			count_letter(&t, lc);
			char u[4];
			size_t un = lc < 0x80 ? (u[0] = (char)lc, 1)
			          : (u[0] = (char)(0xC0 | lc >> 6), u[1] = (char)(0x80 | (lc & 0x3F)), 2);
			if (wn + un <= sizeof w) {
				for (size_t j = 0; j < un; j++) {
					w[wn++] = u[j];
					wh = hash32_byte(wh, (unsigned char)u[j]);
				}
			} else {
				not_word = true;
			}
			continue;
		}
		if (c >= '0' && c <= '9') {
			/* "gac7a8e02", "2day": codes and numbers are no words */
			not_word = true;
			continue;
		}
		if (is_apostrophe(c)) {
			/* An elided word keeps its apostrophe ("l'", "qu'"); the
			 * contraction that follows gets one in front ("'t", "'re"). */
			if (wn && !not_word && wn < sizeof w) {
				w[wn++] = '\'';
				count_word(&t, w, wn, hash32_byte(wh, '\''));
				w[0] = '\'';
				wn = 1;
				wh = hash32_byte(HASH32_INIT, '\'');
			} else {
				wn = 0;
				wh = HASH32_INIT;
			}
			not_word = false;
			continue;
		}
		int s = c >= 0x370 ? script_of(c) : -1; /* no script below Greek */
		if (s > 0) {
			script[s]++;
			flags |= script_flags(c);
		}
		if (wn && !not_word && !(wn == 1 && w[0] == '\''))
			count_word(&t, w, wn, wh);
		wn = 0;
		wh = HASH32_INIT;
		not_word = false;
	}
	if (wn && !not_word && !(wn == 1 && w[0] == '\''))
		count_word(&t, w, wn, wh);

	/* Kana and Hangul are never written by accident in Latin text, while
	 * Latin brand names often stand in Japanese or Korean text. */
	unsigned other = 0;
	for (int s = 1; s < NSCRIPT; s++)
		other += script[s];
	if (other > script[S_LATIN] || script[S_KANA] >= 2 || script[S_HANGUL] >= 2)
		return by_script(script, flags);

	int best = 0, second = -1;
	for (int l = 1; l < NLANG; l++) {
		if (t.score[l] > t.score[best]) {
			second = best;
			best = l;
		} else if (second < 0 || t.score[l] > t.score[second]) {
			second = l;
		}
	}
	unsigned b = t.score[best], s2 = t.score[second];
	/* Two signs and a lead, or a lone sure word in a text of one or two
	 * words ("merci", "thanks!"). */
	if ((b >= 2 && b > s2) || (b == 1 && s2 == 0 && t.words <= 2))
		return lang_code[best];
	return "und";
}
