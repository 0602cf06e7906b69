/*
 * jobs.h - between prog.c and jobs.c: what a worker of cp_each_record_jobs
 * says through its cp_prog (p->batch set) is kept with its batch, to be
 * said in input order.  Each has the contract of the cp_ function it
 * stands for; jobs_die_v and jobs_bad_line under --strict end the worker's
 * thread, its batch handed on.  Only prog.c calls these.
 */
#ifndef JOBS_H
#define JOBS_H

#include <stdarg.h>

#include "carepipe.h"

void jobs_warn_v(cp_prog *p, const char *fmt, va_list ap);
void jobs_status(cp_prog *p, int code);
void jobs_die_v(cp_prog *p, int code, const char *fmt, va_list ap) __attribute__((noreturn));
void jobs_bad_line(cp_prog *p, const char *file, uint64_t lineno, const char *line,
                   size_t len, const char *reason);
void jobs_emit(cp_prog *p, const char *line, size_t len);

/* prog.c's, for both record loops: scan line into r; 1 for a record, 0
 * for a blank line or a bad one, told through p (cp_bad_line); out of
 * memory is cp_die's 71. */
int cp_scan_record(cp_prog *p, cp_rec *r, const cp_pos *pos, const char *line, size_t len);

#endif
