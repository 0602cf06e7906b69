/*
 * The rules format: a small line-oriented language, parsed into a tree per
 * rule.  Keyword lists from every rule go into one automaton, so a record
 * is scanned once whatever the number of rules; everything else (regular
 * expressions, fields, jq) is evaluated lazily, only when a rule's
 * and/or reaches it.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <oniguruma.h>

#include "rules.h"
#include "textmatch.h"
#include "escmodel.h"
#include "cfgfile.h"

enum node_kind { N_TRUE, N_FALSE, N_AND, N_OR, N_NOT, N_KW, N_RE, N_CMP, N_IN, N_TAG, N_JQ,
                 N_NEAR, N_NUM, N_ESC };
enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct node {
	int kind;
	int a, b;            /* child of not; the two lists of near */
	int *kids;           /* and/or: the operands, in order (a chain is one
	                        node, so a long chain costs no stack) */
	size_t nkids, kidcap;
	char *path;          /* field: "text", "author.followers", ... */
	char *str;           /* keyword list source, tag, value, regex or jq text */
	int op;
	bool negate;         /* !~ */
	bool is_num;
	double num;
	char **vals;         /* N_IN values, N_KW keywords (word forms expanded) */
	size_t nvals;
	int atom;            /* N_KW: index into the keyword atoms */
	regex_t *re;
	jqx *jq;
	char flags[4];
};

struct rules {
	const struct rules_action_def *defs;
	size_t ndefs;
	struct node *nodes;
	size_t nnodes, nodecap;
	struct rule {
		struct rules_rule info;
		int root;    /* -1: always */
	} *rules;
	size_t nrules, rulecap;
	char **names;          /* file names, kept for rule info */
	size_t nnames;
	cp_buf *texts;         /* what was parsed under each name, for rules_copy */
	/* named keyword lists: define NAME = "a", "b", ... */
	struct list { char *name; char **vals; size_t nvals; } *lists;
	size_t nlists;
	bool *atom_near;       /* per atom: used by near, so every hit is kept */
	bool has_num;          /* a phone-number or card-number condition */
	bool has_esc;          /* an escalation-model condition */
	size_t natoms;
	tm_ac *ac;
	/* keyword id -> atoms using it */
	int **kw_atoms;
	size_t *kw_natoms;
	size_t nkw;
	/* Rules that can hold only when one keyword atom was found are tried
	 * only then: per atom, those rules; and the rules always tried. */
	size_t **atom_rules, *atom_nrules;
	uint64_t *base;        /* bitmap of rules always tried */
	size_t nwords;
	bool compiled;
};

/* ------------------------------------------------------------------ lexer */

enum tok { T_EOF, T_WORD, T_STRING, T_REGEX, T_OP, T_LP, T_RP, T_COMMA };

struct lexer {
	const char *name;
	const char *s, *end, *p;
	unsigned line, col;
	/* the current token */
	int t;
	bool newrule;          /* first on a line that starts at column 1 */
	unsigned tline, tcol;
	cp_buf text;              /* word, unescaped string, regex source or op */
	char flags[4];         /* regex flags */
	cp_err *e;
};

static int lex_fail(struct lexer *l, unsigned line, unsigned col, const char *fmt, const char *arg)
{
	char msg[300];
	snprintf(msg, sizeof msg, fmt, arg ? arg : "");
	return cp_fail(l->e, CP_EX_CONFIG, "%s:%u:%u: %s", l->name, line, col, msg);
}

static void adv(struct lexer *l)
{
	if (*l->p == '\n') {
		l->line++;
		l->col = 1;
	} else if (((unsigned char)*l->p & 0xc0) != 0x80) {
		l->col++;
	}
	l->p++;
}

static bool word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-' || c == ':' || c == '@' ||
	       c == '+' || c >= 0x80;
}

static int lex_token(struct lexer *l)
{
	bool at_bol = l->col == 1;
	for (;;) {
		while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\r' || *l->p == '\n')) {
			if (*l->p == '\n')
				at_bol = true;
			adv(l);
		}
		if (l->p < l->end && *l->p == '#') {
			while (l->p < l->end && *l->p != '\n')
				adv(l);
			continue;
		}
		break;
	}
	buf_reset(&l->text);
	l->tline = l->line;
	l->tcol = l->col;
	l->newrule = at_bol && l->col == 1;
	if (l->p >= l->end) {
		l->t = T_EOF;
		l->newrule = true;
		return 0;
	}
	unsigned char c = (unsigned char)*l->p;
	if (c == '(' || c == ')' || c == ',') {
		l->t = c == '(' ? T_LP : c == ')' ? T_RP : T_COMMA;
		buf_addc(&l->text, (char)c);
		buf_cstr(&l->text);
		adv(l);
		return 0;
	}
	if (c == '"') {
		adv(l);
		for (;;) {
			if (l->p >= l->end || *l->p == '\n')
				return lex_fail(l, l->tline, l->tcol, "unterminated string", NULL);
			char ch = *l->p;
			if (ch == '"') {
				adv(l);
				break;
			}
			if (ch == '\\') {
				adv(l);
				if (l->p >= l->end)
					return lex_fail(l, l->tline, l->tcol, "unterminated string", NULL);
				char esc = *l->p;
				switch (esc) {
				case 'n': buf_addc(&l->text, '\n'); break;
				case 't': buf_addc(&l->text, '\t'); break;
				case '"': case '\\': case '/': case '\'': buf_addc(&l->text, esc); break;
				default:
					/* Kept as written: regular expressions want \d, \b. */
					buf_addc(&l->text, '\\');
					buf_addc(&l->text, esc);
				}
				adv(l);
				continue;
			}
			buf_addc(&l->text, ch);
			adv(l);
		}
		l->t = T_STRING;
		buf_cstr(&l->text);
		return 0;
	}
	if (c == '\'') {
		adv(l);
		while (l->p < l->end && *l->p != '\'' && *l->p != '\n') {
			buf_addc(&l->text, *l->p);
			adv(l);
		}
		if (l->p >= l->end || *l->p != '\'')
			return lex_fail(l, l->tline, l->tcol, "unterminated string", NULL);
		adv(l);
		l->t = T_STRING;
		buf_cstr(&l->text);
		return 0;
	}
	if (c == '/') {
		adv(l);
		for (;;) {
			if (l->p >= l->end || *l->p == '\n')
				return lex_fail(l, l->tline, l->tcol, "unterminated regular expression", NULL);
			if (*l->p == '/')
				break;
			if (*l->p == '\\' && l->p + 1 < l->end && l->p[1] == '/') {
				adv(l);
				buf_addc(&l->text, '/');
				adv(l);
				continue;
			}
			buf_addc(&l->text, *l->p);
			adv(l);
		}
		adv(l);
		size_t nf = 0;
		memset(l->flags, 0, sizeof l->flags);
		while (l->p < l->end && isalpha((unsigned char)*l->p)) {
			if (!strchr("ixs", *l->p) || nf >= 3)
				return lex_fail(l, l->line, l->col,
				                "unknown regular expression flag (use i, x or s)", NULL);
			l->flags[nf++] = *l->p;
			adv(l);
		}
		l->t = T_REGEX;
		buf_cstr(&l->text);
		return 0;
	}
	if (strchr("=!<>~", c)) {
		while (l->p < l->end && strchr("=!<>~", *l->p) && l->text.len < 3) {
			buf_addc(&l->text, *l->p);
			adv(l);
		}
		buf_cstr(&l->text);
		static const char *const ops[] = { "=", "==", "!=", "<", "<=", ">", ">=", "~", "!~" };
		for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
			if (!strcmp(l->text.p, ops[i])) {
				l->t = T_OP;
				return 0;
			}
		return lex_fail(l, l->tline, l->tcol, "unknown operator '%s'", l->text.p);
	}
	if (word_byte(c)) {
		while (l->p < l->end && word_byte((unsigned char)*l->p)) {
			buf_addc(&l->text, *l->p);
			adv(l);
		}
		/* near/N is one word, not near and a regular expression. */
		if (l->text.len == 4 && !memcmp(l->text.p, "near", 4) && l->p + 1 < l->end &&
		    *l->p == '/' && isdigit((unsigned char)l->p[1]))
			do {
				buf_addc(&l->text, *l->p);
				adv(l);
			} while (l->p < l->end && isdigit((unsigned char)*l->p));
		l->t = T_WORD;
		buf_cstr(&l->text);
		return 0;
	}
	char what[8];
	snprintf(what, sizeof what, "%c", c);
	return lex_fail(l, l->tline, l->tcol, "unexpected character '%s'", what);
}

/* The next token.  The token's text is appended without a check per
 * byte; a failed append is found here, once, so that a token cut short by
 * a failed allocation is never read as a (mistaken) word or error. */
static int lex(struct lexer *l)
{
	unsigned long failed = buf_failures();
	int r = lex_token(l);
	if (buf_failures() != failed)
		return cp_fail(l->e, CP_EX_OSERR, "out of memory");
	return r;
}

/* ----------------------------------------------------------------- parser */

struct parser {
	rules *rs;
	struct lexer l;
	const char *name;   /* interned file name */
	unsigned depth;     /* parentheses and nots open around the current atom */
};

/* Deeper nesting is refused: parsing and evaluation recurse once per
 * level, and a rule nobody could read should not exhaust the stack. */
#define RULES_MAX_DEPTH 100

static bool tok_end(const struct parser *ps)
{
	return ps->l.t == T_EOF || ps->l.newrule;
}

static bool is_word(const struct parser *ps, const char *w)
{
	return !tok_end(ps) && ps->l.t == T_WORD && !strcmp(ps->l.text.p, w);
}

static bool tok_is_word(const struct parser *ps)
{
	return !tok_end(ps) && ps->l.t == T_WORD;
}

static int perr(struct parser *ps, const char *fmt, const char *arg)
{
	if (tok_end(ps) && ps->l.t == T_EOF)
		return lex_fail(&ps->l, ps->l.tline, ps->l.tcol, fmt, arg);
	return lex_fail(&ps->l, ps->l.tline, ps->l.tcol, fmt, arg);
}

static const char *tok_desc(struct parser *ps)
{
	if (ps->l.t == T_EOF)
		return "the end of the file";
	if (tok_end(ps))
		return "the end of the rule";
	return ps->l.text.p;
}

static int new_node(rules *rs, int kind)
{
	if (rs->nnodes == rs->nodecap) {
		size_t cap = rs->nodecap ? 2 * rs->nodecap : 64;
		struct node *n = realloc(rs->nodes, cap * sizeof *n);
		if (!n)
			return -1;
		rs->nodes = n;
		rs->nodecap = cap;
	}
	struct node *n = &rs->nodes[rs->nnodes];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->a = n->b = -1;
	n->atom = -1;
	return (int)rs->nnodes++;
}

static int push_val(struct node *n, const char *s)
{
	/* The capacity is the next power of two: grow when the count reaches
	 * one, so long lists cost linear time. */
	size_t k = n->nvals;
	char **v = n->vals;
	if (k == 0 || (k & (k - 1)) == 0) {
		v = realloc(n->vals, (k ? 2 * k : 1) * sizeof *v);
		if (!v)
			return -1;
	}
	n->vals = v;
	if (!(v[n->nvals] = strdup(s)))
		return -1;
	n->nvals++;
	return 0;
}

static bool valid_path(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return false;
	return s[strlen(s) - 1] != '.' && !strstr(s, "..");
}

static int parse_or(struct parser *ps);

static const struct list *find_list(const rules *rs, const char *name)
{
	for (size_t i = 0; i < rs->nlists; i++)
		if (!strcmp(rs->lists[i].name, name))
			return &rs->lists[i];
	return NULL;
}

/* A list name: capitals, digits and _, starting with a capital. */
static bool list_name(const char *s)
{
	if (!(*s >= 'A' && *s <= 'Z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

/* Most keywords one written keyword may stand for once its word forms
 * ("give~ out") are spelled out. */
#define RULES_MAX_FORMS 1024

/* The length of word w (wl bytes) written without the apostrophe of its
 * English contraction, into out (at least wl bytes), or 0 when it has
 * none: customers write "didnt", "dont", "im" as often as "didn't".
 * Only the contractions that are no other word without it: not "we're"
 * (were), "i'll" (ill), "he'll" (hell), "i'd" (id). */
static size_t unapostrophe(const char *w, size_t wl, char *out)
{
	static const char *const bare[] = { "im", "ive", "youre", "youve", "theyre", "theyve",
	                                    "weve" };
	for (size_t i = 1; i + 1 < wl; i++) {
		size_t al = w[i] == '\'' ? 1 : !strncmp(w + i, "\xe2\x80\x99", 3) ? 3 : 0;
		if (!al || i + al >= wl)
			continue;
		size_t bl = wl - al;
		memcpy(out, w, i);
		memcpy(out + i, w + i + al, bl - i);
		bool ok = bl == i + 1 && (out[i] | 32) == 't' && (w[i - 1] | 32) == 'n';
		for (size_t k = 0; !ok && k < sizeof bare / sizeof *bare; k++)
			ok = strlen(bare[k]) == bl && !strncasecmp(out, bare[k], bl);
		return ok ? bl : 0;
	}
	return 0;
}

/* Add keyword kw to a list, each "word~" spelled out in all its forms, and
 * each contraction also without its apostrophe (unapostrophe). */
static int push_keyword(struct parser *ps, char ***vals, size_t *nvals, const char *kw)
{
	struct node tmp = { .vals = *vals, .nvals = *nvals };
	if (!strchr(kw, '~') && !strchr(kw, '\'') && !strstr(kw, "\xe2\x80\x99")) {
		int r = push_val(&tmp, kw);
		*vals = tmp.vals;
		*nvals = tmp.nvals;
		return r < 0 ? cp_fail(ps->l.e, CP_EX_OSERR, "out of memory") : 0;
	}
	/* The phrases so far, NUL-separated; each word multiplies them. */
	cp_buf cur = {0}, next = {0}, forms = {0};
	size_t ncur = 1;
	int rc = buf_addc(&cur, '\0');
	const char *p = kw;
	while (rc == 0 && *p) {
		while (*p == ' ')
			p++;
		size_t wl = strcspn(p, " ");
		if (!wl)
			break;
		buf_reset(&forms);
		bool tilde = p[wl - 1] == '~';
		if (tilde) {
			char *w = strndup(p, wl - 1);
			if (!w || tm_forms(w, &forms) < 0)
				rc = -1;
			free(w);
		} else {
			rc = buf_add(&forms, p, wl) < 0 || buf_addc(&forms, '\0') < 0 ? -1 : 0;
			char bare[64];
			size_t bl = wl <= sizeof bare ? unapostrophe(p, wl, bare) : 0;
			if (rc == 0 && bl && (buf_add(&forms, bare, bl) < 0 || buf_addc(&forms, '\0') < 0))
				rc = -1;
		}
		size_t nforms = 0;
		for (size_t i = 0; rc == 0 && i < forms.len; i += strlen(forms.p + i) + 1)
			nforms++;
		if (rc == 0 && ncur * nforms > RULES_MAX_FORMS) {
			buf_free(&cur);
			buf_free(&next);
			buf_free(&forms);
			return lex_fail(&ps->l, ps->l.tline, ps->l.tcol,
			                "\"%s\" stands for too many word forms (mark fewer words with ~)",
			                kw);
		}
		buf_reset(&next);
		for (size_t i = 0; rc == 0 && i < cur.len; i += strlen(cur.p + i) + 1)
			for (size_t k = 0; rc == 0 && k < forms.len; k += strlen(forms.p + k) + 1) {
				const char *ph = cur.p + i;
				if ((*ph && (buf_adds(&next, ph) < 0 || buf_addc(&next, ' ') < 0)) ||
				    buf_adds(&next, forms.p + k) < 0 || buf_addc(&next, '\0') < 0)
					rc = -1;
			}
		ncur *= nforms;
		cp_buf tswap = cur;
		cur = next;
		next = tswap;
		p += wl;
	}
	size_t first = tmp.nvals;
	for (size_t i = 0; rc == 0 && i < cur.len; i += strlen(cur.p + i) + 1) {
		bool seen = !cur.p[i];
		for (size_t k = first; !seen && k < tmp.nvals; k++)
			seen = !strcmp(tmp.vals[k], cur.p + i);
		if (!seen)
			rc = push_val(&tmp, cur.p + i);
	}
	*vals = tmp.vals;
	*nvals = tmp.nvals;
	buf_free(&cur);
	buf_free(&next);
	buf_free(&forms);
	return rc < 0 ? cp_fail(ps->l.e, CP_EX_OSERR, "out of memory") : 0;
}

/* A keyword list: quoted keywords and list names, commas optional.  Ends
 * at the first token that is neither. */
static int parse_list(struct parser *ps, char ***vals, size_t *nvals)
{
	size_t items = 0;
	for (;;) {
		if (!tok_end(ps) && ps->l.t == T_COMMA && items) {
			if (lex(&ps->l) < 0)
				return -1;
			continue;
		}
		if (tok_end(ps))
			break;
		if (ps->l.t == T_WORD && list_name(ps->l.text.p)) {
			const struct list *li = find_list(ps->rs, ps->l.text.p);
			if (!li)
				return perr(ps, "no list named %s is defined above", ps->l.text.p);
			for (size_t i = 0; i < li->nvals; i++) {
				struct node tmp = { .vals = *vals, .nvals = *nvals };
				int r = push_val(&tmp, li->vals[i]);
				*vals = tmp.vals;
				*nvals = tmp.nvals;
				if (r < 0)
					return cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
			}
		} else if (ps->l.t == T_STRING) {
			tm_norm tn = {0};
			int empty = tm_normalize(&tn, ps->l.text.p, ps->l.text.len) == 0 &&
			            strspn(tn.text.p ? tn.text.p : "", "*~ ") == tn.text.len;
			tm_norm_free(&tn);
			if (empty)
				return lex_fail(&ps->l, ps->l.tline, ps->l.tcol, "empty keyword", NULL);
			if (push_keyword(ps, vals, nvals, ps->l.text.p) < 0)
				return -1;
		} else {
			break;
		}
		items++;
		if (lex(&ps->l) < 0)
			return -1;
	}
	return 0;
}

/* A keyword atom: the list at the current token. */
static int parse_kw_atom(struct parser *ps)
{
	rules *rs = ps->rs;
	int n = new_node(rs, N_KW);
	if (n < 0)
		return cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
	char **vals = NULL;
	size_t nvals = 0;
	int r = parse_list(ps, &vals, &nvals);
	rs->nodes[n].vals = vals;
	rs->nodes[n].nvals = nvals;
	if (r < 0)
		return -1;
	if (nvals == 0)
		return perr(ps, "expected a quoted keyword or a list name, found %s", tok_desc(ps));
	rs->nodes[n].atom = (int)rs->natoms++;
	return n;
}

/* define NAME = "keyword", NAME, ... */
static int parse_define(struct parser *ps)
{
	rules *rs = ps->rs;
	if (lex(&ps->l) < 0)
		return -1;
	if (tok_end(ps) || ps->l.t != T_WORD || !list_name(ps->l.text.p))
		return perr(ps, "define wants a name in capitals (A-Z, 0-9, _), found %s",
		            tok_desc(ps));
	if (find_list(rs, ps->l.text.p))
		return perr(ps, "%s is already defined", ps->l.text.p);
	char *name = strdup(ps->l.text.p);
	if (!name)
		return cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
	if (lex(&ps->l) < 0) {
		free(name);
		return -1;
	}
	if (tok_end(ps) || ps->l.t != T_OP || strcmp(ps->l.text.p, "=")) {
		free(name);
		return perr(ps, "expected '=' after the list's name, found %s", tok_desc(ps));
	}
	if (lex(&ps->l) < 0) {
		free(name);
		return -1;
	}
	struct list li = { name, NULL, 0 };
	int r = parse_list(ps, &li.vals, &li.nvals);
	if (r == 0 && li.nvals == 0)
		r = perr(ps, "expected a quoted keyword or a list name, found %s", tok_desc(ps));
	if (r == 0 && !tok_end(ps))
		r = perr(ps, "unexpected '%s' in a list (quoted keywords and list names)",
		         ps->l.text.p);
	struct list *nl = r == 0 ? realloc(rs->lists, (rs->nlists + 1) * sizeof *nl) : NULL;
	if (r == 0 && !nl)
		r = cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
	if (r < 0) {
		for (size_t i = 0; i < li.nvals; i++)
			free(li.vals[i]);
		free(li.vals);
		free(name);
		return -1;
	}
	rs->lists = nl;
	nl[rs->nlists++] = li;
	return 0;
}

/* The most words near/N lets between its terms. */
#define RULES_MAX_NEAR 1000

/* After a keyword atom: "near/N LIST" makes it a proximity test. */
static int parse_near(struct parser *ps, int a)
{
	if (a < 0 || tok_end(ps) || ps->l.t != T_WORD || strncmp(ps->l.text.p, "near", 4))
		return a;
	const char *num = ps->l.text.p + 4;
	char *end;
	errno = 0;
	long d = *num == '/' ? strtol(num + 1, &end, 10) : -1;
	if (d < 0 || *end || errno || d > RULES_MAX_NEAR)
		return perr(ps, "expected near/N, N a number of words from 0 to 1000, found %s",
		            ps->l.text.p);
	if (lex(&ps->l) < 0)
		return -1;
	if (is_word(ps, "keywords") || is_word(ps, "keyword"))
		if (lex(&ps->l) < 0)
			return -1;
	int b = parse_kw_atom(ps);
	if (b < 0)
		return -1;
	int n = new_node(ps->rs, N_NEAR);
	if (n < 0)
		return cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
	ps->rs->nodes[n].a = a;
	ps->rs->nodes[n].b = b;
	ps->rs->nodes[n].num = (double)d;
	if (!tok_end(ps) && ps->l.t == T_WORD && !strncmp(ps->l.text.p, "near", 4) &&
	    ps->l.text.p[4] == '/')
		return perr(ps, "near/N joins two lists; write (A near/N B) and (B near/N C)", NULL);
	return n;
}

static int parse_value(struct parser *ps, struct node *out_unused, char **dst)
{
	(void)out_unused;
	if (tok_end(ps) || (ps->l.t != T_WORD && ps->l.t != T_STRING))
		return perr(ps, "expected a value, found %s", tok_desc(ps));
	*dst = strdup(ps->l.text.p);
	if (!*dst)
		return cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
	return lex(&ps->l);
}

static int compile_re(struct parser *ps, struct node *n, const char *src, const char *flags,
                      unsigned line, unsigned col)
{
	OnigOptionType opt = ONIG_OPTION_CAPTURE_GROUP;
	for (const char *f = flags; *f; f++)
		opt |= *f == 'i' ? ONIG_OPTION_IGNORECASE :
		       *f == 'x' ? ONIG_OPTION_EXTEND : ONIG_OPTION_MULTILINE;
	OnigErrorInfo einfo;
	const UChar *p = (const UChar *)src;
	int r = onig_new(&n->re, p, p + strlen(src), opt, ONIG_ENCODING_UTF8,
	                 ONIG_SYNTAX_PERL_NG, &einfo);
	if (r != ONIG_NORMAL) {
		UChar msg[ONIG_MAX_ERROR_MESSAGE_LEN];
		onig_error_code_to_str(msg, r, &einfo);
		n->re = NULL;
		return lex_fail(&ps->l, line, col, "bad regular expression: %s", (char *)msg);
	}
	snprintf(n->flags, sizeof n->flags, "%s", flags);
	return 0;
}

static int parse_atom(struct parser *ps)
{
	rules *rs = ps->rs;
	unsigned line = ps->l.tline, col = ps->l.tcol;
	if (tok_end(ps))
		return perr(ps, "expected a condition, found %s", tok_desc(ps));
	bool nests = ps->l.t == T_LP || (ps->l.t == T_WORD && !strcmp(ps->l.text.p, "not"));
	if (nests && ps->depth >= RULES_MAX_DEPTH) {
		char lim[16];
		snprintf(lim, sizeof lim, "%d", RULES_MAX_DEPTH);
		return lex_fail(&ps->l, line, col,
		                "conditions nested more than %s deep (parentheses and not)", lim);
	}
	if (ps->l.t == T_LP) {
		if (lex(&ps->l) < 0)
			return -1;
		ps->depth++;
		int n = parse_or(ps);
		ps->depth--;
		if (n < 0)
			return -1;
		if (tok_end(ps) || ps->l.t != T_RP)
			return perr(ps, "expected ')', found %s", tok_desc(ps));
		if (lex(&ps->l) < 0)
			return -1;
		return n;
	}
	if (ps->l.t == T_STRING)
		return parse_near(ps, parse_kw_atom(ps));
	if (ps->l.t != T_WORD)
		return perr(ps, "expected a condition, found %s", tok_desc(ps));
	char *w = strdup(ps->l.text.p);
	if (!w)
		return cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
	int n = -1;
	if (!strcmp(w, "not")) {
		if (lex(&ps->l) < 0)
			goto fail;
		ps->depth++;
		int a = parse_atom(ps);
		ps->depth--;
		if (a < 0)
			goto fail;
		if ((n = new_node(rs, N_NOT)) < 0)
			goto oom;
		rs->nodes[n].a = a;
	} else if (!strcmp(w, "true") || !strcmp(w, "always") || !strcmp(w, "false")) {
		if ((n = new_node(rs, w[0] == 'f' ? N_FALSE : N_TRUE)) < 0)
			goto oom;
		if (lex(&ps->l) < 0)
			goto fail;
	} else if (!strcmp(w, "keywords") || !strcmp(w, "keyword") || list_name(w)) {
		if (!list_name(w) && lex(&ps->l) < 0)
			goto fail;
		n = parse_near(ps, parse_kw_atom(ps));
		if (n < 0)
			goto fail;
	} else if (!strcmp(w, "phone-number") || !strcmp(w, "card-number")) {
		if ((n = new_node(rs, N_NUM)) < 0)
			goto oom;
		rs->nodes[n].op = w[0] == 'p' ? TM_NUM_PHONE : TM_NUM_CARD;
		rs->has_num = true;
		if (lex(&ps->l) < 0)
			goto fail;
	} else if (!strcmp(w, "escalation-model")) {
		/* escalation-model CATEGORY [>= P]: op is the category's class
		 * (EM_NONE for any), num the least probability of escalation. */
		if (lex(&ps->l) < 0)
			goto fail;
		int cls = -1;
		for (int k = EM_PRIVACY; tok_is_word(ps) && k < EM_CLASSES; k++)
			if (!strcmp(ps->l.text.p, em_class_names[k]))
				cls = k;
		if (tok_is_word(ps) && !strcmp(ps->l.text.p, "any"))
			cls = EM_NONE;
		if (cls < 0) {
			perr(ps, "expected privacy, safety, legal, security or any after escalation-model, "
			     "found %s", tok_desc(ps));
			goto fail;
		}
		if ((n = new_node(rs, N_ESC)) < 0)
			goto oom;
		rs->nodes[n].op = cls;
		rs->nodes[n].num = RULES_ESCALATION_THRESHOLD;
		rs->has_esc = true;
		if (lex(&ps->l) < 0)
			goto fail;
		if (!tok_end(ps) && ps->l.t == T_OP && !strcmp(ps->l.text.p, ">=")) {
			if (lex(&ps->l) < 0)
				goto fail;
			char *end = NULL;
			double v = tok_is_word(ps) ? strtod(ps->l.text.p, &end) : -1;
			if (!end || *end || !(v >= 0 && v <= 1)) {
				perr(ps, "expected a probability from 0 to 1 after escalation-model's >=, "
				     "found %s", tok_desc(ps));
				goto fail;
			}
			rs->nodes[n].num = v;
			if (lex(&ps->l) < 0)
				goto fail;
		}
	} else if (!strcmp(w, "has-tag")) {
		if (lex(&ps->l) < 0)
			goto fail;
		if ((n = new_node(rs, N_TAG)) < 0)
			goto oom;
		if (parse_value(ps, NULL, &rs->nodes[n].str) < 0)
			goto fail;
	} else if (!strcmp(w, "jq")) {
		if (lex(&ps->l) < 0)
			goto fail;
		if (tok_end(ps) || ps->l.t != T_STRING) {
			perr(ps, "expected a quoted jq expression, found %s", tok_desc(ps));
			goto fail;
		}
		if ((n = new_node(rs, N_JQ)) < 0)
			goto oom;
		cp_err je = {0};
		rs->nodes[n].jq = jqx_compile(ps->l.text.p, &je);
		if (!rs->nodes[n].jq) {
			char *nl = strchr(je.msg, '\n');
			if (nl)
				*nl = '\0';
			lex_fail(&ps->l, ps->l.tline, ps->l.tcol, "jq: %s", je.msg);
			goto fail;
		}
		if (!(rs->nodes[n].str = strdup(ps->l.text.p)))
			goto oom;
		if (lex(&ps->l) < 0)
			goto fail;
	} else {
		if (!valid_path(w)) {
			lex_fail(&ps->l, line, col, "unknown condition '%s'", w);
			goto fail;
		}
		if (lex(&ps->l) < 0)
			goto fail;
		if (is_word(ps, "in")) {
			if ((n = new_node(rs, N_IN)) < 0)
				goto oom;
			rs->nodes[n].path = w;
			w = NULL;
			if (lex(&ps->l) < 0)
				goto fail;
			if (tok_end(ps) || ps->l.t != T_LP) {
				perr(ps, "expected '(' after in, found %s", tok_desc(ps));
				goto fail;
			}
			if (lex(&ps->l) < 0)
				goto fail;
			for (;;) {
				char *v;
				if (parse_value(ps, NULL, &v) < 0)
					goto fail;
				int r = push_val(&rs->nodes[n], v);
				free(v);
				if (r < 0)
					goto oom;
				if (!tok_end(ps) && ps->l.t == T_COMMA) {
					if (lex(&ps->l) < 0)
						goto fail;
					continue;
				}
				if (!tok_end(ps) && ps->l.t == T_RP)
					break;
				perr(ps, "expected ',' or ')', found %s", tok_desc(ps));
				goto fail;
			}
			if (lex(&ps->l) < 0)
				goto fail;
			return n;
		}
		if (tok_end(ps) || ps->l.t != T_OP) {
			lex_fail(&ps->l, line, col, "unknown condition '%s'", w);
			goto fail;
		}
		const char *op = ps->l.text.p;
		if (!strcmp(op, "~") || !strcmp(op, "!~")) {
			bool neg = op[0] == '!';
			if (lex(&ps->l) < 0)
				goto fail;
			if (tok_end(ps) || (ps->l.t != T_REGEX && ps->l.t != T_STRING)) {
				perr(ps, "expected a regular expression, found %s", tok_desc(ps));
				goto fail;
			}
			if ((n = new_node(rs, N_RE)) < 0)
				goto oom;
			rs->nodes[n].path = w;
			w = NULL;
			rs->nodes[n].negate = neg;
			if (!(rs->nodes[n].str = strdup(ps->l.text.p)))
				goto oom;
			if (compile_re(ps, &rs->nodes[n], ps->l.text.p,
			               ps->l.t == T_REGEX ? ps->l.flags : "", ps->l.tline,
			               ps->l.tcol) < 0)
				goto fail;
			if (lex(&ps->l) < 0)
				goto fail;
			return n;
		}
		if ((n = new_node(rs, N_CMP)) < 0)
			goto oom;
		struct node *nd = &rs->nodes[n];
		nd->path = w;
		w = NULL;
		nd->op = op[0] == '=' ? OP_EQ : op[0] == '!' ? OP_NE :
		         op[0] == '<' ? (op[1] ? OP_LE : OP_LT) : (op[1] ? OP_GE : OP_GT);
		bool ordered = nd->op != OP_EQ && nd->op != OP_NE;
		if (lex(&ps->l) < 0)
			goto fail;
		bool quoted = !tok_end(ps) && ps->l.t == T_STRING;
		unsigned vl = ps->l.tline, vc = ps->l.tcol;
		if (parse_value(ps, NULL, &rs->nodes[n].str) < 0)
			goto fail;
		nd = &rs->nodes[n];
		char *endp;
		errno = 0;
		nd->num = strtod(nd->str, &endp);
		nd->is_num = !quoted && *nd->str && !*endp && errno == 0 && isfinite(nd->num);
		if (ordered && !nd->is_num) {
			lex_fail(&ps->l, vl, vc, "expected a number, found %s", nd->str);
			goto fail;
		}
		return n;
	}
	free(w);
	return n;
oom:
	cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
fail:
	free(w);
	return -1;
}

static int push_kid(struct node *n, int kid)
{
	if (n->nkids == n->kidcap) {
		size_t cap = n->kidcap ? 2 * n->kidcap : 4;
		int *k = realloc(n->kids, cap * sizeof *k);
		if (!k)
			return -1;
		n->kids = k;
		n->kidcap = cap;
	}
	n->kids[n->nkids++] = kid;
	return 0;
}

/* One level of a chain "x WORD y WORD z", made one node with the operands
 * in order: `and` binds atoms, `or` binds and-chains. */
static int parse_chain(struct parser *ps, const char *word, int type,
                       int (*operand)(struct parser *))
{
	int a = operand(ps);
	if (a < 0 || !is_word(ps, word))
		return a;
	int n = new_node(ps->rs, type);
	if (n < 0 || push_kid(&ps->rs->nodes[n], a) < 0)
		return cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
	while (is_word(ps, word)) {
		if (lex(&ps->l) < 0)
			return -1;
		int b = operand(ps);
		if (b < 0)
			return -1;
		/* operand() may have moved the node array */
		if (push_kid(&ps->rs->nodes[n], b) < 0)
			return cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
	}
	return n;
}

static int parse_and(struct parser *ps)
{
	return parse_chain(ps, "and", N_AND, parse_atom);
}

static int parse_or(struct parser *ps)
{
	return parse_chain(ps, "or", N_OR, parse_and);
}

static const struct rules_action_def *find_def(const rules *rs, const char *w)
{
	for (size_t i = 0; i < rs->ndefs; i++)
		if (!strcmp(rs->defs[i].name, w))
			return &rs->defs[i];
	return NULL;
}

static int parse_rule(struct parser *ps)
{
	rules *rs = ps->rs;
	struct rule r = { { ps->name, ps->l.tline, NULL, 0, false }, -1 };
	/* The first token is at the start of a rule; later ones must not be. */
	for (bool first = true;; first = false) {
		if (!first && tok_end(ps))
			break;
		if (ps->l.t != T_WORD)
			goto bad_action;
		if (!first && (!strcmp(ps->l.text.p, "if") || !strcmp(ps->l.text.p, "unless")))
			break;
		const struct rules_action_def *d = find_def(rs, ps->l.text.p);
		if (!d)
			goto bad_action;
		struct rules_action a = { d->id, NULL };
		char *name = strdup(ps->l.text.p);
		if (!name)
			goto oom;
		if (lex(&ps->l) < 0) {
			free(name);
			goto fail;
		}
		if (d->arg != RULES_ARG_NONE) {
			if (tok_end(ps) || (ps->l.t != T_WORD && ps->l.t != T_STRING) ||
			    (ps->l.t == T_WORD && (!strcmp(ps->l.text.p, "if") ||
			                          !strcmp(ps->l.text.p, "unless")))) {
				char what[300];
				snprintf(what, sizeof what, "%s needs %s, found %%s", name,
				         d->arg == RULES_ARG_STRING ? "a reason" :
				         d->arg == RULES_ARG_CHOICE ? "a level" : "a name");
				free(name);
				perr(ps, what, tok_desc(ps));
				goto fail;
			}
			if (d->arg == RULES_ARG_CHOICE) {
				bool okc = false;
				for (const char *const *c = d->choices; c && *c; c++)
					okc |= !strcmp(*c, ps->l.text.p);
				if (!okc) {
					char what[300] = "";
					for (const char *const *c = d->choices; c && *c; c++)
						snprintf(what + strlen(what), sizeof what - strlen(what),
						         "%s%s", c == d->choices ? "" : ", ", *c);
					char msg[400];
					snprintf(msg, sizeof msg, "%s wants one of %s, found %%s", name, what);
					free(name);
					perr(ps, msg, ps->l.text.p);
					goto fail;
				}
			}
			if (d->arg == RULES_ARG_NAME && ps->l.text.len == 0) {
				free(name);
				perr(ps, "empty name", NULL);
				goto fail;
			}
			if (!(a.arg = strdup(ps->l.text.p))) {
				free(name);
				goto oom;
			}
			if (lex(&ps->l) < 0) {
				free(name);
				free((char *)a.arg);
				goto fail;
			}
		}
		free(name);
		struct rules_action *na = realloc(r.info.actions, (r.info.nactions + 1) * sizeof *na);
		if (!na) {
			free((char *)a.arg);
			goto oom;
		}
		r.info.actions = na;
		na[r.info.nactions++] = a;
	}
	if (!tok_end(ps)) {
		bool unless = !strcmp(ps->l.text.p, "unless");
		if (lex(&ps->l) < 0)
			goto fail;
		r.root = parse_or(ps);
		if (r.root < 0)
			goto fail;
		if (unless) {
			int n = new_node(rs, N_NOT);
			if (n < 0)
				goto oom;
			rs->nodes[n].a = r.root;
			r.root = n;
		}
		r.info.has_cond = true;
		if (!tok_end(ps)) {
			perr(ps, "unexpected '%s' (and, or, or a new rule expected)", ps->l.text.p);
			goto fail;
		}
	}
	if (rs->nrules == rs->rulecap) {
		size_t cap = rs->rulecap ? 2 * rs->rulecap : 32;
		struct rule *nr = realloc(rs->rules, cap * sizeof *nr);
		if (!nr)
			goto oom;
		rs->rules = nr;
		rs->rulecap = cap;
	}
	rs->rules[rs->nrules++] = r;
	return 0;
bad_action:
	if (ps->l.t == T_WORD) {
		char msg[300];
		size_t off = 0;
		for (size_t i = 0; i < rs->ndefs; i++)
			off += (size_t)snprintf(msg + off, off < sizeof msg ? sizeof msg - off : 0,
			                        "%s%s", i ? ", " : "", rs->defs[i].name);
		char full[400];
		snprintf(full, sizeof full, "unknown action '%%s' (expected %s)", msg);
		perr(ps, full, ps->l.text.p);
	} else {
		perr(ps, "expected an action, found %s", tok_desc(ps));
	}
	goto fail;
oom:
	cp_fail(ps->l.e, CP_EX_OSERR, "out of memory");
fail:
	for (size_t i = 0; i < r.info.nactions; i++)
		free((char *)r.info.actions[i].arg);
	free(r.info.actions);
	return -1;
}

rules *rules_new(const struct rules_action_def *defs, size_t ndefs)
{
	rules *rs = calloc(1, sizeof *rs);
	if (rs) {
		rs->defs = defs;
		rs->ndefs = ndefs;
	}
	return rs;
}

int rules_parse(rules *rs, const char *name, const char *text, size_t len, cp_err *e)
{
	char **nn = realloc(rs->names, (rs->nnames + 1) * sizeof *nn);
	if (!nn)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	rs->names = nn;
	cp_buf *nt = realloc(rs->texts, (rs->nnames + 1) * sizeof *nt);
	if (!nt)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	rs->texts = nt;
	nt[rs->nnames] = (cp_buf){0};
	if (buf_add(&nt[rs->nnames], text, len) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	if (!(nn[rs->nnames] = strdup(name))) {
		buf_free(&nt[rs->nnames]);
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	struct parser ps = { rs, { 0 }, nn[rs->nnames++], 0 };
	ps.l.name = ps.name;
	ps.l.s = ps.l.p = text;
	ps.l.end = text + len;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		ps.l.p += 3; /* a byte order mark some editors write */
	ps.l.line = ps.l.col = 1;
	ps.l.e = e;
	rs->compiled = false;
	int rc = lex(&ps.l);
	while (rc == 0 && ps.l.t != T_EOF)
		rc = ps.l.t == T_WORD && !strcmp(ps.l.text.p, "define") ? parse_define(&ps)
		                                                        : parse_rule(&ps);
	buf_free(&ps.l.text);
	return rc < 0 ? -1 : 0;
}

rules *rules_copy(const rules *rs, cp_err *e)
{
	rules *t = rules_new(rs->defs, rs->ndefs);
	if (!t) {
		cp_fail(e, CP_EX_OSERR, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < rs->nnames; i++)
		if (rules_parse(t, rs->names[i], rs->texts[i].p ? rs->texts[i].p : "",
		                rs->texts[i].len, e) < 0)
			goto fail;
	if (rs->compiled && rules_compile(t, e) < 0)
		goto fail;
	return t;
fail:
	rules_free(t);
	return NULL;
}

int rules_load(rules *rs, const char *path, cp_err *e)
{
	cp_buf b = {0};
	if (cfg_read_file(path, &b, e) < 0) {
		buf_free(&b);
		return -1;
	}
	if (memchr(b.p, '\0', b.len)) {
		buf_free(&b);
		return cp_fail(e, CP_EX_CONFIG, "%s: a NUL byte in a rules file", path);
	}
	int r = rules_parse(rs, path, b.p ? b.p : "", b.len, e);
	buf_free(&b);
	return r;
}

/* The keyword atoms at least one of which the condition needs to hold,
 * appended to *set: 1, or 0 when it may hold without any (what it
 * appended then is not to be used), or -1 out of memory.  A phone or
 * card number needs ten digits in the text: the atom natoms stands for
 * them. */
static int needed_atoms(const rules *rs, int ni, int **set, size_t *n, size_t *cap)
{
	const struct node *nd = &rs->nodes[ni];
	int atom = -1, r;
	switch (nd->kind) {
	case N_KW:
		atom = nd->atom;
		break;
	case N_NEAR:
		atom = rs->nodes[nd->a].atom;
		break;
	case N_NUM:
		atom = (int)rs->natoms;
		break;
	case N_AND:
		/* any one operand's */
		for (size_t i = 0; i < nd->nkids; i++) {
			size_t was = *n;
			if ((r = needed_atoms(rs, nd->kids[i], set, n, cap)) != 0)
				return r;
			*n = was;
		}
		return 0;
	case N_OR:
		/* every operand's */
		for (size_t i = 0; i < nd->nkids; i++)
			if ((r = needed_atoms(rs, nd->kids[i], set, n, cap)) <= 0)
				return r;
		return nd->nkids > 0;
	default:
		return 0;
	}
	if (*n == *cap) {
		int *ns = cp_grow(*set, cap, sizeof *ns, 16);
		if (!ns)
			return -1;
		*set = ns;
	}
	(*set)[(*n)++] = atom;
	return 1;
}

int rules_compile(rules *rs, cp_err *e)
{
	tm_ac_free(rs->ac);
	rs->ac = tm_ac_new();
	if (!rs->ac)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	/* First every keyword gets its id; then each id learns its atoms. */
	int *ids = NULL;
	size_t nids = 0;
	for (size_t i = 0; i < rs->nnodes; i++) {
		struct node *n = &rs->nodes[i];
		if (n->kind != N_KW)
			continue;
		for (size_t k = 0; k < n->nvals; k++) {
			int id = tm_ac_add(rs->ac, n->vals[k], strlen(n->vals[k]));
			if (id < 0) {
				free(ids);
				if (id == -2)
					return cp_fail(e, CP_EX_OSERR, "out of memory");
				return cp_fail(e, CP_EX_CONFIG, "keyword \"%s\" is empty", n->vals[k]);
			}
			int *ni = realloc(ids, (nids + 1) * sizeof *ni);
			if (!ni) {
				free(ids);
				return cp_fail(e, CP_EX_OSERR, "out of memory");
			}
			ids = ni;
			ids[nids++] = id;
		}
	}
	rs->nkw = tm_ac_count(rs->ac);
	rs->kw_atoms = calloc(rs->nkw + 1, sizeof *rs->kw_atoms);
	rs->kw_natoms = calloc(rs->nkw + 1, sizeof *rs->kw_natoms);
	if (!rs->kw_atoms || !rs->kw_natoms) {
		free(ids);
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	size_t j = 0;
	for (size_t i = 0; i < rs->nnodes; i++) {
		struct node *n = &rs->nodes[i];
		if (n->kind != N_KW)
			continue;
		for (size_t k = 0; k < n->nvals; k++) {
			int id = ids[j++];
			size_t m = rs->kw_natoms[id];
			if (m && rs->kw_atoms[id][m - 1] == n->atom)
				continue;
			int *na = realloc(rs->kw_atoms[id], (m + 1) * sizeof *na);
			if (!na) {
				free(ids);
				return cp_fail(e, CP_EX_OSERR, "out of memory");
			}
			na[m] = n->atom;
			rs->kw_atoms[id] = na;
			rs->kw_natoms[id] = m + 1;
		}
	}
	free(ids);
	if (tm_ac_build(rs->ac) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	rs->nwords = (rs->nrules + 63) / 64 + 1;
	free(rs->base);
	rs->base = calloc(rs->nwords, sizeof *rs->base);
	rs->atom_rules = calloc(rs->natoms + 1, sizeof *rs->atom_rules);
	rs->atom_nrules = calloc(rs->natoms + 1, sizeof *rs->atom_nrules);
	if (!rs->base || !rs->atom_rules || !rs->atom_nrules)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	/* A rule is tried when one of the atoms it needs was hit (on_hit,
	 * scan), or on every record when it needs none. */
	int *set = NULL;
	size_t nset = 0, setcap = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		nset = 0;
		int root = rs->rules[i].root;
		int needs = root < 0 ? 0 : needed_atoms(rs, root, &set, &nset, &setcap);
		if (needs < 0) {
			free(set);
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
		if (needs == 0) {
			rs->base[i / 64] |= (uint64_t)1 << (i % 64);
			continue;
		}
		for (size_t k = 0; k < nset; k++) {
			int a = set[k];
			size_t m = rs->atom_nrules[a];
			if (m && rs->atom_rules[a][m - 1] == i)
				continue;
			size_t *nr = realloc(rs->atom_rules[a], (m + 1) * sizeof *nr);
			if (!nr) {
				free(set);
				return cp_fail(e, CP_EX_OSERR, "out of memory");
			}
			nr[m] = i;
			rs->atom_nrules[a] = m + 1;
			rs->atom_rules[a] = nr;
		}
	}
	free(set);
	free(rs->atom_near);
	rs->atom_near = calloc(rs->natoms + 1, sizeof *rs->atom_near);
	if (!rs->atom_near)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	for (size_t i = 0; i < rs->nnodes; i++)
		if (rs->nodes[i].kind == N_NEAR) {
			rs->atom_near[rs->nodes[rs->nodes[i].a].atom] = true;
			rs->atom_near[rs->nodes[rs->nodes[i].b].atom] = true;
		}
	rs->compiled = true;
	return 0;
}

bool rules_uses_escalation_model(const rules *rs)
{
	return rs->has_esc;
}

size_t rules_count(const rules *rs)
{
	return rs->nrules;
}

const struct rules_rule *rules_get(const rules *rs, size_t i)
{
	return i < rs->nrules ? &rs->rules[i].info : NULL;
}

size_t rules_keyword_count(const rules *rs)
{
	return rs->nkw;
}

void rules_free(rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nnodes; i++) {
		struct node *n = &rs->nodes[i];
		free(n->path);
		free(n->str);
		for (size_t k = 0; k < n->nvals; k++)
			free(n->vals[k]);
		free(n->vals);
		free(n->kids);
		if (n->re)
			onig_free(n->re);
		jqx_free(n->jq);
	}
	free(rs->nodes);
	for (size_t i = 0; i < rs->nrules; i++) {
		for (size_t k = 0; k < rs->rules[i].info.nactions; k++)
			free((char *)rs->rules[i].info.actions[k].arg);
		free(rs->rules[i].info.actions);
	}
	free(rs->rules);
	for (size_t i = 0; i < rs->nnames; i++) {
		free(rs->names[i]);
		buf_free(&rs->texts[i]);
	}
	free(rs->names);
	free(rs->texts);
	for (size_t i = 0; i < rs->nlists; i++) {
		for (size_t k = 0; k < rs->lists[i].nvals; k++)
			free(rs->lists[i].vals[k]);
		free(rs->lists[i].vals);
		free(rs->lists[i].name);
	}
	free(rs->lists);
	free(rs->atom_near);
	for (size_t i = 0; i < rs->nkw && rs->kw_atoms; i++)
		free(rs->kw_atoms[i]);
	free(rs->kw_atoms);
	free(rs->kw_natoms);
	for (size_t i = 0; i <= rs->natoms && rs->atom_rules; i++)
		free(rs->atom_rules[i]);
	free(rs->atom_rules);
	free(rs->atom_nrules);
	free(rs->base);
	tm_ac_free(rs->ac);
	free(rs);
}

/* ------------------------------------------------------------- evaluation */

struct evidence {
	bool span;
	size_t start, end;     /* original byte offsets */
	int node;
};

struct rules_ctx {
	const rules *rs;
	const cp_rec *r;
	const char *text;
	size_t textlen;
	tm_norm norm;
	tm_scratch scratch;
	/* keyword atoms hit in this record */
	unsigned gen;
	unsigned *atom_gen;
	size_t *atom_start, *atom_end;   /* normalised offsets of the first hit */
	uint64_t *cand;                  /* bitmap of the rules to try */
	/* every hit of the atoms near uses: {atom, start, end} */
	struct hit { int atom; uint32_t start, end; } *hits;
	size_t nhits, hitcap;
	uint32_t *wordpos;               /* wordpos[i]: words starting before byte i */
	size_t wordcap;
	bool have_words;
	uint32_t *near_b;                /* scratch: one list's hit starts, sorted */
	size_t near_cap;
	bool scanned;                    /* the keyword scan ran on this record */
	bool oom;                        /* the scan ran out of memory */
	bool have_nums;                  /* the number detectors ran on this record */
	bool have_esc;                   /* the caller gave the escalation model's view */
	double esc[EM_CLASSES];
	unsigned nums;
	size_t numspan[2][2];
	/* tags: offsets into tagbuf, NUL-separated */
	cp_buf tagbuf;
	size_t *tagoff;
	size_t ntags, tagcap;
	/* caller variables */
	struct var { char *name; cp_buf json; } *vars;
	size_t nvars, varcap;
	/* the record as jq sees it, parsed once when a jq condition needs it */
	jv record;
	bool have_record;
	cp_buf tmp;
	OnigRegion *region;
	struct evidence *ev;
	size_t nev, evcap;
};

rules_ctx *rules_ctx_new(const rules *rs)
{
	rules_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->rs = rs;
	c->atom_gen = calloc(rs->natoms + 1, sizeof *c->atom_gen);
	c->atom_start = calloc(rs->natoms + 1, sizeof *c->atom_start);
	c->atom_end = calloc(rs->natoms + 1, sizeof *c->atom_end);
	c->region = onig_region_new();
	c->cand = calloc(rs->nwords + 1, sizeof *c->cand);
	if (!c->atom_gen || !c->atom_start || !c->atom_end || !c->region || !c->cand) {
		rules_ctx_free(c);
		return NULL;
	}
	return c;
}

void rules_ctx_free(rules_ctx *c)
{
	if (!c)
		return;
	free(c->atom_gen);
	free(c->atom_start);
	free(c->atom_end);
	free(c->cand);
	free(c->hits);
	free(c->wordpos);
	free(c->near_b);
	tm_norm_free(&c->norm);
	tm_scratch_free(&c->scratch);
	buf_free(&c->tagbuf);
	free(c->tagoff);
	for (size_t i = 0; i < c->varcap; i++) {
		free(c->vars[i].name);
		buf_free(&c->vars[i].json);
	}
	free(c->vars);
	if (c->have_record)
		jv_free(c->record);
	buf_free(&c->tmp);
	if (c->region)
		onig_region_free(c->region, 1);
	free(c->ev);
	free(c);
}

static int on_hit(void *v, int id, size_t start, size_t end)
{
	rules_ctx *c = v;
	const rules *rs = c->rs;
	for (size_t i = 0; i < rs->kw_natoms[id]; i++) {
		int a = rs->kw_atoms[id][i];
		if (rs->atom_near[a]) {
			if (c->nhits == c->hitcap) {
				size_t cap = c->hitcap ? 2 * c->hitcap : 64;
				struct hit *h = realloc(c->hits, cap * sizeof *h);
				if (!h)
					return c->oom = true, 1;
				c->hits = h;
				c->hitcap = cap;
			}
			c->hits[c->nhits++] = (struct hit){ a, (uint32_t)start, (uint32_t)end };
		}
		if (c->atom_gen[a] != c->gen) {
			c->atom_gen[a] = c->gen;
			c->atom_start[a] = start;
			c->atom_end[a] = end;
			for (size_t k = 0; k < rs->atom_nrules[a]; k++) {
				size_t r = rs->atom_rules[a][k];
				c->cand[r / 64] |= (uint64_t)1 << (r % 64);
			}
		}
	}
	return 0;
}

int rules_add_tag(rules_ctx *c, const char *tag)
{
	if (rules_has_tag(c, tag))
		return 0;
	if (c->ntags == c->tagcap) {
		size_t cap = c->tagcap ? 2 * c->tagcap : 16;
		size_t *n = realloc(c->tagoff, cap * sizeof *n);
		if (!n)
			return -1;
		c->tagoff = n;
		c->tagcap = cap;
	}
	c->tagoff[c->ntags++] = c->tagbuf.len;
	return buf_add(&c->tagbuf, tag, strlen(tag) + 1);
}

bool rules_has_tag(const rules_ctx *c, const char *tag)
{
	for (size_t i = 0; i < c->ntags; i++)
		if (!strcmp(c->tagbuf.p + c->tagoff[i], tag))
			return true;
	return false;
}

void rules_set_escalation(rules_ctx *c, const double p[EM_CLASSES])
{
	memcpy(c->esc, p, sizeof c->esc);
	c->have_esc = true;
}

int rules_begin(rules_ctx *c, const cp_rec *r, const char *text, size_t len)
{
	c->r = r;
	c->text = text;
	c->textlen = len;
	c->nvars = 0;
	c->ntags = 0;
	c->nev = 0;
	c->nhits = 0;
	c->have_words = c->have_nums = c->oom = c->have_esc = false;
	buf_reset(&c->tagbuf);
	if (c->have_record) {
		jv_free(c->record);
		c->have_record = false;
	}
	cp_val tags = rec_val(r, "tags");
	if (tags.type == VAL_ARRAY) {
		size_t pos = 0;
		cp_val k, el;
		while (val_next(tags, &pos, &k, &el)) {
			if (el.type != VAL_STRING)
				continue;
			buf_reset(&c->tmp);
			if (val_str(el, &c->tmp) < 0 || rules_add_tag(c, c->tmp.p) < 0)
				return -1;
		}
	}
	if (++c->gen == 0) {
		memset(c->atom_gen, 0, (c->rs->natoms + 1) * sizeof *c->atom_gen);
		c->gen = 1;
	}
	if (c->rs->base)
		memcpy(c->cand, c->rs->base, c->rs->nwords * sizeof *c->cand);
	/* The keyword scan waits for the first rule that needs it: a record
	 * an earlier rule stops ("stop if direction = out") never pays for it. */
	c->scanned = c->rs->nkw == 0 && !c->rs->has_num;
	return 0;
}

/* Normalise the text and find every keyword in it, once per record. */
static int scan(rules_ctx *c)
{
	if (c->scanned)
		return c->oom ? -1 : 0;
	c->scanned = true;
	/* Keywords are looked for in the first MiB of a text: a post is never
	 * longer, and normalising costs memory in proportion. */
	size_t len = c->textlen > RULES_KEYWORD_SPAN ? RULES_KEYWORD_SPAN : c->textlen;
	/* without the map back to the original: add_norm_ev makes it when
	 * evidence is asked for */
	if (tm_normalize_text(&c->norm, c->text, len) < 0)
		return c->oom = true, -1;
	const rules *rs = c->rs;
	if (rs->has_num && rs->atom_nrules[rs->natoms]) {
		/* the rules with a phone or card number: ten digits at least */
		for (size_t k = 0; c->norm.digits >= 10 && k < rs->atom_nrules[rs->natoms]; k++) {
			size_t r = rs->atom_rules[rs->natoms][k];
			c->cand[r / 64] |= (uint64_t)1 << (r % 64);
		}
	}
	if (c->rs->nkw && tm_ac_scan(c->rs->ac, &c->norm, &c->scratch, on_hit, c) < 0)
		c->oom = true;
	return c->oom ? -1 : 0;
}

/* Is var i named name?  The first bytes compared before strcmp's call:
 * the few names mostly differ there, and every field test asks. */
static bool var_is(const rules_ctx *c, size_t i, const char *name)
{
	return c->vars[i].name[0] == name[0] && !strcmp(c->vars[i].name, name);
}

/* scan, called by every keyword and number test of every rule: only the
 * first call of a record is not answered here. */
static inline int scanned(rules_ctx *c)
{
	if (c->scanned)
		return c->oom ? -1 : 0;
	return scan(c);
}

int rules_set_var(rules_ctx *c, const char *name, const char *json)
{
	struct var *v = NULL;
	for (size_t i = 0; i < c->nvars; i++)
		if (var_is(c, i, name))
			v = &c->vars[i];
	if (!v) {
		if (c->nvars == c->varcap) {
			size_t cap = c->varcap ? 2 * c->varcap : 8;
			struct var *nv = realloc(c->vars, cap * sizeof *nv);
			if (!nv)
				return -1;
			memset(nv + c->varcap, 0, (cap - c->varcap) * sizeof *nv);
			c->vars = nv;
			c->varcap = cap;
		}
		v = &c->vars[c->nvars];
		if (!v->name || strcmp(v->name, name)) {
			free(v->name);
			if (!(v->name = strdup(name)))
				return -1;
		}
		c->nvars++;
	}
	buf_reset(&v->json);
	return buf_adds(&v->json, json) < 0 || !buf_cstr(&v->json) ? -1 : 0;
}

static cp_val lookup(rules_ctx *c, const char *path)
{
	for (size_t i = 0; i < c->nvars; i++)
		if (var_is(c, i, path)) {
			cp_val v = { c->vars[i].json.p, c->vars[i].json.len, VAL_NUMBER };
			switch (v.p[0]) {
			case '"': v.type = VAL_STRING; break;
			case 't': v.type = VAL_TRUE; break;
			case 'f': v.type = VAL_FALSE; break;
			case 'n': v.type = VAL_NULL; break;
			case '[': v.type = VAL_ARRAY; break;
			case '{': v.type = VAL_OBJECT; break;
			}
			return v;
		}
	if (!strcmp(path, "text") && c->text) {
		/* The text itself, unescaped: the caller's view. */
		cp_val v = { NULL, 0, VAL_NONE };
		return v;
	}
	return rec_path(c->r, path);
}

/* The string value of a field, unescaped; NULL when it is not a string. */
static const char *field_str(rules_ctx *c, const char *path, size_t *n)
{
	if (!strcmp(path, "text")) {
		bool var = false;
		for (size_t i = 0; i < c->nvars; i++)
			var |= var_is(c, i, "text");
		if (!var) {
			*n = c->textlen;
			return c->text;
		}
	}
	cp_val v = lookup(c, path);
	if (v.type != VAL_STRING)
		return NULL;
	const char *raw = val_rawstr(v, n);
	if (raw)
		return raw;
	buf_reset(&c->tmp);
	if (val_str(v, &c->tmp) < 0)
		return NULL;
	*n = c->tmp.len;
	return c->tmp.p;
}

static int add_ev(rules_ctx *c, bool span, size_t start, size_t end, int node)
{
	if (c->nev == c->evcap) {
		size_t cap = c->evcap ? 2 * c->evcap : 8;
		struct evidence *n = realloc(c->ev, cap * sizeof *n);
		if (!n)
			return -1;
		c->ev = n;
		c->evcap = cap;
	}
	c->ev[c->nev++] = (struct evidence){ span, start, end, node };
	return 0;
}

static int cmp_num(int op, double a, double b)
{
	switch (op) {
	case OP_EQ: return a == b;
	case OP_NE: return a != b;
	case OP_LT: return a < b;
	case OP_LE: return a <= b;
	case OP_GT: return a > b;
	default: return a >= b;
	}
}

/* Words that start before each byte of the normalised text: a word is a
 * run of letters and digits, or one ideograph. */
static int count_words(rules_ctx *c)
{
	const char *t = c->norm.text.p;
	size_t n = c->norm.text.len;
	if (c->wordcap < n + 1) {
		uint32_t *w = realloc(c->wordpos, (n + 1) * sizeof *w);
		if (!w)
			return -1;
		c->wordpos = w;
		c->wordcap = n + 1;
	}
	uint32_t k = 0;
	bool in = false;
	for (size_t i = 0; i < n;) {
		size_t l = 1;
		int cl = (unsigned char)t[i] < 0x80 ? tm_class((unsigned char)t[i])
		                                     : tm_class(tm_decode(t + i, n - i, &l));
		c->wordpos[i] = k;
		bool starts = (cl == TM_WORD && !in) || cl == TM_CJK;
		if (starts)
			k++;
		in = cl == TM_WORD || (in && cl == TM_MARK);
		for (size_t j = 1; j < l; j++)
			c->wordpos[i + j] = k;
		i += l;
	}
	c->wordpos[n] = k;
	c->have_words = true;
	return 0;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* Is there a hit of atom `to` that starts at or after some hit of atom
 * `from` ends, with at most `gap` words between them?  *s and *e get the
 * pair's extent. */
static int near_after(rules_ctx *c, int from, int to, uint32_t gap, size_t *s, size_t *e)
{
	size_t nb = 0;
	for (size_t i = 0; i < c->nhits; i++)
		if (c->hits[i].atom == to) {
			if (nb == c->near_cap) {
				size_t cap = c->near_cap ? 2 * c->near_cap : 64;
				uint32_t *b = realloc(c->near_b, cap * sizeof *b);
				if (!b)
					return -1;
				c->near_b = b;
				c->near_cap = cap;
			}
			c->near_b[nb++] = c->hits[i].start;
		}
	qsort(c->near_b, nb, sizeof *c->near_b, cmp_u32);
	for (size_t i = 0; i < c->nhits; i++) {
		const struct hit *h = &c->hits[i];
		if (h->atom != from)
			continue;
		/* the first `to` hit starting at or after h's end */
		size_t lo = 0, hi = nb;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (c->near_b[mid] < h->end)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nb && c->wordpos[c->near_b[lo]] - c->wordpos[h->end] <= gap) {
			*s = h->start;
			uint32_t bs = c->near_b[lo];
			*e = bs;
			for (size_t k = 0; k < c->nhits; k++)
				if (c->hits[k].atom == to && c->hits[k].start == bs && c->hits[k].end > *e)
					*e = c->hits[k].end;
			return 1;
		}
	}
	return 0;
}

/* Evidence for a span [s, e) of the normalised text, in the original. */
static void add_norm_ev(rules_ctx *c, size_t s, size_t e, int node)
{
	/* scan's text again, now with its map (the same bytes); out of
	 * memory, the evidence is left out as add_ev leaves it */
	size_t len = c->textlen > RULES_KEYWORD_SPAN ? RULES_KEYWORD_SPAN : c->textlen;
	if (!c->norm.mapped && tm_normalize(&c->norm, c->text, len) < 0)
		return;
	const uint32_t *src = c->norm.src;
	size_t a = src[s], last = src[e - 1], l;
	tm_decode(c->text + last, c->textlen - last, &l);
	add_ev(c, true, a, last + l, node);
}

/* Does node ni not hold, as its parent can tell without evaluating it: a
 * keyword or near test of keywords the record lacks (most alternatives of
 * the long lists of near tests).  A scan that failed is left to eval to
 * report. */
static inline bool lacks(rules_ctx *c, int ni)
{
	const struct node *n = &c->rs->nodes[ni];
	if (n->kind == N_KW)
		return scanned(c) == 0 && c->atom_gen[n->atom] != c->gen;
	if (n->kind == N_NEAR)
		return scanned(c) == 0 && (c->atom_gen[c->rs->nodes[n->a].atom] != c->gen ||
		                           c->atom_gen[c->rs->nodes[n->b].atom] != c->gen);
	return false;
}

static int eval(rules_ctx *c, int ni, bool collect, cp_err *e)
{
	const struct node *n = &c->rs->nodes[ni];
	switch (n->kind) {
	case N_TRUE:
		return 1;
	case N_FALSE:
		return 0;
	case N_AND:
		for (size_t i = 0; i < n->nkids; i++) {
			if (lacks(c, n->kids[i]))
				return 0;
			int a = eval(c, n->kids[i], collect, e);
			if (a <= 0)
				return a;
		}
		return 1;
	case N_OR:
		for (size_t i = 0; i < n->nkids; i++) {
			if (lacks(c, n->kids[i]))
				continue;
			int a = eval(c, n->kids[i], collect, e);
			if (a != 0)
				return a;
		}
		return 0;
	case N_NOT: {
		int a = eval(c, n->a, false, e);
		return a < 0 ? a : !a;
	}
	case N_KW:
		if (scanned(c) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (c->atom_gen[n->atom] != c->gen)
			return 0;
		if (collect)
			add_norm_ev(c, c->atom_start[n->atom], c->atom_end[n->atom], ni);
		return 1;
	case N_NEAR: {
		int a = c->rs->nodes[n->a].atom, b = c->rs->nodes[n->b].atom;
		if (scanned(c) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (c->atom_gen[a] != c->gen || c->atom_gen[b] != c->gen)
			return 0;
		if (!c->have_words && count_words(c) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		size_t s = 0, en = 0;
		int r = near_after(c, a, b, (uint32_t)n->num, &s, &en);
		if (r == 0)
			r = near_after(c, b, a, (uint32_t)n->num, &s, &en);
		if (r < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (r && collect)
			add_norm_ev(c, s, en, ni);
		return r;
	}
	case N_NUM:
		if (scanned(c) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (!c->have_nums) {
			c->nums = c->norm.text.p ? tm_numbers(&c->norm, c->numspan) : 0;
			c->have_nums = true;
		}
		if (!(c->nums & (unsigned)n->op))
			return 0;
		if (collect) {
			int k = n->op == TM_NUM_PHONE ? 0 : 1;
			add_norm_ev(c, c->numspan[k][0], c->numspan[k][1], ni);
		}
		return 1;
	case N_RE: {
		size_t len;
		const char *s = field_str(c, n->path, &len);
		if (!s)
			return n->negate;
		const UChar *us = (const UChar *)s;
		int r = onig_search(n->re, us, us + len, us, us + len, c->region, ONIG_OPTION_NONE);
		bool hit = r >= 0;
		if (hit && collect && !n->negate && !strcmp(n->path, "text"))
			add_ev(c, true, (size_t)c->region->beg[0], (size_t)c->region->end[0], ni);
		else if (hit != n->negate && collect)
			add_ev(c, false, 0, 0, ni);
		return hit != n->negate;
	}
	case N_CMP: {
		cp_val v = lookup(c, n->path);
		int r;
		if (!strcmp(n->path, "text") && c->text) {
			r = (c->textlen == strlen(n->str) && !memcmp(c->text, n->str, c->textlen)) ==
			    (n->op == OP_EQ);
		} else if (v.type == VAL_NUMBER && n->is_num) {
			double d;
			r = val_num(v, &d) == 0 && cmp_num(n->op, d, n->num);
		} else if (v.type == VAL_STRING && (n->op == OP_EQ || n->op == OP_NE)) {
			size_t len;
			const char *s = field_str(c, n->path, &len);
			bool eq = s && len == strlen(n->str) && !memcmp(s, n->str, len);
			r = eq == (n->op == OP_EQ);
		} else if ((v.type == VAL_TRUE || v.type == VAL_FALSE || v.type == VAL_NULL) &&
		           (n->op == OP_EQ || n->op == OP_NE)) {
			bool eq = (v.type == VAL_TRUE && !strcmp(n->str, "true")) ||
			          (v.type == VAL_FALSE && !strcmp(n->str, "false")) ||
			          (v.type == VAL_NULL && !strcmp(n->str, "null"));
			r = eq == (n->op == OP_EQ);
		} else {
			r = n->op == OP_NE;
		}
		if (r && collect)
			add_ev(c, false, 0, 0, ni);
		return r;
	}
	case N_IN: {
		size_t len;
		const char *s = field_str(c, n->path, &len);
		cp_val v = lookup(c, n->path);
		double d = 0;
		bool isnum = v.type == VAL_NUMBER && val_num(v, &d) == 0;
		for (size_t i = 0; i < n->nvals; i++) {
			bool eq;
			if (isnum) {
				char *end;
				double x = strtod(n->vals[i], &end);
				eq = !*end && x == d;
			} else {
				eq = s && len == strlen(n->vals[i]) && !memcmp(s, n->vals[i], len);
			}
			if (eq) {
				if (collect)
					add_ev(c, false, 0, 0, ni);
				return 1;
			}
		}
		return 0;
	}
	case N_TAG: {
		int r = rules_has_tag(c, n->str);
		if (r && collect)
			add_ev(c, false, 0, 0, ni);
		return r;
	}
	case N_ESC: {
		if (!c->have_esc || 1 - c->esc[EM_NONE] < n->num)
			return 0;
		int best = EM_PRIVACY;
		for (int k = EM_PRIVACY + 1; k < EM_CLASSES; k++)
			if (c->esc[k] > c->esc[best])
				best = k;
		int r = n->op == EM_NONE || n->op == best;
		if (r && collect)
			add_ev(c, false, 0, 0, ni);
		return r;
	}
	case N_JQ: {
		if (!c->have_record) {
			c->record = rec_to_jv(c->r);
			c->have_record = true;
		}
		int r = jqx_test(n->jq, jv_copy(c->record), e);
		if (r > 0 && collect)
			add_ev(c, false, 0, 0, ni);
		return r;
	}
	}
	return 0;
}

static size_t next_cand(const rules_ctx *c, size_t i)
{
	const rules *rs = c->rs;
	while (i < rs->nrules) {
		uint64_t w = c->cand[i / 64] >> (i % 64);
		if (w)
			return i + (size_t)__builtin_ctzll(w);
		i = (i / 64 + 1) * 64;
	}
	return rs->nrules;
}

size_t rules_next(rules_ctx *c, size_t i)
{
	size_t j = next_cand(c, i);
	/* Rules before j need keywords: find them now.  When that runs out
	 * of memory rule i is tried, and its test says so. */
	if (j > i && i < c->rs->nrules && !c->scanned)
		return scan(c) < 0 ? i : next_cand(c, i);
	return j;
}

int rules_test(rules_ctx *c, size_t i, bool explain, cp_err *e)
{
	const struct rule *r = &c->rs->rules[i];
	c->nev = 0;
	if (r->root < 0)
		return 1;
	int v = eval(c, r->root, explain, e);
	if (v <= 0)
		c->nev = 0;
	return v;
}

static size_t cp_count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

static int describe(const rules *rs, int ni, cp_buf *out);

int rules_explain(const rules_ctx *c, cp_buf *out)
{
	buf_addc(out, '[');
	for (size_t i = 0; i < c->nev; i++) {
		const struct evidence *ev = &c->ev[i];
		if (i)
			buf_addc(out, ',');
		if (ev->span) {
			size_t a = cp_count(c->text, ev->start);
			size_t b = a + cp_count(c->text + ev->start, ev->end - ev->start);
			buf_adds(out, "{\"match\":");
			buf_json_str(out, c->text + ev->start, ev->end - ev->start);
			buf_addf(out, ",\"span\":[%zu,%zu]}", a, b);
		} else {
			cp_buf d = {0};
			describe(c->rs, ev->node, &d);
			buf_adds(out, "{\"test\":");
			buf_json_str(out, d.p ? d.p : "", d.len);
			buf_addc(out, '}');
			buf_free(&d);
		}
	}
	return buf_addc(out, ']');
}

static const char *op_name(int op)
{
	static const char *const names[] = { "=", "!=", "<", "<=", ">", ">=" };
	return names[op];
}

static int describe(const rules *rs, int ni, cp_buf *out)
{
	const struct node *n = &rs->nodes[ni];
	switch (n->kind) {
	case N_RE:
		return buf_addf(out, "%s %s /%s/%s", n->path, n->negate ? "!~" : "~", n->str, n->flags);
	case N_CMP:
		return buf_addf(out, "%s %s %s", n->path, op_name(n->op), n->str);
	case N_IN:
		buf_addf(out, "%s in (", n->path);
		for (size_t i = 0; i < n->nvals; i++)
			buf_addf(out, "%s%s", i ? ", " : "", n->vals[i]);
		return buf_addc(out, ')');
	case N_TAG:
		return buf_addf(out, "has-tag %s", n->str);
	case N_ESC:
		return buf_addf(out, "escalation-model %s >= %g",
		                n->op == EM_NONE ? "any" : em_class_names[n->op], n->num);
	case N_JQ:
		return buf_addf(out, "jq %s", n->str);
	}
	return buf_adds(out, "true");
}

/* --------------------------------------------------------------- to jq */

static void jq_str(cp_buf *out, const char *s)
{
	buf_json_str(out, s, strlen(s));
}

static void jq_path(cp_buf *out, const char *path)
{
	buf_addc(out, '.');
	for (const char *p = path; *p; p++) {
		if (*p == '.') {
			buf_addc(out, '.');
			continue;
		}
		const char *q = p;
		bool digits = true;
		while (*q && *q != '.')
			digits &= isdigit((unsigned char)*q++) != 0;
		if (digits)
			buf_addf(out, "[%.*s]", (int)(q - p), p);
		else
			buf_addf(out, "%.*s", (int)(q - p), p);
		p = q - 1;
	}
}

/* A keyword list as a regular expression group, for jq's test(). */
static void jq_alternation(const struct node *n, cp_buf *out)
{
	buf_adds(out, "\\b(?:");
	for (size_t i = 0; i < n->nvals; i++) {
		const char *k = n->vals[i];
		size_t l = strlen(k);
		bool os = l && k[0] == '*', oe = l > 1 && k[l - 1] == '*';
		if (i)
			buf_addc(out, '|');
		if (os)
			buf_adds(out, "\\w*");
		for (size_t j = os; j < l - oe; j++) {
			if (strchr("\\^$.|?*+()[]{}", k[j]))
				buf_addc(out, '\\');
			if (k[j] == ' ')
				buf_adds(out, "\\s+");
			else
				buf_addc(out, k[j]);
		}
		if (oe)
			buf_adds(out, "\\w*");
	}
	buf_adds(out, ")\\b");
}

static void jq_cond(const rules *rs, int ni, cp_buf *out)
{
	const struct node *n = &rs->nodes[ni];
	switch (n->kind) {
	case N_TRUE: buf_adds(out, "true"); return;
	case N_FALSE: buf_adds(out, "false"); return;
	case N_AND: case N_OR:
		buf_addc(out, '(');
		for (size_t i = 0; i < n->nkids; i++) {
			if (i)
				buf_adds(out, n->kind == N_AND ? " and " : " or ");
			jq_cond(rs, n->kids[i], out);
		}
		buf_addc(out, ')');
		return;
	case N_NOT:
		buf_addc(out, '(');
		jq_cond(rs, n->a, out);
		buf_adds(out, " | not)");
		return;
	case N_KW: {
		/* Substrings of the lowercased text: jq's fastest equivalent
		 * (test() compiles its regex again for every record). */
		buf_adds(out, "(.text | ascii_downcase | ");
		for (size_t i = 0; i < n->nvals; i++) {
			const char *k = n->vals[i];
			size_t l = strlen(k);
			bool os = l && k[0] == '*', oe = l > 1 && k[l - 1] == '*';
			cp_buf low = {0};
			for (size_t j = os; j < l - oe; j++)
				buf_addc(&low, (char)tolower((unsigned char)k[j]));
			buf_adds(out, i ? " or contains(" : "contains(");
			buf_json_str(out, low.p ? low.p : "", low.len);
			buf_addc(out, ')');
			buf_free(&low);
		}
		buf_addc(out, ')');
		return;
	}
	case N_RE:
		buf_addc(out, '(');
		jq_path(out, n->path);
		buf_adds(out, " | if type == \"string\" then test(");
		jq_str(out, n->str);
		buf_adds(out, "; ");
		jq_str(out, n->flags);
		buf_addf(out, ")%s else %s end)", n->negate ? " | not" : "",
		         n->negate ? "true" : "false");
		return;
	case N_CMP:
		buf_addc(out, '(');
		jq_path(out, n->path);
		buf_addf(out, " %s ", n->op == OP_EQ ? "==" : op_name(n->op));
		if (n->is_num)
			buf_adds(out, n->str);
		else
			jq_str(out, n->str);
		buf_addc(out, ')');
		return;
	case N_IN:
		buf_addc(out, '(');
		jq_path(out, n->path);
		buf_adds(out, " as $v | [");
		for (size_t i = 0; i < n->nvals; i++) {
			if (i)
				buf_addc(out, ',');
			jq_str(out, n->vals[i]);
		}
		buf_adds(out, "] | index([$v]) != null)");
		return;
	case N_TAG:
		buf_adds(out, "((.tags // []) | index([");
		jq_str(out, n->str);
		buf_adds(out, "]) != null)");
		return;
	case N_JQ:
		buf_addf(out, "(%s)", n->str);
		return;
	case N_NEAR: {
		/* A regular expression for either order: jq has no word index. */
		cp_buf a = {0}, b = {0}, re = {0};
		jq_alternation(&rs->nodes[n->a], &a);
		jq_alternation(&rs->nodes[n->b], &b);
		if (!buf_cstr(&a) || !buf_cstr(&b)) {
			buf_free(&a);
			buf_free(&b);
			return;
		}
		int gap = (int)n->num;
		buf_addf(&re, "%s\\W+(?:\\w+\\W+){0,%d}%s|%s\\W+(?:\\w+\\W+){0,%d}%s", a.p, gap,
		         b.p, b.p, gap, a.p);
		buf_adds(out, "(.text | test(");
		jq_str(out, buf_cstr(&re) ? re.p : "");
		buf_adds(out, "; \"i\"))");
		buf_free(&a);
		buf_free(&b);
		buf_free(&re);
		return;
	}
	case N_NUM:
		/* Without the Luhn check and the introducing words. */
		buf_adds(out, n->op == TM_NUM_PHONE
		         ? "(.text | test(\"(?<![\\\\w@#/$.,:-])\\\\+?\\\\d(?:[ .()-]{0,2}\\\\d){9,16}(?![\\\\w])\"))"
		         : "(.text | test(\"(?<![\\\\w@#/$.,:-])\\\\d(?:[ -]?\\\\d){12,18}(?![\\\\w])\"))");
		return;
	case N_ESC:
		/* jq has no model: the condition never holds there. */
		buf_adds(out, "false");
		return;
	}
}

int rules_to_jq(const rules *rs, cp_buf *out, const struct rules_jq *jq)
{
	/* Each condition is a function of its own: jq 1.6 refuses to compile
	 * a function of 64 KB of code or more, which the conditions of a rule
	 * set as large as consumer.rules reach together in one body. */
	for (size_t i = 0; i < rs->nrules; i++) {
		if (rs->rules[i].root < 0)
			continue;
		buf_addf(out, "def rule_%zu: ", i + 1);
		jq_cond(rs, rs->rules[i].root, out);
		buf_adds(out, ";\n");
	}
	size_t closers = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		bool stop = false, exclude = false;
		for (size_t k = 0; k < r->info.nactions; k++) {
			enum rules_flow f = jq->flow(&r->info.actions[k]);
			stop |= f == RULES_FLOW_STOP;
			exclude |= f == RULES_FLOW_EXCLUDE;
		}
		if (r->root < 0)
			buf_adds(out, "if true then ");
		else
			buf_addf(out, "if rule_%zu then ", i + 1);
		if (exclude) {
			buf_adds(out, "empty");
		} else {
			buf_addc(out, '.');
			for (size_t k = 0; k < r->info.nactions; k++)
				jq->write(&r->info.actions[k], out);
		}
		if (stop && !exclude) {
			buf_adds(out, " | ");
			buf_adds(out, jq->finish);
		}
		if (stop || exclude) {
			buf_adds(out, " else\n");
			closers++;
		} else {
			buf_adds(out, " else . end |\n");
		}
	}
	buf_adds(out, jq->finish);
	for (size_t i = 0; i < closers; i++)
		buf_adds(out, " end");
	return buf_adds(out, "\n");
}
