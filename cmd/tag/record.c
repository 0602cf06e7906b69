/*
 * One record's triage (tag.h): the rules run, the sentiment and language
 * of an inbound record, the priority and escalation they imply, and the
 * keys tag owns spliced into the line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "langid.h"
#include "schema.h"
#include "actions.h"
#include "tag.h"

enum { P_LOW, P_NORMAL, P_HIGH, P_URGENT };

static const char *const level_names[] = { "low", "normal", "high", "urgent" };

static int level_of(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(level_names[i], s))
			return i;
	return P_NORMAL;
}

static bool listed(char **list, size_t n, const rules_ctx *rc)
{
	for (size_t i = 0; i < n; i++)
		if (rules_has_tag(rc, list[i]))
			return true;
	return false;
}

static void oom(struct ctx *c)
{
	cp_die(c->p, CP_EX_OSERR, "out of memory");
}

/* Three decimals, without trailing zeros: 0.5, -0.382, 0.  The score is
 * within [-1, 1], so thousandths fit an int.  Written by hand, as the
 * other small values here: printf's cost showed in the profile. */
static void fmt_score(char out[32], double score)
{
	long m = lround(score * 1000);
	char *o = out;
	if (m < 0) {
		*o++ = '-';
		m = -m;
	}
	*o++ = (char)('0' + m / 1000);
	int frac = (int)(m % 1000), digits = 3;
	if (frac) {
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		*o++ = '.';
		for (int d = digits - 1; d >= 0; d--) {
			o[d] = (char)('0' + frac % 10);
			frac /= 10;
		}
		o += digits;
	}
	*o = '\0';
}

/* Append s at o; returns the new end. */
static char *put(char *o, const char *s)
{
	size_t n = strlen(s);
	memcpy(o, s, n);
	return o + n;
}


int tag_record(void *v, cp_rec *r, const cp_pos *pos)
{
	struct ctx *c = v;
	cp_val tv = rec_val(r, "text");
	const char *text;
	size_t tlen;
	if (tv.type == VAL_NULL) {
		text = "";
		tlen = 0;
	} else if (tv.type == VAL_STRING) {
		if (val_strview(tv, &c->text, &text, &tlen) < 0)
			oom(c);
	} else {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len,
		            tv.type == VAL_NONE ? "no text" : "text is not a string");
		return 0;
	}
	/* tag judges only the text: every record but a brand's own is a
	 * customer's (carepipe(7)), "\u006fut" being out too */
	bool inbound = rec_direction(r) != REC_DIR_OUT;

	if (rules_begin(c->rc, r, text, tlen) < 0)
		oom(c);
	/* A record without a language gets the one its text is written in,
	 * seen by field tests (lang = fr), the sentiment lexicons and the
	 * programs downstream. */
	char lang[8] = "";
	size_t ln;
	const char *ls = val_rawstr(rec_val(r, "lang"), &ln);
	const char *detected = NULL;
	if (ls && ln) {
		size_t k = ln < 7 ? ln : 7;
		memcpy(lang, ls, k);
		lang[k] = '\0';
	} else if (tlen) {
		/* a subtag of two or three letters, or "und" */
		detected = langid_detect(text, tlen);
		*put(lang, detected) = '\0';
		char q[12];
		*put(put(put(q, "\""), detected), "\"") = '\0';
		if (rules_set_var(c->rc, "lang", q) < 0)
			oom(c);
	}
	double score = 0;
	int label = SENT_NEUTRAL;
	char num[32] = "0";
	if (inbound) {
		label = sentiment_score(c->sent, text, tlen, lang, &score);
		fmt_score(num, score);
		if (rules_set_var(c->rc, "sentiment.score", num) < 0 ||
		    rules_set_var(c->rc, "sentiment.label",
		                  label == SENT_POSITIVE ? "\"positive\"" :
		                  label == SENT_NEGATIVE ? "\"negative\"" : "\"neutral\"") < 0)
			oom(c);
		/* The escalation model reads the features the sentiment model
		 * just extracted: one extraction per record for both. */
		if (c->esc) {
			double p[EM_CLASSES];
			em_predict(c->esc, sentiment_features(c->sent, text, tlen), p);
			rules_set_escalation(c->rc, p);
		}
	}

	int level = -1;
	bool raise = false, escalate = false, excluded = false;
	const char *reason = NULL;
	buf_reset(&c->added);
	buf_reset(&c->expl);
	size_t nexpl = 0;
	size_t nrules = rules_count(c->rs);
	for (size_t i = rules_next(c->rc, 0); i < nrules && !excluded;
	     i = rules_next(c->rc, i + 1)) {
		const struct rules_rule *ru = rules_get(c->rs, i);
		int t = rules_test(c->rc, i, c->explain, &c->err);
		if (t < 0) {
			if (c->err.code == CP_EX_OSERR) /* the keyword scan's */
				oom(c);
			cp_err e = c->err;
			c->err.code = 0;
			cp_warn(c->p, "%s:%llu: %s (rule at %s:%u)", pos->file,
			        (unsigned long long)pos->lineno, e.msg, ru->file, ru->line);
			cp_status(c->p, CP_EX_DATAERR);
			continue;
		}
		if (!t)
			continue;
		bool stop = false;
		for (size_t k = 0; k < ru->nactions; k++) {
			const struct rules_action *a = &ru->actions[k];
			switch (a->id) {
			case A_TAG:
				if (!rules_has_tag(c->rc, a->arg)) {
					if (rules_add_tag(c->rc, a->arg) < 0 ||
					    buf_add(&c->added, a->arg, strlen(a->arg) + 1) < 0)
						oom(c);
				}
				break;
			case A_PRIORITY:
				if (!strcmp(a->arg, "raise"))
					raise = true;
				else if (level_of(a->arg) > level)
					level = level_of(a->arg);
				break;
			case A_ESCALATE:
				if (!escalate) {
					escalate = true;
					reason = a->arg;
				}
				break;
			case A_STOP:
				stop = true;
				break;
			case A_EXCLUDE:
				excluded = true;
				break;
			}
		}
		if (c->explain) {
			buf_adds(&c->expl, nexpl++ ? "," : "[");
			buf_adds(&c->expl, "{\"rule\":");
			buf_reset(&c->tmp);
			buf_addf(&c->tmp, "%s:%u", ru->file, ru->line);
			buf_json_str(&c->expl, c->tmp.p, c->tmp.len);
			buf_adds(&c->expl, ",\"matched\":");
			rules_explain(c->rc, &c->expl);
			buf_addc(&c->expl, '}');
		}
		if (stop)
			break;
	}
	if (excluded)
		return 0;
	if (inbound && c->influencer > 0 && score <= STRONG_NEGATIVE) {
		double f;
		if (val_num(rec_path(r, "author.followers"), &f) == 0 && f >= c->influencer) {
			raise = true;
			if (c->explain) {
				buf_adds(&c->expl, nexpl++ ? "," : "[");
				buf_addf(&c->expl, "{\"rule\":\"--influencer %.0f\",\"matched\":"
				         "[{\"test\":\"author.followers >= %.0f and sentiment.score <= %.1f\"}]}",
				         c->influencer, c->influencer, STRONG_NEGATIVE);
			}
		}
	}
	if (level < 0)
		level = P_NORMAL;
	if (raise && level < P_URGENT)
		level++;
	if ((c->nonly && !listed(c->only, c->nonly, c->rc)) ||
	    (c->ndrop && listed(c->drop, c->ndrop, c->rc)))
		return 0;

	edit_reset(&c->edit);
	cp_val old = rec_val(r, "tags");
	if (c->added.len || old.type != VAL_ARRAY) {
		/* Existing tags keep their bytes and order; new ones follow. */
		buf_reset(&c->tags);
		bool first = true;
		if (old.type == VAL_ARRAY) {
			buf_add(&c->tags, old.p, old.n - 1);
			first = val_len(old) == 0;
		} else {
			buf_addc(&c->tags, '[');
		}
		for (const char *t = c->added.p; t && t < c->added.p + c->added.len; t += strlen(t) + 1) {
			if (!first)
				buf_addc(&c->tags, ',');
			buf_json_str(&c->tags, t, strlen(t));
			first = false;
		}
		buf_addc(&c->tags, ']');
		if (edit_set(&c->edit, "tags", c->tags.p, c->tags.len) < 0)
			oom(c);
	}
	if (detected && edit_set_str(&c->edit, "lang", detected, strlen(detected)) < 0)
		oom(c);
	if (inbound) {
		char s[96];
		char *e = put(put(put(put(put(s, "{\"score\":"), num), ",\"label\":\""),
		                  sentiment_label_name(label)), "\"}");
		if (edit_set(&c->edit, "sentiment", s, (size_t)(e - s)) < 0)
			oom(c);
	}
	char pr[16];
	char *pe = put(put(put(pr, "\""), level_names[level]), "\"");
	if (edit_set(&c->edit, "priority", pr, (size_t)(pe - pr)) < 0 ||
	    edit_set(&c->edit, "escalate", escalate ? "true" : "false", escalate ? 4 : 5) < 0)
		oom(c);
	if (escalate) {
		if (edit_set_str(&c->edit, "escalate_reason", reason, strlen(reason)) < 0)
			oom(c);
	} else if (rec_get(r, "escalate_reason")) {
		edit_del(&c->edit, "escalate_reason");
	}
	if (c->explain) {
		if (!nexpl)
			buf_addc(&c->expl, '[');
		buf_addc(&c->expl, ']');
		if (edit_set(&c->edit, "explain", c->expl.p, c->expl.len) < 0)
			oom(c);
	}
	buf_reset(&c->out);
	if (edit_apply(&c->edit, r, &c->out) < 0)
		oom(c);
	cp_emit(c->p, c->out.p, c->out.len);
	return 0;
}

