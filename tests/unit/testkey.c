#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

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
