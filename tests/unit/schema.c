/*
 * Unit tests of common/schema.c: the one reading of a record's direction,
 * thread key, answered id and signature (a row for each case on which the
 * programs disagreed before), the status and label names, and
 * record_write's exact bytes.
 */
#include "carepipe.h"
#include "schema.h"
#include "sentiment.h"
#include "tap.h"

static cp_rec r;
static cp_buf scratch;

static void parse(const char *line)
{
	if (rec_parse(&r, line, strlen(line)) < 0)
		printf("# parse failed: %s at %zu: %s\n", r.err, r.err_off, line);
}

/* The direction of a record with "direction": JSON (NULL: no key). */
static int dir_of(const char *json)
{
	char line[256];
	if (json)
		snprintf(line, sizeof line, "{\"id\":\"x:1\",\"direction\":%s}", json);
	else
		snprintf(line, sizeof line, "{\"id\":\"x:1\"}");
	parse(line);
	return rec_direction(&r);
}

static void test_direction(void)
{
	is_int(dir_of("\"in\""), REC_DIR_IN, "direction \"in\"");
	is_int(dir_of("\"out\""), REC_DIR_OUT, "direction \"out\"");
	/* assign read the raw bytes and refused an escaped "in". */
	is_int(dir_of("\"\\u0069n\""), REC_DIR_IN, "an escaped \"in\" is in (assign refused it)");
	/* tag took anything but raw "out" as inbound. */
	is_int(dir_of("\"\\u006fut\""), REC_DIR_OUT, "an escaped \"out\" is out (tag read it as in)");
	is_int(dir_of(NULL), REC_DIR_NONE, "no direction is none (tag read it as in)");
	is_int(dir_of("null"), REC_DIR_NONE, "a null direction is none");
	is_int(dir_of("\"IN\""), REC_DIR_BAD, "\"IN\" is not a direction: case counts");
	is_int(dir_of("\"inbound\""), REC_DIR_BAD, "\"inbound\" is not a direction");
	is_int(dir_of("\"\""), REC_DIR_BAD, "an empty direction is bad");
	is_int(dir_of("1"), REC_DIR_BAD, "a number is bad");
	is_int(dir_of("[\"in\"]"), REC_DIR_BAD, "an array is bad");
	/* The last duplicate wins, as everywhere. */
	parse("{\"direction\":\"in\",\"direction\":\"out\"}");
	is_int(rec_direction(&r), REC_DIR_OUT, "the last of two directions counts");
	is_str(REC_DIR_REASON, "no \"direction\" of \"in\" or \"out\"", "the reason for a bad line");
}

static void test_thread_key(void)
{
	const char *s = NULL;
	size_t n = 0;
	parse("{\"id\":\"x:3\",\"in_reply_to\":\"x:2\",\"thread\":\"x:1\"}");
	ok(rec_thread_key(&r, &scratch, &s, &n) == 1 && n == 3 && !memcmp(s, "x:1", 3), "thread first");
	parse("{\"id\":\"x:3\",\"in_reply_to\":\"x:2\",\"thread\":\"\"}");
	ok(rec_thread_key(&r, &scratch, &s, &n) == 1 && n == 3 && !memcmp(s, "x:2", 3),
	   "an empty thread: in_reply_to");
	parse("{\"id\":\"x:3\",\"in_reply_to\":null,\"thread\":null}");
	ok(rec_thread_key(&r, &scratch, &s, &n) == 1 && n == 3 && !memcmp(s, "x:3", 3),
	   "null thread and in_reply_to: the id");
	/* kpi-report took only unescaped strings and passed over an escaped one. */
	parse("{\"id\":\"x:3\",\"thread\":\"x:\\u0031\"}");
	ok(rec_thread_key(&r, &scratch, &s, &n) == 1 && n == 3 && !memcmp(s, "x:1", 3),
	   "an escaped thread is unescaped, not passed over (kpi-report took the id)");
	parse("{\"id\":7,\"thread\":5}");
	is_int(rec_thread_key(&r, &scratch, &s, &n), 0, "numbers are no key");
	parse("{}");
	is_int(rec_thread_key(&r, &scratch, &s, &n), 0, "no key at all");
}

static void test_answers(void)
{
	const char *s = NULL;
	size_t n = 0;
	parse("{\"id\":\"x:2\",\"direction\":\"out\",\"in_reply_to\":\"x:1\"}");
	ok(rec_answers(&r, &scratch, &s, &n) == 1 && n == 3 && !memcmp(s, "x:1", 3),
	   "an outbound reply answers its in_reply_to");
	parse("{\"id\":\"x:2\",\"direction\":\"in\",\"in_reply_to\":\"x:1\"}");
	is_int(rec_answers(&r, &scratch, &s, &n), 0, "an inbound reply answers nothing");
	parse("{\"id\":\"x:2\",\"direction\":\"out\",\"in_reply_to\":null}");
	is_int(rec_answers(&r, &scratch, &s, &n), 0, "a brand post answers nothing");
	parse("{\"id\":\"x:2\",\"direction\":\"out\",\"in_reply_to\":\"\"}");
	is_int(rec_answers(&r, &scratch, &s, &n), 0, "an empty in_reply_to answers nothing");
	parse("{\"id\":\"x:2\",\"in_reply_to\":\"x:1\"}");
	is_int(rec_answers(&r, &scratch, &s, &n), 0, "no direction answers nothing");
	parse("{\"direction\":\"\\u006fut\",\"in_reply_to\":\"x:\\u0031\"}");
	ok(rec_answers(&r, &scratch, &s, &n) == 1 && n == 3 && !memcmp(s, "x:1", 3),
	   "escapes are read in both");
}

/* The initials a text (JSON) is signed with, or "(none)". */
static const char *sig(const char *json)
{
	static char got[64];
	char line[512];
	const char *s;
	size_t n;
	snprintf(line, sizeof line, "{\"text\":%s}", json);
	parse(line);
	int rc = rec_signature(rec_val(&r, "text"), &scratch, &s, &n);
	if (rc < 0)
		return "(error)";
	if (rc == 0)
		return "(none)";
	snprintf(got, sizeof got, "%.*s", (int)n, s);
	return got;
}

static void test_signature(void)
{
	is_str(sig("\"Sorry about that. ^JD\""), "JD", "^JD");
	is_str(sig("\"Sorry about that. -KC\""), "KC", "-KC");
	/* kpi-report took letters only and counted this under (none). */
	is_str(sig("\"We are on it. ^JD2\""), "JD2", "^JD2 as reply --agent JD2 signs (kpi-report: none)");
	/* kpi-report took 1-4 letters; real twcs replies sign -Becky. */
	is_str(sig("\"Let us know. -Becky\""), "Becky", "-Becky: five letters (kpi-report: none)");
	/* assign took only ^ signatures. */
	is_str(sig("\"On it -KC\""), "KC", "-KC in assign too (assign: none)");
	/* assign took at most 8; reply writes up to 16. */
	is_str(sig("\"Hi ^ABCDEFGHIJKLMNOP\""), "ABCDEFGHIJKLMNOP", "16 characters (assign: at most 8)");
	is_str(sig("\"Hi ^ABCDEFGHIJKLMNOPQ\""), "(none)", "17 characters is no signature");
	is_str(sig("\"Hi ^JD \\n\\t\""), "JD", "trailing blanks (assign: none)");
	is_str(sig("\"Hi\\n^JD\""), "JD", "after a line end");
	is_str(sig("\"Hi\\t-JD\""), "JD", "after a tab");
	is_str(sig("\"^JD\""), "JD", "the whole text");
	is_str(sig("\"x^JD\""), "(none)", "glued to a word");
	is_str(sig("\"costs -5\""), "(none)", "a negative number is no signature");
	is_str(sig("\"from 2 to -10\""), "(none)", "digits only are no signature");
	is_str(sig("\"Hi ^J.D\""), "(none)", "a dot is not in initials");
	is_str(sig("\"Hi ^\""), "(none)", "a caret alone");
	is_str(sig("\"well-known\""), "(none)", "a hyphenated word");
	is_str(sig("\"\""), "(none)", "empty text");
	is_str(sig("\"Hi \\u005eJD\""), "JD", "an escaped caret");
	is_str(sig("42"), "(none)", "not a string");
	ok(rec_initials_ok("JD", 2) && rec_initials_ok("JD2", 3) && rec_initials_ok("ABCDEFGHIJKLMNOP", 16),
	   "initials that read back");
	ok(!rec_initials_ok("", 0) && !rec_initials_ok("42", 2) && !rec_initials_ok("J.D", 3) &&
	   !rec_initials_ok("ABCDEFGHIJKLMNOPQ", 17) && !rec_initials_ok("J D", 3),
	   "initials that would not read back");
}

static void test_names(void)
{
	/* kpi-report's order, which its partial aggregates keep. */
	static const char *const st[] = { "met", "breached", "missed", "pending", "at_risk" };
	for (int i = 0; i < SLA_NSTATUS; i++) {
		char line[64];
		snprintf(line, sizeof line, "{\"s\":\"%s\"}", st[i]);
		parse(line);
		is_str(sla_status_names[i], st[i], "sla status %d is %s", i, st[i]);
		is_int(sla_status_of(rec_val(&r, "s")), i, "%s reads back", st[i]);
	}
	parse("{\"a\":\"at-risk\",\"b\":\"Met\",\"c\":3,\"d\":\"m\\u0065t\"}");
	ok(sla_status_of(rec_val(&r, "a")) == -1 && sla_status_of(rec_val(&r, "b")) == -1 &&
	   sla_status_of(rec_val(&r, "c")) == -1 && sla_status_of(rec_val(&r, "x")) == -1,
	   "other strings, numbers and absent values are no status");
	is_int(sla_status_of(rec_val(&r, "d")), SLA_MET, "an escaped status reads");
	is_str(sentiment_label_names[SENT_NEGATIVE], "negative", "negative");
	is_str(sentiment_label_names[SENT_NEUTRAL], "neutral", "neutral");
	is_str(sentiment_label_names[SENT_POSITIVE], "positive", "positive");
	for (int i = 0; i < SENT_NLABELS; i++)
		is_str(sentiment_label_names[i], sentiment_label_name(i), "the names sentiment.c writes (%d)", i);
	parse("{\"a\":\"positive\",\"b\":\"neg\",\"c\":null}");
	ok(sentiment_label_of(rec_val(&r, "a")) == SENT_POSITIVE && sentiment_label_of(rec_val(&r, "b")) == -1 &&
	   sentiment_label_of(rec_val(&r, "c")) == -1, "labels read back");
}

static void written(const rec_values *v, const char *want, const char *name)
{
	cp_buf o = {0};
	buf_adds(&o, "X");   /* record_write appends */
	int rc = record_write(&o, v);
	is_int(rc, 0, "%s: written", name);
	is_mem(o.p, o.len, want, "%s: bytes", name);
	cp_rec chk = {0};
	ok(o.len > 1 && rec_parse(&chk, o.p + 1, o.len - 1) == 0, "%s: one valid JSON object", name);
	rec_free(&chk);
	buf_free(&o);
}

static void test_write(void)
{
	rec_values v = {0};
	written(&v, "X{\"id\":null,\"platform\":null,\"account\":null,\"direction\":\"in\",\"kind\":null,"
	        "\"author\":{\"id\":null,\"handle\":null},\"text\":null,\"created_at\":null,"
	        "\"in_reply_to\":null,\"thread\":null}",
	        "nothing given: every key up to thread, as null");

	const char raw[] = "{ \"a\" : [1, 2],\n \"b\":\"x y\\\" z\" }";
	v = (rec_values){
		.id = rv_id("mastodon", "1", 1),
		.platform = rv_cstr("mastodon"),
		.account = rv_cstr("@acme"),
		.direction = REC_DIR_OUT,
		.kind = rv_cstr("reply"),
		.author_id = rv_cstr("9"),
		.author_handle = rv_cstr("acme"),
		.author_name = rv_cstr(NULL),
		.author_followers = rv_json("12", 2),
		.text = rv_cstr("Hi \"there\"\n\x01"),
		.created_at = rv_cstr("2024-05-01T12:00:00Z"),
		.in_reply_to = rv_id("mastodon", "0", 1),
		.thread = rv_id("mastodon", "a\"b", 3),
		.url = rv_cstr("https://x/1"),
		.lang = rv_cstr("en"),
		.metrics = { [1] = rv_json("3", 1), [3] = rv_json("0", 1) },
		.raw = { .kind = RV_COMPACT, .p = raw, .n = sizeof raw - 1 },
	};
	written(&v, "X{\"id\":\"mastodon:1\",\"platform\":\"mastodon\",\"account\":\"@acme\","
	        "\"direction\":\"out\",\"kind\":\"reply\",\"author\":{\"id\":\"9\",\"handle\":\"acme\","
	        "\"name\":null,\"followers\":12},\"text\":\"Hi \\\"there\\\"\\n\\u0001\","
	        "\"created_at\":\"2024-05-01T12:00:00Z\",\"in_reply_to\":\"mastodon:0\","
	        "\"thread\":\"mastodon:a\\\"b\",\"url\":\"https://x/1\",\"lang\":\"en\","
	        "\"metrics\":{\"reposts\":3,\"quotes\":0},\"raw\":{\"a\":[1,2],\"b\":\"x y\\\" z\"}}",
	        "every key, an escaped prefixed id, two metrics, a compacted raw");

	rec_values w = {0};
	w.metrics[0] = rv_json("1", 1);
	w.url = (rec_value){ .kind = RV_NULL };
	w.id = rv_str("csv:ab", 6);
	written(&w, "X{\"id\":\"csv:ab\",\"platform\":null,\"account\":null,\"direction\":\"in\",\"kind\":null,"
	        "\"author\":{\"id\":null,\"handle\":null},\"text\":null,\"created_at\":null,"
	        "\"in_reply_to\":null,\"thread\":null,\"url\":null,\"metrics\":{\"likes\":1}}",
	        "a null url is written, one metric");
	is_int(rv_id("x", NULL, 0).kind, RV_NULL, "rv_id of NULL is null");
	is_int(rv_json(NULL, 0).kind, RV_NULL, "rv_json of NULL is null");
}

int main(void)
{
	test_direction();
	test_thread_key();
	test_answers();
	test_signature();
	test_names();
	test_write();
	rec_free(&r);
	buf_free(&scratch);
	return done_testing();
}
