/*
 * Unit tests of the record layer: typed access, unescaping, JSON string
 * output, splicing, the jq bridge, and the scanner against jq's own parser
 * on values where they must agree.
 */
#include "carepipe.h"
#include "tap.h"

static cp_rec r;

static void parse(const char *line)
{
	if (rec_parse(&r, line, strlen(line)) < 0)
		printf("# parse failed: %s at %zu\n", r.err, r.err_off);
}

static const char *str(cp_val v)
{
	static cp_buf b;
	buf_reset(&b);
	if (val_str(v, &b) < 0)
		return "(not a string)";
	return b.p ? b.p : "";
}

static void test_access(void)
{
	parse("{\"id\":\"twitter:1\",\"author\":{\"id\":\"9\",\"handle\":\"ann\",\"followers\":1200},"
	      "\"tags\":[\"billing\",\"refund\"],\"n\":-2.5e1,\"t\":true,\"z\":null,"
	      "\"id\":\"twitter:2\"}");
	is_str(str(rec_val(&r, "id")), "twitter:2", "the last duplicate key wins, as in jq");
	is_str(str(rec_path(&r, "author.handle")), "ann", "nested path author.handle");
	int64_t i = 0;
	ok(val_int(rec_path(&r, "author.followers"), &i) == 0 && i == 1200, "author.followers as an integer");
	is_str(str(rec_path(&r, "tags.1")), "refund", "array index tags.1");
	is_int(rec_path(&r, "tags.2").type, VAL_NONE, "tags.2 is absent");
	is_int(rec_path(&r, "author.nope").type, VAL_NONE, "a missing nested key is absent");
	double d = 0;
	ok(val_num(rec_val(&r, "n"), &d) == 0 && d == -25.0, "a number with an exponent");
	ok(val_truthy(rec_val(&r, "t")) && !val_truthy(rec_val(&r, "z")) &&
	   !val_truthy(rec_val(&r, "missing")), "truthiness of true, null and absent");
	is_int(val_len(rec_val(&r, "tags")), 2, "array length");
	is_int(val_len(rec_val(&r, "author")), 3, "object length");
	ok(val_int(rec_val(&r, "n"), &i) == 0 && i == -25, "-2.5e1 is the integer -25");
	parse("{\"f\":1.5}");
	ok(val_int(rec_val(&r, "f"), &i) == -1, "1.5 is not an integer");
}

static void test_strings(void)
{
	parse("{\"a\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\\t\",\"b\":\"plain\"}");
	is_str(str(rec_val(&r, "a")), "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \n\t",
	       "escapes and a surrogate pair unescape to UTF-8");
	ok(val_streq(rec_val(&r, "b"), "plain"), "val_streq on a plain string");
	ok(!val_streq(rec_val(&r, "b"), "plai"), "val_streq wants the whole string");
	ok(val_streq(rec_val(&r, "a"), "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \n\t"),
	   "val_streq unescapes first");
	size_t n;
	ok(val_rawstr(rec_val(&r, "a"), &n) == NULL, "no raw view of an escaped string");

	cp_buf b = {0};
	buf_json_str(&b, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
	is_mem(b.p, b.len, "\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\xc3\xa9\"",
	       "buf_json_str escapes, and replaces invalid UTF-8 with U+FFFD");
	ok(json_validate(b.p, b.len, NULL, NULL) == 0, "and its output is valid JSON");
	buf_free(&b);
}

static void test_validation(void)
{
	static const struct { const char *in; int ok; } cases[] = {
		{ "{}", 1 }, { " {\"a\":[]} ", 1 }, { "{\"a\":1,}", 0 }, { "{\"a\" 1}", 0 },
		{ "{\"a\":01}", 0 }, { "{\"a\":1.}", 0 }, { "{\"a\":-}", 0 }, { "{\"a\":1e5}", 1 },
		{ "{\"a\":\"\\x\"}", 0 }, { "{\"a\":\"\t\"}", 0 }, { "{\"a\":tru}", 0 },
		{ "{\"a\":\"\xed\xa0\x80\"}", 0 }, /* UTF-8 encoded surrogate */
		{ "{\"a\":\"\xc0\xaf\"}", 0 },     /* overlong */
		{ "{\"a\":\"\xf4\x90\x80\x80\"}", 0 }, /* beyond U+10FFFF */
		{ "{\"a\":\"\\udc00\"}", 0 }, { "{\"a\":\"\\ud800\\u0041\"}", 0 },
		{ "{\"a\":\"\\ud800\\udc00\"}", 1 }, { "[1]", 0 }, { "{\"a\":1}{}", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_int(rec_parse(&r, cases[i].in, strlen(cases[i].in)) == 0, cases[i].ok,
		       "rec_parse %s", cases[i].in);
	/* Nesting: jq 1.6 accepts 256 levels and refuses 257; so do we. */
	cp_buf b = {0};
	for (int i = 0; i < 256; i++) buf_addc(&b, '[');
	for (int i = 0; i < 256; i++) buf_addc(&b, ']');
	ok(json_validate(b.p, b.len, NULL, NULL) == 0, "256 levels of nesting are accepted");
	buf_reset(&b);
	for (int i = 0; i < 257; i++) buf_addc(&b, '[');
	for (int i = 0; i < 257; i++) buf_addc(&b, ']');
	ok(json_validate(b.p, b.len, NULL, NULL) < 0, "257 levels are refused, as jq does");
	buf_free(&b);
}

static void test_splice(void)
{
	rec_edit e = {0};
	cp_buf out = {0};
	parse("{\"a\":1, \"b\" : [2], \"c\":3}");
	edit_set(&e, "b", "null", 4);
	edit_set_str(&e, "d", "x\"y", 3);
	edit_del(&e, "c");
	edit_apply(&e, &r, &out);
	is_mem(out.p, out.len, "{\"a\":1, \"b\" : null,\"d\":\"x\\\"y\"}", "set, delete and add together");
	edit_reset(&e);
	buf_reset(&out);
	edit_set(&e, "a", "2", 1);
	edit_set(&e, "a", "3", 1);
	edit_apply(&e, &r, &out);
	is_mem(out.p, out.len, "{\"a\":3, \"b\" : [2], \"c\":3}", "setting a key twice keeps the last value");
	/* An escaped key replaced in place, keys of the same first byte and
	 * length left alone, a new key that needs an escape; then the same
	 * keys set in the other order, as on the next record. */
	static const struct {
		const char *k1, *v1, *k2, *v2, *want, *name;
	} cases[] = {
		{ "tags", "[\"a\"]", "q\"k", "1",
		  "{\"\\u0074ags\":[\"a\"],\"text\":\"x\",\"ta\":1,\"q\\\"k\":1}",
		  "an escaped key is replaced, a key needing an escape is added escaped" },
		{ "q\"k", "2", "tags", "[]",
		  "{\"\\u0074ags\":[],\"text\":\"x\",\"ta\":1,\"q\\\"k\":2}",
		  "the same keys set in another order" },
	};
	parse("{\"\\u0074ags\":[],\"text\":\"x\",\"ta\":1}");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		edit_reset(&e);
		buf_reset(&out);
		edit_set(&e, cases[i].k1, cases[i].v1, strlen(cases[i].v1));
		edit_set(&e, cases[i].k2, cases[i].v2, strlen(cases[i].v2));
		edit_apply(&e, &r, &out);
		is_mem(out.p, out.len, cases[i].want, "%s", cases[i].name);
	}
	edit_free(&e);
	buf_free(&out);
}

static void test_time(void)
{
	static const struct { const char *in; int64_t want; } ok_cases[] = {
		{ "2017-10-31T22:10:47Z", 1509487847 },
		{ "2017-10-31T23:10:47+01:00", 1509487847 },
		{ "2017-10-31T17:10:47.250-05:00", 1509487847 },
		{ "2017-10-31 22:10:47Z", 1509487847 },
		{ "Tue Oct 31 22:10:47 +0000 2017", 1509487847 },
		{ "Wed Nov 01 00:10:47 +0200 2017", 1509487847 },
		{ "1509487847", 1509487847 },
		{ "1509487847123", 1509487847 },
		{ "2016-02-29T00:00:00Z", 1456704000 },
		{ "2017-10-31", 1509408000 },
		/* the range: 1970..9999, epoch seconds below 1e11, ms from 1e11 */
		{ "1970-01-01T00:00:00Z", 0 },
		{ "0", 0 },
		{ "-0", 0 },
		{ "9999-12-31T23:59:59Z", 253402300799 },
		{ "99999999999", 99999999999 },
		{ "100000000000", 100000000 },
		{ "253402300799999", 253402300799 },
	};
	for (size_t i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++) {
		int64_t t = 0;
		int rc = time_parse(ok_cases[i].in, strlen(ok_cases[i].in), &t);
		ok(rc == 0 && t == ok_cases[i].want, "time_parse %s = %lld (got %lld)", ok_cases[i].in,
		   (long long)ok_cases[i].want, (long long)t);
	}
	static const char *bad[] = { "2017-02-29T00:00:00Z", "2017-10-31T25:00:00Z", "2017-10-31T22:10:47",
	                             "Tue Oct 31 22:10:47 2017", "yesterday", "", "2017-13-01T00:00:00Z",
	                             "Xyz Oct 31 22:10:47 +0000 2017" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t;
		ok(time_parse(bad[i], strlen(bad[i]), &t) == -1, "time_parse refuses '%s'", bad[i]);
	}
	static const char *out_of_range[] = { "-99999999999999", "-1", "1969-12-31T23:59:59Z",
	                                      "0999-01-01T00:00:00Z", "253402300800000",
	                                      "9999999999999999", "1970-01-01T00:59:59+01:00",
	                                      "9999-12-31T23:59:59-00:01",
	                                      "Wed Dec 31 23:59:59 +0000 1969" };
	for (size_t i = 0; i < sizeof out_of_range / sizeof out_of_range[0]; i++) {
		int64_t t = 42;
		ok(time_parse(out_of_range[i], strlen(out_of_range[i]), &t) == -2 && t == 42,
		   "time_parse: '%s' is outside 1970..9999", out_of_range[i]);
	}
	char s[32];
	time_format(1509487847, s);
	is_str(s, "2017-10-31T22:10:47Z", "time_format gives RFC 3339 UTC");
	time_format(-1, s);
	is_str(s, "1970-01-01T00:00:00Z", "time_format writes no time before 1970");
	is_int(time_format(TIME_MAX + 3155760000LL, s), 20, "a time past 9999 is 20 bytes");
	is_str(s, "9999-12-31T23:59:59Z", "time_format writes no time past 9999");

	static const struct { const char *in; int64_t want; } durs[] = {
		{ "90s", 90 }, { "15m", 900 }, { "1h30m", 5400 }, { "2d", 172800 }, { "1w", 604800 },
		{ "45", 45 }, { "1d2h3m4s", 93784 },
	};
	for (size_t i = 0; i < sizeof durs / sizeof durs[0]; i++) {
		int64_t d = -1;
		ok(dur_parse(durs[i].in, &d) == 0 && d == durs[i].want, "dur_parse %s", durs[i].in);
	}
	static const char *bad_durs[] = { "", "h", "1x", "-5m", "1h30", "1.5h" };
	for (size_t i = 0; i < sizeof bad_durs / sizeof bad_durs[0]; i++) {
		int64_t d;
		ok(dur_parse(bad_durs[i], &d) == -1, "dur_parse refuses '%s'", bad_durs[i]);
	}
	int64_t d = 0;
	ok(dur_parse("36525d", &d) == 0 && d == DUR_MAX, "dur_parse takes 100 years");
	static const char *long_durs[] = { "36525d1s", "300000000w", "3155760001",
	                                   "99999999999999999999999999h", "36524d24h1s" };
	for (size_t i = 0; i < sizeof long_durs / sizeof long_durs[0]; i++)
		ok(dur_parse(long_durs[i], &d) == -2, "dur_parse: '%s' is longer than 100 years",
		   long_durs[i]);
	dur_format(5400, s);
	is_str(s, "1h30m", "dur_format 5400");
	dur_format(0, s);
	is_str(s, "0s", "dur_format 0");
}

static void test_jq(void)
{
	cp_err e = {0};
	parse("{\"id\":\"a\",\"author\":{\"followers\":5000},\"text\":\"hi\"}");
	jqx *q = jqx_compile(".author.followers >= 1000", &e);
	ok(q != NULL, "a jq expression compiles");
	is_int(jqx_test(q, rec_to_jv(&r), &e), 1, "and is true of the record");
	jqx_free(q);
	q = jqx_compile(".text | ascii_downcase | test(\"hi\")", &e);
	is_int(jqx_test(q, rec_to_jv(&r), &e), 1, "test() through libjq");
	jqx_free(q);
	q = jqx_compile(".text | error(\"boom\")", &e);
	is_int(jqx_test(q, rec_to_jv(&r), &e), -1, "a runtime error is reported");
	is_str(e.msg, "jq: error: boom", "with jq's message");
	jqx_free(q);
	e.code = 0;
	q = jqx_compile(".[", &e);
	ok(q == NULL && e.code == CP_EX_CONFIG, "a syntax error fails to compile with 78 (%s)", e.msg);
	jv v = val_to_jv(rec_path(&r, "author"));
	jv k = jv_object_get(v, jv_string("followers"));
	ok(jv_get_kind(k) == JV_KIND_NUMBER && jv_number_value(k) == 5000, "val_to_jv of a nested object");
	jv_free(k);
}

/* val_num reads short decimals without strtod: the same double, bit for
 * bit (the sign of zero too), on a million generated ones of 1 to 17
 * digits (past 15 strtod reads them) and the edge cases. */
static void test_numbers(void)
{
	static const char *const edge[] = { "0", "-0", "-0.000", "0.382", "-0.382", "0.1", "0.3",
		"1.005", "-0.6", "999999999999999", "123456789012345.6", "9007199254740993",
		"1e5", "-1.5e-3", "12.", "-", NULL };
	char buf[40];
	unsigned long bad = 0, n = 0;
	uint64_t x = 88172645463325252ULL;
	for (int it = 0; it < 1000000; it++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int nd = 1 + (int)(x % 17), dot = (int)(x >> 8) % (nd + 1);
		char *o = buf;
		if (x >> 16 & 1)
			*o++ = '-';
		uint64_t y = x >> 20;
		for (int i = 0; i < nd; i++, y /= 10) {
			if (i == dot && i)
				*o++ = '.';
			*o++ = (char)('0' + y % 10);
		}
		*o = '\0';
		double got, want = strtod(buf, NULL);
		cp_val v = { buf, strlen(buf), VAL_NUMBER };
		bad += val_num(v, &got) != 0 || memcmp(&got, &want, sizeof got) != 0;
		n++;
	}
	for (int i = 0; edge[i]; i++) {
		double got, want = strtod(edge[i], NULL);
		cp_val v = { edge[i], strlen(edge[i]), VAL_NUMBER };
		int r = val_num(v, &got);
		if (r != 0 || memcmp(&got, &want, sizeof got) != 0) {
			printf("# %s: %.17g, strtod %.17g\n", edge[i], got, want);
			bad++;
		}
		n++;
	}
	is_int(bad, 0, "val_num equals strtod bit for bit on %lu decimals", n);
}

int main(void)
{
	test_access();
	test_numbers();
	test_strings();
	test_validation();
	test_splice();
	test_time();
	test_jq();
	rec_free(&r);
	return done_testing();
}
