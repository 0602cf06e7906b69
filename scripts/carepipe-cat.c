/*
 * carepipe-cat - the record layer alone: read, validate, index, write.
 * It is what `make bench` measures against `jq -c .`, and what the tests
 * use to exercise the bad-input policy without any program's own logic.
 * With -k KEY=JSON it also splices a key in, and with -d KEY removes one.
 */
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"

struct ctx {
	cp_prog *p;
	rec_edit edit;
	cp_buf out;
};

static int each(void *v, cp_rec *r, const cp_pos *pos)
{
	struct ctx *c = v;
	(void)pos;
	if (c->edit.nops == 0) {
		cp_emit(c->p, r->line, r->len);
		return 0;
	}
	buf_reset(&c->out);
	if (edit_apply(&c->edit, r, &c->out) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	cp_emit(c->p, c->out.p, c->out.len);
	return 0;
}

int main(int argc, char **argv)
{
	static cp_prog p;
	struct ctx c = { &p, {0}, {0} };
	int ch;

	cp_init(&p, "carepipe-cat", "carepipe-cat [-d key] [-k key=json] [file ...]",
	        "  -k KEY=JSON           set a top-level key to a JSON value\n"
	        "  -d KEY                remove a top-level key\n");
	while ((ch = cp_getopt(&p, argc, argv, "d:k:", NULL)) != -1) {
		switch (ch) {
		case 'k': {
			char *eq = strchr(optarg, '=');
			if (!eq || json_validate(eq + 1, strlen(eq + 1), NULL, NULL) < 0)
				cp_usage_error(&p, "-k wants KEY=JSON: %s", optarg);
			*eq = '\0';
			edit_set(&c.edit, optarg, eq + 1, strlen(eq + 1));
			break;
		}
		case 'd':
			edit_del(&c.edit, optarg);
			break;
		default:
			cp_usage(&p);
		}
	}
	cp_start(&p);
	cp_each_record(&p, argc - optind, argv + optind, each, &c);
	edit_free(&c.edit);
	buf_free(&c.out);
	return cp_finish(&p);
}
