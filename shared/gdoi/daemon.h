/*
 * Process plumbing shared by gdoi-ks and gdoi-gm.
 */
#ifndef GDOI_DAEMON_H
#define GDOI_DAEMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * Write our pid to path, refusing (-EEXIST) when the file names a live
 * process.  The file is created 0644 with O_EXCL after removing a stale one.
 */
int gdoi_pidfile_write(const char *path);
void gdoi_pidfile_remove(const char *path);
/**
 * Detach: fork, setsid, chdir /, stdio to /dev/null.  The parent waits
 * until the child calls gdoi_daemon_ready() (it exits 0) or exits early
 * (it exits 1), so a start-up error is reported to the shell.
 */
int gdoi_daemonize(void);
void gdoi_daemon_ready(void);

/** Create the directory holding path (mode 0755) if missing. */
int gdoi_mkdir_for(const char *path);

/** Format an address (4 or 16 octets) as text. */
const char *gdoi_addr_str(const uint8_t *addr, uint8_t af, char *buf, size_t cap);

#endif
