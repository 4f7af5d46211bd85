/*
 * A fresh RSA key for the unit tests that sign or carry a KS public key
 * (check_policy, check_pull, check_push), and the fixtures around it.
 */
#ifndef TESTKEY_H
#define TESTKEY_H

#include <stddef.h>
#include <stdint.h>
#include <check.h>
#include <openssl/types.h>

/* An RSA key of bits and, when spki is not NULL, its DER
 * SubjectPublicKeyInfo (malloc'd, caller frees).  Runs before a suite, so
 * it exits the program on failure (naming prog) instead of asserting. */
EVP_PKEY *testkey_rsa(const char *prog, unsigned bits, uint8_t **spki, size_t *spki_len);

/* p[i] = start + 7 i: recognisable, distinct key octets for fixtures. */
void testkey_pattern(uint8_t *p, size_t n, uint8_t start);

/*
 * A KEK fixture: AES with keybits, SPI and key from the seeds, 86400 s of
 * life ending at expiry_ms, RSA-2048 with sig_hash and a copy of spki as
 * the KS public key, IPv4, UDP 848.  Rekey addresses and the multicast
 * flag are left zero for the caller.
 */
struct gdoi_kek;
void testkey_kek(struct gdoi_kek *k, unsigned keybits, uint8_t spi_seed, uint8_t key_seed,
    uint8_t sig_hash, uint64_t expiry_ms, const uint8_t *spki, size_t spki_len);

/*
 * A TEK fixture: ESP AES-CBC-256 with HMAC-SHA-256, spi, 3600 s of life
 * ending at expiry_ms, key patterns 0xa0 / 0xb0, address preservation
 * source and destination, symmetric, access list entries
 * [acl_first, acl_first + acl_n).
 */
struct gdoi_tek;
void testkey_tek(struct gdoi_tek *t, uint32_t spi, uint64_t expiry_ms, uint16_t acl_first,
    uint16_t acl_n);

/* Run s with CK_NORMAL output; EXIT_SUCCESS when no test failed. */
int testkey_run(Suite *s);

#endif
