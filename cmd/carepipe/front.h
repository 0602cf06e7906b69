/*
 * front.h - the carepipe front command, shared between its files: main.c
 * (the commands and running programs) and init.c (carepipe init).
 * Command code: it reports through the cp_prog scaffold.
 */
#ifndef CAREPIPE_FRONT_H
#define CAREPIPE_FRONT_H

#include <stddef.h>

#include "carepipe.h"

/* A program of the Makefile's PROGS and its manual page's description. */
struct cp_front_prog {
	const char *name;
	const char *about;
};

/* The program called name (never carepipe itself), or NULL. */
const struct cp_front_prog *front_find(const char *name);
/* The folder of the running carepipe into out; 0, or -1 when unknown. */
int front_self_dir(char *out, size_t n, const char *argv0);
/* carepipe init DIR: returns the exit status. */
int front_init(cp_prog *p, const char *dir, const char *argv0);

#endif
