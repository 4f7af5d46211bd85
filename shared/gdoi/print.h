/*
 * Human-readable printing of decoded ISAKMP/GDOI messages: every payload
 * and attribute by name, values by name where the number has one.  Used by
 * gdoidump and by debug logs.
 */
#ifndef GDOI_PRINT_H
#define GDOI_PRINT_H

#include <stdio.h>
#include "gdoi/payload.h"

#define GDOI_PRINT_HEX 0x01 /**< add a hex dump of each payload and of variable fields */

/** Print a decoded message: header line, then each payload indented. */
void gdoi_print_msg(FILE *f, const struct gdoi_msg *m, unsigned flags);
/** Print a payload chain (e.g. a decrypted body); indent counts levels of two spaces. */
void gdoi_print_chain(FILE *f, enum gdoi_ctx ctx, const struct gdoi_payload *pl, size_t n,
    unsigned flags, int indent);
/** Classic hex dump, 16 octets a line, offset column; indent in levels of two spaces. */
void gdoi_print_hex(FILE *f, const uint8_t *p, size_t n, int indent);
/** The same dump, with the octets whose mask byte is non-zero shown as "**". */
void gdoi_print_hex_masked(FILE *f, const uint8_t *p, size_t n, const uint8_t *mask,
    int indent);
/**
 * Mark in mask[0..n) (zeroed by the caller) the octets of the ISAKMP
 * datagram isa[0..n) that are key material and must never be printed: the
 * body of every Key Download payload.  m is its decoded form, or NULL when
 * it did not decode; then the payload headers are walked as far as they
 * hold, and the rest of a GDOI message is masked from where the walk broke.
 */
void gdoi_key_mask(uint8_t *mask, const uint8_t *isa, size_t n, const struct gdoi_msg *m);

#endif
