/*
 * notify's messages: the built-in templates, the lookup that escapes what
 * comes from a record for the channel it goes to, and the bodies of the
 * four channel types.  A template's own text is the operator's; every
 * value it takes from a record is customer data, appended as text and
 * never expanded again (common/template.h), with control characters made
 * spaces and, for Slack, "&", "<" and ">" escaped so that a customer
 * cannot write "<!channel>" and page everyone, or a link.  Teams gets its
 * message as an Adaptive Card TextRun, which renders no markdown and no
 * HTML: a customer's "[x](https://...)" shows as typed.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail.h"
#include "notify.h"

const char *kind_name(int kind)
{
	switch (kind) {
	case NK_ESCALATION: return "escalation";
	case NK_SLA: return "sla";
	case NK_ALERT: return "alert";
	default: return "record";
	}
}

int fmt_for(const char *type)
{
	if (!type)
		return NF_PLAIN;
	if (strcmp(type, "slack") == 0)
		return NF_SLACK;
	if (strcmp(type, "teams") == 0)
		return NF_TEAMS;
	if (strcmp(type, "webhook") == 0)
		return NF_JSON;
	return NF_PLAIN;
}

const char *default_template(int kind)
{
	switch (kind) {
	case NK_ESCALATION:
		return "Escalation ({{priority|no priority}}) on {{platform|?}} for {{account|?}}: "
		       "{{escalate_reason|escalated by a rule}}\n"
		       "From {{author.name|?}} (@{{author.handle|?}}) at {{created_at|?}}:\n"
		       "{{text|(no text)}}\n"
		       "{{link}}";
	case NK_SLA:
		return "SLA {{sla.status|?}} on {{platform|?}} for {{account|?}}: first response due "
		       "{{sla.due_at|?}} ({{due_in|no due time}}), policy {{sla.policy|default}}\n"
		       "From {{author.name|?}} (@{{author.handle|?}}) at {{created_at|?}}:\n"
		       "{{text|(no text)}}\n"
		       "{{link}}";
	case NK_ALERT:
		return "Spike alert ({{severity|?}}): {{alert|?}} for {{scope}} in the hour from "
		       "{{hour|?}}: {{value|?}} against a baseline of {{baseline_mean|?}} "
		       "(sd {{baseline_sd|?}}, z {{z|?}})";
	default:
		return "{{platform|?}} {{account|?}}: @{{author.handle|?}}: {{text|(no text)}}\n"
		       "{{link}}";
	}
}

const char *default_line(int kind)
{
	switch (kind) {
	case NK_ESCALATION:
		return "[escalation] {{account|?}} @{{author.handle|?}}: "
		       "{{escalate_reason|escalated}}: {{excerpt}} {{link}}";
	case NK_SLA:
		return "[SLA {{sla.status|?}}] {{account|?}} @{{author.handle|?}} due {{sla.due_at|?}} "
		       "({{due_in|no due time}}): {{excerpt}} {{link}}";
	case NK_ALERT:
		return "[spike {{severity|?}}] {{alert|?}} for {{scope}} from {{hour|?}}: {{value|?}} "
		       "against {{baseline_mean|?}}";
	default:
		return "{{account|?}} @{{author.handle|?}}: {{excerpt}} {{link}}";
	}
}

const char *default_subject(int kind)
{
	switch (kind) {
	case NK_ESCALATION:
		return "[carepipe] Escalation: {{account|?}}: {{escalate_reason|escalated}}";
	case NK_SLA:
		return "[carepipe] SLA {{sla.status|?}}: {{account|?}}, due {{sla.due_at|?}}";
	case NK_ALERT:
		return "[carepipe] Spike ({{severity|?}}): {{alert|?}} for {{scope}}";
	default:
		return "[carepipe] {{account|?}}: {{id|a record}}";
	}
}

struct lk {
	tmpl_rec_ctx rc;
	int kind, fmt;
	int64_t now;
	cp_buf tmp;
};

/* The computed names: link, excerpt, due_in, scope.  1 with the value in
 * out, 0 when the name is not one of them or has no value. */
static int computed(struct lk *l, const char *name, cp_buf *out)
{
	const cp_rec *r = l->rc.r;
	if (strcmp(name, "link") == 0) {
		cp_val u = rec_val(r, "url");
		if (u.type == VAL_STRING && u.n > 2)
			return val_str(u, out) < 0 ? -1 : 1;
		cp_val id = rec_val(r, "id");
		if (id.type != VAL_STRING)
			return 0;
		if (buf_adds(out, "id ") < 0 || val_str(id, out) < 0)
			return -1;
		return 1;
	}
	if (strcmp(name, "excerpt") == 0) {
		cp_val t = rec_val(r, "text");
		cp_buf s = {0};
		if (t.type != VAL_STRING || val_str(t, &s) < 0 || s.len == 0) {
			buf_free(&s);
			return 0;
		}
		size_t n = s.len;
		if (n > 140) {   /* cut on a character boundary */
			n = 140;
			while (n > 0 && ((unsigned char)s.p[n] & 0xC0) == 0x80)
				n--;
		}
		int rc = buf_add(out, s.p, n) < 0 || (n < s.len && buf_adds(out, "...") < 0) ? -1 : 1;
		for (size_t i = 0; i < out->len; i++)
			if (out->p[i] == '\n' || out->p[i] == '\r')
				out->p[i] = ' ';
		buf_free(&s);
		return rc;
	}
	if (strcmp(name, "due_in") == 0) {
		cp_val d = rec_path(r, "sla.due_at");
		size_t n;
		const char *s = val_rawstr(d, &n);
		int64_t due;
		char dur[32];
		if (!s || time_parse(s, n, &due) < 0)
			return 0;
		if (due >= l->now) {
			dur_format(due - l->now, dur);
			return buf_addf(out, "%s left", dur) < 0 ? -1 : 1;
		}
		dur_format(l->now - due, dur);
		return buf_addf(out, "overdue by %s", dur) < 0 ? -1 : 1;
	}
	if (strcmp(name, "scope") == 0) {
		cp_val a = rec_val(r, "account"), t = rec_val(r, "tag");
		if (a.type == VAL_STRING)
			return buf_adds(out, "account ") < 0 || val_str(a, out) < 0 ? -1 : 1;
		if (t.type == VAL_STRING)
			return buf_adds(out, "tag ") < 0 || val_str(t, out) < 0 ? -1 : 1;
		return buf_adds(out, "all accounts") < 0 ? -1 : 1;
	}
	if (strcmp(name, "kind") == 0)
		return buf_adds(out, kind_name(l->kind)) < 0 ? -1 : 1;
	return 0;
}

static int escape_into(cp_buf *out, const char *s, size_t n, int fmt)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		int rc;
		if ((ch < 0x20 && ch != '\n') || ch == 0x7f) {
			rc = buf_addc(out, ' ');
		} else if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		           (unsigned char)s[i + 1] <= 0x9F) {
			rc = buf_addc(out, ' ');   /* a C1 control, such as CSI */
			i++;
		}
		else if (fmt == NF_SLACK && ch == '&')
			rc = buf_adds(out, "&amp;");
		else if (fmt == NF_SLACK && ch == '<')
			rc = buf_adds(out, "&lt;");
		else if (fmt == NF_SLACK && ch == '>')
			rc = buf_adds(out, "&gt;");
		else
			rc = buf_addc(out, (char)ch);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int lookup(void *ctx, const char *name, cp_buf *out)
{
	struct lk *l = ctx;
	buf_reset(&l->tmp);
	int got = computed(l, name, &l->tmp);
	if (got == 0)
		got = tmpl_rec_lookup(&l->rc, name, &l->tmp);
	if (got <= 0)
		return got;
	if (l->tmp.len == 0)
		return 0;
	return escape_into(out, l->tmp.p, l->tmp.len, l->fmt) < 0 ? -1 : 1;
}

int render(const tmpl *t, const cp_rec *r, int kind, int fmt, int64_t now, cp_buf *out)
{
	struct lk l = { .rc = { .r = r }, .kind = kind, .fmt = fmt, .now = now };
	int rc = tmpl_expand(t, lookup, &l, out);
	buf_free(&l.tmp);
	return rc;
}

static int add_str_field(cp_buf *b, const char *key, const char *s)
{
	if (buf_addf(b, "\"%s\":", key) < 0)
		return -1;
	return buf_json_str(b, s, strlen(s));
}

int webhook_body(cp_buf *out, const char *type, const char *channel, const char *kind,
                 const char *id, const char *text, const char *record, size_t rlen,
                 const char *const *items, size_t nitems)
{
	int bad = buf_addc(out, '{') < 0;
	if (strcmp(type, "webhook") == 0) {
		bad |= add_str_field(out, "kind", kind) < 0 || buf_addc(out, ',') < 0;
		bad |= add_str_field(out, "channel", channel) < 0 || buf_addc(out, ',') < 0;
		bad |= add_str_field(out, "id", id) < 0 || buf_addc(out, ',') < 0;
		bad |= add_str_field(out, "text", text) < 0;
		if (record)
			bad |= buf_adds(out, ",\"record\":") < 0 || buf_add(out, record, rlen) < 0;
		if (items) {
			bad |= buf_adds(out, ",\"items\":[") < 0;
			for (size_t i = 0; i < nitems; i++)
				bad |= (i && buf_addc(out, ',') < 0) ||
				       buf_json_str(out, items[i], strlen(items[i])) < 0;
			bad |= buf_addc(out, ']') < 0;
		}
	} else if (strcmp(type, "teams") == 0) {
		/* A Teams Workflows webhook ("Send webhook alerts to a channel";
		 * the Office 365 connectors are retired) takes a message with an
		 * Adaptive Card; a TextRun shows its text as it is. */
		bad |= buf_adds(out, "\"type\":\"message\",\"attachments\":[{\"contentType\":"
		    "\"application/vnd.microsoft.card.adaptive\",\"contentUrl\":null,\"content\":{"
		    "\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\","
		    "\"type\":\"AdaptiveCard\",\"version\":\"1.4\",\"body\":[{\"type\":\"RichTextBlock\","
		    "\"inlines\":[{\"type\":\"TextRun\",") < 0;
		bad |= add_str_field(out, "text", text) < 0;
		bad |= buf_adds(out, "}]}]}}]") < 0;
	} else {
		/* A Slack incoming webhook takes {"text": ...}. */
		bad |= add_str_field(out, "text", text) < 0;
	}
	bad |= buf_addc(out, '}') < 0;
	return bad ? -1 : 0;
}

int email_message(cp_buf *out, const cp_channel *ch, const char *subject, const char *text,
                  const char *key, const char *id, int64_t now)
{
	char date[64];
	struct tm tm;
	time_t t = (time_t)now;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	int bad = buf_adds(out, "From: ") < 0 || mail_header_value(out, ch->from, strlen(ch->from)) < 0;
	bad |= buf_adds(out, "\r\nTo: ") < 0 || mail_header_value(out, ch->to, strlen(ch->to)) < 0;
	bad |= buf_adds(out, "\r\nSubject: ") < 0 || mail_header_value(out, subject, strlen(subject)) < 0;
	bad |= buf_addf(out, "\r\nDate: %s\r\nMessage-ID: <%s@carepipe.invalid>\r\n", date, key) < 0;
	bad |= buf_adds(out, "MIME-Version: 1.0\r\n"
	                     "Content-Type: text/plain; charset=utf-8\r\n"
	                     "Content-Transfer-Encoding: quoted-printable\r\n"
	                     "Auto-Submitted: auto-generated\r\n") < 0;
	bad |= buf_adds(out, "X-Carepipe-Channel: ") < 0 || mail_header_value(out, ch->name, strlen(ch->name)) < 0;
	bad |= buf_adds(out, "\r\nX-Carepipe-Id: ") < 0 || mail_header_value(out, id, strlen(id)) < 0;
	bad |= buf_adds(out, "\r\n\r\n") < 0 || mail_qp(out, text, strlen(text)) < 0 ||
	       buf_adds(out, "\r\n") < 0;
	return bad ? -1 : 0;
}
