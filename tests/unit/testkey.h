/*
 * A fresh RSA key for the unit tests that sign or carry a KS public key
 * (check_policy, check_push).
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

/* Run s with CK_NORMAL output; EXIT_SUCCESS when no test failed. */
int testkey_run(Suite *s);

#endif
