/*
 * config.h - carepipe.conf(5): the live sources of fetch-mentions, the
 * accounts reply posts from, and the channels notify sends through.
 *
 * The file is INI-like: one section per source, "[NAME]", or per channel,
 * "[channel NAME]", then "key = value" lines; "#" or ";" starts a comment
 * line.  Keys are those of struct cp_source and struct cp_channel below;
 * unknown keys are an error (a typo must not silently fetch, or page, the
 * wrong thing).  Secrets are never in the file itself: token_env
 * and password_env name environment variables, token_file names a file
 * that must not be readable by group or others.
 *
 * Ownership: cp_config_load returns a cp_config that owns every string in
 * it; cp_config_free releases it all (NULL is fine).  cp_source pointers
 * returned by cp_config_find point into the config and live as long as it.
 * Nothing here prints or exits: errors come back in a cp_err (code 78 for
 * a bad file, 66 for a missing one).
 */
#ifndef CAREPIPE_CONFIG_H
#define CAREPIPE_CONFIG_H

#include "carepipe.h"

typedef struct cp_source {
	char *name;         /* the section name: "acme-x" */
	char *platform;     /* x, mastodon, bluesky, reddit, facebook */
	char *base_url;     /* "https://api.x.com", no trailing slash */
	char *endpoint;     /* mentions (default) or search; facebook: feed or comments */
	char *account;      /* the brand's handle, as records carry it in "account" */
	char *account_id;   /* the brand's platform id (X user id, Mastodon account
	                       id, Bluesky DID, Facebook page id) */
	char *query;        /* search query (endpoint = search) */
	char *subreddit;    /* reddit search: restrict to /r/SUB */
	char *object;       /* facebook: the page id (feed) or post id (comments) */
	char *token_env;    /* environment variable holding the bearer token */
	char *token_file;   /* or a file (mode 0600) holding it */
	char *identifier;   /* bluesky: the login handle or DID */
	char *password_env; /* bluesky: variable holding the app password;
	                       reddit: the account's password (password grant) */
	char *client_id;    /* reddit: the OAuth app's id, to get tokens itself */
	char *client_secret_env; /* reddit: variable holding the app's secret */
	char *refresh_token_env; /* reddit: variable holding a refresh token */
	char *username;     /* reddit: the account, for the password grant */
	char *token_url;    /* reddit: default https://www.reddit.com/api/v1/access_token */
	long limit;         /* page size asked for; 0: the platform's default */
	long timeout;       /* seconds for a whole request (default 30) */
	long connect_timeout; /* seconds to connect (default 10) */
	long retries;       /* attempts after the first on 5xx/network errors (default 4) */
	double backoff;     /* first backoff in seconds, doubled each time (default 1) */
	long max_pages;     /* pages per run and source (default 100) */
	int line;           /* where the section starts, for messages */
} cp_source;

/* A channel notify sends through: "[channel NAME]". */
typedef struct cp_channel {
	char *name;         /* the section name: "care-slack" */
	char *type;         /* slack, teams, webhook, email */
	char *url;          /* webhook: the endpoint (slack, teams: the webhook
	                       URL is the secret, so it comes from token_env or
	                       token_file instead) */
	char *token_env;    /* slack, teams: the webhook URL; webhook: a bearer
	                       token (optional); email: the SMTP password */
	char *token_file;   /* or a file (mode 0600) holding it */
	char *server;       /* email: smtp://HOST[:PORT] or smtps://HOST[:PORT] */
	char *starttls;     /* email over smtp://: "yes" (default) or "no" */
	char *user;         /* email: the SMTP login (with token_env/token_file) */
	char *from;         /* email: the sender address */
	char *to;           /* email: recipients, comma-separated */
	char *subject;      /* email: a subject template */
	char *template;     /* a message template file for every kind */
	char *cacert;       /* a CA bundle to trust besides the system's */
	long timeout, connect_timeout, retries; /* as for sources */
	double backoff;
	int line;           /* where the section starts, for messages */
} cp_channel;

typedef struct cp_config {
	char *path;
	cp_source *src;
	size_t nsrc;
	cp_channel *chan;
	size_t nchan;
} cp_config;

/* Read and check a config file.  NULL with e set (66 missing, 74 unreadable,
 * 78 invalid: "FILE:LINE: reason"). */
cp_config *cp_config_load(const char *path, cp_err *e);
/*
 * Where carepipe.conf is, the same for every program (carepipe.conf(5)):
 *   1. given (the program's --config), when not NULL;
 *   2. the environment variable CAREPIPE_CONFIG, when set and not empty;
 *   3. ./carepipe.conf;
 *   4. $XDG_CONFIG_HOME/carepipe/carepipe.conf ($HOME/.config when
 *      XDG_CONFIG_HOME is unset or empty);
 *   5. CP_SYSCONFDIR/carepipe/carepipe.conf (/etc unless built otherwise).
 * The first two are taken as named, whether or not the file exists (a
 * missing one is then reported by cp_config_load); the last three are
 * taken when they exist.  Returns 1 with *path set (malloc'd, the caller
 * frees it), 0 when none of 3-5 exists (e says where it looked, code 78),
 * -1 on allocation failure (e, 71).
 */
int cp_config_locate(const char *given, char **path, cp_err *e);
/* cp_config_locate, then cp_config_load: NULL with e set (78 when there is
 * no file anywhere).  The path read is c->path. */
cp_config *cp_config_find_load(const char *given, cp_err *e);
/* Parse config text already in memory (name is for messages). */
cp_config *cp_config_parse(const char *name, const char *text, size_t len, cp_err *e);
void cp_config_free(cp_config *c);
/* The source called name, or NULL. */
const cp_source *cp_config_find(const cp_config *c, const char *name);

/* The channel called name, or NULL. */
const cp_channel *cp_config_channel(const cp_config *c, const char *name);
/* The channel's secret (see token_env above), as cp_source_token does. */
int cp_channel_token(const cp_channel *ch, cp_buf *out, cp_err *e);

/* The source's token, from token_env or token_file, into out (NUL-ended).
 * Returns 0, or -1 with e (78: variable unset or empty, file unreadable or
 * readable by others).  The message names the variable, never the value. */
int cp_source_token(const cp_source *s, cp_buf *out, cp_err *e);
/* The same for password_env (bluesky). */
int cp_source_password(const cp_source *s, cp_buf *out, cp_err *e);
/* The value of the environment variable var for source s ("what" names it
 * in the message); 0, or -1 with e (78) when unset or empty. */
int cp_source_env(const cp_source *s, const char *what, const char *var, cp_buf *out, cp_err *e);

#endif
