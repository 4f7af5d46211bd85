/*
 * Unit tests of RSA signature authentication in IKEv1 Main Mode
 * (shared/p1.c, shared/p1_msg.c; RFC 2409 section 5.1), both roles in
 * memory as in check_p1.c.
 *
 * The credentials are made at test time with the OpenSSL API, once per
 * run before the tests fork: CA 1 with two end entities (gm: SAN IP
 * 10.0.0.1 / DNS gm.example; ks: SAN IP 10.0.0.2 / DNS ks.example), one
 * expired end entity of CA 1, and CA 2 with an end entity of its own.
 * They are written as PEM files to a temporary directory and loaded with
 * gdoi_p1_ctx_load_certs(), like a daemon would.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "gdoi/crypto.h"
#include "gdoi/err.h"
#include "gdoi/p1.h"
#include "p1_drive.h"
#include "gdoi/payload.h"
#include "gdoi/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t addr_i[4] = { 10, 0, 0, 1 };	/* the GM */
static const uint8_t addr_r[4] = { 10, 0, 0, 2 };	/* the KS */

/* PEM files in dir: ca1.pem ca2.pem gm.key gm.pem ks.key ks.pem x.key x.pem old.pem */
static char dir[64];

static char *
path(const char *name)
{
	static char buf[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static EVP_PKEY *
rsa_key(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);

	if (k == NULL)
		abort();
	return k;
}

static void
add_ext(X509 *c, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX v;
	X509_EXTENSION *e;

	X509V3_set_ctx(&v, issuer, c, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &v, nid, val)) == NULL || !X509_add_ext(c, e, -1))
		abort();
	X509_EXTENSION_free(e);
}

/* A certificate for key, issued by (icert, ikey) or self-signed. */
static X509 *
mk_cert(EVP_PKEY *key, const char *cn, X509 *icert, EVP_PKEY *ikey, const char *san,
    long from, long to, long serial)
{
	X509 *c = X509_new();
	X509_NAME *n = X509_NAME_new();

	if (c == NULL || n == NULL)
		abort();
	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
	X509_gmtime_adj(X509_getm_notBefore(c), from);
	X509_gmtime_adj(X509_getm_notAfter(c), to);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"gdoi-test", -1,
	    -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(c, n);
	X509_set_issuer_name(c, icert ? X509_get_subject_name(icert) : n);
	X509_set_pubkey(c, key);
	if (icert == NULL) {
		add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign");
		add_ext(c, c, NID_subject_key_identifier, "hash");
	} else {
		add_ext(c, icert, NID_basic_constraints, "CA:FALSE");
		add_ext(c, icert, NID_subject_alt_name, san);
	}
	if (!X509_sign(c, icert ? ikey : key, EVP_sha256()))
		abort();
	X509_NAME_free(n);
	return c;
}

static void
put_key(const char *name, EVP_PKEY *k)
{
	FILE *f = fopen(path(name), "w");

	if (f == NULL || !PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL))
		abort();
	fclose(f);
}

static void
put_cert(const char *name, X509 *c)
{
	FILE *f = fopen(path(name), "w");

	if (f == NULL || !PEM_write_X509(f, c))
		abort();
	fclose(f);
}

static void
make_creds(void)
{
	EVP_PKEY *kca1 = rsa_key(), *kca2 = rsa_key(), *kgm = rsa_key(), *kks = rsa_key();
	EVP_PKEY *kx = rsa_key();
	X509 *ca1, *ca2, *gm, *ks, *x, *old;
	const long day = 86400;

	strcpy(dir, "/tmp/check_p1sig.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	ca1 = mk_cert(kca1, "CA 1", NULL, NULL, NULL, -day, 30 * day, 1);
	ca2 = mk_cert(kca2, "CA 2", NULL, NULL, NULL, -day, 30 * day, 1);
	gm = mk_cert(kgm, "gm.example", ca1, kca1, "IP:10.0.0.1,DNS:gm.example", -day, 30 * day,
	    2);
	ks = mk_cert(kks, "ks.example", ca1, kca1, "IP:10.0.0.2,DNS:ks.example", -day, 30 * day,
	    3);
	old = mk_cert(kgm, "gm.example", ca1, kca1, "IP:10.0.0.1,DNS:gm.example", -3 * day,
	    -day, 4);
	x = mk_cert(kx, "gm.example", ca2, kca2, "IP:10.0.0.1,DNS:gm.example", -day, 30 * day,
	    2);
	put_cert("ca1.pem", ca1);
	put_cert("ca2.pem", ca2);
	put_cert("gm.pem", gm);
	put_cert("ks.pem", ks);
	put_cert("x.pem", x);
	put_cert("old.pem", old);
	put_key("gm.key", kgm);
	put_key("ks.key", kks);
	put_key("x.key", kx);
	X509_free(ca1);
	X509_free(ca2);
	X509_free(gm);
	X509_free(ks);
	X509_free(x);
	X509_free(old);
	EVP_PKEY_free(kca1);
	EVP_PKEY_free(kca2);
	EVP_PKEY_free(kgm);
	EVP_PKEY_free(kks);
	EVP_PKEY_free(kx);
}

static void
rm_creds(void)
{
	static const char *const f[] = { "ca1.pem", "ca2.pem", "gm.pem", "ks.pem", "x.pem",
		"old.pem", "gm.key", "ks.key", "x.key" };
	size_t i;

	for (i = 0; i < NELEM(f); i++)
		unlink(path(f[i]));
	rmdir(dir);
}

/* One role: context, policy, peer address. */
struct role {
	struct gdoi_p1_ctx ctx;
	struct gdoi_p1_policy pol[4];
	struct gdoi_p1_peer peer;	/* the other side's address */
};

static struct role I, R;
static struct gdoi_p1_out out;

static void
role_load(struct role *ro, const char *key, const char *cert, const char *ca)
{
	char err[256];

	gdoi_p1_ctx_free_certs(&ro->ctx);
	ck_assert_msg(gdoi_p1_ctx_load_certs(&ro->ctx, path(key), path(cert), path(ca), err,
	    sizeof(err)) == 0, "%s", err);
}

static void
role_init(struct role *ro, const uint8_t *other, const char *key, const char *cert)
{
	memset(ro, 0, sizeof(*ro));
	ro->pol[0].pp_enc = IKE_ENC_AES_CBC;
	ro->pol[0].pp_keylen = 256;
	ro->pol[0].pp_hash = IKE_HASH_SHA256;
	ro->pol[0].pp_auth = IKE_AUTH_RSA_SIG;
	ro->pol[0].pp_group = IKE_GROUP_ECP256;
	ro->pol[0].pp_life_s = 86400;
	ro->ctx.x_policy = ro->pol;
	ro->ctx.x_npolicy = 1;
	/* x_local_id type 0: ID_DER_ASN1_DN of our certificate. */
	memset(ro->ctx.x_cookie_secret, 0x5a, sizeof(ro->ctx.x_cookie_secret));
	memcpy(ro->peer.pa_addr, other, 4);
	ro->peer.pa_alen = 4;
	ro->peer.pa_port = GDOI_UDP_PORT;
	role_load(ro, key, cert, "ca1.pem");
}

static void
setup(void)
{
	role_init(&I, addr_r, "gm.key", "gm.pem");
	role_init(&R, addr_i, "ks.key", "ks.pem");
}

static void
teardown(void)
{
	gdoi_p1_ctx_free_certs(&I.ctx);
	gdoi_p1_ctx_free_certs(&R.ctx);
}

/* The shared driver (p1_drive.c), bound to this file's two roles. */
static void
run_to(struct p1_run *x, int upto, uint64_t now)
{
	p1_run_to(x, &I.ctx, &I.peer, &R.ctx, &R.peer, upto, now, &out);
}

static void
run_full(struct p1_run *x)
{
	p1_run_full(x, &I.ctx, &I.peer, &R.ctx, &R.peer, 1000, &out);
}

/*
 * Message 5 refused by the responder with notify; the notify also ends
 * the initiator's negotiation.
 */
static void
expect_msg5_refused(struct p1_run *x, const struct p1_dgram *m5, uint16_t notify)
{
	ck_assert_int_lt(gdoi_p1_input(x->r, m5->b, m5->n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, notify);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), notify);
	ck_assert_int_eq(gdoi_p1_state(x->r), GDOI_P1_FAILED);
	ck_assert_ptr_null(gdoi_p1_peer_cert(x->r));
	ck_assert_int_eq(R.ctx.x_halfopen, 0);
	gdoi_p1_input(x->i, out.o_msg, out.o_len, 0, &out);
	ck_assert_int_eq(gdoi_p1_state(x->i), GDOI_P1_FAILED);
	ck_assert_uint_eq(out.o_notify, notify);
}

/* ------------------------------------------------------------------ */
/* Happy path: groups 14 and 19 x AES-256/SHA-256 and AES-128/SHA-1      */

static const struct {
	uint16_t group, bits, hash;
	size_t hlen;
} combos[] = {
	{ 14, 256, IKE_HASH_SHA256, 32 },
	{ 14, 128, IKE_HASH_SHA1, 20 },
	{ 19, 256, IKE_HASH_SHA256, 32 },
	{ 19, 128, IKE_HASH_SHA1, 20 },
};

static void
set_combo(struct role *ro, int i)
{
	ro->pol[0].pp_group = combos[i].group;
	ro->pol[0].pp_keylen = combos[i].bits;
	ro->pol[0].pp_hash = combos[i].hash;
}

/* The DER subject of a PEM certificate file. */
static size_t
subject_der(const char *cert, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path(cert), "r");
	X509 *c;
	unsigned char *p = buf;
	int n;

	ck_assert_ptr_nonnull(f);
	c = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(c);
	n = i2d_X509_NAME(X509_get_subject_name(c), NULL);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_le((size_t)n, cap);
	i2d_X509_NAME(X509_get_subject_name(c), &p);
	X509_free(c);
	return (size_t)n;
}

START_TEST(test_rsa_matrix)
{
	const struct gdoi_p1keys *a, *b;
	const struct gdoi_id *id;
	uint8_t dn[512];
	size_t h = combos[_i].hlen, dnlen;
	struct p1_run x;

	set_combo(&I, _i);
	set_combo(&R, _i);
	run_full(&x);
	ck_assert_int_eq(gdoi_p1_state(x.i), GDOI_P1_ESTABLISHED);
	ck_assert_int_eq(gdoi_p1_state(x.r), GDOI_P1_ESTABLISHED);
	ck_assert_uint_eq(gdoi_p1_transform(x.r)->pp_auth, IKE_AUTH_RSA_SIG);
	a = gdoi_p1_keys(x.i);
	b = gdoi_p1_keys(x.r);
	ck_assert_uint_eq(a->k_skeyid_len, h);
	ck_assert_uint_eq(a->k_enc_len, combos[_i].bits / 8u);
	ck_assert_mem_eq(a->k_skeyid, b->k_skeyid, h);
	ck_assert_mem_eq(a->k_skeyid_d, b->k_skeyid_d, h);
	ck_assert_mem_eq(a->k_skeyid_a, b->k_skeyid_a, h);
	ck_assert_mem_eq(a->k_skeyid_e, b->k_skeyid_e, h);
	ck_assert_mem_eq(a->k_enc, b->k_enc, a->k_enc_len);
	/* The identities are the certificates' subjects. */
	id = gdoi_p1_peer_id(x.r);
	ck_assert_ptr_nonnull(id);
	ck_assert_uint_eq(id->id_type, ID_DER_ASN1_DN);
	dnlen = subject_der("gm.pem", dn, sizeof(dn));
	ck_assert_uint_eq(id->id_data.len, dnlen);
	ck_assert_mem_eq(id->id_data.ptr, dn, dnlen);
	id = gdoi_p1_peer_id(x.i);
	dnlen = subject_der("ks.pem", dn, sizeof(dn));
	ck_assert_uint_eq(id->id_type, ID_DER_ASN1_DN);
	ck_assert_mem_eq(id->id_data.ptr, dn, dnlen);
	ck_assert_ptr_nonnull(gdoi_p1_peer_cert(x.i));
	ck_assert_ptr_nonnull(gdoi_p1_peer_cert(x.r));
	ck_assert_int_eq(X509_cmp(gdoi_p1_peer_cert(x.r), I.ctx.x_cert), 0);
	ck_assert_int_eq(X509_cmp(gdoi_p1_peer_cert(x.i), R.ctx.x_cert), 0);
	ck_assert_int_eq(R.ctx.x_halfopen, 0);
	p1_run_free(&x);
}
END_TEST

/*
 * Message 5 on the wire: ID (DN), CERT (encoding 4, our DER certificate),
 * SIG = RSA PKCS#1 type 1 of HASH_I itself (no DigestInfo): recovering the
 * signature with the public key gives exactly prf(SKEYID, ...) from the
 * wire.  (SKEYID = prf(Ni_b | Nr_b, g^xy) itself is checked against
 * independent vectors in check_crypto.c; here both sides agree on it.)
 */
START_TEST(test_rsa_msg5_format)
{
	const struct gdoi_p1keys *k;
	struct gdoi_payload *pl = NULL;
	struct gdoi_arena *a;
	struct gdoi_msg *m1 = NULL, *m3 = NULL, *m4 = NULL;
	struct gdoi_bytes parts[6];
	uint8_t plain[GDOI_P1_MSG_MAX], iv[16], h[GDOI_HASH_MAX], rec[512];
	unsigned char *der = NULL;
	size_t n, npl = 0, hl = 0, reclen = sizeof(rec);
	EVP_PKEY_CTX *pc;
	int derlen;
	struct p1_run x;

	run_full(&x);
	k = gdoi_p1_keys(x.i);
	n = x.m[5].n - 28;
	memcpy(iv, k->k_iv, 16);
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_AES_CBC, k->k_enc, k->k_enc_len, iv,
	    x.m[5].b + 28, n, plain), 0);
	ck_assert_ptr_nonnull(a = gdoi_arena_new());
	ck_assert_int_eq(gdoi_chain_decode(GDOI_CTX_PHASE1, x.m[5].b[16], plain, n, 28, 1, a,
	    &pl, &npl, NULL, NULL), 0);
	ck_assert_uint_eq(npl, 3);
	ck_assert_uint_eq(pl[0].pl_type, ISAKMP_PL_ID);
	ck_assert_uint_eq(pl[0].pl_u.id.id_type, ID_DER_ASN1_DN);
	ck_assert_uint_eq(pl[1].pl_type, ISAKMP_PL_CERT);
	ck_assert_uint_eq(pl[1].pl_u.cert.c_enc, CERT_X509_SIG);
	derlen = i2d_X509(I.ctx.x_cert, &der);
	ck_assert_int_gt(derlen, 0);
	ck_assert_uint_eq(pl[1].pl_u.cert.c_data.len, (size_t)derlen);
	ck_assert_mem_eq(pl[1].pl_u.cert.c_data.ptr, der, (size_t)derlen);
	OPENSSL_free(der);
	ck_assert_uint_eq(pl[2].pl_type, ISAKMP_PL_SIG);
	ck_assert_uint_eq(pl[2].pl_u.data.len, 256);
	/* HASH_I from the wire. */
	ck_assert_int_eq(gdoi_msg_decode(x.m[1].b, x.m[1].n, &m1, NULL), 0);
	ck_assert_int_eq(gdoi_msg_decode(x.m[3].b, x.m[3].n, &m3, NULL), 0);
	ck_assert_int_eq(gdoi_msg_decode(x.m[4].b, x.m[4].n, &m4, NULL), 0);
	parts[0] = gdoi_msg_find(m3, ISAKMP_PL_KE, 0)->pl_u.data;
	parts[1] = gdoi_msg_find(m4, ISAKMP_PL_KE, 0)->pl_u.data;
	parts[2].ptr = x.m[5].b;
	parts[2].len = 8;
	parts[3].ptr = x.m[5].b + 8;
	parts[3].len = 8;
	parts[4] = gdoi_msg_find(m1, ISAKMP_PL_SA, 0)->pl_raw;
	parts[4].ptr += 4;
	parts[4].len -= 4;
	parts[5].ptr = pl[0].pl_raw.ptr + 4;
	parts[5].len = pl[0].pl_raw.len - 4;
	ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA256, k->k_skeyid, 32, parts, 6, h, sizeof(h), &hl),
	    0);
	ck_assert_uint_eq(hl, 32);
	/* The signature recovers to the bare hash. */
	ck_assert_ptr_nonnull(pc = EVP_PKEY_CTX_new(I.ctx.x_key, NULL));
	ck_assert_int_gt(EVP_PKEY_verify_recover_init(pc), 0);
	ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING), 0);
	ck_assert_int_gt(EVP_PKEY_verify_recover(pc, rec, &reclen, pl[2].pl_u.data.ptr,
	    pl[2].pl_u.data.len), 0);
	EVP_PKEY_CTX_free(pc);
	ck_assert_uint_eq(reclen, 32);
	ck_assert_mem_eq(rec, h, 32);
	gdoi_msg_free(m1);
	gdoi_msg_free(m3);
	gdoi_msg_free(m4);
	gdoi_arena_free(a);
	p1_run_free(&x);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Refusals                                                             */

/* The initiator's certificate comes from CA 2, which R does not trust. */
START_TEST(test_rsa_untrusted)
{
	struct p1_run x;

	role_load(&I, "x.key", "x.pem", "ca1.pem");
	run_to(&x, 5, 0);
	expect_msg5_refused(&x, &x.m[5], N_INVALID_CERTIFICATE);
	p1_run_free(&x);
	/* The other way: the initiator trusts only CA 2, refuses message 6. */
	role_load(&I, "gm.key", "gm.pem", "ca2.pem");
	run_to(&x, 6, 0);
	ck_assert_int_lt(gdoi_p1_input(x.i, x.m[6].b, x.m[6].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_notify, N_INVALID_CERTIFICATE);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_INVALID_CERTIFICATE);
	ck_assert_int_eq(gdoi_p1_state(x.i), GDOI_P1_FAILED);
	ck_assert_ptr_null(gdoi_p1_keys(x.i));
	p1_run_free(&x);
}
END_TEST

/* An expired certificate of the right CA. */
START_TEST(test_rsa_expired)
{
	struct p1_run x;

	role_load(&I, "gm.key", "old.pem", "ca1.pem");
	run_to(&x, 5, 0);
	expect_msg5_refused(&x, &x.m[5], N_INVALID_CERTIFICATE);
	p1_run_free(&x);
}
END_TEST

/*
 * A damaged SIG.  CBC: flipping a bit of ciphertext block k garbles
 * plaintext block k and flips the same bit of block k + 1.  The last two
 * blocks of message 5/6 hold only SIG (256 octets) and padding, so the
 * payload chain stays intact and only the signature changes.
 */
START_TEST(test_rsa_bad_sig)
{
	struct p1_dgram d;
	struct p1_run x;

	run_to(&x, 5, 0);
	d = x.m[5];
	d.b[d.n - 17] ^= 0x01;	/* last octet of the next-to-last block */
	expect_msg5_refused(&x, &d, N_INVALID_SIGNATURE);
	p1_run_free(&x);
	/* Only the last block: SIG's tail (the padding is not checked). */
	run_to(&x, 5, 0);
	d = x.m[5];
	d.b[d.n - 1] ^= 0x80;
	expect_msg5_refused(&x, &d, N_INVALID_SIGNATURE);
	p1_run_free(&x);
	/* Message 6 likewise, refused by the initiator. */
	run_to(&x, 6, 0);
	x.m[6].b[x.m[6].n - 20] ^= 0x04;
	ck_assert_int_lt(gdoi_p1_input(x.i, x.m[6].b, x.m[6].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_notify, N_INVALID_SIGNATURE);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_INVALID_SIGNATURE);
	ck_assert_int_eq(gdoi_p1_state(x.i), GDOI_P1_FAILED);
	p1_run_free(&x);
}
END_TEST

/* The right certificate signed with another key (x.key): INVALID-SIGNATURE. */
START_TEST(test_rsa_wrong_key)
{
	struct p1_run x;
	EVP_PKEY *k;
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(path("x.key"), "r"));
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(k);
	EVP_PKEY_free(I.ctx.x_key);
	I.ctx.x_key = k;
	run_to(&x, 5, 0);
	expect_msg5_refused(&x, &x.m[5], N_INVALID_SIGNATURE);
	p1_run_free(&x);
}
END_TEST

/* IDs against the certificate's subjectAltName. */
START_TEST(test_rsa_id)
{
	static const uint8_t ip_other[4] = { 10, 0, 0, 9 };
	static const struct {
		uint8_t type;
		const char *data;	/* NULL: 4 octets of addr */
		const uint8_t *addr;
		int ok;
	} c[] = {
		{ ID_IPV4_ADDR, NULL, addr_i, 1 },
		{ ID_FQDN, "gm.example", NULL, 1 },
		{ ID_IPV4_ADDR, NULL, ip_other, 0 },
		{ ID_FQDN, "ks.example", NULL, 0 },
		{ ID_FQDN, "other.example", NULL, 0 },
		{ ID_USER_FQDN, "gm@gm.example", NULL, 0 },
		{ ID_KEY_ID, "gm", NULL, 0 },
	};
	struct p1_run x;
	size_t i;

	for (i = 0; i < NELEM(c); i++) {
		I.ctx.x_local_id.id_type = c[i].type;
		if (c[i].data) {
			I.ctx.x_local_id.id_data.ptr = (const uint8_t *)c[i].data;
			I.ctx.x_local_id.id_data.len = strlen(c[i].data);
		} else {
			I.ctx.x_local_id.id_data.ptr = c[i].addr;
			I.ctx.x_local_id.id_data.len = 4;
		}
		run_to(&x, 5, 0);
		if (c[i].ok) {
			ck_assert_int_eq(gdoi_p1_input(x.r, x.m[5].b, x.m[5].n, 0, &out), 0);
			ck_assert_msg(out.o_events & GDOI_P1_EV_ESTABLISHED, "case %zu", i);
			ck_assert_uint_eq(gdoi_p1_peer_id(x.r)->id_type, c[i].type);
		} else {
			expect_msg5_refused(&x, &x.m[5], N_INVALID_ID_INFORMATION);
		}
		p1_run_free(&x);
	}
	/* A DN that is not the certificate's subject. */
	{
		uint8_t dn[512];
		size_t n = subject_der("ks.pem", dn, sizeof(dn));

		I.ctx.x_local_id.id_type = ID_DER_ASN1_DN;
		I.ctx.x_local_id.id_data.ptr = dn;
		I.ctx.x_local_id.id_data.len = n;
		run_to(&x, 5, 0);
		expect_msg5_refused(&x, &x.m[5], N_INVALID_ID_INFORMATION);
		p1_run_free(&x);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Configuration                                                         */

START_TEST(test_load_certs)
{
	struct gdoi_p1_ctx c;
	char err[256];
	FILE *f;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(gdoi_p1_ctx_load_certs(&c, path("nope.key"), path("gm.pem"),
	    path("ca1.pem"), err, sizeof(err)), GDOI_E_INVAL);
	ck_assert_ptr_nonnull(strstr(err, "nope.key"));
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
	/* A key that does not belong to the certificate. */
	ck_assert_int_eq(gdoi_p1_ctx_load_certs(&c, path("ks.key"), path("gm.pem"),
	    path("ca1.pem"), err, sizeof(err)), GDOI_E_INVAL);
	ck_assert_ptr_nonnull(strstr(err, "does not match"));
	/* A certificate file given as key. */
	ck_assert_int_eq(gdoi_p1_ctx_load_certs(&c, path("gm.pem"), path("gm.pem"),
	    path("ca1.pem"), err, sizeof(err)), GDOI_E_INVAL);
	ck_assert_ptr_nonnull(strstr(err, "private key"));
	/* An empty CA file. */
	ck_assert_ptr_nonnull(f = fopen(path("empty.pem"), "w"));
	fclose(f);
	ck_assert_int_eq(gdoi_p1_ctx_load_certs(&c, path("gm.key"), path("gm.pem"),
	    path("empty.pem"), err, sizeof(err)), GDOI_E_INVAL);
	ck_assert_ptr_nonnull(strstr(err, "CA"));
	ck_assert_int_eq(gdoi_p1_ctx_load_certs(&c, path("gm.key"), path("empty.pem"),
	    path("ca1.pem"), err, sizeof(err)), GDOI_E_INVAL);
	ck_assert_ptr_nonnull(strstr(err, "certificate"));
	unlink(path("empty.pem"));
	ck_assert_ptr_null(c.x_key);
	ck_assert_ptr_null(c.x_cert);
	ck_assert_ptr_null(c.x_ca);
	/* And the good case, with err NULL. */
	ck_assert_int_eq(gdoi_p1_ctx_load_certs(&c, path("gm.key"), path("gm.pem"),
	    path("ca1.pem"), NULL, 0), 0);
	ck_assert_ptr_nonnull(c.x_key);
	ck_assert_ptr_nonnull(c.x_cert);
	ck_assert_ptr_nonnull(c.x_ca);
	gdoi_p1_ctx_free_certs(&c);
	ck_assert_ptr_null(c.x_key);
	gdoi_p1_ctx_free_certs(&c);
}
END_TEST

/* An RSA policy without credentials is not a usable context. */
START_TEST(test_ctx_needs_creds)
{
	struct gdoi_p1_sa *sa = NULL;
	X509_STORE *st = I.ctx.x_ca;

	I.ctx.x_ca = NULL;
	ck_assert_int_eq(gdoi_p1_initiate(&I.ctx, &I.peer, 0, &sa, &out), GDOI_E_INVAL);
	ck_assert_ptr_null(sa);
	I.ctx.x_ca = st;
	/* Pre-shared keys need an explicit local ID: DN default only with a cert. */
	gdoi_p1_ctx_free_certs(&I.ctx);
	I.pol[0].pp_auth = IKE_AUTH_PSK;
	ck_assert_int_eq(gdoi_p1_initiate(&I.ctx, &I.peer, 0, &sa, &out), GDOI_E_INVAL);
	ck_assert_ptr_null(sa);
	/* DSS is still not offered. */
	role_load(&I, "gm.key", "gm.pem", "ca1.pem");
	I.pol[0].pp_auth = IKE_AUTH_DSS;
	ck_assert_int_eq(gdoi_p1_initiate(&I.ctx, &I.peer, 0, &sa, &out), GDOI_E_INVAL);
	ck_assert_ptr_null(sa);
}
END_TEST

/* RSA offered, PSK only at the responder: no common transform. */
START_TEST(test_rsa_vs_psk)
{
	struct gdoi_p1_sa *sa = NULL, *r = NULL;
	struct p1_dgram m1;

	R.pol[0].pp_auth = IKE_AUTH_PSK;
	ck_assert_int_eq(gdoi_p1_initiate(&I.ctx, &I.peer, 0, &sa, &out), 0);
	p1_save(&m1, &out);
	ck_assert_int_lt(gdoi_p1_respond(&R.ctx, &R.peer, m1.b, m1.n, 0, &r, &out), 0);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_NO_PROPOSAL_CHOSEN);
	gdoi_p1_sa_free(sa);
}
END_TEST

/* SUITE */
static Suite *
p1sig_suite(void)
{
	Suite *s = suite_create("p1sig");
	TCase *tc;

	tc = tcase_create("rsa");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_rsa_matrix, 0, (int)NELEM(combos));
	tcase_add_test(tc, test_rsa_msg5_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_rsa_untrusted);
	tcase_add_test(tc, test_rsa_expired);
	tcase_add_test(tc, test_rsa_bad_sig);
	tcase_add_test(tc, test_rsa_wrong_key);
	tcase_add_test(tc, test_rsa_id);
	tcase_add_test(tc, test_rsa_vs_psk);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_load_certs);
	tcase_add_test(tc, test_ctx_needs_creds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int nf;

	make_creds();
	sr = srunner_create(p1sig_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	rm_creds();
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
