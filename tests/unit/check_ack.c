/*
 * Unit tests of shared/ack.c: the RFC 8263 GROUPKEY-PUSH acknowledgement.
 *
 * Known answers for ack_key and one whole ACK, computed independently
 * with python3 when the test was written (ack.h gives the construction
 * and says which parts are unverified against the RFC):
 *
 *   import hmac, hashlib, struct
 *   pat = lambda n, s: bytes((s + 7*i) & 0xff for i in range(n))
 *   spi, kek = pat(16, 0x31), pat(32, 0xc8)
 *   def prfplus(h, k, s, n):
 *       out, t, c = b"", b"", 1
 *       while len(out) < n:
 *           t = hmac.new(k, t + s + bytes([c]), h).digest(); out += t; c += 1
 *       return out[:n]
 *   key = lambda h, L: prfplus(h, kek, b"GROUPKEY-PUSH ACK" + spi
 *                              + struct.pack(">I", L), L // 8)
 *   k256, k512 = key(hashlib.sha256, 512), key(hashlib.sha512, 1024)
 *   seq = bytes([5, 0, 0, 8]) + struct.pack(">I", 5)
 *   idp = bytes([0, 0, 0, 12, 1, 0, 0, 0, 10, 0, 0, 2])
 *   mac = hmac.new(k256, seq + idp, hashlib.sha256).digest()
 *   body = bytes([18, 0, 0, 36]) + mac + seq + idp
 *   msg = spi + bytes([8, 0x10, 35, 0]) + struct.pack(">II", 0, 28 + len(body)) + body
 *
 * Then round trips for both ack types and IPv4 / IPv6 IDs, and refusals:
 * wrong KEK, wrong type, every bit flip, every truncation, wrong header
 * fields, extra payloads, bad build arguments.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/ack.h"
#include "gdoi/err.h"
#include "gdoi/policy.h"
#include "gdoi/wire.h"
#include "testkey.h"

/* ack_key, HMAC-SHA-256, L = 512, KEK SPI pat(16, 0x31), key pat(32, 0xc8) */
static const uint8_t kat_key256[64] = {
	0x0d, 0xfe, 0x0e, 0x25, 0x82, 0x48, 0x9d, 0x62, 0x0e, 0xae, 0x34, 0xa7,
	0x55, 0xa1, 0x5c, 0x11, 0x62, 0xcc, 0x6e, 0x89, 0x92, 0x5c, 0xef, 0x15,
	0x2c, 0xd2, 0xc6, 0x01, 0xbb, 0x12, 0xbf, 0xdb, 0xca, 0x19, 0x92, 0x24,
	0xd9, 0x0f, 0x28, 0x81, 0x80, 0xb2, 0xa3, 0x2c, 0x98, 0x5e, 0x57, 0x56,
	0x8a, 0xa0, 0x02, 0xdb, 0x3c, 0x43, 0xb6, 0xcb, 0x2a, 0x20, 0x2f, 0x39,
	0x0f, 0xdb, 0x3e, 0x25,
};

/* ack_key, HMAC-SHA-512, L = 1024, same KEK */
static const uint8_t kat_key512[128] = {
	0x27, 0x4d, 0x4a, 0x77, 0x9a, 0x00, 0x2f, 0x87, 0x96, 0x60, 0x12, 0x78,
	0x51, 0x44, 0x48, 0xd7, 0xbd, 0x43, 0x34, 0x61, 0x82, 0x54, 0x3b, 0xd7,
	0xf1, 0x82, 0x8d, 0x3a, 0xb2, 0x32, 0x24, 0x68, 0xa9, 0xae, 0x1c, 0x2e,
	0xd9, 0xec, 0xba, 0xa1, 0x60, 0x20, 0x95, 0x9a, 0xb9, 0xf2, 0x71, 0x78,
	0x56, 0x13, 0x14, 0x21, 0x7a, 0x6d, 0x0d, 0x39, 0xd7, 0xe8, 0x27, 0x2f,
	0xbd, 0x4f, 0x7b, 0x7a, 0x28, 0x40, 0x8c, 0x5d, 0x6a, 0xc8, 0x0d, 0x00,
	0xf4, 0x10, 0xbd, 0xc7, 0xb1, 0x37, 0xea, 0x99, 0x3b, 0x85, 0xd3, 0x46,
	0xf7, 0x9c, 0xb0, 0x9e, 0xfb, 0x45, 0xad, 0xb0, 0x9e, 0x93, 0x74, 0x1f,
	0xff, 0x82, 0x49, 0x3b, 0xa9, 0xc0, 0xc5, 0x1a, 0xa4, 0x79, 0x42, 0x00,
	0x3a, 0xf4, 0x41, 0xec, 0xcd, 0x28, 0x13, 0x43, 0x49, 0x59, 0x36, 0xf4,
	0x71, 0x99, 0x86, 0x4f, 0x30, 0xdf, 0x0a, 0x5d,
};

/* The ACK of SEQ 5 from 10.0.0.2, HMAC-SHA-256, same KEK (84 octets). */
static const uint8_t kat_msg[84] = {
	/* HDR: cookies = KEK SPI, np HASH, 0x10, exchange 35, flags 0, M-ID 0, len 84 */
	0x31, 0x38, 0x3f, 0x46, 0x4d, 0x54, 0x5b, 0x62,
	0x69, 0x70, 0x77, 0x7e, 0x85, 0x8c, 0x93, 0x9a,
	0x08, 0x10, 0x23, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x54,
	/* HASH: np SEQ, length 36 */
	0x12, 0x00, 0x00, 0x24,
	0xf3, 0x33, 0xd6, 0x6b, 0xac, 0x3e, 0x94, 0x93, 0xa5, 0xd8, 0x4b, 0x35,
	0x36, 0xf6, 0x78, 0x0a, 0x7e, 0xc4, 0xb4, 0xea, 0x8c, 0x08, 0xd6, 0xc9,
	0x30, 0x20, 0xc2, 0x83, 0xf4, 0x11, 0x95, 0x1f,
	/* SEQ: np ID, length 8, SEQ 5 */
	0x05, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x05,
	/* ID: last, length 12, ID_IPV4_ADDR, protocol 0, port 0, 10.0.0.2 */
	0x00, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};

static const uint8_t gm4[4] = { 10, 0, 0, 2 };
static const uint8_t gm6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42 };

/* The KAT KEK: AES-keybits, SPI pat(16, 0x31), key pat(keybits/8, 0xc8). */
static void
make_kek(struct gdoi_kek *k, unsigned keybits)
{
	memset(k, 0, sizeof(*k));
	testkey_pattern(k->kek_spi, GDOI_KEK_SPI_LEN, 0x31);
	k->kek_alg = KEK_ALG_AES;
	k->kek_keybits = (uint16_t)keybits;
	testkey_pattern(k->kek_key, keybits / 8, 0xc8);
	k->kek_sig_hash = SIG_HASH_SHA256;
	k->kek_sig_alg = SIG_ALG_RSA;
}

static void
make_in(struct gdoi_ack_in *in, const struct gdoi_kek *k, uint16_t type, uint32_t seq, int v6)
{
	memset(in, 0, sizeof(*in));
	in->ai_kek = k;
	in->ai_type = type;
	in->ai_seq = seq;
	in->ai_id_type = v6 ? ID_IPV6_ADDR : ID_IPV4_ADDR;
	in->ai_id = v6 ? gm6 : gm4;
	in->ai_idlen = v6 ? sizeof(gm6) : sizeof(gm4);
}

/* Build the ACK of in into msg; returns its length. */
static size_t
build(const struct gdoi_ack_in *in, uint8_t *msg)
{
	size_t len = 0;

	ck_assert_int_eq(gdoi_ack_build(in, msg, GDOI_ACK_MSG_MAX, &len), 0);
	ck_assert_uint_eq(len, ISAKMP_HDR_LEN + 4 + gdoi_ack_hash_len(in->ai_type) + 8 + 8 +
	    in->ai_idlen);
	return len;
}

static int
is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Known answers                                                        */

START_TEST(test_key_kat)
{
	struct gdoi_kek k;
	uint8_t key[GDOI_ACK_KEY_MAX];
	size_t len = 99;

	make_kek(&k, 256);
	ck_assert_uint_eq(gdoi_ack_hash_len(GDOI_ACK_HMAC_SHA256), 32);
	ck_assert_uint_eq(gdoi_ack_hash_len(GDOI_ACK_HMAC_SHA512), 64);
	ck_assert_uint_eq(gdoi_ack_hash_len(2), 0);
	ck_assert_int_eq(gdoi_ack_key(&k, GDOI_ACK_HMAC_SHA256, key, sizeof(key), &len), 0);
	ck_assert_uint_eq(len, sizeof(kat_key256));
	ck_assert_mem_eq(key, kat_key256, sizeof(kat_key256));
	ck_assert_int_eq(gdoi_ack_key(&k, GDOI_ACK_HMAC_SHA512, key, sizeof(key), &len), 0);
	ck_assert_uint_eq(len, sizeof(kat_key512));
	ck_assert_mem_eq(key, kat_key512, sizeof(kat_key512));

	/* Refusals write nothing. */
	memset(key, 0xee, sizeof(key));
	ck_assert_int_eq(gdoi_ack_key(&k, GDOI_ACK_HMAC_SHA512, key, 127, &len), GDOI_E_INVAL);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(gdoi_ack_key(&k, 0, key, sizeof(key), &len), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_ack_key(&k, 2, key, sizeof(key), &len), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_ack_key(NULL, 1, key, sizeof(key), &len), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_ack_key(&k, 1, NULL, sizeof(key), &len), GDOI_E_INVAL);
	k.kek_keybits = 0;
	ck_assert_int_eq(gdoi_ack_key(&k, 1, key, sizeof(key), &len), GDOI_E_INVAL);
	k.kek_keybits = 12;
	ck_assert_int_eq(gdoi_ack_key(&k, 1, key, sizeof(key), &len), GDOI_E_INVAL);
	ck_assert(memcmp(key, (uint8_t[8]){ 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee },
	    8) == 0);

	/* The key depends on the KEK key and SPI. */
	make_kek(&k, 128);
	ck_assert_int_eq(gdoi_ack_key(&k, GDOI_ACK_HMAC_SHA256, key, sizeof(key), NULL), 0);
	ck_assert(memcmp(key, kat_key256, sizeof(kat_key256)) != 0);
	make_kek(&k, 256);
	k.kek_spi[15] ^= 1;
	ck_assert_int_eq(gdoi_ack_key(&k, GDOI_ACK_HMAC_SHA256, key, sizeof(key), NULL), 0);
	ck_assert(memcmp(key, kat_key256, sizeof(kat_key256)) != 0);
}
END_TEST

START_TEST(test_msg_kat)
{
	struct gdoi_kek k;
	struct gdoi_ack_in in;
	struct gdoi_ack_rx rx;
	struct gdoi_diag d = { 0 };
	uint8_t msg[GDOI_ACK_MSG_MAX];
	size_t len;

	make_kek(&k, 256);
	make_in(&in, &k, GDOI_ACK_HMAC_SHA256, 5, 0);
	len = build(&in, msg);
	ck_assert_uint_eq(len, sizeof(kat_msg));
	ck_assert_mem_eq(msg, kat_msg, sizeof(kat_msg));
	ck_assert_int_eq(gdoi_ack_verify(&k, GDOI_ACK_HMAC_SHA256, kat_msg, sizeof(kat_msg), &rx,
	    &d), 0);
	ck_assert_int_eq(d.err, 0);
	ck_assert_uint_eq(rx.ar_seq, 5);
	ck_assert_uint_eq(rx.ar_id_type, ID_IPV4_ADDR);
	ck_assert_uint_eq(rx.ar_idlen, 4);
	ck_assert_mem_eq(rx.ar_id, gm4, 4);
	ck_assert_mem_eq(rx.ar_spi, kat_msg, GDOI_KEK_SPI_LEN);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Round trips                                                          */

START_TEST(test_roundtrip)
{
	static const uint16_t types[2] = { GDOI_ACK_HMAC_SHA256, GDOI_ACK_HMAC_SHA512 };
	struct gdoi_kek k;
	struct gdoi_ack_in in;
	struct gdoi_ack_rx rx;
	uint8_t msg[GDOI_ACK_MSG_MAX];
	size_t len, t;
	int v6;

	make_kek(&k, 128);
	for (t = 0; t < 2; t++) {
		for (v6 = 0; v6 <= 1; v6++) {
			make_in(&in, &k, types[t], 0xfedcba98u + (uint32_t)t, v6);
			len = build(&in, msg);
			memset(&rx, 0xaa, sizeof(rx));
			ck_assert_int_eq(gdoi_ack_peek(msg, len, &rx, NULL), 0);
			ck_assert_mem_eq(rx.ar_spi, k.kek_spi, GDOI_KEK_SPI_LEN);
			ck_assert_uint_eq(rx.ar_seq, in.ai_seq);
			memset(&rx, 0xaa, sizeof(rx));
			ck_assert_int_eq(gdoi_ack_verify(&k, types[t], msg, len, &rx, NULL), 0);
			ck_assert_mem_eq(rx.ar_spi, k.kek_spi, GDOI_KEK_SPI_LEN);
			ck_assert_uint_eq(rx.ar_seq, in.ai_seq);
			ck_assert_uint_eq(rx.ar_id_type, in.ai_id_type);
			ck_assert_uint_eq(rx.ar_idlen, in.ai_idlen);
			ck_assert_mem_eq(rx.ar_id, in.ai_id, in.ai_idlen);
			ck_assert(is_zero(rx.ar_id + rx.ar_idlen, GDOI_ACK_ID_MAX - rx.ar_idlen));
		}
	}
	/* The longest ID (an FQDN) fits GDOI_ACK_MSG_MAX. */
	{
		uint8_t fqdn[GDOI_ACK_ID_MAX];

		memset(fqdn, 'a', sizeof(fqdn));
		make_in(&in, &k, GDOI_ACK_HMAC_SHA512, 1, 0);
		in.ai_id_type = ID_FQDN;
		in.ai_id = fqdn;
		in.ai_idlen = sizeof(fqdn);
		len = build(&in, msg);
		ck_assert_int_eq(gdoi_ack_verify(&k, in.ai_type, msg, len, &rx, NULL), 0);
		ck_assert_mem_eq(rx.ar_id, fqdn, sizeof(fqdn));
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Refusals                                                             */

/* Verify must fail with err (or any error when err is 1); rx zeroed. */
static void
refused(const struct gdoi_kek *k, uint16_t type, const uint8_t *m, size_t len, int err)
{
	struct gdoi_ack_rx rx;
	struct gdoi_diag d = { 0 };
	int rc;

	memset(&rx, 0xaa, sizeof(rx));
	rc = gdoi_ack_verify(k, type, m, len, &rx, &d);
	if (err == 1)
		ck_assert_int_lt(rc, 0);
	else
		ck_assert_int_eq(rc, err);
	ck_assert(is_zero(&rx, sizeof(rx)));
}

START_TEST(test_wrong_kek_type)
{
	struct gdoi_kek k, bad;
	struct gdoi_ack_in in;
	struct gdoi_diag d = { 0 };
	struct gdoi_ack_rx rx;
	uint8_t msg[GDOI_ACK_MSG_MAX];
	size_t len;

	make_kek(&k, 256);
	make_in(&in, &k, GDOI_ACK_HMAC_SHA256, 7, 1);
	len = build(&in, msg);
	ck_assert_int_eq(gdoi_ack_verify(&k, GDOI_ACK_HMAC_SHA256, msg, len, &rx, NULL), 0);

	bad = k;
	bad.kek_key[31] ^= 0x80;	/* wrong KEK key */
	refused(&bad, GDOI_ACK_HMAC_SHA256, msg, len, GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_ack_verify(&bad, GDOI_ACK_HMAC_SHA256, msg, len, &rx, &d),
	    GDOI_E_INVAL);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_HASH);
	bad = k;
	bad.kek_keybits = 128;		/* same octets, shorter key */
	refused(&bad, GDOI_ACK_HMAC_SHA256, msg, len, GDOI_E_INVAL);
	bad = k;
	bad.kek_spi[3] ^= 1;		/* another KEK's SPI */
	refused(&bad, GDOI_ACK_HMAC_SHA256, msg, len, GDOI_E_INVAL);

	refused(&k, GDOI_ACK_HMAC_SHA512, msg, len, GDOI_E_LENGTH);	/* wrong type */
	refused(&k, 0, msg, len, GDOI_E_INVAL);
	refused(&k, 2, msg, len, GDOI_E_INVAL);
	refused(NULL, GDOI_ACK_HMAC_SHA256, msg, len, GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_ack_verify(&k, 1, msg, len, NULL, NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_ack_peek(msg, len, NULL, NULL), GDOI_E_INVAL);

	/* A SHA-512 ACK under a SHA-256 request. */
	make_in(&in, &k, GDOI_ACK_HMAC_SHA512, 7, 1);
	len = build(&in, msg);
	refused(&k, GDOI_ACK_HMAC_SHA256, msg, len, GDOI_E_LENGTH);
}
END_TEST

/* Every bit of every octet, both types: verify refuses each. */
START_TEST(test_bitflips)
{
	static const uint16_t types[2] = { GDOI_ACK_HMAC_SHA256, GDOI_ACK_HMAC_SHA512 };
	struct gdoi_kek k;
	struct gdoi_ack_in in;
	struct gdoi_ack_rx rx;
	uint8_t msg[GDOI_ACK_MSG_MAX];
	size_t len, i, t;
	unsigned b;

	make_kek(&k, 256);
	for (t = 0; t < 2; t++) {
		make_in(&in, &k, types[t], 1234, (int)t);
		len = build(&in, msg);
		for (i = 0; i < len; i++) {
			for (b = 0; b < 8; b++) {
				msg[i] ^= (uint8_t)(1u << b);
				refused(&k, types[t], msg, len, 1);
				msg[i] ^= (uint8_t)(1u << b);
			}
		}
		ck_assert_int_eq(gdoi_ack_verify(&k, types[t], msg, len, &rx, NULL), 0);
	}
}
END_TEST

/* Every truncation (exact-size heap copies, for valgrind), both ways. */
START_TEST(test_truncation)
{
	struct gdoi_kek k;
	struct gdoi_ack_in in;
	struct gdoi_ack_rx rx;
	struct gdoi_diag d = { 0 };
	uint8_t msg[GDOI_ACK_MSG_MAX], *copy;
	size_t len, n;

	make_kek(&k, 256);
	make_in(&in, &k, GDOI_ACK_HMAC_SHA512, 9, 1);
	len = build(&in, msg);
	for (n = 0; n < len; n++) {
		copy = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, msg, n);
		refused(&k, in.ai_type, copy, n, 1);
		ck_assert_int_lt(gdoi_ack_peek(copy, n, &rx, NULL), 0);
		ck_assert(is_zero(&rx, sizeof(rx)));
		free(copy);
	}
	ck_assert_int_eq(gdoi_ack_peek(msg, 10, &rx, &d), GDOI_E_TRUNC);
	ck_assert_int_eq(d.err, GDOI_E_TRUNC);
	/* Shortened with the header length adjusted to match. */
	for (n = ISAKMP_HDR_LEN; n < len; n++) {
		msg[26] = (uint8_t)(n >> 8);
		msg[27] = (uint8_t)n;
		refused(&k, in.ai_type, msg, n, 1);
		ck_assert_int_lt(gdoi_ack_peek(msg, n, &rx, NULL), 0);
	}
}
END_TEST

/* Header fields other than an ACK's, extra payloads and octets. */
START_TEST(test_shape)
{
	struct gdoi_kek k;
	struct gdoi_ack_rx rx;
	uint8_t m[GDOI_ACK_MSG_MAX];
	const size_t n = sizeof(kat_msg), id_np = ISAKMP_HDR_LEN + 36 + 8;

	make_kek(&k, 256);
#define RESET() memcpy(m, kat_msg, n)
	RESET();
	m[18] = GDOI_EX_PUSH;
	refused(&k, 1, m, n, GDOI_E_PAYLOAD);
	ck_assert_int_eq(gdoi_ack_peek(m, n, &rx, NULL), GDOI_E_PAYLOAD);
	RESET();
	m[18] = GDOI_EX_PULL;
	refused(&k, 1, m, n, GDOI_E_PAYLOAD);
	RESET();
	m[19] = ISAKMP_FLAG_E;
	refused(&k, 1, m, n, GDOI_E_ENCRYPTED);
	RESET();
	m[19] = ISAKMP_FLAG_C;
	refused(&k, 1, m, n, GDOI_E_PAYLOAD);
	RESET();
	m[23] = 1;			/* M-ID */
	refused(&k, 1, m, n, GDOI_E_PAYLOAD);
	RESET();
	m[17] = 0x11;			/* minor version */
	refused(&k, 1, m, n, GDOI_E_VERSION);
	RESET();
	m[29] = 1;			/* HASH RESERVED (not hashed) */
	refused(&k, 1, m, n, GDOI_E_PAYLOAD);
	RESET();
	m[id_np + 5] = 17;		/* ID protocol */
	refused(&k, 1, m, n, GDOI_E_ID);
	ck_assert_int_eq(gdoi_ack_peek(m, n, &rx, NULL), GDOI_E_ID);
	RESET();
	m[id_np + 4] = ID_IPV6_ADDR;	/* 4 octets are no IPv6 address */
	refused(&k, 1, m, n, GDOI_E_ID);

	/* An extra payload after ID (a Vendor ID), lengths consistent. */
	RESET();
	m[id_np] = ISAKMP_PL_VID;
	memcpy(m + n, (uint8_t[]){ 0, 0, 0, 8, 1, 2, 3, 4 }, 8);
	m[27] = (uint8_t)(n + 8);
	refused(&k, 1, m, n + 8, GDOI_E_ORDER);
	ck_assert_int_eq(gdoi_ack_peek(m, n + 8, &rx, NULL), GDOI_E_ORDER);
	/* Octets after the header length, and inside it after ID. */
	RESET();
	memset(m + n, 0, 4);
	refused(&k, 1, m, n + 4, GDOI_E_TRAILING);
	m[27] = (uint8_t)(n + 4);
	refused(&k, 1, m, n + 4, GDOI_E_TRAILING);
	/* HASH, SEQ only: the chain ends early. */
	RESET();
	m[ISAKMP_HDR_LEN + 36] = 0;
	m[27] = (uint8_t)(ISAKMP_HDR_LEN + 36 + 8);
	refused(&k, 1, m, ISAKMP_HDR_LEN + 36 + 8, GDOI_E_ORDER);
#undef RESET
	/* The original still verifies (the mutations were on copies). */
	ck_assert_int_eq(gdoi_ack_verify(&k, 1, kat_msg, n, &rx, NULL), 0);
}
END_TEST

START_TEST(test_build_refuses)
{
	static const uint16_t bad_types[] = { 0, 2, 4, 5, 0xffff };
	struct gdoi_kek k, nokey;
	struct gdoi_ack_in in;
	uint8_t msg[GDOI_ACK_MSG_MAX], fqdn[GDOI_ACK_ID_MAX + 1];
	size_t len, full, cap, i;

	make_kek(&k, 256);
	for (i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		make_in(&in, &k, bad_types[i], 1, 0);
		len = 99;
		ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);
		ck_assert_uint_eq(len, 0);
	}
	make_in(&in, &k, GDOI_ACK_HMAC_SHA512, 1, 1);
	full = build(&in, msg);
	for (cap = 0; cap < full; cap++) {
		len = 99;
		ck_assert_int_eq(gdoi_ack_build(&in, msg, cap, &len), GDOI_E_TOOBIG);
		ck_assert_uint_eq(len, 0);
	}
	ck_assert_int_eq(gdoi_ack_build(&in, msg, full, &len), 0);
	ck_assert_uint_eq(len, full);

	ck_assert_int_eq(gdoi_ack_build(NULL, msg, sizeof(msg), &len), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_ack_build(&in, NULL, sizeof(msg), &len), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), NULL), GDOI_E_INVAL);
	in.ai_kek = NULL;
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);
	nokey = k;
	nokey.kek_keybits = 0;
	in.ai_kek = &nokey;
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);

	/* IDs: NULL data, type 0, sizes the type refuses, too long. */
	make_in(&in, &k, GDOI_ACK_HMAC_SHA256, 1, 0);
	in.ai_id = NULL;
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);
	make_in(&in, &k, GDOI_ACK_HMAC_SHA256, 1, 0);
	in.ai_id_type = 0;
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);
	make_in(&in, &k, GDOI_ACK_HMAC_SHA256, 1, 0);
	in.ai_idlen = 3;
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);
	make_in(&in, &k, GDOI_ACK_HMAC_SHA256, 1, 1);
	in.ai_idlen = 4;
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);
	memset(fqdn, 'b', sizeof(fqdn));
	in.ai_id_type = ID_FQDN;
	in.ai_id = fqdn;
	in.ai_idlen = 0;
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);
	in.ai_idlen = sizeof(fqdn);
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), GDOI_E_INVAL);
	in.ai_idlen = GDOI_ACK_ID_MAX;
	ck_assert_int_eq(gdoi_ack_build(&in, msg, sizeof(msg), &len), 0);
}
END_TEST

static Suite *
ack_suite(void)
{
	Suite *s = suite_create("ack");
	TCase *tc;

	tc = tcase_create("kat");
	tcase_add_test(tc, test_key_kat);
	tcase_add_test(tc, test_msg_kat);
	suite_add_tcase(s, tc);
	tc = tcase_create("roundtrip");
	tcase_add_test(tc, test_roundtrip);
	suite_add_tcase(s, tc);
	tc = tcase_create("refuse");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_wrong_kek_type);
	tcase_add_test(tc, test_bitflips);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_shape);
	tcase_add_test(tc, test_build_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testkey_run(ack_suite());
}
