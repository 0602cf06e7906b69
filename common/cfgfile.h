/*
 * cfgfile.h - the one way a configuration file is read: carepipe.conf,
 * rules files (-f), rosters, SLA policy and calendar files and what they
 * include (include, holidays), sentiment lexicons, reply's saved-reply
 * templates and token files.
 *
 * Only a regular file of at most CFG_FILE_MAX bytes is read: a device
 * (/dev/zero, /dev/urandom) would be read without bound, a FIFO would
 * block, a directory is no file.  Every failure is a configuration error,
 * exit 78, whatever the cause (missing, unreadable, not a regular file,
 * too big, a read error): the one rule of carepipe(7) for a file named as
 * configuration.  Out of memory is 71.  The message starts with the path;
 * a caller whose file names another (include, holidays) adds its own
 * FILE:LINE in front.
 *
 * Ownership: the caller's buf, appended to and NUL-terminated (the NUL not
 * counted).  Nothing here prints or exits.
 */
#ifndef CAREPIPE_CFGFILE_H
#define CAREPIPE_CFGFILE_H

#include "carepipe.h"

#define CFG_FILE_MAX (16 * 1024 * 1024)

/* 0, or -1 with e set (78, or 71). */
int cfg_read_file(const char *path, cp_buf *out, cp_err *e);

#endif
