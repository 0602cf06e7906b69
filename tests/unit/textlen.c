/*
 * Platform length rules.  The X cases follow twitter-text's conformance
 * figures for its v3 configuration (URLs 23, emoji sequences 2, CJK 2,
 * NFC before counting).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "textlen.h"
#include "tap.h"
#include "unicode.h"

static long xw(const char *s) { return textlen_x_weighted(s, strlen(s)); }

static long gr(const char *s) { return textlen_graphemes(s, strlen(s)); }

/* Whether NFC turns s into want. */
static bool nfc_is(const char *s, const char *want)
{
	size_t len;
	char *t = uni_nfc(s, strlen(s), &len);
	bool same = t && len == strlen(want) && memcmp(t, want, len) == 0;
	free(t);
	return same;
}

static char *repeat(const char *unit, int times)
{
	static char big[65536];
	big[0] = '\0';
	for (int i = 0; i < times; i++)
		strcat(big, unit);
	return big;
}

/* Probe mode for tests/cli/textlen-twitter.t and unicode-ucd.t: each input
 * line is a text in hex (UTF-8 bytes); print its X weight and whether X
 * refuses it ("weigh"), its URLs as byte offsets ("urls", "urls-scheme"),
 * the ends of its grapheme clusters ("graphemes"), or its NFC in hex and
 * whether the quick check found it in NFC already ("nfc"). */
static int probe(const char *mode)
{
	static char line[1 << 20], text[1 << 19];
	while (fgets(line, sizeof line, stdin)) {
		size_t n = 0;
		for (const char *p = line; p[0] && p[1] && p[0] != '\n'; p += 2) {
			const char *hex = "0123456789abcdef";
			const char *hi = strchr(hex, p[0]), *lo = strchr(hex, p[1]);
			if (!hi || !lo || n >= sizeof text)
				return 2;
			text[n++] = (char)((hi - hex) << 4 | (lo - hex));
		}
		if (strcmp(mode, "graphemes") == 0) {
			const char *sep = "";
			for (size_t i = 0; i < n; sep = " ") {
				i = uni_grapheme_end(text, n, i);
				printf("%s%zu", sep, i);
			}
			printf("\n");
		} else if (strcmp(mode, "nfc") == 0) {
			size_t len = 0;
			char *t = uni_nfc(text, n, &len);
			for (size_t i = 0; t && i < len; i++)
				printf("%02x", (unsigned char)t[i]);
			printf(" %d\n", uni_is_nfc(text, n));
			free(t);
		} else if (strcmp(mode, "weigh") == 0) {
			bool refused = false;
			long w = textlen_x_parse(text, n, &refused);
			printf("%ld %d\n", w, refused);
		} else {
			textlen_urls it;
			size_t a, b;
			textlen_urls_init(&it, text, n, strcmp(mode, "urls") == 0);
			const char *sep = "";
			while (textlen_urls_next(&it, &a, &b)) {
				printf("%s%zu-%zu", sep, a, b);
				sep = " ";
			}
			printf("\n");
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--probe") == 0)
		return probe(argv[2]);
	/* X, weighted. */
	is_int(xw(""), 0, "x: empty");
	is_int(xw("I am a Tweet"), 12, "x: ASCII counts 1");
	is_int(xw("Hi http://test.co"), 26, "x: a URL counts 23");
	is_int(xw("http://test.co"), 23, "x: a URL alone");
	is_int(xw("https://www.twitter.com/aloha https://www.twitter.com/aloha "), 48,
	       "x: two long URLs count 23 each");
	is_int(xw("see https://example.com/a/very/long/path/that/goes/on/and/on?q=1&r=2#frag ok"),
	       4 + 23 + 3, "x: a long URL with query and fragment counts 23");
	is_int(xw("(https://example.com/help)."), 1 + 23 + 2,
	       "x: parentheses and a full stop around a URL are not in it");
	is_int(xw("example.com"), 23, "x: a bare domain with a gTLD is a URL");
	is_int(xw("www.example.com/help"), 23, "x: a bare domain with a path");
	is_int(xw("acme.fr"), 23, "x: a ccTLD domain alone is a URL (twitter-text 3.1.0)");
	is_int(xw("acme.fr/aide"), 23, "x: a ccTLD domain with a path is");
	is_int(xw("t.co"), 23, "x: t.co is");
	is_int(xw("mail support@acme.com"), 5 + 16, "x: an e-mail address is not a URL");
	is_int(xw("ftp://example.com"), 17, "x: ftp is not a URL scheme");
	is_int(xw("randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com"), 68,
	       "x: a 64-character label is not a domain");
	is_int(xw("のののの"), 8, "x: kana count 2");
	is_int(xw("故人西辞黄鹤楼，烟花三月下扬州。"), 32, "x: CJK and full-width punctuation count 2");
	is_int(xw("the故人"), 7, "x: Latin 1, CJK 2");
	is_int(xw("😷👾😡🔥💩"), 10, "x: emoji count 2");
	is_int(xw("H🐱☺👨‍👩‍👧‍👦"), 7, "x: a ZWJ family counts 2 as one emoji");
	is_int(xw("🙋🏽👨‍🎤"), 4, "x: skin tones and ZWJ sequences count 2");
	is_int(xw("🇫🇷🇯🇵"), 4, "x: flags count 2");
	is_int(xw("#️⃣1️⃣"), 4, "x: keycaps count 2");
	is_int(xw("A\xCC\x81" "B"), 2, "x: NFC first: A + combining acute is one");
	is_int(xw("\xE2\x80\x80\xE2\x80\x8B\xE2\x80\x94\xE2\x80\xB2"), 4,
	       "x: general punctuation U+2000-200D, 2010-201F, 2032-2037 count 1");
	is_int(xw("\xE2\x80\xBC"), 2, "x: U+203C (emoji) counts 2");
	is_int(xw(repeat("x", 280)), 280, "x: 280 ASCII");
	is_int(xw("\xff"), -1, "x: invalid UTF-8 is -1");

	/* The classes where carepipe once disagreed with twitter-text 3.1.0,
	 * each figure from twitter-text itself (tests/cli/textlen-twitter.t
	 * runs its whole conformance suite when ../shared is there). */
	static const struct { const char *text; long weight; bool refused; const char *why; } tt[] = {
		{ "\xF0\x9F\x98\x80\xCC\x81\xCC\x81", 4, false,
		  "an emoji then marks: the marks count on their own" },
		{ "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xF0\x9F\x8F\xBD", 4, false,
		  "a second skin tone counts 2" },
		{ "\xF0\x9F\x91\xA8\xE2\x80\x8D\xE2\x80\x8D", 4, false,
		  "ZWJs after an emoji count 1 each" },
		{ "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5"
		  "\xF0\x9F\x87\xA9", 6, false, "two flags and a lone regional indicator" },
		{ "\xF0\x9F\x87\xA6\xF0\x9F\x87\xA6", 4, false, "AA is no flag: two letters" },
		{ "example.io", 23, false, "a bare ccTLD domain is a URL" },
		{ "http://1.2.3.4/x", 16, false, "an IP address is not a URL" },
		{ "http://[::1]/", 13, false, "nor an IPv6 literal" },
		{ "http://a_b.com", 14, false, "'_' in the domain name: not a URL" },
		{ "http://a_b.example.com/x", 23, false, "'_' in a subdomain: a URL" },
		{ "a_b.example.com", 25, false, "without a scheme, from after the '_'" },
		{ "see example.com\xE4\xBD\xA0\xE5\xA5\xBD", 31, false, "a URL ends before CJK" },
		{ "example.com\xF0\x9F\x98\x80", 25, false, "and before an emoji" },
		{ "https://\xE4\xBE\x8B\xE3\x81\x88.\xE3\x81\xBF\xE3\x82\x93\xE3\x81\xAA/x", 23,
		  false, "an IDN host with an IDN TLD of the list" },
		{ "https://\xE4\xBE\x8B\xE3\x81\x88.\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88", 19,
		  false, "an IDN TLD not in the list: not a URL" },
		{ "xn--p1ai.\xD1\x80\xD1\x84", 23, false, "a Punycode label and a Cyrillic TLD" },
		{ "http://t.co/abc/def?x=1", 31, false, "a t.co link stops after its slug" },
		{ "ABC\xEF\xBF\xBE" "def", 8, true, "U+FFFE is refused" },
		{ " \xC2\xA0\xE2\x80\x89", 3, false, "NBSP and thin space count 1 each" },
		{ "\xC2\xA9", 1, false, "a copyright sign alone is text" },
		{ "\xC2\xA9\xEF\xB8\x8F", 2, false, "with VS16 an emoji" },
		{ "\xE2\x98\xBA\xEF\xB8\x8E", 4, false, "an emoji with VS15 is text" },
	};
	for (size_t k = 0; k < sizeof tt / sizeof tt[0]; k++) {
		bool refused = !tt[k].refused;
		long w = textlen_x_parse(tt[k].text, strlen(tt[k].text), &refused);
		ok(w == tt[k].weight && refused == tt[k].refused, "x: %s (%ld, want %ld)", tt[k].why,
		   w, tt[k].weight);
	}
	char *vs = repeat("\xEF\xB8\x8F", 300);
	memmove(vs + 4, vs, strlen(vs) + 1);
	memcpy(vs, "\xF0\x9F\x98\x80", 4);
	long vw;
	is_int(textlen_fits(textlen_rule_for("x", false), vs, strlen(vs), &vw), 0,
	       "x: an emoji and 300 variation selectors do not fit");
	is_int(vw, 602, "x: they weigh 602, as twitter-text says");

	/* Long texts of the shapes that made the search quadratic: a chain
	 * of labels with no TLD, a run of domain characters before a dot,
	 * and thousands of marks in alternating classes (NFC's ordering).
	 * Each is counted in one pass now; these keep the answers right. */
	static char big[1 << 17];
	for (size_t k = 0; k < 40000; k += 2)
		memcpy(big + k, "a.", 2);
	is_int(textlen_x_weighted(big, 40000), 40000, "x: 20,000 labels and no TLD: no URL");
	for (size_t k = 0; k < 90000; k += 3)
		memcpy(big + k, "\xE5\xA5\xBD", 3);
	memcpy(big + 90000, ".com x", 6);
	is_int(textlen_x_weighted(big, 90006), 60006,
	       "x: 30,000 CJK characters and .com: no URL (a label past 63)");
	memcpy(big, "a", 1);
	for (size_t k = 1; k < 80001; k += 4)
		memcpy(big + k, "\xCC\x81\xCC\x96", 4);
	size_t nlen;
	char *nfc = uni_nfc(big, 80001, &nlen);
	ok(nfc && nlen == 80000 && memcmp(nfc, "\xC3\xA1\xCC\x96", 4) == 0 &&
	   memcmp(nfc + 40000, "\xCC\x96\xCC\x81", 4) == 0,
	   "nfc: 40,000 marks in alternating classes: 220s first, the first 230 composes");
	free(nfc);

	/* Graphemes and code points. */
	is_int(textlen_graphemes("e\xCC\x81t\xC3\xA9", 6), 3, "graphemes: decomposed e-acute is one");
	is_int(textlen_graphemes("👨‍👩‍👧‍👦🇫🇷", strlen("👨‍👩‍👧‍👦🇫🇷")), 2,
	       "graphemes: a family and a flag are two");
	is_int(textlen_codepoints("👨‍👩‍👧‍👦", strlen("👨‍👩‍👧‍👦")), 7,
	       "code points: a family is seven");

	/* The Unicode module underneath. */
	uint32_t c = 0;
	is_int(uni_decode("\xC3\xA9", 2, &c), 2, "utf-8: e-acute is two bytes");
	is_int((long)c, 0xE9, "utf-8: U+00E9");
	is_int(uni_decode("\xF0\x9F\x98\x80", 4, &c), 4, "utf-8: an emoji is four bytes");
	is_int(uni_decode("\xC0\xAF", 2, &c), -1, "utf-8: an overlong slash is invalid");
	is_int(uni_decode("\xED\xA0\x80", 3, &c), -1, "utf-8: a surrogate is invalid");
	is_int(uni_decode("\xF4\x90\x80\x80", 4, &c), -1, "utf-8: past U+10FFFF is invalid");
	is_int(uni_decode("\xE2\x82", 2, &c), -1, "utf-8: a cut sequence is invalid");
	is_int(textlen_codepoints("a\xE2\x82", 3), -1, "code points: a cut sequence is -1");
	ok(nfc_is("e\xCC\x81", "\xC3\xA9"), "nfc: e + acute is e-acute");
	ok(nfc_is("a\xCC\xA3\xCC\x82", "\xE1\xBA\xAD"),
	   "nfc: a + dot below + circumflex is U+1EAD");
	ok(nfc_is("a\xCC\x82\xCC\xA3", "\xE1\xBA\xAD"),
	   "nfc: marks are put in canonical order first");
	ok(nfc_is("\xC3\xA9\xCC\xA3", "\xE1\xBA\xB9\xCC\x81"),
	   "nfc: e-acute + dot below recomposes as e-dot-below + acute");
	ok(nfc_is("\xCE\xB1\xCC\x93\xCC\x81", "\xE1\xBC\x84"), "nfc: Greek alpha + psili + oxia");
	ok(nfc_is("\xD0\x98\xCC\x86", "\xD0\x99"), "nfc: Cyrillic I + breve is short I");
	ok(nfc_is("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xED\x95\x9C"),
	   "nfc: Hangul jamo compose into a syllable");
	ok(nfc_is("\xE2\x84\xAB", "\xC3\x85"), "nfc: the angstrom sign is A-ring");
	ok(nfc_is("\xE0\xA4\x95\xE0\xA4\xBC", "\xE0\xA4\x95\xE0\xA4\xBC"),
	   "nfc: an excluded composition stays apart");
	ok(uni_nfc("\xff", 1, &(size_t){0}) == NULL, "nfc: invalid UTF-8 is NULL");
	is_int(xw("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), 2, "x: Hangul jamo compose, count 2");
	is_int(gr("a\r\nb"), 3, "graphemes: CR LF is one");
	is_int(gr("\r\r"), 2, "graphemes: CR CR is two");
	is_int(gr("a\xCC\x81\xE1\xAA\xB0\xE1\xB7\x80\xE2\x83\x90\xEF\xB8\xA0"), 1,
	   "graphemes: a with marks from each combining block is one");
	is_int(gr("\xE2\x9D\xA4\xEF\xB8\x8F"), 1, "graphemes: a variation selector extends");
	is_int(gr("\xE0\xA4\x95\xE0\xA4\xBF"), 1, "graphemes: a Devanagari spacing mark joins");
	is_int(gr("\xE0\xB8\x81\xE0\xB8\xB3"), 1, "graphemes: Thai sara am joins");
	is_int(gr("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xE1\x84\x80"), 2,
	   "graphemes: Hangul L V T, then a new L");
	is_int(gr("\xED\x95\x98\xE1\x86\xAB"), 1, "graphemes: an LV syllable takes a T");
	is_int(gr("\xED\x95\x9C\xE1\x86\xAB"), 1, "graphemes: an LVT syllable takes a T");
	is_int(gr("\xED\x95\x9C\xE1\x85\xA1"), 2, "graphemes: an LVT syllable takes no V");
	is_int(gr("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\xF0\x9F\x87\xAF"), 2,
	   "graphemes: three regional indicators are a flag and one");
	is_int(gr("\xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD"), 1, "graphemes: a skin tone extends");
	is_int(gr("\xF0\x9F\x8F\xB4\xF3\xA0\x81\xA7\xF3\xA0\x81\xA2\xF3\xA0\x81\xA5"
	          "\xF3\xA0\x81\xAE\xF3\xA0\x81\xA7\xF3\xA0\x81\xBF"), 1,
	   "graphemes: a tag sequence flag is one");
	is_int(gr("a\xE2\x80\x8D\xE2\x9D\xA4"), 2, "graphemes: ZWJ joins only after a pictograph");
	is_int(gr("\xF0\x9F\x98\x80\xE2\x80\x8D\xE2\x80\x8D\xE2\x9D\xA4"), 2,
	   "graphemes: two ZWJs do not join pictographs");
	is_int(gr("\x07\xCC\x81"), 2, "graphemes: a mark does not join a control");
	ok(uni_is_extended_pictographic(0x1F600) && !uni_is_extended_pictographic('a'),
	   "properties: Extended_Pictographic");
	ok(uni_incb(0x915) == INCB_CONSONANT && uni_incb(0x94D) == INCB_LINKER &&
	   uni_incb(0x93C) == INCB_EXTEND && uni_incb('a') == INCB_NONE,
	   "properties: Indic_Conjunct_Break");
	is_int(gr("\xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7"), 1,
	       "graphemes: GB9c, Devanagari KA + virama + SSA is one (Unicode 15.1)");
	is_int(gr("\xE0\xA4\x95\xE0\xA4\xBC\xE0\xA5\x8D\xE2\x80\x8D\xE0\xA4\xA4"), 1,
	       "graphemes: GB9c across a nukta and a ZWJ");
	is_int(gr("\xE0\xA4\x95\xE0\xA4\xBF\xE0\xA5\x8D\xE0\xA4\xA4"), 2,
	       "graphemes: no GB9c after a vowel sign");
	is_int(gr("a\xE0\xA5\x8D\xE0\xA4\xA4"), 2, "graphemes: no GB9c without a consonant");
	ok(strcmp(uni_version(), "15.1") == 0, "tables: Unicode 15.1");
	is_int(xw("\xE2\x98\xBA"), 2, "x: U+263A (text-style emoji) counts 2");
	is_int(xw("https://\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80.\xD1\x80\xD1\x84 ok"), 26,
	       "x: a Cyrillic host name is a URL");

	/* The rules and limits. */
	const textlen_rule *x = textlen_rule_for("twitter", false);
	const textlen_rule *xdm = textlen_rule_for("x", true);
	const textlen_rule *md = textlen_rule_for("mastodon", false);
	const textlen_rule *bs = textlen_rule_for("bluesky", false);
	const textlen_rule *rd = textlen_rule_for("reddit", false);
	const textlen_rule *fb = textlen_rule_for("facebook", false);
	ok(x && xdm && md && bs && rd && fb, "rules: each platform has one");
	ok(textlen_rule_for("bluesky", true) == NULL, "rules: no Bluesky DMs");
	ok(textlen_rule_for("forum", false) == NULL, "rules: unknown platform");
	is_int(x->limit, 280, "x limit");
	is_int(xdm->limit, 10000, "x DM limit");
	is_int(md->limit, 500, "mastodon limit");
	is_int(bs->limit, 300, "bluesky limit");
	is_int(rd->limit, 10000, "reddit limit");

	long len;
	is_int(textlen_fits(x, repeat("x", 280), 280, &len), 1, "x: 280 fits");
	is_int(textlen_fits(x, repeat("x", 281), 281, &len), 0, "x: 281 does not");
	char *cjk = repeat("好", 141);
	is_int(textlen_fits(x, cjk, strlen(cjk), &len), 0, "x: 141 CJK do not fit");
	is_int(len, 282, "x: 141 CJK weigh 282");
	cjk = repeat("好", 140);
	is_int(textlen_fits(x, cjk, strlen(cjk), &len), 1, "x: 140 CJK fit");
	char *emo = repeat("😀", 141);
	is_int(textlen_fits(x, emo, strlen(emo), &len), 0, "x: 141 emoji do not fit");
	char buf[4096];
	strcpy(buf, repeat("y", 256));
	strcat(buf, " ");
	strcat(buf, "https://example.com/this/is/a/long/link/to/the/help/centre/page");
	is_int(textlen_fits(x, buf, strlen(buf), &len), 1, "x: 257 + a long URL = 280 fits");
	is_int(len, 280, "x: 257 + URL weighs 280");
	strcpy(buf, repeat("y", 257));
	strcat(buf, " ");
	strcat(buf, "https://t.co/x");
	is_int(textlen_fits(x, buf, strlen(buf), &len), 0, "x: 258 + URL does not");

	/* Mastodon: URLs 23, remote mentions by their local part. */
	is_int(textlen_count(md, "hi https://example.com/a/b/c/d/e/f/g/h/i/j/k/l", 45), 26,
	       "mastodon: a URL counts 23");
	const char *m = "@jane@social.example.org thanks";
	is_int(textlen_count(md, m, strlen(m)), 12, "mastodon: @jane@domain counts as @jane");
	is_int(textlen_count(md, "example.com", 11), 11, "mastodon: a bare domain counts in full");
	char *five = repeat("é", 500);
	is_int(textlen_fits(md, five, strlen(five), &len), 1, "mastodon: 500 accented letters fit");
	five = repeat("😀", 501);
	is_int(textlen_fits(md, five, strlen(five), &len), 0, "mastodon: 501 emoji do not");
	is_int(len, 501, "mastodon: emoji count 1");

	/* Bluesky: graphemes and bytes. */
	char *fam = repeat("👨‍👩‍👧‍👦", 121);
	is_int(textlen_fits(bs, fam, strlen(fam), &len), 0,
	       "bluesky: 121 families are 121 graphemes but 3025 bytes");
	is_int(len, 121, "bluesky: 121 graphemes");
	char *b300 = repeat("a", 300);
	is_int(textlen_fits(bs, b300, 300, &len), 1, "bluesky: 300 fit");
	is_int(textlen_fits(bs, repeat("a", 301), 301, &len), 0, "bluesky: 301 do not");
	char *url = repeat("https://example.com/ ", 15);
	is_int(textlen_fits(bs, url, strlen(url), &len), 0, "bluesky: URLs count in full");

	/* Reddit and Facebook: code points. */
	char *r = repeat("日", 10000);
	is_int(textlen_fits(rd, r, strlen(r), &len), 1, "reddit: 10000 code points fit");
	is_int(textlen_fits(fb, r, strlen(r), &len), 0, "facebook: 10000 do not fit in 8000");

	/* URL finding. */
	const char *u = "go to https://acme.com/help, thanks";
	textlen_urls it;
	size_t a = 0, b = 0;
	textlen_urls_init(&it, u, strlen(u), false);
	ok(textlen_urls_next(&it, &a, &b) && a == 6 && b == 27, "url: ends before the comma");
	ok(!textlen_urls_next(&it, &a, &b), "url: only one");
	return done_testing();
}
