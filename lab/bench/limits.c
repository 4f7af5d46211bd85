/*
 * gdoi-bench-limits: the machine's raw limits for the work of a key
 * server and a group member, measured through the same libgdoi calls the
 * daemons make (make bench, lab/bench/run.sh).  Lab use only.
 *
 *   gdoi-bench-limits [-t SECONDS] [-j THREADS]
 *
 * Prints key=value lines:
 *
 *   limit.reg.<group>.*   the KS's crypto share of one registration
 *       (PSK Main Mode + GROUPKEY-PULL, AES-256-CBC, SHA-256, as the
 *       bench configuration), for modp2048 (IKE group 14) and ecp256
 *       (group 19): one thread per core for SECONDS (default 3), and one
 *       thread alone for a third of that.  The work of one registration,
 *       counted from shared/p1.c, p1_msg.c, pull.c and ks/ks.c:
 *         DH: 1 key pair (gdoi_dh_new), 1 derive (gdoi_dh_derive, MODP
 *             with our range check only, ECP with OpenSSL's point check)
 *         prf: 5 responder cookies (gdoi_p1_cookie: made at MM1, checked
 *             at MM3, MM5, PULL1, PULL3), SKEYID (gdoi_skeyid_psk),
 *             HASH_I checked and HASH_R made, HASH(1)..HASH(4) of the PULL
 *         SKEYID_d/_a/_e + key + IV (gdoi_p1keys_derive: 3 prf, 1 hash)
 *         hash: 3 duplicate digests (p1_digest of MM1, MM3, MM5), the
 *             PULL IV (gdoi_p2_iv), 3 PULL digests (input and cache_set)
 *         CBC: decrypt MM5, PULL1, PULL3; encrypt MM6, PULL2, PULL4
 *         random: Nr of Main Mode (32 octets), Nr of the PULL (16)
 *       No signature: PSK registrations cost the KS no RSA operation.
 *       Datagram sizes are those of a registration to the bench KS.
 *   ks.*   rekey: gdoi_push_build (sign + encrypt) of the bench group's
 *          rekey (new TEK, KEK with ACK request), its size, the RSA-2048
 *          signature alone, one ACK's check (gdoi_ack_peek + _verify)
 *   gm.*   rekey processing: gdoi_push_open (decrypt, verify, read),
 *          gdoi_push_decrypt, the RSA verify alone, gdoi_ack_build and the
 *          XFRM batch of the new TEK (gdoi_xfrm_sa_add + gdoi_xfrm_pol_add
 *          per ACE and direction, pure builders: no socket)
 *
 * Every figure is a mean over a timed loop; no figure is compared with
 * anything here (run.sh makes the ratios).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "gdoi/ack.h"
#include "gdoi/crypto.h"
#include "gdoi/p1.h"
#include "gdoi/pull.h"
#include "gdoi/push.h"
#include "gdoi/wire.h"
#ifdef BENCH_XFRM
#include "xfrm.h"
#endif

#define ME "gdoi-bench-limits"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "%s: %s failed\n", ME, what);
	exit(1);
}

/* ------------------------------------------------------------------ */
/* One registration's KS crypto                                        */

/* Datagram and body sizes of a registration to the bench KS (octets). */
#define SZ_MM1 108     /* HDR, SA with one proposal, 1 transform */
#define SZ_MM5 76      /* HDR*, ID, HASH: 48 octets of ciphertext */
#define SZ_MM5_BODY 48
#define SZ_MM6_BODY 48
#define SZ_PULL1 108   /* HDR*, HASH, Nonce, ID */
#define SZ_PULL1_BODY 80
#define SZ_PULL2_BODY 272 /* HASH, Nonce, SA (KEK, one TEK with 2 ACEs) */
#define SZ_PULL3 76    /* HDR*, HASH */
#define SZ_PULL3_BODY 48
#define SZ_PULL4_BODY 480 /* HASH, SEQ, KD (TEK keys, KEK key, RSA public key) */
#define SZ_SAI_B 52

struct reg {
	unsigned r_group;
	uint8_t r_gxi[GDOI_DH_MAX];   /* the GM's public value */
	size_t r_gxi_len;
	uint8_t r_secret[32];         /* cookie secret */
	struct gdoi_p1_peer r_peer;
	uint8_t r_psk[24];
	uint8_t r_buf[1024];          /* datagram stand-in */
	uint8_t r_out[1024];
	unsigned long r_count;
	double r_secs;
	double r_cpu;                 /* thread CPU seconds */
	int r_err;
};

static void
reg_init(struct reg *r, unsigned group)
{
	struct gdoi_dh *gm = NULL;

	memset(r, 0, sizeof(*r));
	r->r_group = group;
	if (gdoi_dh_new(group, &gm) != 0 ||
	    gdoi_dh_public(gm, r->r_gxi, sizeof(r->r_gxi), &r->r_gxi_len) != 0)
		die("GM key pair");
	gdoi_dh_free(gm);
	if (RAND_bytes(r->r_secret, sizeof(r->r_secret)) != 1 ||
	    RAND_bytes(r->r_buf, sizeof(r->r_buf)) != 1)
		die("RAND_bytes");
	memcpy(r->r_psk, "gdoi-bench-secret-000000", sizeof(r->r_psk));
	r->r_peer.pa_alen = 4;
	r->r_peer.pa_addr[0] = 10;
	r->r_peer.pa_addr[1] = 77;
	r->r_peer.pa_addr[3] = 7;
	r->r_peer.pa_port = 848;
}

static int
reg_prf(const uint8_t *key, size_t klen, const struct gdoi_bytes *p, size_t n)
{
	uint8_t out[GDOI_HASH_MAX];

	return gdoi_prf(IKE_HASH_SHA256, key, klen, p, n, out, sizeof(out), NULL);
}

static int
reg_hash(const uint8_t *p, size_t n)
{
	struct gdoi_bytes b = { p, n };
	uint8_t out[GDOI_HASH_MAX];

	return gdoi_hash(IKE_HASH_SHA256, &b, 1, out, sizeof(out), NULL);
}

static int
reg_cbc(struct reg *r, const struct gdoi_p1keys *k, int enc, size_t len)
{
	uint8_t iv[16];

	memcpy(iv, k->k_iv, sizeof(iv));
	return enc ? gdoi_cbc_encrypt(IKE_ENC_AES_CBC, k->k_enc, k->k_enc_len, iv, r->r_buf, len,
	    r->r_out) : gdoi_cbc_decrypt(IKE_ENC_AES_CBC, k->k_enc, k->k_enc_len, iv, r->r_buf, len,
	    r->r_out);
}

/* The KS's crypto for one registration; 0 or -1. */
static int
reg_once(struct reg *r)
{
	uint8_t icky[8], rcky[8], ni[32], nr[32], pni[16], pnr[16], gxr[GDOI_DH_MAX];
	uint8_t gxy[GDOI_DH_MAX], skeyid[GDOI_HASH_MAX], iv[16], mid[4] = { 1, 2, 3, 4 };
	size_t gxrlen = 0, gxylen = 0, sklen = 0, i;
	struct gdoi_bytes bni = { ni, 32 }, bnr = { nr, 32 }, g, gi, gr, p[6];
	struct gdoi_p1keys k;
	struct gdoi_dh *dh = NULL;
	int err = 0;

	memcpy(icky, r->r_buf, 8);
	memcpy(ni, r->r_buf + 8, 32);
	memcpy(pni, r->r_buf + 40, 16);
	/* MM1: the responder cookie; the duplicate digest */
	err |= gdoi_p1_cookie(r->r_secret, &r->r_peer, icky, rcky);
	err |= reg_hash(r->r_buf, SZ_MM1);
	/* MM3: cookie check, digest, key pair, Nr, g^xy, SKEYID and keys */
	err |= gdoi_p1_cookie(r->r_secret, &r->r_peer, icky, rcky);
	err |= reg_hash(r->r_buf, 28 + 4 + r->r_gxi_len + 4 + 32);
	if (gdoi_dh_new(r->r_group, &dh) != 0 ||
	    gdoi_dh_public(dh, gxr, sizeof(gxr), &gxrlen) != 0 || RAND_bytes(nr, 32) != 1 ||
	    gdoi_dh_derive(dh, r->r_gxi, r->r_gxi_len, gxy, sizeof(gxy), &gxylen) != 0) {
		gdoi_dh_free(dh);
		return -1;
	}
	gdoi_dh_free(dh);
	g.ptr = gxy, g.len = gxylen;
	gi.ptr = r->r_gxi, gi.len = r->r_gxi_len;
	gr.ptr = gxr, gr.len = gxrlen;
	err |= gdoi_skeyid_psk(IKE_HASH_SHA256, r->r_psk, sizeof(r->r_psk), &bni, &bnr, skeyid,
	    sizeof(skeyid), &sklen);
	err |= gdoi_p1keys_derive(IKE_HASH_SHA256, IKE_ENC_AES_CBC, 32, skeyid, sklen, &g, icky,
	    rcky, &gi, &gr, &k);
	/* MM5 -> MM6: cookie, digest, decrypt, HASH_I, HASH_R, encrypt */
	err |= gdoi_p1_cookie(r->r_secret, &r->r_peer, icky, rcky);
	err |= reg_hash(r->r_buf, SZ_MM5);
	err |= reg_cbc(r, &k, 0, SZ_MM5_BODY);
	p[0] = gi, p[1] = gr;
	p[2].ptr = icky, p[2].len = 8;
	p[3].ptr = rcky, p[3].len = 8;
	p[4].ptr = r->r_buf, p[4].len = SZ_SAI_B;
	p[5].ptr = r->r_buf + 64, p[5].len = 8;
	for (i = 0; i < 2; i++)
		err |= reg_prf(k.k_skeyid, k.k_skeyid_len, p, 6);
	err |= reg_cbc(r, &k, 1, SZ_MM6_BODY);
	/* PULL1 -> PULL2: cookie, IV, decrypt, HASH(1), Nr, HASH(2), encrypt, digest */
	err |= gdoi_p1_cookie(r->r_secret, &r->r_peer, icky, rcky);
	err |= gdoi_p2_iv(IKE_HASH_SHA256, r->r_buf, 16, 0x01020304, iv, 16);
	err |= reg_cbc(r, &k, 0, SZ_PULL1_BODY);
	p[0].ptr = mid, p[0].len = 4;
	p[1].ptr = r->r_buf, p[1].len = SZ_PULL1_BODY - 36;
	err |= reg_prf(k.k_skeyid_a, k.k_skeyid_a_len, p, 2);
	err |= RAND_bytes(pnr, sizeof(pnr)) != 1;
	p[1].ptr = pni, p[1].len = 16;
	p[2].ptr = r->r_buf, p[2].len = SZ_PULL2_BODY - 36;
	err |= reg_prf(k.k_skeyid_a, k.k_skeyid_a_len, p, 3);
	err |= reg_cbc(r, &k, 1, SZ_PULL2_BODY);
	err |= reg_hash(r->r_buf, SZ_PULL1);
	/* PULL3 -> PULL4: cookie, digest, decrypt, HASH(3), HASH(4), encrypt, digest */
	err |= gdoi_p1_cookie(r->r_secret, &r->r_peer, icky, rcky);
	err |= reg_hash(r->r_buf, SZ_PULL3);
	err |= reg_cbc(r, &k, 0, SZ_PULL3_BODY);
	p[2].ptr = pnr, p[2].len = 16;
	p[3].ptr = r->r_buf, p[3].len = 0;
	err |= reg_prf(k.k_skeyid_a, k.k_skeyid_a_len, p, 4);
	p[3].len = SZ_PULL4_BODY - 36;
	err |= reg_prf(k.k_skeyid_a, k.k_skeyid_a_len, p, 4);
	err |= reg_cbc(r, &k, 1, SZ_PULL4_BODY);
	err |= reg_hash(r->r_buf, SZ_PULL3);
	gdoi_p1keys_wipe(&k);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	OPENSSL_cleanse(skeyid, sizeof(skeyid));
	return err ? -1 : 0;
}

static double g_secs = 3.0;

static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
reg_thread(void *arg)
{
	struct reg *r = arg;
	double t0 = now_s(), c0 = cpu_s(), t;

	do {
		if (reg_once(r) != 0) {
			r->r_err = 1;
			break;
		}
		r->r_count++;
		t = now_s() - t0;
	} while (t < r->r_secs);
	r->r_secs = now_s() - t0;
	r->r_cpu = cpu_s() - c0;
	return NULL;
}

/* Registrations per second on nthreads threads for secs: the sum of each
 * thread's own rate; *per_cpu: per CPU second the threads got (a machine
 * shared with other work gives fewer CPU seconds, not slower ones). */
static double
reg_rate(unsigned group, unsigned nthreads, double secs, double *per_cpu)
{
	pthread_t *th = calloc(nthreads, sizeof(*th));
	struct reg *r = calloc(nthreads, sizeof(*r));
	double rate = 0, cpu = 0, n = 0;
	unsigned i;

	if (th == NULL || r == NULL)
		die("calloc");
	for (i = 0; i < nthreads; i++) {
		reg_init(&r[i], group);
		r[i].r_secs = secs;
	}
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, reg_thread, &r[i]) != 0)
			die("pthread_create");
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		if (r[i].r_err)
			die("a registration's crypto");
		rate += (double)r[i].r_count / r[i].r_secs;
		n += (double)r[i].r_count;
		cpu += r[i].r_cpu;
	}
	*per_cpu = cpu > 0 ? n / cpu : 0;
	free(th);
	OPENSSL_cleanse(r, nthreads * sizeof(*r));	/* cookie secrets, PSKs */
	free(r);
	return rate;
}

/* ------------------------------------------------------------------ */
/* Rekey: KS build, GM processing                                      */

/* Time fn over at least 200 calls and 0.3 s; microseconds per call. */
#define TIMEIT(var, stmt) do {                                            \
	double t0_ = now_s(), t_;                                         \
	unsigned long n_ = 0;                                             \
	do {                                                              \
		stmt;                                                     \
		n_++;                                                     \
		t_ = now_s() - t0_;                                       \
	} while (n_ < 200 || t_ < 0.3);                                   \
	(var) = t_ * 1e6 / (double)n_;                                    \
} while (0)

static void
ace_v4(struct gdoi_ace *e, int permit, uint8_t proto, uint8_t a, uint8_t plen, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	e->ace_permit = (uint8_t)permit;
	e->ace_proto = proto;
	e->ace_af = 4;
	e->ace_src[0] = e->ace_dst[0] = a;
	e->ace_src[1] = e->ace_dst[1] = a ? 98 : 0;
	e->ace_src_plen = e->ace_dst_plen = plen;
	e->ace_sport = e->ace_dport = port;
}

/* The bench group's policy (lab/bench/conf/ks.xml): KEK AES-256 with an
 * RSA-2048 key and SHA-256, one TEK AES-256-CBC + HMAC-SHA-256, the ACL
 * "deny udp any eq 848 any eq 848; permit ip 10.98/16 10.98/16". */
static void
bench_policy(struct gdoi_gpolicy *p, EVP_PKEY *key, uint64_t now)
{
	unsigned char *der = NULL;
	struct gdoi_kek *k = &p->gp_kek;
	struct gdoi_tek *t = &p->gp_tek[0];
	int n;

	memset(p, 0, sizeof(*p));
	p->gp_group = 1234;
	p->gp_has_kek = 1;
	if (RAND_bytes(k->kek_spi, sizeof(k->kek_spi)) != 1 || RAND_bytes(k->kek_key, 32) != 1)
		die("RAND_bytes");
	k->kek_alg = KEK_ALG_AES;
	k->kek_keybits = 256;
	k->kek_life_s = 86400;
	k->kek_expiry_ms = now + 86400000ULL;
	k->kek_sig_hash = SIG_HASH_SHA256;
	k->kek_sig_alg = SIG_ALG_RSA;
	k->kek_sig_keybits = 2048;
	if ((n = i2d_PUBKEY(key, &der)) <= 0 || (k->kek_pub = malloc((size_t)n)) == NULL)
		die("i2d_PUBKEY");
	memcpy(k->kek_pub, der, (size_t)n);
	k->kek_publen = (size_t)n;
	OPENSSL_free(der);
	k->kek_af = 4;
	k->kek_port = GDOI_UDP_PORT;
	t->tek_spi = 0x1234abcd;
	t->tek_x.tx_esp = ESP_T_AES_CBC;
	t->tek_x.tx_keybits = 256;
	t->tek_x.tx_auth = IPSEC_AUTH_HMAC_SHA256;
	t->tek_life_s = 3600;
	t->tek_expiry_ms = now + 3600000ULL;
	if (RAND_bytes(t->tek_enc, 32) != 1 || RAND_bytes(t->tek_int, 32) != 1)
		die("RAND_bytes");
	t->tek_addr_pres = GDOI_AP_SRC_DST;
	t->tek_dir = GDOI_DIR_SYMMETRIC;
	t->tek_acl_first = 0;
	t->tek_acl_n = 2;
	p->gp_ntek = 1;
	ace_v4(&p->gp_acl[0], 0, 17, 0, 0, 848);
	ace_v4(&p->gp_acl[1], 1, 0, 10, 16, 0);
	p->gp_nacl = 2;
}

/* The RSA operations alone, as p1_msg.c's rsa_sign_raw / rsa_verify_raw
 * do them (PKCS#1 v1.5 over a SHA-256 hash). */
static void
rsa_alone(EVP_PKEY *key, double *sign_us, double *verify_us)
{
	uint8_t h[32], sig[512];
	size_t n = sizeof(sig);
	EVP_PKEY_CTX *s = EVP_PKEY_CTX_new(key, NULL), *v = EVP_PKEY_CTX_new(key, NULL);
	int bad = 0;

	memset(h, 0x5a, sizeof(h));
	if (s == NULL || v == NULL || EVP_PKEY_sign_init(s) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(s, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_verify_init(v) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(v, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_sign(s, sig, &n, h, sizeof(h)) <= 0)
		die("RSA set-up");
	TIMEIT(*sign_us, { n = sizeof(sig); bad |= EVP_PKEY_sign(s, sig, &n, h, sizeof(h)) <= 0; });
	TIMEIT(*verify_us, bad |= EVP_PKEY_verify(v, sig, n, h, sizeof(h)) != 1);
	if (bad)
		die("RSA sign / verify");
	EVP_PKEY_CTX_free(s);
	EVP_PKEY_CTX_free(v);
}

#ifdef BENCH_XFRM
/* The XFRM batch of one rekey on the GM: the new TEK's SA, and one policy
 * per ACE in each direction (in, out, fwd). */
static int
xfrm_build(struct gdoi_xfrm_batch *b, const struct gdoi_gpolicy *p, uint64_t now, size_t *len)
{
	struct gdoi_xfrm_addr s = { .xa_af = 4 }, d = { .xa_af = 4 };
	size_t i, a;
	int dir, err = 0;

	gdoi_xfrm_batch_reset(b);
	s.xa_addr[0] = d.xa_addr[0] = 10;
	s.xa_addr[3] = 1;
	d.xa_addr[3] = 2;
	for (i = 0; i < p->gp_ntek; i++) {
		const struct gdoi_tek *t = &p->gp_tek[i];

		err |= gdoi_xfrm_sa_add(b, t, &s, &d, now);
		for (a = t->tek_acl_first; a < (size_t)t->tek_acl_first + t->tek_acl_n; a++)
			for (dir = GDOI_XFRM_DIR_IN; dir <= GDOI_XFRM_DIR_FWD; dir++)
				err |= gdoi_xfrm_pol_add(b, &p->gp_acl[a], dir != GDOI_XFRM_DIR_OUT,
				    dir, (unsigned)a, NULL, NULL);
	}
	(void)gdoi_xfrm_batch_data(b, len);
	return err;
}
#endif

static void
rekey_limits(void)
{
	static uint8_t msg[GDOI_PULL_MSG_MAX];
	uint8_t ack[GDOI_ACK_MSG_MAX], gm_id[4] = { 10, 77, 0, 7 }, *plain = NULL;
	struct gdoi_gpolicy pol;
	struct gdoi_push_ks in;
	struct gdoi_push_rx rx;
	struct gdoi_ack_in ai;
	struct gdoi_ack_rx ar;
	double build_us, open_us, dec_us, sign_us, verify_us, ackb_us, ackv_us, t0;
	size_t len = 0, acklen = 0, plainlen = 0;
	uint64_t now = 1000000;
	uint32_t seq = 1;
	EVP_PKEY *key;
	int bad = 0;

	t0 = now_s();
	if ((key = EVP_RSA_gen(2048)) == NULL)
		die("EVP_RSA_gen");
	printf("ks.rsa_keygen_ms=%.1f\n", (now_s() - t0) * 1e3);
	bench_policy(&pol, key, now);
	memset(&in, 0, sizeof(in));
	in.ks_kek = &pol.gp_kek;
	in.ks_sign = key;
	in.ks_sig_hash = SIG_HASH_SHA256;
	in.ks_pol = &pol;
	in.ks_now_ms = now;
	in.ks_ack = GDOI_ACK_HMAC_SHA256;
	TIMEIT(build_us, { in.ks_seq = ++seq; bad |= gdoi_push_build(&in, msg, sizeof(msg), &len); });
	if (bad)
		die("gdoi_push_build");
	printf("ks.push_build_us=%.1f\nks.push_bytes=%zu\n", build_us, len + 28);
	rsa_alone(key, &sign_us, &verify_us);
	printf("ks.rsa_sign_us=%.1f\n", sign_us);
	/* GM: open the last message built (SEQ seq), as a fresh GM would */
	memset(&rx, 0, sizeof(rx));
	TIMEIT(open_us, {
		bad |= gdoi_push_open(&pol.gp_kek, msg, len, seq - 1, 1, now, &rx, NULL);
		gdoi_push_rx_clear(&rx);
	});
	if (bad)
		die("gdoi_push_open");
	TIMEIT(dec_us, {
		bad |= gdoi_push_decrypt(&pol.gp_kek, msg, len, &plain, &plainlen);
		if (plain != NULL) {
			OPENSSL_cleanse(plain, plainlen);
			free(plain);
			plain = NULL;
		}
	});
	if (bad)
		die("gdoi_push_decrypt");
	memset(&ai, 0, sizeof(ai));
	ai.ai_kek = &pol.gp_kek;
	ai.ai_type = GDOI_ACK_HMAC_SHA256;
	ai.ai_seq = seq;
	ai.ai_id_type = ID_IPV4_ADDR;
	ai.ai_id = gm_id;
	ai.ai_idlen = sizeof(gm_id);
	TIMEIT(ackb_us, bad |= gdoi_ack_build(&ai, ack, sizeof(ack), &acklen));
	TIMEIT(ackv_us, {
		bad |= gdoi_ack_peek(ack, acklen, &ar, NULL);
		bad |= gdoi_ack_verify(&pol.gp_kek, GDOI_ACK_HMAC_SHA256, ack, acklen, &ar, NULL);
	});
	if (bad)
		die("ACK build / verify");
	printf("ks.ack_verify_us=%.2f\nks.ack_bytes=%zu\n", ackv_us, acklen + 28);
	printf("gm.push_open_us=%.1f\ngm.push_decrypt_us=%.1f\ngm.rsa_verify_us=%.1f\n"
	    "gm.ack_build_us=%.2f\n", open_us, dec_us, verify_us, ackb_us);
#ifdef BENCH_XFRM
	{
		struct gdoi_xfrm_cfg cfg = { .xc_reqid = 0x4d01, .xc_prio_base = 1000 };
		struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&cfg, 1);
		double x_us;
		size_t blen = 0;

		if (b == NULL)
			die("gdoi_xfrm_batch_new");
		TIMEIT(x_us, bad |= xfrm_build(b, &pol, now, &blen));
		if (bad)
			die("XFRM batch build");
		printf("gm.xfrm_batch_us=%.2f\ngm.xfrm_batch_bytes=%zu\ngm.xfrm_batch_msgs=%zu\n",
		    x_us, blen, b->xb_n);
		printf("gm.rekey_process_us=%.1f\n", open_us + x_us + ackb_us);
		gdoi_xfrm_batch_free(b);
	}
#else
	printf("gm.xfrm_batch_us=NA\ngm.rekey_process_us=%.1f\n", open_us + ackb_us);
#endif
	gdoi_gpolicy_clear(&pol);
	EVP_PKEY_free(key);
}

/* ------------------------------------------------------------------ */

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-t SECONDS] [-j THREADS]\n", ME);
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct { unsigned g; const char *name; } groups[] = {
		{ 14, "modp2048" }, { 19, "ecp256" },
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned nthreads = ncpu > 0 ? (unsigned)ncpu : 1;
	char *end;
	size_t i;
	int c;

	while ((c = getopt(argc, argv, "t:j:h")) != -1) {
		switch (c) {
		case 't':
			g_secs = strtod(optarg, &end);
			if (*end != '\0' || !(g_secs >= 0.1 && g_secs <= 600))
				usage();
			break;
		case 'j':
			nthreads = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || nthreads < 1 || nthreads > 1024)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("limit.cores=%ld\nlimit.threads=%u\nlimit.seconds=%.1f\n", ncpu, nthreads, g_secs);
	printf("limit.reg.ops=dh_keygen:1 dh_derive:1 prf:12 p1keys_derive:1 hash:7 cbc:6 rand:2\n");
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		double pc1, pc;
		double one = reg_rate(groups[i].g, 1, g_secs / 3, &pc1);
		double all = reg_rate(groups[i].g, nthreads, g_secs, &pc);

		printf("limit.reg.%s.one_core_per_s=%.0f\n", groups[i].name, one);
		printf("limit.reg.%s.one_core_us=%.1f\n", groups[i].name, 1e6 / one);
		printf("limit.reg.%s.all_cores_per_s=%.0f\n", groups[i].name, all);
		printf("limit.reg.%s.per_cpu_s=%.0f\n", groups[i].name, pc);
	}
	rekey_limits();
	return 0;
}
