/*
 * The key log: an explicit file, off by default, into which a daemon
 * writes the Phase 1 encryption key of each SA in the form Wireshark's
 * "IKEv1 Decryption Table" reads (gdoi_p1_keylog_line), so captures of
 * Main Mode messages 5-6 and of GROUPKEY-PULL can be decrypted in the lab.
 *
 * It is the only place key material may be written.  It is switched on by
 * a configured path or, when none is configured, by the GDOI_KEYLOG
 * environment variable; with neither, nothing is opened.  The file is
 * created with mode 0600; an existing file that is not a regular file, or
 * that group or others may read or write, is refused rather than appended
 * to.
 */
#ifndef GDOI_KEYLOG_H
#define GDOI_KEYLOG_H

#include <stddef.h>

#define GDOI_KEYLOG_ENV "GDOI_KEYLOG"

struct gdoi_keylog;

/**
 * Open the key log.  path is the configured file, or NULL to consult
 * $GDOI_KEYLOG.  Returns 0 with *out NULL when the key log is off, 0 with
 * *out set when it is on, or GDOI_E_INVAL (unusable path, unsafe file; errno
 * tells the system cause) with *out NULL.  The caller frees with
 * gdoi_keylog_close().
 */
int gdoi_keylog_open(const char *path, struct gdoi_keylog **out);
/** Append one line (a newline is added when missing) and flush it.  A NULL
 * key log (off) is a no-op returning 0. */
int gdoi_keylog_write(struct gdoi_keylog *kl, const char *line);
/** The path in use (borrowed), or NULL for NULL. */
const char *gdoi_keylog_path(const struct gdoi_keylog *kl);
/** Close; NULL is a no-op. */
void gdoi_keylog_close(struct gdoi_keylog *kl);

#endif
