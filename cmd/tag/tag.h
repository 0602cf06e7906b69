/*
 * tag.h - what tag's main (tag.c) shares with its per-record work
 * (record.c).  Ownership: the ctx and everything it points to belong to
 * main, which frees them at the exit.
 */
#ifndef TAG_TAG_H
#define TAG_TAG_H

#include "carepipe.h"
#include "rules.h"
#include "sentiment.h"
#include "escmodel.h"

/* Strong negative sentiment, for the influencer raise. */
#define STRONG_NEGATIVE (-0.5)

struct ctx {
	cp_prog *p;
	rules *rs;
	rules_ctx *rc;
	sentiment *sent;
	const em_model *esc;   /* NULL: no rule reads the escalation model */
	em_model esc_loaded;   /* --escalation-model FILE */
	bool explain;
	char **only, **drop;
	size_t nonly, ndrop;
	double influencer;
	cp_buf text, tags, expl, out, tmp;
	rec_edit edit;
	/* tags added by rules for this record, NUL-separated */
	cp_buf added;
	cp_err err;
};

/* One record: rules, sentiment, language, priority and escalation spliced
 * in (a cp_record_fn; v is the struct ctx). */
int tag_record(void *v, cp_rec *r, const cp_pos *pos);

#endif
