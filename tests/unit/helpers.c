/*
 * The helper layer of common/: hash.h, utf8.h, val_strview, mono_now,
 * strmap, tz_parse_when, the line-and-section reader (inifile.h) and the
 * named-calendar set, and the scaffold's input loop (cp_each_input).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carepipe.h"
#include "calendar.h"
#include "hash.h"
#include "inifile.h"
#include "strmap.h"
#include "tz.h"
#include "utf8.h"
#include "tap.h"

static void test_hash(void)
{
	/* FNV-1a's published 32-bit test vectors. */
	is_int(hash32("", 0), 0x811c9dc5u, "hash32 of nothing is the offset basis");
	is_int(hash32("a", 1), 0xe40c292cu, "hash32(\"a\")");
	is_int(hash32("foobar", 6), 0xbf9cf968u, "hash32(\"foobar\")");
	/* The project's 64-bit start value, as the ids on disk were made. */
	uint64_t h = 1469598103934665603ULL;
	for (const char *s = "foobar"; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	ok(hash64("foobar", 6) == h, "hash64 keeps the start value ids were made with");
	ok(hash64_add(hash64("foo", 3), "bar", 3) == h, "hash64 in parts is the whole");
	ok(hash64_str("foobar") == h, "hash64_str");
	ok(hash32_byte(HASH32_INIT, 'a') == hash32("a", 1), "hash32_byte");
}

static void test_utf8(void)
{
	uint32_t c = 0;
	is_int(utf8_decode("A", 1, &c), 1, "utf8: ASCII");
	is_int(c, 'A', "utf8: its code point");
	is_int(utf8_decode("\xC3\xA9", 2, &c), 2, "utf8: e acute");
	is_int(c, 0xE9, "utf8: U+00E9");
	is_int(utf8_decode("\xF0\x9F\x98\x80", 4, &c), 4, "utf8: an emoji");
	is_int(c, 0x1F600, "utf8: U+1F600");
	is_int(utf8_decode("\xF4\x8F\xBF\xBF", 4, &c), 4, "utf8: U+10FFFF is the last");
	c = 7;
	is_int(utf8_decode("\xC0\xAF", 2, &c), -1, "utf8: overlong 2-byte slash");
	is_int(utf8_decode("\xC1\xBF", 2, &c), -1, "utf8: overlong C1");
	is_int(utf8_decode("\xE0\x80\xAF", 3, &c), -1, "utf8: overlong 3-byte");
	is_int(utf8_decode("\xF0\x80\x80\xAF", 4, &c), -1, "utf8: overlong 4-byte");
	is_int(utf8_decode("\xED\xA0\x80", 3, &c), -1, "utf8: high surrogate");
	is_int(utf8_decode("\xED\xBF\xBF", 3, &c), -1, "utf8: low surrogate");
	is_int(utf8_decode("\xF4\x90\x80\x80", 4, &c), -1, "utf8: past U+10FFFF");
	is_int(utf8_decode("\xF5\x80\x80\x80", 4, &c), -1, "utf8: F5 never starts one");
	is_int(utf8_decode("\x80", 1, &c), -1, "utf8: a stray continuation byte");
	is_int(utf8_decode("\xE2\x82", 2, &c), -1, "utf8: cut short");
	is_int(utf8_decode("\xE2\x28\xA1", 3, &c), -1, "utf8: a bad continuation");
	is_int(utf8_decode("", 0, &c), -1, "utf8: nothing");
	is_int(c, 7, "utf8: *cp untouched on failure");
	/* The scanner and the JSON writer agree with it. */
	cp_rec r = {0};
	is_int(rec_parse(&r, "{\"a\":\"\xED\xA0\x80\"}", 11), -1, "scanner refuses a surrogate");
	is_int(rec_parse(&r, "{\"a\":\"\xC3\xA9\"}", 10), 0, "scanner takes e acute");
	rec_free(&r);
	cp_buf b = {0};
	buf_json_str(&b, "\xC0\xAF" "x", 3);
	is_mem(b.p, b.len, "\"\xEF\xBF\xBD\xEF\xBF\xBDx\"", "buf_json_str replaces an overlong form");
	buf_free(&b);
}

static void test_strview(void)
{
	const char *line = "{\"a\":\"plain\",\"b\":\"t\\u00e9\\n\",\"c\":3}";
	cp_rec r = {0};
	cp_buf tmp = {0};
	const char *p;
	size_t n;
	is_int(rec_parse(&r, line, strlen(line)), 0, "strview: record");
	is_int(val_strview(rec_val(&r, "a"), &tmp, &p, &n), 0, "strview: plain string");
	is_mem(p, n, "plain", "strview: its bytes");
	ok(p > line && p < line + strlen(line), "strview: a view into the line, no copy");
	is_int(val_strview(rec_val(&r, "b"), &tmp, &p, &n), 0, "strview: escaped string");
	is_mem(p, n, "t\xC3\xA9\n", "strview: unescaped");
	ok(p == tmp.p, "strview: unescaped into tmp");
	is_int(val_strview(rec_val(&r, "c"), &tmp, &p, &n), -1, "strview: a number is no string");
	ok(p == NULL && n == 0, "strview: NULL and 0 then");
	is_int(val_strview(rec_val(&r, "zz"), &tmp, &p, &n), -1, "strview: missing");
	buf_free(&tmp);
	rec_free(&r);
}

static void test_clock(void)
{
	double a = mono_now();
	usleep(20000);
	double b = mono_now();
	ok(a > 0 && b >= a + 0.015, "mono_now moves forward (%.3f s)", b - a);
}

static int nfreed;
static void count_free(void *v)
{
	(void)v;
	nfreed++;
}

static void test_strmap(void)
{
	strmap m = {0};
	bool found = true;
	ok(map_get(&m, "x", &found) == NULL && !found, "map: empty");
	int vals[2000];
	char key[32];
	int fail = 0;
	for (int i = 0; i < 2000; i++) {
		vals[i] = i;
		snprintf(key, sizeof key, "id:%d", i);
		fail += map_put(&m, key, &vals[i]) < 0;
	}
	is_int(fail, 0, "map: 2000 puts");
	is_int(m.n, 2000, "map: 2000 entries");
	int bad = 0;
	for (int i = 0; i < 2000; i++) {
		snprintf(key, sizeof key, "id:%d", i);
		int *v = map_get(&m, key, NULL);
		bad += !v || *v != i;
	}
	is_int(bad, 0, "map: every value found");
	ok(map_put(&m, "id:5", NULL) == 0 && map_get(&m, "id:5", &found) == NULL && found,
	   "map: a stored NULL is told from a missing key");
	/* Keys are bytes, NUL included. */
	struct map_slot *s = map_addn(&m, "a\0b", 3);
	ok(s && s->val == NULL && s->keylen == 3, "map: addn adds with val NULL");
	s->val = &vals[1];
	ok(map_findn(&m, "a\0b", 3) == s, "map: findn finds bytes with a NUL");
	ok(map_findn(&m, "a", 1) == NULL, "map: a prefix is another key");
	ok(map_addn(&m, "a\0b", 3)->val == &vals[1], "map: addn finds an existing key");
	/* Delete every other one; the rest stay findable (backward shift). */
	for (int i = 0; i < 2000; i += 2) {
		snprintf(key, sizeof key, "id:%d", i);
		map_del(&m, map_findn(&m, key, strlen(key)));
	}
	is_int(m.n, 1001, "map: 1000 deleted");
	bad = 0;
	for (int i = 0; i < 2000; i++) {
		snprintf(key, sizeof key, "id:%d", i);
		bool there = map_findn(&m, key, strlen(key)) != NULL;
		bad += there != (i % 2 == 1);
	}
	is_int(bad, 0, "map: after deletes, exactly the odd ones remain");
	size_t pos = 0, seen = 0;
	while (map_next(&m, &pos))
		seen++;
	is_int(seen, 1001, "map: map_next visits every entry once");
	nfreed = 0;
	map_free(&m, count_free);
	is_int(nfreed, 1001, "map: map_free calls fn on every value");
	ok(m.cap == 0 && m.n == 0 && !m.slot, "map: freed map is empty");

	/* The caller's hash (kpi-report's): a key is found by it, in the slot
	 * its low bits name; first_cap sizes the first table and outlives
	 * map_free. */
	strmap h = { .first_cap = 16 };
	s = map_addn_h(&h, "tag", 3, 0x1234500000000003ULL);
	ok(s && h.cap == 16 && s == &h.slot[3] && s->hash == 0x1234500000000003ULL,
	   "map: addn_h puts the key at its hash's slot of a first table of first_cap");
	ok(map_findn_h(&h, "tag", 3, 0x1234500000000003ULL) == s, "map: findn_h finds it by that hash");
	ok(map_findn_h(&h, "tag", 3, 0x1234500000000004ULL) == NULL,
	   "map: findn_h with another hash does not");
	ok(map_addn_h(&h, "gat", 3, 0x1234500000000003ULL) == &h.slot[4],
	   "map: a second key of the same hash goes to the next slot");
	ok(map_addn_h(&h, "tag", 3, 0x1234500000000003ULL) == s, "map: addn_h finds an existing key");
	for (int i = 0; i < 20; i++)
		map_addn_h(&h, key, (size_t)snprintf(key, sizeof key, "k%d", i), (uint64_t)i * 7919);
	bad = 0;
	for (int i = 0; i < 20; i++) {
		size_t n = (size_t)snprintf(key, sizeof key, "k%d", i);
		bad += !map_findn_h(&h, key, n, (uint64_t)i * 7919);
	}
	ok(h.n == 22 && h.cap == 64 && bad == 0, "map: grown twice, every key found by its hash");
	map_free(&h, NULL);
	ok(h.first_cap == 16 && !h.slot && h.n == 0, "map: map_free keeps first_cap");
}

static void test_when(void)
{
	int64_t now = 1700000000, t = 0;
	cp_err e = {0};
	tz *paris = tz_load("Europe/Paris", &e);
	is_int(time_parse_when("now", now, &t), 0, "when: now");
	is_int(t, now, "when: now is now");
	is_int(time_parse_when("-7d", now, &t), 0, "when: -7d");
	is_int(t, now - 7 * 86400, "when: a week before");
	is_int(time_parse_when("-1h30m", now, &t), 0, "when: -1h30m");
	is_int(t, now - 5400, "when: 90 minutes before");
	is_int(time_parse_when("2017-10-31T22:10:47Z", now, &t), 0, "when: RFC 3339");
	is_int(t, 1509487847, "when: its instant");
	is_int(time_parse_when("2017-10-31T23:10:47+01:00", now, &t), 0, "when: with an offset");
	is_int(t, 1509487847, "when: same instant");
	is_int(time_parse_when("2024-03-01", now, &t), 0, "when: a date without a zone");
	is_int(t, 1709251200, "when: is UTC midnight, as time_parse reads it");
	is_int(time_parse_when("yesterday", now, &t), -1, "when: not a time");
	is_int(time_parse_when("-7x", now, &t), -1, "when: not a duration");
	if (!paris) {
		ok(0, "when: Europe/Paris loads: %s", e.msg);
		return;
	}
	is_int(tz_parse_when("2024-03-01", now, paris, &t), 0, "when: a date in Paris");
	is_int(t, 1709247600, "when: its midnight, 23:00Z the day before");
	is_int(tz_parse_when("2024-07-01T08:00", now, paris, &t), 0, "when: date and minute");
	is_int(t, 1719813600, "when: 06:00Z in summer");
	is_int(tz_parse_when("2024-07-01 08:00:30", now, paris, &t), 0, "when: a space, seconds");
	is_int(t, 1719813630, "when: 06:00:30Z");
	is_int(tz_parse_when("2024-03-31T02:30", now, paris, &t), 0, "when: in the spring gap");
	is_int(t, 1711846800, "when: the jump, 01:00Z");
	is_int(tz_parse_when("2017-10-31T22:10:47Z", now, paris, &t), 0, "when: an offset wins");
	is_int(t, 1509487847, "when: RFC 3339 unchanged by the zone");
	is_int(tz_parse_when("-1d", now, paris, &t), 0, "when: -1d with a zone");
	is_int(t, now - 86400, "when: a day before");
	is_int(tz_parse_when("2024-13-01", now, paris, &t), -1, "when: no month 13");
	tz_free(paris);
}

struct seen {
	cp_buf log;
	unsigned fail_at, oom_at;   /* the line whose handler fails so */
};

static int log_line(void *v, ini_line *l, cp_err *e)
{
	struct seen *s = v;
	buf_addf(&s->log, "%u|%s|%s|%zu\n", l->lineno, l->raw, l->text, l->len);
	if (l->lineno == s->fail_at)
		return cp_fail(e, CP_EX_CONFIG, "bad directive");
	if (l->lineno == s->oom_at)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

static void test_ini(void)
{
	struct seen s = { .fail_at = 0 };
	cp_err e = {0};
	const char *text = "  [policy a]  \n# comment\n\n; semi\nkey = v \r\nlast";
	is_int(ini_parse("dir/x.sla", text, strlen(text), "#", log_line, &s, &e), 0, "ini: parses");
	buf_cstr(&s.log);
	is_str(s.log.p, "1|  [policy a]  |[policy a]|10\n2|# comment||0\n3|||0\n"
	       "4|; semi|; semi|6\n5|key = v \r|key = v|7\n6|last|last|4\n",
	       "ini: every line, raw and trimmed, comments blank");
	buf_reset(&s.log);
	is_int(ini_parse("x.conf", text, strlen(text), "#;", log_line, &s, &e), 0, "ini: two comment chars");
	buf_cstr(&s.log);
	ok(strstr(s.log.p, "4|; semi||0\n") != NULL, "ini: ';' starts a comment when asked");
	buf_reset(&s.log);
	is_int(ini_parse("x", "", 0, "#", log_line, &s, &e), 0, "ini: empty text");
	is_int(s.log.len, 0, "ini: has no lines");
	s.fail_at = 3;
	is_int(ini_parse("pol/x.sla", "a\nb\nc\nd\n", 8, "#", log_line, &s, &e), -1, "ini: a handler fails");
	is_str(e.msg, "pol/x.sla:3: bad directive", "ini: FILE:LINE in front");
	is_int(e.code, CP_EX_CONFIG, "ini: its code");
	s.fail_at = 0;
	buf_reset(&s.log);
	is_int(ini_parse("x", "a\nb\0c\n", 6, "#", log_line, &s, &e), -1, "ini: NUL byte");
	is_str(e.msg, "x:2: NUL byte", "ini: NUL byte located");
	is_int(e.code, CP_EX_CONFIG, "ini: NUL byte is 78");
	/* Out of memory is not located (it is no fault of the line). */
	struct seen s4 = { .oom_at = 1 };
	is_int(ini_parse("x", "a\n", 2, "#", log_line, &s4, &e), -1, "ini: out of memory");
	is_str(e.msg, "out of memory", "ini: not located");
	buf_free(&s4.log);
	buf_free(&s.log);

	char dir[64];
	ini_dir("a/b/c.sla", dir, sizeof dir);
	is_str(dir, "a/b", "ini_dir: the directory");
	ini_dir("c.sla", dir, sizeof dir);
	is_str(dir, ".", "ini_dir: none is .");
	ini_dir("/c.sla", dir, sizeof dir);
	is_str(dir, "/", "ini_dir: the root");

	char kind[16], name[128];
	is_int(ini_section("[policy urgent]", kind, name), 1, "section: [KIND NAME]");
	ok(!strcmp(kind, "policy") && !strcmp(name, "urgent"), "section: its words");
	is_int(ini_section("[ calendar  office ]", kind, name), 1, "section: white space around");
	ok(!strcmp(kind, "calendar") && !strcmp(name, "office"), "section: trimmed words");
	is_int(ini_section("[queues]", kind, name), 1, "section: [KIND]");
	ok(!strcmp(kind, "queues") && name[0] == 0, "section: no name");
	is_int(ini_section("[policy a b]", kind, name), 0, "section: a name is one word");
	is_int(ini_section("[policy a", kind, name), 0, "section: unclosed");
	is_int(ini_section("[]", kind, name), 0, "section: empty");
	is_int(ini_section("[abcdefghijklmnop x]", kind, name), 0, "section: kind too long");
	is_int(ini_section("[a]b]", kind, name), 0, "section: a ']' inside");
	is_int(ini_section("policy a", kind, name), 0, "section: no '['");
}

static void test_split(void)
{
	char **l = NULL;
	size_t n = 0;
	is_int(split_list(" twitter, x ,, a b ", ",", &l, &n), 0, "split: by commas");
	is_int(n, 3, "split: three items");
	ok(n == 3 && !strcmp(l[0], "twitter") && !strcmp(l[1], "x") && !strcmp(l[2], "a b"),
	   "split: trimmed, empty skipped, inner space kept");
	is_int(split_list("en fr,de\tes", ", \t", &l, &n), 0, "split: by commas and white space");
	is_int(n, 7, "split: appended to the list");
	ok(n == 7 && !strcmp(l[3], "en") && !strcmp(l[4], "fr") && !strcmp(l[5], "de") &&
	   !strcmp(l[6], "es"), "split: the words");
	list_free(l, n);
	l = NULL, n = 0;
	is_int(split_list("  ", ",", &l, &n), 0, "split: nothing");
	ok(n == 0 && l == NULL, "split: no items");
}

static void test_calset(void)
{
	cal_set s = {0};
	cp_err e = {0};
	cal *a = cal_set_add(&s, "office", &e);
	ok(a != NULL, "calset: add");
	ok(cal_directive(a, "mon-fri 09:00-17:00", NULL, &e) == 0, "calset: a directive");
	ok(cal_set_add(&s, "office", &e) == NULL, "calset: twice is refused");
	is_str(e.msg, "calendar office is defined twice", "calset: message");
	is_int(e.code, CP_EX_CONFIG, "calset: 78");
	cal *b = cal_set_add(&s, "empty", &e);
	ok(b && cal_set_find(&s, "office") == a && cal_set_find(&s, "empty") == b &&
	   !cal_set_find(&s, "none"), "calset: find");
	is_int(cal_set_finish(&s, "x.sla", &e), -1, "calset: an empty calendar fails to finish");
	ok(!strncmp(e.msg, "x.sla: calendar empty: ", 23), "calset: message names file and calendar: %s",
	   e.msg);
	cal_set_free(&s);
	ok(s.n == 0 && !s.v, "calset: freed");
	cal_set_free(&s);
}

/* carepipe.h's stated limit: 256 levels, the record itself one. */
static void test_nesting(void)
{
	char line[1200];
	cp_rec r = {0};
	for (int depth = 255; depth <= 257; depth++) {
		size_t n = 0;
		n += (size_t)sprintf(line + n, "{\"a\":");
		for (int i = 1; i < depth; i++)
			line[n++] = '[';
		line[n++] = '1';
		for (int i = 1; i < depth; i++)
			line[n++] = ']';
		line[n++] = '}';
		is_int(rec_parse(&r, line, n), depth <= 256 ? 0 : -1, "nesting: %d levels %s", depth,
		       depth <= 256 ? "read" : "refused");
	}
	rec_free(&r);
}

int main(void)
{
	test_nesting();
	test_hash();
	test_utf8();
	test_strview();
	test_clock();
	test_strmap();
	test_when();
	test_ini();
	test_split();
	test_calset();
	return done_testing();
}
