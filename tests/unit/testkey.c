#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gdoi/policy.h"
#include "gdoi/wire.h"
#include "testkey.h"

EVP_PKEY *
testkey_rsa(const char *prog, unsigned bits, uint8_t **spki, size_t *spki_len)
{
	EVP_PKEY *k = EVP_RSA_gen(bits);
	unsigned char *der = NULL;
	int n;

	if (k == NULL)
		goto fail;
	if (spki == NULL)
		return k;
	n = i2d_PUBKEY(k, &der);
	*spki = n > 0 ? malloc((size_t)n) : NULL;
	if (*spki == NULL)
		goto fail;
	memcpy(*spki, der, (size_t)n);
	*spki_len = (size_t)n;
	OPENSSL_free(der);
	return k;
fail:
	fprintf(stderr, "%s: cannot make an RSA key\n", prog);
	exit(EXIT_FAILURE);
}

int
testkey_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

void
testkey_pattern(uint8_t *p, size_t n, uint8_t start)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(start + i * 7);
}

void
testkey_kek(struct gdoi_kek *k, unsigned keybits, uint8_t spi_seed, uint8_t key_seed,
    uint8_t sig_hash, uint64_t expiry_ms, const uint8_t *spki, size_t spki_len)
{
	memset(k, 0, sizeof(*k));
	testkey_pattern(k->kek_spi, GDOI_KEK_SPI_LEN, spi_seed);
	k->kek_alg = KEK_ALG_AES;
	k->kek_keybits = (uint16_t)keybits;
	testkey_pattern(k->kek_key, keybits / 8, key_seed);
	k->kek_life_s = 86400;
	k->kek_expiry_ms = expiry_ms;
	k->kek_sig_hash = sig_hash;
	k->kek_sig_alg = SIG_ALG_RSA;
	k->kek_sig_keybits = 2048;
	k->kek_pub = malloc(spki_len);
	ck_assert_ptr_nonnull(k->kek_pub);
	memcpy(k->kek_pub, spki, spki_len);
	k->kek_publen = spki_len;
	k->kek_af = 4;
	k->kek_port = GDOI_UDP_PORT;
}

void
testkey_tek(struct gdoi_tek *t, uint32_t spi, uint64_t expiry_ms, uint16_t acl_first,
    uint16_t acl_n)
{
	t->tek_spi = spi;
	t->tek_x.tx_esp = ESP_T_AES_CBC;
	t->tek_x.tx_keybits = 256;
	t->tek_x.tx_auth = IPSEC_AUTH_HMAC_SHA256;
	t->tek_life_s = 3600;
	t->tek_expiry_ms = expiry_ms;
	testkey_pattern(t->tek_enc, 32, 0xa0);
	testkey_pattern(t->tek_int, 32, 0xb0);
	t->tek_addr_pres = GDOI_AP_SRC_DST;
	t->tek_dir = GDOI_DIR_SYMMETRIC;
	t->tek_acl_first = acl_first;
	t->tek_acl_n = acl_n;
}
