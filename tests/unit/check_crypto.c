/*
 * Unit tests of shared/crypto.c: hash, prf, IKEv1 Phase 1 key derivation,
 * CBC ciphers and Diffie-Hellman.
 *
 * The key-derivation vectors come from tests/unit/p1_vectors.py, an
 * independent model of RFC 2409 written with Python's hashlib and hmac.
 * Every string marked  / * vec:NAME * /  below, inputs included, is
 * recomputed and compared by  p1_vectors.py --check check_crypto.c, so the
 * block cannot drift from the model.  To change an input, edit the script
 * and paste its output (python3 p1_vectors.py) between the BEGIN and END
 * lines.
 *
 * Other known answers: RFC 2202 / RFC 4231 test case 2 (HMAC), NIST
 * SP 800-38A F.2.1 and F.2.5 (AES-CBC), the RFC 3526 primes (MODP range
 * checks).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/crypto.h"
#include "gdoi/err.h"
#include "gdoi/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Hex string to octets; aborts the test on malformed hex or overflow. */
static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex), i;
	unsigned v;

	ck_assert_msg(n % 2 == 0 && n / 2 <= cap, "bad hex vector (%zu digits)",
	    n);
	for (i = 0; i < n / 2; i++) {
		ck_assert_msg(sscanf(hex + 2 * i, "%2x", &v) == 1, "bad hex");
		out[i] = (uint8_t)v;
	}
	return n / 2;
}

/* Assert that got[0..len) is exactly the octets of hex. */
#define expect_hex(what, got, len, hex) \
	expect_hex_at(__LINE__, (what), (got), (len), (hex))

static void
expect_hex_at(int line, const char *what, const uint8_t *got, size_t len,
    const char *hex)
{
	uint8_t want[512];
	size_t n = unhex(hex, want, sizeof(want));

	ck_assert_msg(len == n, "line %d: %s: length %zu, expected %zu", line,
	    what, len, n);
	ck_assert_msg(memcmp(got, want, n) == 0, "line %d: %s: value differs",
	    line, what);
}

static int
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static const unsigned hashes[] = {
	IKE_HASH_SHA1, IKE_HASH_SHA256, IKE_HASH_SHA384, IKE_HASH_SHA512
};

/* ------------------------------------------------------------------ */
/* Hash and prf                                                        */

START_TEST(test_hash_len)
{
	ck_assert_uint_eq(gdoi_hash_len(IKE_HASH_SHA1), 20);
	ck_assert_uint_eq(gdoi_hash_len(IKE_HASH_SHA256), 32);
	ck_assert_uint_eq(gdoi_hash_len(IKE_HASH_SHA384), 48);
	ck_assert_uint_eq(gdoi_hash_len(IKE_HASH_SHA512), 64);
	ck_assert_uint_eq(gdoi_hash_len(IKE_HASH_MD5), 0);
	ck_assert_uint_eq(gdoi_hash_len(IKE_HASH_TIGER), 0);
	ck_assert_uint_eq(gdoi_hash_len(0), 0);
	ck_assert_uint_eq(gdoi_hash_len(7), 0);
}
END_TEST

/* FIPS 180 "abc", fed in three parts (one empty) to test concatenation. */
START_TEST(test_hash_abc)
{
	static const char *const want[] = {
		"a9993e364706816aba3e25717850c26c9cd0d89d",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		"8086072ba1e7cc2358baeca134c825a7",
		"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	};
	struct gdoi_bytes parts[3] = {
		{ (const uint8_t *)"a", 1 }, { NULL, 0 }, { (const uint8_t *)"bc", 2 }
	};
	uint8_t out[GDOI_HASH_MAX];
	size_t len = 0;

	ck_assert_int_eq(gdoi_hash(hashes[_i], parts, 3, out, sizeof(out), &len),
	    GDOI_OK);
	expect_hex("hash(abc)", out, len, want[_i]);
}
END_TEST

/* RFC 2202 test case 2 (SHA-1), RFC 4231 test case 2 (SHA-2). */
START_TEST(test_hmac_case2)
{
	static const char *const want[] = {
		"effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		"af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		"8e2240ca5e69e2c78b3239ecfab21649",
		"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		"9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
	};
	static const char data[] = "what do ya want for nothing?";
	struct gdoi_bytes whole = { (const uint8_t *)data, sizeof(data) - 1 };
	struct gdoi_bytes split[2] = {
		{ (const uint8_t *)data, 7 },
		{ (const uint8_t *)data + 7, sizeof(data) - 1 - 7 },
	};
	uint8_t out[GDOI_HASH_MAX];
	size_t len = 0;

	ck_assert_int_eq(gdoi_prf(hashes[_i], (const uint8_t *)"Jefe", 4,
	    &whole, 1, out, sizeof(out), &len), GDOI_OK);
	expect_hex("HMAC case 2", out, len, want[_i]);
	memset(out, 0, sizeof(out));
	ck_assert_int_eq(gdoi_prf(hashes[_i], (const uint8_t *)"Jefe", 4,
	    split, 2, out, gdoi_hash_len(hashes[_i]), &len), GDOI_OK);
	expect_hex("HMAC case 2, split", out, len, want[_i]);
}
END_TEST

/* An empty key is a valid HMAC key (Python: hmac.new(b"", b"abc", sha256)). */
START_TEST(test_prf_empty_key)
{
	struct gdoi_bytes abc = { (const uint8_t *)"abc", 3 };
	uint8_t out[32];
	size_t len = 0;

	ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA256, NULL, 0, &abc, 1, out,
	    sizeof(out), &len), GDOI_OK);
	expect_hex("HMAC empty key", out, len,
	    "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351");
}
END_TEST

START_TEST(test_hash_errors)
{
	struct gdoi_bytes abc = { (const uint8_t *)"abc", 3 };
	struct gdoi_bytes bad = { NULL, 3 };
	uint8_t out[GDOI_HASH_MAX];
	uint8_t key[4] = { 1, 2, 3, 4 };

	ck_assert_int_eq(gdoi_hash(IKE_HASH_MD5, &abc, 1, out, sizeof(out),
	    NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_hash(IKE_HASH_TIGER, &abc, 1, out, sizeof(out),
	    NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_hash(0, &abc, 1, out, sizeof(out), NULL),
	    GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_hash(IKE_HASH_SHA256, &abc, 1, out, 31, NULL),
	    GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_hash(IKE_HASH_SHA256, NULL, 1, out, sizeof(out),
	    NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_hash(IKE_HASH_SHA256, &bad, 1, out, sizeof(out),
	    NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_hash(IKE_HASH_SHA256, NULL, 0, out, sizeof(out),
	    NULL), GDOI_OK); /* hash of nothing */
	ck_assert_int_eq(gdoi_prf(IKE_HASH_MD5, key, 4, &abc, 1, out,
	    sizeof(out), NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA1, key, 4, &abc, 1, out, 19,
	    NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA512, key, 4, &abc, 1, out, 63,
	    NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA1, NULL, 4, &abc, 1, out,
	    sizeof(out), NULL), GDOI_E_INVAL);
}
END_TEST

START_TEST(test_ct_equal)
{
	uint8_t a[48], b[48];

	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	ck_assert_int_eq(gdoi_ct_equal(a, b, sizeof(a)), 1);
	b[47] ^= 0x01;
	ck_assert_int_eq(gdoi_ct_equal(a, b, sizeof(a)), 0);
	ck_assert_int_eq(gdoi_ct_equal(a, b, 47), 1);
	b[0] ^= 0x80;
	ck_assert_int_eq(gdoi_ct_equal(a, b, 47), 0);
	ck_assert_int_eq(gdoi_ct_equal(a, b, 0), 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IKEv1 key derivation vectors                                        */

struct p1_inputs {
	const char *psk, *ni, *nr, *cky_i, *cky_r, *gxy, *gxi, *gxr;
	const char *last_block, *msgid;
};

struct p1_vec {
	unsigned hash;
	const char *skeyid_psk, *skeyid_sig;
	const char *skeyid_d, *skeyid_a, *skeyid_e;
	const char *key_aes128, *key_aes256, *key_3des;
	const char *iv1_16, *iv1_8; /* Phase 1 IV, AES and 3DES */
	const char *iv2_16, *iv2_8; /* Phase 2 IV, AES and 3DES */
};

/* BEGIN p1_vectors.py output */
static const struct p1_inputs p1_in = {
	.psk = /* vec:in_psk */ "67646f6920756e69742d74657374207072652d736861726564206b6579",
	.ni = /* vec:in_ni */ "832f27c0c31cb9104ca27d3192cad15bb5cd027491387186",
	.nr = /* vec:in_nr */ "9c345388dae97244e155eb27170a55d20cce3c53654398b4780f77be9ce44fe1",
	.cky_i = /* vec:in_cky_i */ "1d806014919807b3",
	.cky_r = /* vec:in_cky_r */ "f76c2f74d84fa635",
	.gxy = /* vec:in_gxy */ "aa842d2e868338f0915f6b3389b4434b93efd2429175f862a6e8e0bad582f071"
	    "0757a8f6cb04e004ef559543689e6918cd0a33cfe850223f60531e9d1c544b79"
	    "33ac9aa77feeba5072fceabd2f60d2ff0f820f9505f18ae84690760b6ea47606"
	    "01a906fd6f75dacb9df2bf312cad8a0076516105351cc15ec5d24944ec62c493"
	    "417479ee54428e894eeed6e88b0600dfea9935aba406e76a5fa59497212ea9bc"
	    "a660daabfaf984ff47fac50648f6e1c86ba728afcfd8ce799a1b4193cdd2368f"
	    "aaa07d39b4a864c4154fe5a1df38611183f1b7518830b7deee73bd36a12ebac0"
	    "cff89dfbbdbcd8b29e40bd895b8660becbdee5b1059924224463fa04d27ad503",
	.gxi = /* vec:in_gxi */ "fd58b2e4d9645266b8240de32c59b84d27aa30091bd70b2b17bef0932f643ddd"
	    "5b090873187ca8ccc6ea101e5a19626c8128ca46ab55ace01330524bb157e0b9"
	    "141233bffa8268f9258d4de4b4becf73372c2db3cf6b89d65d47397639e031f4"
	    "d86d479c238fc525670dac104ea62de80bbcd19867d140ab7f56eee7f7757f0d"
	    "908a2d4cdcd2290e3f12c283152fdcf1e392fab025bf5b6cfe61210483ec44b3"
	    "d9b70ff18733d90b5936242b50892d16823cc2783aff9345cfcda8d2d6883764"
	    "c8cd288c9057be06ef86970f9837df5f9c9c78496a6372ae0620fe498b66006c"
	    "9bedba75b88d6051afd4942bfa036101d6437a5758eea2e9188b8c7232e10157",
	.gxr = /* vec:in_gxr */ "2bb656a999b4ba5d977bebb9d0423e6310aa9e433f90add978302a62c24ce931"
	    "a890a9b987f268b3b3143354419466c7b75ac765d5a8ccfe53674477c86cb0eb"
	    "16897926d94dae8d5cfebb4492b06c80db4a5daaa9aee3334d4a22ef35a1f74c"
	    "3d9577f10386c664710fde6a0e591d6ca8240046db2a10e978d70f79fb5f3444"
	    "1322f0be83f489a588358b6ddc0117f7d969ce80b02d33eb84004d541ad6119b"
	    "6ed44e945553d80cbad7b8707e11dfc8b999d048eba0a658609d3fcf7030a29d"
	    "442a2e92a5701f794c395d22b9c4a27ebbb4ae36df2b63a3b4e5f74e2e394753"
	    "f0ae522d1ac26d1497dd37ba9e18c0558f33f6719920c0cebad023b8ffd8502d",
	.last_block = /* vec:in_last_block */ "2aef6c47d2ecefdcaec39123ca3b2980",
	.msgid = /* vec:in_msgid */ "7a3c1f05",
};

static const struct p1_vec p1_vecs[] = {
	{
		.hash = IKE_HASH_SHA1,
		.skeyid_psk = /* vec:skeyid_psk_sha1 */
		    "a27ae2ed16cbc6fadbba0f78b7e117bcecc37bb6",
		.skeyid_sig = /* vec:skeyid_sig_sha1 */
		    "36becbad207fe2442c8f369e054d05fe5964852d",
		.skeyid_d = /* vec:skeyid_d_sha1 */
		    "694fa618ec847a650abff80eab4f6f83a50f4f78",
		.skeyid_a = /* vec:skeyid_a_sha1 */
		    "913c598b9d5df9328dc7b23f07987c0f13733b7a",
		.skeyid_e = /* vec:skeyid_e_sha1 */
		    "2c3dd7237eda96bf6c2fabccf6ada0cfe8a863c6",
		.key_aes128 = /* vec:key_aes128_sha1 */
		    "2c3dd7237eda96bf6c2fabccf6ada0cf",
		.key_aes256 = /* vec:key_aes256_sha1 */
		    "ce15a027d0f1c4d02fdfac75f5426eabeaadaf16bb4e102ff929a1eed59ad9e4",
		.key_3des = /* vec:key_3des_sha1 */
		    "ce15a027d0f1c4d02fdfac75f5426eabeaadaf16bb4e102f",
		.iv1_16 = /* vec:iv1_16_sha1 */
		    "adf1bd1126d81a2cb92329332243fb20",
		.iv1_8 = /* vec:iv1_8_sha1 */
		    "adf1bd1126d81a2c",
		.iv2_16 = /* vec:iv2_16_sha1 */
		    "89ad0415df75552d1515c4817d89e82d",
		.iv2_8 = /* vec:iv2_8_sha1 */
		    "43bacd74f90c1cf3",
	},
	{
		.hash = IKE_HASH_SHA256,
		.skeyid_psk = /* vec:skeyid_psk_sha256 */
		    "a618df70df5c6bb7311be80d99609ad12df60b2f1c092e19944f1e7df2d7a240",
		.skeyid_sig = /* vec:skeyid_sig_sha256 */
		    "bcab34696c13292920f57ac368c35db2510e01ef33cddc39ac407747e3903c65",
		.skeyid_d = /* vec:skeyid_d_sha256 */
		    "346b28589fc95042831de0ba1b9d60f630a03a7e51c981725ab1d7bda234d836",
		.skeyid_a = /* vec:skeyid_a_sha256 */
		    "254763fdafc528cff57189dff76e62aea3282efad9267a7f7a000abb65c507f8",
		.skeyid_e = /* vec:skeyid_e_sha256 */
		    "830230513cf67a0253be883b538b49cf7de5d3de8950af86c009b9ccfe911460",
		.key_aes128 = /* vec:key_aes128_sha256 */
		    "830230513cf67a0253be883b538b49cf",
		.key_aes256 = /* vec:key_aes256_sha256 */
		    "830230513cf67a0253be883b538b49cf7de5d3de8950af86c009b9ccfe911460",
		.key_3des = /* vec:key_3des_sha256 */
		    "830230513cf67a0253be883b538b49cf7de5d3de8950af86",
		.iv1_16 = /* vec:iv1_16_sha256 */
		    "b14e31fb70c431a5182eb97f4daeac24",
		.iv1_8 = /* vec:iv1_8_sha256 */
		    "b14e31fb70c431a5",
		.iv2_16 = /* vec:iv2_16_sha256 */
		    "73542135a76116dc7905b741990804bd",
		.iv2_8 = /* vec:iv2_8_sha256 */
		    "d4da3ae14bd38b3d",
	},
	{
		.hash = IKE_HASH_SHA384,
		.skeyid_psk = /* vec:skeyid_psk_sha384 */
		    "9449f80962faef68a65fb3d7bafbd6977940a5c71d85079189a78b4250adcafa"
		    "0bc8e848ae051d5f44592a65070285c3",
		.skeyid_sig = /* vec:skeyid_sig_sha384 */
		    "46ec512711c92caeb3a47421f131795818446ae2859c3d276074e85dd907c540"
		    "41fbc080c8d21c6658479681b2c49d16",
		.skeyid_d = /* vec:skeyid_d_sha384 */
		    "ceca086c7a6127f18f071106892c5b739b185af3f070d516e106cdb9f2e207fc"
		    "bea6ed89cfb953430a7519d56166f18a",
		.skeyid_a = /* vec:skeyid_a_sha384 */
		    "13d2a3ca3233c0f6e0f5500878a25a957bc304cdd00163556b381d384b5b43cb"
		    "51112837743ed6f94daa4d5bbbde5bae",
		.skeyid_e = /* vec:skeyid_e_sha384 */
		    "4e0b427be23417a7c77d3f3cf50efb806de4ef67deca597904fc8aa367ef2891"
		    "60f4fcafabef5b45b08a3c9490fde016",
		.key_aes128 = /* vec:key_aes128_sha384 */
		    "4e0b427be23417a7c77d3f3cf50efb80",
		.key_aes256 = /* vec:key_aes256_sha384 */
		    "4e0b427be23417a7c77d3f3cf50efb806de4ef67deca597904fc8aa367ef2891",
		.key_3des = /* vec:key_3des_sha384 */
		    "4e0b427be23417a7c77d3f3cf50efb806de4ef67deca5979",
		.iv1_16 = /* vec:iv1_16_sha384 */
		    "4dfab40eabc35127f5bd05fda8b85941",
		.iv1_8 = /* vec:iv1_8_sha384 */
		    "4dfab40eabc35127",
		.iv2_16 = /* vec:iv2_16_sha384 */
		    "fa0a6330227ad5a9f510ac04e4e2fff1",
		.iv2_8 = /* vec:iv2_8_sha384 */
		    "50c35cd77f0f1f6b",
	},
	{
		.hash = IKE_HASH_SHA512,
		.skeyid_psk = /* vec:skeyid_psk_sha512 */
		    "dd00d7eb966daff0945fdcad7c110386ef2a1725071b00ad50954c5f51c88930"
		    "0dcfc5a91bfa8b05c0b13002ce07253279839d6e34af91b58f6264a22cb6b4d5",
		.skeyid_sig = /* vec:skeyid_sig_sha512 */
		    "3e70e743eb77c91a8020d0db63a9bcbc46fd0b13cda60a50252a97117fdb0bc2"
		    "2f96e88776dbe8e2bec1931c0a96fc7d893acd85caa26acd7546c1af1f6ce7d8",
		.skeyid_d = /* vec:skeyid_d_sha512 */
		    "30722c6cf386fe75275deccfdeb174c9d700e7aafb49a10a6a28714956b44b2d"
		    "7765db84d55f449811c8c45e2985e7a1d713c1e37724d98a38fb328c344a0848",
		.skeyid_a = /* vec:skeyid_a_sha512 */
		    "77b21b2df384f891f98db493f5f25c1e8042fb0a0c8b45e02dd9fbd2e158194d"
		    "2b13e26aadece686b7bf72b0e6291577108584e84b21292d566a95c47944b631",
		.skeyid_e = /* vec:skeyid_e_sha512 */
		    "81308d8b199f3ae0d31267485a92cae0ac75fb231dd41edb221298063c1d171e"
		    "6055c5fc68a41633cda0547e2fc6aadca9402479bbe3fe1e10b76019e068eb0e",
		.key_aes128 = /* vec:key_aes128_sha512 */
		    "81308d8b199f3ae0d31267485a92cae0",
		.key_aes256 = /* vec:key_aes256_sha512 */
		    "81308d8b199f3ae0d31267485a92cae0ac75fb231dd41edb221298063c1d171e",
		.key_3des = /* vec:key_3des_sha512 */
		    "81308d8b199f3ae0d31267485a92cae0ac75fb231dd41edb",
		.iv1_16 = /* vec:iv1_16_sha512 */
		    "e18cf15a98f4e077b8adef742b0197dc",
		.iv1_8 = /* vec:iv1_8_sha512 */
		    "e18cf15a98f4e077",
		.iv2_16 = /* vec:iv2_16_sha512 */
		    "4cb10c714c1270f8d1257f079c8a622b",
		.iv2_8 = /* vec:iv2_8_sha512 */
		    "136c0b4cc899c625",
	},
};
/* END p1_vectors.py output */

/* The fixed inputs above, as octets. */
struct p1_bin {
	uint8_t psk[64], ni[64], nr[64], cky_i[8], cky_r[8];
	uint8_t gxy[256], gxi[256], gxr[256], last[16];
	struct gdoi_bytes b_ni, b_nr, b_gxy, b_gxi, b_gxr;
	size_t psk_len;
	uint32_t msgid;
};

static void
p1_load(struct p1_bin *b)
{
	uint8_t mid[4];

	b->psk_len = unhex(p1_in.psk, b->psk, sizeof(b->psk));
	b->b_ni.len = unhex(p1_in.ni, b->ni, sizeof(b->ni));
	b->b_ni.ptr = b->ni;
	b->b_nr.len = unhex(p1_in.nr, b->nr, sizeof(b->nr));
	b->b_nr.ptr = b->nr;
	ck_assert_uint_eq(unhex(p1_in.cky_i, b->cky_i, 8), 8);
	ck_assert_uint_eq(unhex(p1_in.cky_r, b->cky_r, 8), 8);
	b->b_gxy.len = unhex(p1_in.gxy, b->gxy, sizeof(b->gxy));
	b->b_gxy.ptr = b->gxy;
	b->b_gxi.len = unhex(p1_in.gxi, b->gxi, sizeof(b->gxi));
	b->b_gxi.ptr = b->gxi;
	b->b_gxr.len = unhex(p1_in.gxr, b->gxr, sizeof(b->gxr));
	b->b_gxr.ptr = b->gxr;
	ck_assert_uint_eq(unhex(p1_in.last_block, b->last, 16), 16);
	ck_assert_uint_eq(unhex(p1_in.msgid, mid, 4), 4);
	b->msgid = (uint32_t)mid[0] << 24 | (uint32_t)mid[1] << 16 |
	    (uint32_t)mid[2] << 8 | mid[3];
}

START_TEST(test_kdf_skeyid)
{
	const struct p1_vec *v = &p1_vecs[_i];
	struct p1_bin b;
	uint8_t out[GDOI_HASH_MAX], want[GDOI_HASH_MAX];
	size_t len = 0;

	p1_load(&b);
	ck_assert_uint_eq(v->hash, hashes[_i]);
	ck_assert_int_eq(gdoi_skeyid_psk(v->hash, b.psk, b.psk_len, &b.b_ni,
	    &b.b_nr, out, sizeof(out), &len), GDOI_OK);
	expect_hex("SKEYID (PSK)", out, len, v->skeyid_psk);
	ck_assert_int_eq(gdoi_skeyid_sig(v->hash, &b.b_ni, &b.b_nr, &b.b_gxy,
	    out, sizeof(out), &len), GDOI_OK);
	expect_hex("SKEYID (signature)", out, len, v->skeyid_sig);
	/* Swapped nonces must give something else. */
	ck_assert_int_eq(gdoi_skeyid_psk(v->hash, b.psk, b.psk_len, &b.b_nr,
	    &b.b_ni, out, sizeof(out), &len), GDOI_OK);
	ck_assert_uint_eq(unhex(v->skeyid_psk, want, sizeof(want)), len);
	ck_assert(memcmp(out, want, len) != 0);
}
END_TEST

/* SKEYID_d/a/e, the three cipher keys and the Phase 1 IVs. */
START_TEST(test_kdf_p1keys)
{
	const struct p1_vec *v = &p1_vecs[_i];
	const struct {
		unsigned enc;
		size_t keylen;
		const char *key, *iv;
	} ciphers[] = {
		{ IKE_ENC_AES_CBC, 16, v->key_aes128, v->iv1_16 },
		{ IKE_ENC_AES_CBC, 32, v->key_aes256, v->iv1_16 },
		{ IKE_ENC_3DES_CBC, 24, v->key_3des, v->iv1_8 },
	};
	struct gdoi_p1keys k;
	struct p1_bin b;
	uint8_t skeyid[GDOI_HASH_MAX];
	size_t slen, c;

	p1_load(&b);
	slen = unhex(v->skeyid_psk, skeyid, sizeof(skeyid));
	for (c = 0; c < NELEM(ciphers); c++) {
		ck_assert_int_eq(gdoi_p1keys_derive(v->hash, ciphers[c].enc,
		    ciphers[c].keylen, skeyid, slen, &b.b_gxy, b.cky_i, b.cky_r,
		    &b.b_gxi, &b.b_gxr, &k), GDOI_OK);
		expect_hex("SKEYID", k.k_skeyid, k.k_skeyid_len, v->skeyid_psk);
		expect_hex("SKEYID_d", k.k_skeyid_d, k.k_skeyid_d_len,
		    v->skeyid_d);
		expect_hex("SKEYID_a", k.k_skeyid_a, k.k_skeyid_a_len,
		    v->skeyid_a);
		expect_hex("SKEYID_e", k.k_skeyid_e, k.k_skeyid_e_len,
		    v->skeyid_e);
		expect_hex("cipher key", k.k_enc, k.k_enc_len, ciphers[c].key);
		expect_hex("Phase 1 IV", k.k_iv, k.k_iv_len, ciphers[c].iv);
		gdoi_p1keys_wipe(&k);
		ck_assert(all_zero((const uint8_t *)&k, sizeof(k)));
	}
}
END_TEST

START_TEST(test_kdf_p2iv)
{
	const struct p1_vec *v = &p1_vecs[_i];
	struct p1_bin b;
	uint8_t iv[16];

	p1_load(&b);
	ck_assert_int_eq(gdoi_p2_iv(v->hash, b.last, 16, b.msgid, iv, 16),
	    GDOI_OK);
	expect_hex("Phase 2 IV (AES)", iv, 16, v->iv2_16);
	ck_assert_int_eq(gdoi_p2_iv(v->hash, b.last, 8, b.msgid, iv, 8),
	    GDOI_OK);
	expect_hex("Phase 2 IV (3DES)", iv, 8, v->iv2_8);
}
END_TEST

START_TEST(test_kdf_errors)
{
	static const uint8_t big[GDOI_NONCES_MAX + 1];
	struct gdoi_bytes nbig = { big, 257 }, nbig2 = { big, 256 };
	struct gdoi_p1keys k;
	struct p1_bin b;
	uint8_t skeyid[20], out[GDOI_HASH_MAX], iv[16];

	p1_load(&b);
	memset(skeyid, 0x11, sizeof(skeyid));
#define DERIVE(h, e, kl, sl) gdoi_p1keys_derive((h), (e), (kl), skeyid, (sl), \
	    &b.b_gxy, b.cky_i, b.cky_r, &b.b_gxi, &b.b_gxr, &k)
	ck_assert_int_eq(DERIVE(IKE_HASH_SHA1, IKE_ENC_AES_CBC, 16, 20),
	    GDOI_OK);
	memset(&k, 0xee, sizeof(k));
	ck_assert_int_eq(DERIVE(IKE_HASH_MD5, IKE_ENC_AES_CBC, 16, 20),
	    GDOI_E_INVAL);
	ck_assert(all_zero((const uint8_t *)&k, sizeof(k)));
	ck_assert_int_eq(DERIVE(IKE_HASH_TIGER, IKE_ENC_AES_CBC, 16, 20),
	    GDOI_E_INVAL);
	ck_assert_int_eq(DERIVE(IKE_HASH_SHA1, IKE_ENC_DES_CBC, 8, 20),
	    GDOI_E_INVAL);
	ck_assert_int_eq(DERIVE(IKE_HASH_SHA1, IKE_ENC_CAMELLIA_CBC, 16, 20),
	    GDOI_E_INVAL);
	ck_assert_int_eq(DERIVE(IKE_HASH_SHA1, IKE_ENC_AES_CBC, 20, 20),
	    GDOI_E_INVAL);
	ck_assert_int_eq(DERIVE(IKE_HASH_SHA1, IKE_ENC_AES_CBC, 0, 20),
	    GDOI_E_INVAL);
	ck_assert_int_eq(DERIVE(IKE_HASH_SHA1, IKE_ENC_3DES_CBC, 16, 20),
	    GDOI_E_INVAL);
	ck_assert_int_eq(DERIVE(IKE_HASH_SHA1, IKE_ENC_AES_CBC, 16, 0),
	    GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_p1keys_derive(IKE_HASH_SHA1, IKE_ENC_AES_CBC, 16,
	    skeyid, 20, NULL, b.cky_i, b.cky_r, &b.b_gxi, &b.b_gxr, &k),
	    GDOI_E_INVAL);
#undef DERIVE
	gdoi_p1keys_wipe(NULL);

	ck_assert_int_eq(gdoi_skeyid_psk(IKE_HASH_MD5, b.psk, b.psk_len,
	    &b.b_ni, &b.b_nr, out, sizeof(out), NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_skeyid_psk(IKE_HASH_SHA256, b.psk, b.psk_len,
	    &b.b_ni, &b.b_nr, out, 31, NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_skeyid_sig(IKE_HASH_MD5, &b.b_ni, &b.b_nr,
	    &b.b_gxy, out, sizeof(out), NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_skeyid_sig(IKE_HASH_SHA1, &nbig, &nbig2,
	    &b.b_gxy, out, sizeof(out), NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_skeyid_sig(IKE_HASH_SHA1, &nbig2, &nbig2,
	    &b.b_gxy, out, sizeof(out), NULL), GDOI_OK);

	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_MD5, b.last, 16, 1, iv, 16),
	    GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_SHA1, b.last, 16, 1, iv, 0),
	    GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_SHA1, b.last, 0, 1, iv, 16),
	    GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_SHA1, NULL, 16, 1, iv, 16),
	    GDOI_E_INVAL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CBC                                                                 */

static const char sp_iv[] = "000102030405060708090a0b0c0d0e0f";
static const char sp_pt[] =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";

/* SP 800-38A F.2.1 / F.2.2 and F.2.5 / F.2.6, first two blocks. */
START_TEST(test_cbc_aes_sp800_38a)
{
	static const struct {
		const char *key, *ct;
	} kat[] = {
		{ "2b7e151628aed2a6abf7158809cf4f3c",
		  "7649abac8119b246cee98e9b12e9197d"
		  "5086cb9b507219ee95db113a917678b2" },
		{ "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
		  "f58c4c04d6e5f1ba779eabfb5f7bfbd6"
		  "9cfc4e967edb808d679f777bc6702c7d" },
	};
	uint8_t key[32], iv[16], pt[32], ct[32], buf[32];
	size_t klen;

	klen = unhex(kat[_i].key, key, sizeof(key));
	unhex(sp_pt, pt, sizeof(pt));
	unhex(kat[_i].ct, ct, sizeof(ct));

	/* Encrypt into a separate buffer; iv comes back as the last block. */
	unhex(sp_iv, iv, sizeof(iv));
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_AES_CBC, key, klen, iv, pt,
	    32, buf), GDOI_OK);
	ck_assert_mem_eq(buf, ct, 32);
	ck_assert_mem_eq(iv, ct + 16, 16);

	/* Decrypt in place. */
	unhex(sp_iv, iv, sizeof(iv));
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_AES_CBC, key, klen, iv, buf,
	    32, buf), GDOI_OK);
	ck_assert_mem_eq(buf, pt, 32);
	ck_assert_mem_eq(iv, ct + 16, 16);

	/* Encrypt in place, one block per call, chaining through iv. */
	unhex(sp_iv, iv, sizeof(iv));
	memcpy(buf, pt, 32);
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_AES_CBC, key, klen, iv, buf,
	    16, buf), GDOI_OK);
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_AES_CBC, key, klen, iv,
	    buf + 16, 16, buf + 16), GDOI_OK);
	ck_assert_mem_eq(buf, ct, 32);

	/* Decrypt one block per call, chaining. */
	unhex(sp_iv, iv, sizeof(iv));
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_AES_CBC, key, klen, iv, buf,
	    16, buf), GDOI_OK);
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_AES_CBC, key, klen, iv,
	    buf + 16, 16, buf + 16), GDOI_OK);
	ck_assert_mem_eq(buf, pt, 32);
}
END_TEST

START_TEST(test_cbc_roundtrip)
{
	static const struct {
		unsigned enc;
		size_t keylen, blk;
	} c[] = {
		{ IKE_ENC_3DES_CBC, 24, 8 },
		{ IKE_ENC_AES_CBC, 24, 16 },
	};
	uint8_t key[32], iv0[16], iv[16], iv2[16], pt[80], ct[80], buf[80];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x31 * i + 7);
	for (i = 0; i < sizeof(iv0); i++)
		iv0[i] = (uint8_t)(0xa5 ^ i);
	for (i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)i;
	ck_assert_uint_eq(gdoi_cipher_block(c[_i].enc), c[_i].blk);

	memcpy(iv, iv0, sizeof(iv));
	ck_assert_int_eq(gdoi_cbc_encrypt(c[_i].enc, key, c[_i].keylen, iv, pt,
	    sizeof(pt), ct), GDOI_OK);
	ck_assert(memcmp(ct, pt, sizeof(pt)) != 0);
	ck_assert_mem_eq(iv, ct + sizeof(ct) - c[_i].blk, c[_i].blk);

	/* Two calls chained through iv give the same ciphertext. */
	memcpy(iv2, iv0, sizeof(iv2));
	ck_assert_int_eq(gdoi_cbc_encrypt(c[_i].enc, key, c[_i].keylen, iv2,
	    pt, 2 * c[_i].blk, buf), GDOI_OK);
	ck_assert_int_eq(gdoi_cbc_encrypt(c[_i].enc, key, c[_i].keylen, iv2,
	    pt + 2 * c[_i].blk, sizeof(pt) - 2 * c[_i].blk,
	    buf + 2 * c[_i].blk), GDOI_OK);
	ck_assert_mem_eq(buf, ct, sizeof(ct));

	/* Decrypt in place. */
	memcpy(iv, iv0, sizeof(iv));
	memcpy(buf, ct, sizeof(buf));
	ck_assert_int_eq(gdoi_cbc_decrypt(c[_i].enc, key, c[_i].keylen, iv, buf,
	    sizeof(buf), buf), GDOI_OK);
	ck_assert_mem_eq(buf, pt, sizeof(pt));
	ck_assert_mem_eq(iv, ct + sizeof(ct) - c[_i].blk, c[_i].blk);
}
END_TEST

START_TEST(test_cbc_errors)
{
	uint8_t key[32] = { 0 }, iv[16] = { 0 }, buf[48] = { 0 };
	uint8_t iv_before[16];

	ck_assert_uint_eq(gdoi_cipher_block(IKE_ENC_AES_CBC), 16);
	ck_assert_uint_eq(gdoi_cipher_block(IKE_ENC_3DES_CBC), 8);
	ck_assert_uint_eq(gdoi_cipher_block(IKE_ENC_DES_CBC), 0);
	ck_assert_uint_eq(gdoi_cipher_block(IKE_ENC_CAMELLIA_CBC), 0);
	ck_assert_uint_eq(gdoi_cipher_block(0), 0);
	ck_assert_int_eq(gdoi_cipher_keylen_ok(IKE_ENC_AES_CBC, 24), 1);
	ck_assert_int_eq(gdoi_cipher_keylen_ok(IKE_ENC_3DES_CBC, 24), 1);
	ck_assert_int_eq(gdoi_cipher_keylen_ok(IKE_ENC_3DES_CBC, 16), 0);

	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_DES_CBC, key, 8, iv, buf, 16,
	    buf), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_BLOWFISH_CBC, key, 16, iv,
	    buf, 16, buf), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_decrypt(99, key, 16, iv, buf, 16, buf),
	    GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_AES_CBC, key, 20, iv, buf, 16,
	    buf), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_AES_CBC, key, 0, iv, buf, 16,
	    buf), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_3DES_CBC, key, 16, iv, buf, 16,
	    buf), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_AES_CBC, key, 16, iv, buf, 15,
	    buf), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_AES_CBC, key, 16, iv, buf, 40,
	    buf), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_3DES_CBC, key, 24, iv, buf, 12,
	    buf), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_3DES_CBC, key, 24, iv, buf, 40,
	    buf), GDOI_OK); /* 40 is a multiple of 8 */
	memcpy(iv_before, iv, sizeof(iv));
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_AES_CBC, key, 16, iv, buf, 0,
	    buf), GDOI_OK);
	ck_assert_mem_eq(iv, iv_before, sizeof(iv));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Diffie-Hellman                                                      */

static const struct {
	unsigned group;
	size_t publen, secretlen;
} dh_cases[] = {
	{ IKE_GROUP_MODP2048, 256, 256 },
	{ IKE_GROUP_MODP3072, 384, 384 },
	{ IKE_GROUP_ECP256, 64, 32 },
	{ IKE_GROUP_ECP384, 96, 48 },
	{ IKE_GROUP_ECP521, 132, 66 },
};

/* RFC 3526 sections 3 and 4. */
static const char modp2048_p[] =
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74"
    "020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437"
    "4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed"
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05"
    "98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb"
    "9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b"
    "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718"
    "3995497cea956ae515d2261898fa051015728e5a8aacaa68ffffffffffffffff";
static const char modp3072_p[] =
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74"
    "020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437"
    "4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed"
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05"
    "98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb"
    "9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b"
    "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718"
    "3995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33"
    "a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7"
    "abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864"
    "d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e2"
    "08e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";

/* Big-endian n -= 1 / n += 1 (no wrap in the values used here). */
static void
be_dec(uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (p[n]-- != 0)
			break;
}

static void
be_inc(uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (++p[n] != 0)
			break;
}

START_TEST(test_dh_agree)
{
	unsigned g = dh_cases[_i].group;
	size_t plen = dh_cases[_i].publen, slen = dh_cases[_i].secretlen;
	struct gdoi_dh *a = NULL, *b = NULL;
	uint8_t pa[GDOI_DH_MAX], pb[GDOI_DH_MAX];
	uint8_t sa[GDOI_DH_MAX], sb[GDOI_DH_MAX], sa2[GDOI_DH_MAX];
	size_t la = 0, lb = 0, n = 0;

	ck_assert_uint_eq(gdoi_dh_public_len(g), plen);
	ck_assert_uint_eq(gdoi_dh_secret_len(g), slen);
	ck_assert_int_eq(gdoi_dh_new(g, &a), GDOI_OK);
	ck_assert_int_eq(gdoi_dh_new(g, &b), GDOI_OK);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(gdoi_dh_group(a), g);
	ck_assert_int_eq(gdoi_dh_public(a, pa, sizeof(pa), &la), GDOI_OK);
	ck_assert_int_eq(gdoi_dh_public(b, pb, plen, &lb), GDOI_OK);
	ck_assert_uint_eq(la, plen);
	ck_assert_uint_eq(lb, plen);
	ck_assert(memcmp(pa, pb, plen) != 0);
	ck_assert_int_eq(gdoi_dh_public(a, pa, plen - 1, &n), GDOI_E_INVAL);

	ck_assert_int_eq(gdoi_dh_derive(a, pb, lb, sa, sizeof(sa), &la),
	    GDOI_OK);
	ck_assert_int_eq(gdoi_dh_derive(b, pa, plen, sb, slen, &lb), GDOI_OK);
	ck_assert_uint_eq(la, slen);
	ck_assert_uint_eq(lb, slen);
	ck_assert_mem_eq(sa, sb, slen);
	ck_assert(!all_zero(sa, slen));
	/* A key pair can derive again, with the same result. */
	ck_assert_int_eq(gdoi_dh_derive(a, pb, plen, sa2, slen, &n), GDOI_OK);
	ck_assert_mem_eq(sa, sa2, slen);
	/* Short secret buffer. */
	ck_assert_int_eq(gdoi_dh_derive(a, pb, plen, sa2, slen - 1, &n),
	    GDOI_E_INVAL);
	gdoi_dh_free(a);
	gdoi_dh_free(b);
	gdoi_dh_free(NULL);
}
END_TEST

/*
 * A secret whose top octet is 0 still has the full length (left-padded),
 * and both sides agree on it.  One in 256 secrets qualifies.
 */
START_TEST(test_dh_padding)
{
	static const unsigned groups[] = { IKE_GROUP_MODP2048, IKE_GROUP_ECP256 };
	unsigned g = groups[_i];
	size_t plen = gdoi_dh_public_len(g), slen = gdoi_dh_secret_len(g);
	struct gdoi_dh *a = NULL, *b = NULL;
	uint8_t pa[GDOI_DH_MAX], pb[GDOI_DH_MAX];
	uint8_t sa[GDOI_DH_MAX], sb[GDOI_DH_MAX];
	size_t la, lb, tries;

	ck_assert_int_eq(gdoi_dh_new(g, &a), GDOI_OK);
	ck_assert_int_eq(gdoi_dh_public(a, pa, sizeof(pa), NULL), GDOI_OK);
	for (tries = 0; tries < 5000; tries++) {
		ck_assert_int_eq(gdoi_dh_new(g, &b), GDOI_OK);
		ck_assert_int_eq(gdoi_dh_public(b, pb, sizeof(pb), NULL),
		    GDOI_OK);
		ck_assert_int_eq(gdoi_dh_derive(a, pb, plen, sa, sizeof(sa),
		    &la), GDOI_OK);
		ck_assert_int_eq(gdoi_dh_derive(b, pa, plen, sb, sizeof(sb),
		    &lb), GDOI_OK);
		gdoi_dh_free(b);
		ck_assert_uint_eq(la, slen);
		ck_assert_uint_eq(lb, slen);
		ck_assert_mem_eq(sa, sb, slen);
		if (sa[0] == 0)
			break;
	}
	ck_assert_msg(tries < 5000, "no secret with a leading zero octet");
	gdoi_dh_free(a);
}
END_TEST

/* Derive from peer; expect rc; on rejection the secret buffer is wiped. */
static void
dh_try(struct gdoi_dh *dh, const uint8_t *peer, size_t len, int rc,
    const char *what)
{
	uint8_t s[GDOI_DH_MAX];
	size_t slen = gdoi_dh_secret_len(gdoi_dh_group(dh));

	memset(s, 0xaa, sizeof(s));
	ck_assert_msg(gdoi_dh_derive(dh, peer, len, s, sizeof(s), NULL) == rc,
	    "%s: expected %s", what, gdoi_errname(rc));
	if (rc != GDOI_OK)
		ck_assert_msg(all_zero(s, slen), "%s: secret not wiped", what);
}

START_TEST(test_dh_modp_invalid)
{
	unsigned g = dh_cases[_i].group;
	const char *phex = _i == 0 ? modp2048_p : modp3072_p;
	size_t plen = dh_cases[_i].publen;
	struct gdoi_dh *dh = NULL;
	uint8_t v[GDOI_DH_MAX + 1], p[GDOI_DH_MAX];

	ck_assert_uint_eq(unhex(phex, p, sizeof(p)), plen);
	ck_assert_int_eq(gdoi_dh_new(g, &dh), GDOI_OK);

	memset(v, 0, plen);
	dh_try(dh, v, plen, GDOI_E_INVAL, "0");
	v[plen - 1] = 1;
	dh_try(dh, v, plen, GDOI_E_INVAL, "1");
	v[plen - 1] = 2;
	dh_try(dh, v, plen, GDOI_OK, "2");
	memcpy(v, p, plen);
	dh_try(dh, v, plen, GDOI_E_INVAL, "p");
	be_dec(v, plen);
	dh_try(dh, v, plen, GDOI_E_INVAL, "p-1");
	be_dec(v, plen);
	dh_try(dh, v, plen, GDOI_OK, "p-2");
	memcpy(v, p, plen);
	be_inc(v, plen);
	dh_try(dh, v, plen, GDOI_E_INVAL, "p+1");
	memset(v, 0xff, plen);
	dh_try(dh, v, plen, GDOI_E_INVAL, "all 0xff");

	/* Wrong lengths, including a valid value with a leading zero. */
	ck_assert_int_eq(gdoi_dh_public(dh, v + 1, plen, NULL), GDOI_OK);
	v[0] = 0;
	dh_try(dh, v, plen + 1, GDOI_E_INVAL, "length + 1");
	dh_try(dh, v + 1, plen - 1, GDOI_E_INVAL, "length - 1");
	dh_try(dh, v + 1, 0, GDOI_E_INVAL, "empty");
	dh_try(dh, v + 1, plen, GDOI_OK, "own public value");
	gdoi_dh_free(dh);
}
END_TEST

START_TEST(test_dh_ecp_invalid)
{
	unsigned g = dh_cases[_i].group;
	size_t plen = dh_cases[_i].publen, f = plen / 2;
	struct gdoi_dh *a = NULL, *b = NULL;
	uint8_t pb[GDOI_DH_MAX + 1], v[GDOI_DH_MAX + 1];

	ck_assert_int_eq(gdoi_dh_new(g, &a), GDOI_OK);
	ck_assert_int_eq(gdoi_dh_new(g, &b), GDOI_OK);
	ck_assert_int_eq(gdoi_dh_public(b, pb, sizeof(pb), NULL), GDOI_OK);
	dh_try(a, pb, plen, GDOI_OK, "valid point");

	/* Wrong lengths: one short, one long, x alone, 0x04 | x | y. */
	dh_try(a, pb, plen - 1, GDOI_E_INVAL, "length - 1");
	memcpy(v, pb, plen);
	v[plen] = 0;
	dh_try(a, v, plen + 1, GDOI_E_INVAL, "length + 1");
	dh_try(a, pb, f, GDOI_E_INVAL, "x only");
	v[0] = 0x04;
	memcpy(v + 1, pb, plen);
	dh_try(a, v, plen + 1, GDOI_E_INVAL, "uncompressed encoding");

	/* Off the curve: one octet of y changed. */
	memcpy(v, pb, plen);
	v[f + f / 2] ^= 0x40;
	dh_try(a, v, plen, GDOI_E_INVAL, "y altered");
	memcpy(v, pb, plen);
	v[plen - 1] ^= 0x01;
	dh_try(a, v, plen, GDOI_E_INVAL, "y low bit flipped");
	memset(v, 0, plen);
	dh_try(a, v, plen, GDOI_E_INVAL, "all zeros");
	memset(v, 0xff, plen);
	dh_try(a, v, plen, GDOI_E_INVAL, "all 0xff");
	gdoi_dh_free(a);
	gdoi_dh_free(b);
}
END_TEST

START_TEST(test_dh_unsupported)
{
	static const unsigned bad[] = {
		0, IKE_GROUP_MODP768, IKE_GROUP_MODP1024, IKE_GROUP_MODP1536,
		IKE_GROUP_MODP4096, IKE_GROUP_MODP8192, 22, 24, 31, 1000
	};
	static int sentinel;
	struct gdoi_dh *dh;
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		dh = (struct gdoi_dh *)&sentinel; /* must come back NULL */
		ck_assert_int_eq(gdoi_dh_new(bad[i], &dh), GDOI_E_INVAL);
		ck_assert_ptr_null(dh);
		ck_assert_uint_eq(gdoi_dh_public_len(bad[i]), 0);
		ck_assert_uint_eq(gdoi_dh_secret_len(bad[i]), 0);
	}
	ck_assert_int_eq(gdoi_dh_new(IKE_GROUP_MODP2048, NULL), GDOI_E_INVAL);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *
crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc;

	tc = tcase_create("hash");
	tcase_add_test(tc, test_hash_len);
	tcase_add_loop_test(tc, test_hash_abc, 0, NELEM(hashes));
	tcase_add_loop_test(tc, test_hmac_case2, 0, NELEM(hashes));
	tcase_add_test(tc, test_prf_empty_key);
	tcase_add_test(tc, test_hash_errors);
	tcase_add_test(tc, test_ct_equal);
	suite_add_tcase(s, tc);

	tc = tcase_create("kdf");
	tcase_add_loop_test(tc, test_kdf_skeyid, 0, NELEM(p1_vecs));
	tcase_add_loop_test(tc, test_kdf_p1keys, 0, NELEM(p1_vecs));
	tcase_add_loop_test(tc, test_kdf_p2iv, 0, NELEM(p1_vecs));
	tcase_add_test(tc, test_kdf_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("cbc");
	tcase_add_loop_test(tc, test_cbc_aes_sp800_38a, 0, 2);
	tcase_add_loop_test(tc, test_cbc_roundtrip, 0, 2);
	tcase_add_test(tc, test_cbc_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("dh");
	tcase_set_timeout(tc, 60); /* keygen loops, slow under sanitizers */
	tcase_add_loop_test(tc, test_dh_agree, 0, NELEM(dh_cases));
	tcase_add_loop_test(tc, test_dh_padding, 0, 2);
	tcase_add_loop_test(tc, test_dh_modp_invalid, 0, 2);
	tcase_add_loop_test(tc, test_dh_ecp_invalid, 2, NELEM(dh_cases));
	tcase_add_test(tc, test_dh_unsupported);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(crypto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
