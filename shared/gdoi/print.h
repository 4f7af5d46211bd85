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

#endif
