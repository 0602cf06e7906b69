/*
 * schema.c - the record conventions of carepipe(7): reading a record's
 * direction, thread, answered id and signature; the SLA status and
 * sentiment label names; and record_write.  See schema.h.
 */
#include <string.h>

#include "schema.h"
#include "sentiment.h"

_Static_assert(SENT_NEGATIVE == 0 && SENT_NEUTRAL == 1 && SENT_POSITIVE == 2,
               "sentiment_label_names is indexed by enum sentiment_label");

/* A non-empty string value as bytes: a view into the line when it has no
 * escapes, else unescaped into scratch.  1, 0 (not a string, or empty),
 * -1 on allocation failure. */
static int str_view(cp_val v, cp_buf *scratch, const char **s, size_t *n)
{
	int rc = val_strview(v, scratch, s, n);
	return rc == -2 ? -1 : rc == 0 && *n > 0;
}

/* ---------------------------------------------------------------- reading */

int rec_direction_of(cp_val v)
{
	if (v.type == VAL_NONE || v.type == VAL_NULL)
		return REC_DIR_NONE;
	size_t n;
	const char *s = val_rawstr(v, &n);
	if (s) {
		if (n == 2 && s[0] == 'i' && s[1] == 'n')
			return REC_DIR_IN;
		if (n == 3 && s[0] == 'o' && s[1] == 'u' && s[2] == 't')
			return REC_DIR_OUT;
		return REC_DIR_BAD;
	}
	/* Escaped ("\u0069n"), or not a string: val_streq unescapes. */
	return val_streq(v, "in") ? REC_DIR_IN : val_streq(v, "out") ? REC_DIR_OUT : REC_DIR_BAD;
}

int rec_direction(const cp_rec *r)
{
	return rec_direction_of(rec_val(r, "direction"));
}

int rec_thread_key_of(cp_val thread, cp_val in_reply_to, cp_val id, cp_buf *scratch,
                      const char **s, size_t *n)
{
	int rc = str_view(thread, scratch, s, n);
	if (rc == 0)
		rc = str_view(in_reply_to, scratch, s, n);
	if (rc == 0)
		rc = str_view(id, scratch, s, n);
	return rc;
}

int rec_thread_key(const cp_rec *r, cp_buf *scratch, const char **s, size_t *n)
{
	return rec_thread_key_of(rec_val(r, "thread"), rec_val(r, "in_reply_to"),
	                         rec_val(r, "id"), scratch, s, n);
}

int rec_answers_of(cp_val direction, cp_val in_reply_to, cp_buf *scratch,
                   const char **s, size_t *n)
{
	if (rec_direction_of(direction) != REC_DIR_OUT)
		return 0;
	return str_view(in_reply_to, scratch, s, n);
}

int rec_answers(const cp_rec *r, cp_buf *scratch, const char **s, size_t *n)
{
	return rec_answers_of(rec_val(r, "direction"), rec_val(r, "in_reply_to"), scratch, s, n);
}

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool rec_initials_ok(const char *s, size_t n)
{
	bool letter = false;
	if (n < 1 || n > REC_SIGNATURE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_alnum(s[i]))
			return false;
		letter |= is_alpha(s[i]);
	}
	return letter;
}

int rec_signature(cp_val text, cp_buf *scratch, const char **s, size_t *n)
{
	const char *t;
	size_t len;
	int rc = str_view(text, scratch, &t, &len);
	if (rc <= 0)
		return rc;
	size_t e = len;
	while (e > 0 && is_blank(t[e - 1]))
		e--;
	size_t b = e;
	/* One past the longest run that could be initials is enough to know
	 * the run is too long. */
	while (b > 0 && e - b <= REC_SIGNATURE_MAX && is_alnum(t[b - 1]))
		b--;
	if (b == 0 || (t[b - 1] != '^' && t[b - 1] != '-') || !rec_initials_ok(t + b, e - b))
		return 0;
	if (b >= 2 && !is_blank(t[b - 2]))
		return 0;
	*s = t + b;
	*n = e - b;
	return 1;
}

/* ---------------------------------------------------------------- names */

const char *const sla_status_names[SLA_NSTATUS] = {
	[SLA_MET] = "met", [SLA_BREACHED] = "breached", [SLA_MISSED] = "missed",
	[SLA_PENDING] = "pending", [SLA_AT_RISK] = "at_risk",
};

const char *const sentiment_label_names[SENT_NLABELS] = {
	[SENT_NEGATIVE] = "negative", [SENT_NEUTRAL] = "neutral", [SENT_POSITIVE] = "positive",
};

static int name_of(cp_val v, const char *const *names, int count)
{
	if (v.type != VAL_STRING)
		return -1;
	for (int i = 0; i < count; i++)
		if (val_streq(v, names[i]))
			return i;
	return -1;
}

int sla_status_of(cp_val v)
{
	return name_of(v, sla_status_names, SLA_NSTATUS);
}

int sentiment_label_of(cp_val v)
{
	return name_of(v, sentiment_label_names, SENT_NLABELS);
}

/* ---------------------------------------------------------------- writing */

rec_value rv_str(const char *p, size_t n)
{
	return p ? (rec_value){ .kind = RV_STR, .p = p, .n = n } : (rec_value){ .kind = RV_NULL };
}

rec_value rv_cstr(const char *s)
{
	return rv_str(s, s ? strlen(s) : 0);
}

rec_value rv_id(const char *prefix, const char *native, size_t n)
{
	rec_value v = rv_str(native, n);
	if (native)
		v.prefix = prefix;
	return v;
}

rec_value rv_json(const char *p, size_t n)
{
	return p ? (rec_value){ .kind = RV_JSON, .p = p, .n = n } : (rec_value){ .kind = RV_NULL };
}

static int add_compact(cp_buf *o, const char *p, size_t n)
{
	bool in_str = false;
	if (buf_reserve(o, n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (in_str) {
			if (ch == '\\' && i + 1 < n) {
				o->p[o->len++] = ch;
				ch = p[++i];
			} else if (ch == '"') {
				in_str = false;
			}
		} else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
			continue;
		} else if (ch == '"') {
			in_str = true;
		}
		o->p[o->len++] = ch;
	}
	return 0;
}

/* The value alone; RV_ABSENT is null. */
static int add_value(cp_buf *o, const rec_value *v)
{
	switch (v->kind) {
	case RV_STR:
		if (!v->prefix)
			return buf_json_str(o, v->p, v->n);
		/* One JSON string of "PREFIX:native": the two escaped apart give
		 * the bytes of the two escaped joined, the prefix's closing quote
		 * and the native part's opening quote dropped. */
		if (buf_json_str(o, v->prefix, strlen(v->prefix)) < 0)
			return -1;
		o->len--;
		if (buf_addc(o, ':') < 0)
			return -1;
		size_t q = o->len;
		if (buf_json_str(o, v->p, v->n) < 0)
			return -1;
		memmove(o->p + q, o->p + q + 1, o->len - q - 1);
		o->len--;
		return 0;
	case RV_JSON:
		return buf_add(o, v->p, v->n);
	case RV_COMPACT:
		return add_compact(o, v->p, v->n);
	default:
		return buf_adds(o, "null");
	}
}

/* ",\"KEY\":VALUE", or nothing for an optional key left out. */
static int add_member(cp_buf *o, const char *key, const rec_value *v, bool optional)
{
	if (optional && v->kind == RV_ABSENT)
		return 0;
	if (buf_addc(o, ',') < 0 || buf_addc(o, '"') < 0 || buf_adds(o, key) < 0 ||
	    buf_addc(o, '"') < 0 || buf_addc(o, ':') < 0)
		return -1;
	return add_value(o, v);
}

int record_write(cp_buf *o, const rec_values *r)
{
	static const char *const metric_names[4] = { "likes", "reposts", "replies", "quotes" };
	size_t start = o->len;
	int rc = 0;
	rc |= buf_adds(o, "{\"id\":");
	rc |= add_value(o, &r->id);
	rc |= add_member(o, "platform", &r->platform, false);
	rc |= add_member(o, "account", &r->account, false);
	rc |= buf_adds(o, r->direction == REC_DIR_OUT ? ",\"direction\":\"out\"" : ",\"direction\":\"in\"");
	rc |= add_member(o, "kind", &r->kind, false);
	rc |= buf_adds(o, ",\"author\":{\"id\":");
	rc |= add_value(o, &r->author_id);
	rc |= add_member(o, "handle", &r->author_handle, false);
	rc |= add_member(o, "name", &r->author_name, true);
	rc |= add_member(o, "followers", &r->author_followers, true);
	rc |= buf_addc(o, '}');
	rc |= add_member(o, "text", &r->text, false);
	rc |= add_member(o, "created_at", &r->created_at, false);
	rc |= add_member(o, "in_reply_to", &r->in_reply_to, false);
	rc |= add_member(o, "thread", &r->thread, false);
	rc |= add_member(o, "url", &r->url, true);
	rc |= add_member(o, "lang", &r->lang, true);
	bool metrics = false;
	for (int i = 0; i < 4; i++)
		metrics |= r->metrics[i].kind != RV_ABSENT;
	if (metrics) {
		rc |= buf_adds(o, ",\"metrics\":{");
		size_t open = o->len;
		for (int i = 0; i < 4; i++)
			rc |= add_member(o, metric_names[i], &r->metrics[i], true);
		/* The first member's comma follows the brace. */
		if (rc == 0) {
			memmove(o->p + open, o->p + open + 1, o->len - open - 1);
			o->len--;
		}
		rc |= buf_addc(o, '}');
	}
	rc |= add_member(o, "raw", &r->raw, true);
	rc |= buf_addc(o, '}');
	if (rc) {
		o->len = start;
		return -1;
	}
	return 0;
}
