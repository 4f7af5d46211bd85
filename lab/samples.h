/*
 * Sample messages: one message of every kind libgdoi builds, encoded with
 * gdoi_msg_encode() from fixed constants.
 *
 * The set follows a complete registration and one rekey:
 *
 *   mm1..mm4   IKEv1 Main Mode messages 1-4 (exchange 2, unencrypted)
 *   pull1..4   GROUPKEY-PULL messages 1-4 (exchange 32, E flag off)
 *   push       GROUPKEY-PUSH (exchange 33, E flag off, cookies = KEK SPI)
 *   info_n     Informational with a Notify (INVALID-ID-INFORMATION)
 *   info_d     Informational with a Delete of two ESP SPIs
 *
 * Every value is a constant, so the bytes are the same on every run and
 * every machine.  The values are chosen to be easy to spot in a hex dump
 * (cookies 1122334455667788 / a1b2c3d4e5f60718, KEK SPIs c0c1..d7 and
 * e0e1..f7, TEK SPIs 1a2b3c4d, 2b3c4d5e, 3c4d5e6f).
 *
 * The messages are cleartext on purpose: they exercise the codec and let an
 * independent dissector (tshark) check every field.  They are not a valid
 * exchange (hashes, signatures and key exchange values are patterns).
 *
 * gdoi_samples_manifest() prints, as key=value lines, the values the
 * samples were built from (not a decode of the bytes), so that tests can
 * compare any decoder against them.  Keys are "<sample>.<field>"; where a
 * field occurs several times in one message the value is a comma-separated
 * list in wire order.  Byte strings are lowercase hex without separators,
 * numbers are decimal.  The key set is documented in samples.c.
 */
#ifndef GDOI_LAB_SAMPLES_H
#define GDOI_LAB_SAMPLES_H

#include <stddef.h>
#include <stdio.h>

#include "gdoi/buf.h"

/** Number of sample messages. */
size_t gdoi_samples_count(void);

/**
 * The short name of sample i ("mm1", "pull2", ...), usable as a file name
 * and as the manifest key prefix; NULL when i >= gdoi_samples_count().
 * The string is static.
 */
const char *gdoi_sample_name(size_t i);

/**
 * Index of the sample called name.
 * @return 0 and *i set, or GDOI_E_INVAL when there is no such sample.
 */
int gdoi_sample_find(const char *name, size_t *i);

/**
 * Encode sample i with gdoi_msg_encode(), appending it to w (normally an
 * empty writer, so the message starts at offset 0).
 * @return 0 on success; GDOI_E_INVAL for an unknown index; otherwise the
 *     error of the encoder or of the writer (the writer then holds a
 *     partial message that the caller should discard).
 */
int gdoi_sample_build(size_t i, struct gdoi_wr *w);

/**
 * Print the manifest: the values every sample carries, one key=value per
 * line, samples in index order.  It encodes each sample once to report its
 * length; a sample that fails to encode is reported as
 * "<name>.error=<GDOI_E_...>".
 */
void gdoi_samples_manifest(FILE *f);

#endif
