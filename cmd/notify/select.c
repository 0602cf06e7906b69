/*
 * Which records notify selects (--escalated, --sla, --alerts, --if), the
 * kind of message each gets, and the item it is in the journal.
 */
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "notify.h"

static bool sla_in(const struct notify *c, const cp_rec *r, const char *list)
{
	cp_val st = rec_path(r, "sla.status");
	size_t n;
	const char *s = val_rawstr(st, &n);
	if (!s || n == 0 || n > 32)
		return false;
	char pat[40];
	snprintf(pat, sizeof pat, ",%.*s,", (int)n, s);
	(void)c;
	return strstr(list, pat) != NULL;
}

static bool is_alert(const cp_rec *r)
{
	return rec_val(r, "alert").type == VAL_STRING && rec_val(r, "hour").type == VAL_STRING &&
	       rec_val(r, "severity").type == VAL_STRING;
}

/* 1 selected, 0 not, -1 when --if failed on it (reported). */
int selected(struct notify *c, const cp_rec *r, const cp_pos *pos)
{
	if (c->escalated && val_truthy(rec_val(r, "escalate")))
		return 1;
	if (c->sla_list && sla_in(c, r, c->sla_list))
		return 1;
	if (c->alerts && is_alert(r))
		return 1;
	if (c->jq) {
		cp_err e = {0};
		int t = jqx_test(c->jq, rec_to_jv(r), &e);
		if (t < 0) {
			cp_warn(c->p, "%s:%llu: --if: %s", pos->file, (unsigned long long)pos->lineno, e.msg);
			cp_status(c->p, CP_EX_DATAERR);
			return -1;
		}
		if (t)
			return 1;
	}
	return 0;
}

int kind_of(const cp_rec *r)
{
	if (is_alert(r))
		return NK_ALERT;
	if (val_truthy(rec_val(r, "escalate")))
		return NK_ESCALATION;
	if (sla_in(NULL, r, ",at_risk,breached,missed,"))
		return NK_SLA;
	return NK_RECORD;
}

/* The item a record is in the journal: its id, or for an alert (which has
 * none) "alert:METRIC:HOUR" and its group.  0, or -1 when it has none. */
int item_id(struct notify *c, const cp_rec *r, int kind)
{
	buf_reset(&c->id);
	if (kind == NK_ALERT) {
		int bad = buf_adds(&c->id, "alert:") < 0 || val_str(rec_val(r, "alert"), &c->id) < 0 ||
		          buf_addc(&c->id, ':') < 0 || val_str(rec_val(r, "hour"), &c->id) < 0;
		cp_val g = rec_val(r, "account");
		if (g.type != VAL_STRING)
			g = rec_val(r, "tag");
		if (g.type == VAL_STRING)
			bad |= buf_addc(&c->id, ':') < 0 || val_str(g, &c->id) < 0;
		if (bad)
			oom(c);
		return 0;
	}
	cp_val id = rec_val(r, "id");
	if (id.type != VAL_STRING || id.n <= 2)
		return -1;
	if (val_str(id, &c->id) < 0)
		oom(c);
	return 0;
}

/* A stable key for what is sent for an item: the same on every attempt
 * and every run, so a receiver can drop a repeat. */
void make_key(cp_buf *out, const char *channel, const char *id)
{
	/* h1 is hash.h's FNV-1a of "CHANNEL\nID\n"; h2, a second pass with
	 * another start and step, widens the key to 128 bits.  Keys are on
	 * disk in journals and at receivers: both stay as they are. */
	uint64_t h1 = HASH64_INIT, h2 = 0x84222325cbf29ce4ULL;
	for (int pass = 0; pass < 2; pass++) {
		const char *s = pass ? id : channel;
		h1 = hash64_add(hash64_add(h1, s, strlen(s)), "\n", 1);
		for (; *s; s++)
			h2 = (h2 ^ (unsigned char)*s) * HASH64_PRIME + 0x9e37;
		h2 = (h2 ^ '\n') * HASH64_PRIME;
	}
	buf_reset(out);
	buf_addf(out, "cp-%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
	buf_cstr(out);
}
