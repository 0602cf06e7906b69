/*
 * Unit tests for textmatch (normalisation, Aho-Corasick) and rules (a
 * caller's own action table, as assign uses it, and evaluation).
 */
#include <string.h>

#include "tap.h"
#include "carepipe.h"
#include "rules.h"
#include "sentiment.h"
#include "textmatch.h"

static const char *norm(const char *s)
{
	static tm_norm n;
	tm_normalize(&n, s, strlen(s));
	return n.text.p;
}

struct hits { int n; int ids[16]; size_t start[16], end[16]; };

static int on_hit(void *v, int id, size_t s, size_t e)
{
	struct hits *h = v;
	if (h->n < 16) {
		h->ids[h->n] = id;
		h->start[h->n] = s;
		h->end[h->n] = e;
	}
	h->n++;
	return 0;
}

enum { A_QUEUE = 7 };
static const struct rules_action_def queue_defs[] = {
	{ "queue", RULES_ARG_NAME, NULL, A_QUEUE },
};

int main(void)
{
	/* normalisation */
	is_str(norm("  Ça   VA?\n Très\tbien "), "ca va? tres bien", "case, accents, white space");
	is_str(norm("STRAẞE straße"), "strasse strasse", "sharp s, capital and small");
	is_str(norm("İSTANBUL ıi"), "istanbul ii", "Turkish dotted and dotless i");
	is_str(norm("cafe\xcc\x81"), "cafe", "a combining acute is dropped");
	is_str(norm("don\xe2\x80\x99t \xe2\x80\x9cx\xe2\x80\x9d"), "don't \"x\"", "typographic quotes");
	is_str(norm("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\x91"), "ab1", "fullwidth forms");
	is_str(norm("👍🏽❤️"), "👍❤", "skin tone and variation selector dropped");
	is_str(norm("ΚΑΛΗΜΈΡΑ Привет Ёж"), "καλημερα привет еж", "Greek and Cyrillic");
	is_str(norm("Nguyễn"), "nguyen", "Vietnamese");
	/* the one strict decoder (utf8.h): U+FFFD of one byte for what is invalid */
	size_t l = 0;
	is_int(tm_decode("\xc3\xa9", 2, &l), 0xe9, "é decodes");
	is_int(l, 2, "in two bytes");
	is_int(tm_decode("\xc0\xaf", 2, &l), 0xfffd, "an overlong '/' is invalid");
	is_int(l, 1, "one byte of it");
	is_int(tm_decode("\xe0\x80\xaf", 3, &l), 0xfffd, "an overlong three-byte form is invalid");
	is_int(tm_decode("\xed\xa0\x80", 3, &l), 0xfffd, "a UTF-16 surrogate is invalid");
	is_int(l, 1, "one byte of it");
	is_int(tm_decode("\xf4\x90\x80\x80", 4, &l), 0xfffd, "past U+10FFFF is invalid");
	is_int(tm_decode("\xe2\x82", 2, &l), 0xfffd, "a truncated sequence is invalid");
	is_str(norm("a\xe0\x80\xaf" "b"), "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b",
	       "an overlong slash is normalised as three U+FFFD, not as a slash");
	{
		/* without the map: the same text, and the digits counted,
		 * fullwidth ones folded to ASCII too */
		const char *s = "  Call 555-0100 \xef\xbc\x91\xef\xbc\x92 \xc3\x89t\xc3\xa9  ";
		tm_norm m = {0}, t = {0};
		tm_normalize(&m, s, strlen(s));
		tm_normalize_text(&t, s, strlen(s));
		is_str(t.text.p, m.text.p, "tm_normalize_text: tm_normalize's text");
		is_str(t.text.p, "call 555-0100 12 ete", "which is folded");
		ok(m.mapped && !t.mapped, "only tm_normalize says it made the map");
		is_int((long)m.digits, 9, "tm_normalize counts the digits");
		is_int((long)t.digits, 9, "and tm_normalize_text the same");
		is_int((long)m.src[5], 7, "the map: the normalised 5 at 5 from the original's 7");
		tm_norm_free(&m);
		tm_norm_free(&t);
	}
	is_int(tm_class(0x9000), TM_CJK, "an ideograph stands alone");
	is_int(tm_class(0x1f621), TM_EMOJI, "an emoji stands alone");
	is_int(tm_class(0xe9), TM_WORD, "é is a letter");

	/* Aho-Corasick: overlaps, whole words, one pass */
	tm_ac *a = tm_ac_new();
	int he = tm_ac_add(a, "he", 2), she = tm_ac_add(a, "she", 3), hers = tm_ac_add(a, "hers*", 5);
	int dup = tm_ac_add(a, "HE", 2);
	int cjk = tm_ac_add(a, "退款", strlen("退款"));
	is_int(dup, he, "equal keywords share an id");
	ok(tm_ac_add(a, " ", 1) < 0, "an empty keyword is refused");
	tm_ac_build(a);
	tm_norm t = {0};
	tm_scratch scr = {0};
	struct hits h = {0};
	tm_normalize(&t, "she hersheys", strlen("she hersheys"));
	tm_ac_scan(a, &t, &scr, on_hit, &h);
	is_int(h.n, 2, "she, and hers* in hersheys; he never whole");
	is_int(h.ids[0], she, "she first");
	is_int(h.ids[1], hers, "then hers*");
	memset(&h, 0, sizeof h);
	tm_normalize(&t, "我要退款了", strlen("我要退款了"));
	tm_ac_scan(a, &t, &scr, on_hit, &h);
	is_int(h.n, 1, "a CJK keyword inside a run");
	is_int(h.ids[0], cjk, "it is 退款");
	tm_ac_free(a);

	/* Word-start keywords (walked) and the others (the automaton) report
	 * their hits in one order: by end, by start, the keyword of one text
	 * added last first. */
	a = tm_ac_new();
	int k_she = tm_ac_add(a, "she", 3), k_ohe = tm_ac_add(a, "*he", 3);
	int k_he = tm_ac_add(a, "he", 2), k_q = tm_ac_add(a, "?", 1);
	ok(tm_ac_build(a) == 0, "built, walked and automaton keywords");
	memset(&h, 0, sizeof h);
	tm_normalize(&t, "she? he", strlen("she? he"));
	ok(tm_ac_scan(a, &t, &scr, on_hit, &h) == 0, "scanned");
	is_int(h.n, 5, "she, *he in she, ?, he and *he");
	int want_ids[] = { k_she, k_ohe, k_q, k_he, k_ohe };
	size_t want_start[] = { 0, 1, 3, 5, 5 };
	for (int i = 0; i < 5 && i < h.n; i++) {
		is_int(h.ids[i], want_ids[i], "hit %d: keyword", i);
		is_int((int)h.start[i], (int)want_start[i], "hit %d: start", i);
	}
	tm_ac_free(a);

	/* 1000 keywords: the automaton stays one state per keyword byte */
	a = tm_ac_new();
	char kw[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(kw, sizeof kw, "word%04d", i);
		tm_ac_add(a, kw, strlen(kw));
	}
	is_int(tm_ac_count(a), 1000, "1000 keywords");
	ok(tm_ac_build(a) == 0, "built");
	memset(&h, 0, sizeof h);
	tm_normalize(&t, "x WORD0999 word0500x word0001", strlen("x WORD0999 word0500x word0001"));
	tm_ac_scan(a, &t, &scr, on_hit, &h);
	is_int(h.n, 2, "two whole-word hits among 1000 keywords");
	tm_ac_free(a);

	/* 8000 keywords: a trie of over 32,768 states, whose double array
	 * needs 32-bit fields */
	a = tm_ac_new();
	for (int i = 0; i < 8000; i++) {
		snprintf(kw, sizeof kw, "k%05dzyxwv", i);
		tm_ac_add(a, kw, strlen(kw));
	}
	ok(tm_ac_build(a) == 0, "8000 keywords built");
	memset(&h, 0, sizeof h);
	tm_normalize(&t, "k07999zyxwv, k00000zyxwvu k04000ZYXWV", strlen("k07999zyxwv, k00000zyxwvu k04000ZYXWV"));
	ok(tm_ac_scan(a, &t, &scr, on_hit, &h) == 0, "scanned");
	is_int(h.n, 2, "two whole-word hits among 8000 keywords");
	is_int(h.ids[0], 7999, "the first");
	is_int(h.ids[1], 4000, "the last");
	tm_ac_free(a);
	tm_norm_free(&t);
	tm_scratch_free(&scr);

	/* word forms: irregular groups, English and French inflections */
	{
		cp_buf f = {0};
		tm_forms("give", &f);
		const char *want[] = { "give", "gives", "gave", "given", "giving" };
		for (size_t i = 0; i < 5; i++) {
			bool found = false;
			for (size_t k = 0; k < f.len; k += strlen(f.p + k) + 1)
				found |= !strcmp(f.p + k, want[i]);
			ok(found, "give~ has %s", want[i]);
		}
		buf_reset(&f);
		tm_forms("donner", &f);
		const char *fr[] = { "donne", "donnes", "donnent", "donne", "donnee", "donnees", "donnait" };
		for (size_t i = 0; i < 7; i++) {
			bool found = false;
			for (size_t k = 0; k < f.len; k += strlen(f.p + k) + 1)
				found |= !strcmp(f.p + k, fr[i]);
			ok(found, "donner~ has %s (folded)", fr[i]);
		}
		buf_reset(&f);
		tm_forms("injury", &f);
		bool inj = false;
		for (size_t k = 0; k < f.len; k += strlen(f.p + k) + 1)
			inj |= !strcmp(f.p + k, "injuries");
		ok(inj, "injury~ has injuries");
		buf_free(&f);
	}

	/* number detectors */
	{
		struct { const char *text; unsigned want; } nums[] = {
			{ "call 0612345678", TM_NUM_PHONE },
			{ "call 06 12 34 56 78", TM_NUM_PHONE },
			{ "(555) 123-4567", TM_NUM_PHONE },
			{ "+1(818)930-5703", TM_NUM_PHONE },
			{ "00447900248601 anytime", TM_NUM_PHONE },
			{ "@115712 8106028994", TM_NUM_PHONE },
			{ "order #1234567890", 0 },
			{ "order number 1234567890", 0 },
			{ "commande n\xc2\xb0 0612345678", 0 },
			{ "tracking: 123456789012", 0 },
			{ "@1157123456", 0 },
			{ "PP-006-234-348-863", 0 },
			{ "123456789", 0 },
			{ "on 28/11/17 at 10:30", 0 },
			{ "4111 1111 1111 1111", TM_NUM_CARD },
			{ "4111-1111-1111-1112", 0 },
			{ "4111111111111111", TM_NUM_CARD },
			{ "order 4111111111111111", 0 },
		};
		for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
			size_t sp[2][2];
			tm_norm nt = {0};
			tm_normalize(&nt, nums[i].text, strlen(nums[i].text));
			is_int((int)tm_numbers(&nt, sp), (int)nums[i].want, "numbers in '%s'", nums[i].text);
			tm_norm_free(&nt);
		}
	}

	/* rules with the caller's own action */
	cp_err e = {0};
	rules *rs = rules_new(queue_defs, 1);
	const char *src = "queue billing if has-tag billing or has-tag refund\n"
	                  "queue vip\n  if author.followers >= 1000\n";
	is_int(rules_parse(rs, "q.rules", src, strlen(src), &e), 0, "assign's queue rules parse");
	is_int(rules_compile(rs, &e), 0, "and compile");
	is_int(rules_count(rs), 2, "two rules");
	const struct rules_rule *r0 = rules_get(rs, 0);
	is_int(r0->actions[0].id, A_QUEUE, "the caller's action id");
	is_str(r0->actions[0].arg, "billing", "its argument");
	is_int(rules_get(rs, 1)->line, 2, "a rule's line");
	rules_ctx *c = rules_ctx_new(rs);
	cp_rec rr = {0};
	const char *line = "{\"text\":\"x\",\"tags\":[\"refund\"],\"author\":{\"followers\":999}}";
	rec_parse(&rr, line, strlen(line));
	rules_begin(c, &rr, "x", 1);
	is_int(rules_test(c, 0, false, &e), 1, "has-tag from the record's tags");
	is_int(rules_test(c, 1, false, &e), 0, "999 followers are not 1000");
	rules_ctx_free(c);
	rec_free(&rr);

	/* rules_next skips rules whose keywords were not found */
	rules *rk = rules_new(queue_defs, 1);
	const char *ks = "queue a if keywords \"alpha\"\n"
	                 "queue b if keywords \"beta\" and platform = x\n"
	                 "queue c if keywords \"gamma\" or platform = x\n"
	                 "queue d\n";
	rules_parse(rk, "k.rules", ks, strlen(ks), &e);
	rules_compile(rk, &e);
	rules_ctx *kc = rules_ctx_new(rk);
	const char *kl = "{\"text\":\"beta\"}";
	rec_parse(&rr, kl, strlen(kl));
	rules_begin(kc, &rr, "beta", 4);
	is_int(rules_next(kc, 0), 1, "rule a needs alpha: skipped");
	is_int(rules_next(kc, 2), 2, "rule c may hold without gamma");
	is_int(rules_next(kc, 4), 4, "then the end");
	rules_begin(kc, &rr, "nothing", 7);
	is_int(rules_next(kc, 0), 2, "no keyword: only c and d are tried");
	rules_begin(kc, &rr, "alpha", 5);
	is_int(rules_test(kc, 0, false, &e), 1, "tested without rules_next, rule a scans first");
	is_int(rules_next(kc, 1), 2, "and rules_next then uses that scan");
	rules_ctx_free(kc);
	rules_free(rk);
	rec_free(&rr);
	e.code = 0;
	is_int(rules_parse(rs, "bad.rules", "tag x\n", 6, &e), -1, "tag is not an action here");
	is_str(e.msg, "bad.rules:1:1: unknown action 'tag' (expected queue)", "the message");
	is_int(e.code, CP_EX_CONFIG, "code 78");
	rules_free(rs);

	/* sentiment */
	sentiment *s = sentiment_new();
	double sc;
	is_int(sentiment_score(s, "great", 5, NULL, &sc), SENT_POSITIVE, "great is positive");
	is_int(sentiment_score(s, "not great", 9, NULL, &sc), SENT_NEGATIVE, "not great is negative");
	is_int(sentiment_score(s, "nul", 3, "fr", &sc), SENT_NEGATIVE, "nul in French");
	is_int(sentiment_score(s, "https://x.co/:/", 15, NULL, &sc), SENT_NEUTRAL, "a link is no emoticon");
	sentiment_add(s, "frobnicate", 4);
	is_int(sentiment_score(s, "frobnicate", 10, NULL, &sc), SENT_POSITIVE, "a user entry");
	sentiment_free(s);
	return done_testing();
}
