/*
 * The key log: an explicit file, off by default, into which a daemon
 * writes the Phase 1 encryption key of each SA in the form Wireshark's
 * "IKEv1 Decryption Table" reads (gdoi_p1_keylog_line), so captures of
 * Main Mode messages 5-6 and of GROUPKEY-PULL can be decrypted in the lab.
 * The key server also writes one "GDOI-KEK" line per KEK it installs
 * (gdoi_keylog_kek_line), so lab tools can decrypt GROUPKEY-PUSH captures
 * and put rekeys under that KEK on the wire (lab/inject.c).
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
#include <stdint.h>

#define GDOI_KEYLOG_ENV "GDOI_KEYLOG"
#define GDOI_KEYLOG_KEK_PREFIX "GDOI-KEK "	/**< starts every KEK line */
/** Room for the longest KEK line and its NUL (AES-256, group 4294967295). */
#define GDOI_KEYLOG_KEK_LINE_MAX 200

struct gdoi_keylog;
struct gdoi_kek;

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

/*
 * The KEK line, one per KEK, fields in this order and separated by one
 * space (the example wraps):
 *
 *   GDOI-KEK group=1001 spi=000102030405060708090a0b0c0d0e0f alg=aes-cbc
 *       bits=128 key=00112233445566778899aabbccddeeff sighash=sha256
 *
 * group: decimal, no sign, no leading zero.  spi: the 16-octet KEK SPI
 * (the I-cookie | R-cookie of the PUSH), 32 hex digits.  alg: aes-cbc
 * (KEK_ALG_AES) is the only one.  bits: 128, 192 or 256.  key: bits/8
 * octets, 2 * bits/8 hex digits.  sighash: sha1 or sha256 (the KEK's
 * SIG_HASH_ALGORITHM).  Hex is written in lower case; either case is read.
 */

/**
 * Write the KEK line of kek for group into buf (cap octets, NUL added, no
 * newline: gdoi_keylog_write adds it).  Only kek_spi, kek_alg,
 * kek_keybits, kek_key and kek_sig_hash are read.  Returns the length
 * written (without the NUL), GDOI_E_TOOBIG when cap is too small (buf is
 * then left untouched: no part of the key is written), or GDOI_E_INVAL
 * for a NULL argument or a KEK the line cannot carry (an algorithm other
 * than AES-CBC, other key sizes, a hash other than SHA-1 / SHA-256).
 * GDOI_KEYLOG_KEK_LINE_MAX octets are always enough.
 */
int gdoi_keylog_kek_line(char *buf, size_t cap, uint32_t group, const struct gdoi_kek *kek);
/**
 * Read one KEK line (as written above; one final newline may follow).
 * On success sets *group and overwrites *kek: kek_spi, kek_alg
 * (KEK_ALG_AES), kek_keybits, kek_key and kek_sig_hash are filled, every
 * other field is zero (so kek must not own a kek_pub), and returns 0.
 * Anything malformed (another prefix or field order, bad or odd hex,
 * wrong lengths, unknown alg, bits or sighash, a group out of range,
 * spaces or other octets after the last field) is GDOI_E_INVAL and
 * leaves *group and *kek untouched.  Temporaries are wiped either way.
 */
int gdoi_keylog_kek_parse(const char *line, uint32_t *group, struct gdoi_kek *kek);

#endif
