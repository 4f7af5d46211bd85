/*
 * Private to p1.c and p1_msg.c: the Phase 1 SA and the message helpers.
 */
#ifndef GDOI_P1_INT_H
#define GDOI_P1_INT_H

#include <stdint.h>

#include "gdoi/p1.h"

#define P1_NONCE_LEN 32   /* what we send */
#define P1_NONCE_MIN 8    /* RFC 2408 3.13 */
#define P1_NONCE_MAX 256
#define P1_ID_MAX 1024   /* longest ID data we send */

/* What Main Mode needs and an established SA does not (1,280 octets). */
struct p1_mm {
	uint8_t mm_gxi[GDOI_DH_MAX];
	uint8_t mm_gxr[GDOI_DH_MAX];
	uint8_t mm_ni[P1_NONCE_MAX];
	uint8_t mm_nr[P1_NONCE_MAX];
};

struct gdoi_p1_sa {
	struct gdoi_p1_ctx *sa_ctx;       /* borrowed */
	struct gdoi_p1_peer sa_peer;
	enum gdoi_p1_state sa_state;
	int sa_initiator;
	int sa_halfopen;                  /* holds a slot of ctx->x_halfopen */
	uint8_t sa_icookie[ISAKMP_COOKIE_LEN];
	uint8_t sa_rcookie[ISAKMP_COOKIE_LEN];
	uint32_t sa_doi;
	uint32_t sa_sit;
	struct gdoi_p1_policy sa_xf;      /* chosen transform, applied lifetime */
	size_t sa_keylen;                 /* cipher key octets */
	size_t sa_blk;                    /* cipher block octets */
	uint8_t *sa_sai_b;                /* initiator SA body (owned; Main Mode only) */
	size_t sa_sai_len;
	struct gdoi_dh *sa_dh;
	/* Main Mode only (into sa_mm, NULL once established): both DH public
	 * values and both nonces, for SKEYID and HASH_I / HASH_R */
	struct p1_mm *sa_mm;              /* owned; wiped and freed when established */
	uint8_t *sa_gxi;
	size_t sa_gxi_len;
	uint8_t *sa_gxr;
	size_t sa_gxr_len;
	uint8_t *sa_ni;
	size_t sa_ni_len;
	uint8_t *sa_nr;
	size_t sa_nr_len;
	struct gdoi_p1keys sa_keys;
	int sa_keys_ok;                   /* SKEYID.. derived */
	uint8_t sa_iv[GDOI_CIPHER_BLOCK_MAX]; /* current CBC chain value */
	uint8_t *sa_peer_idbuf;           /* owned copy of the peer's ID data */
	struct gdoi_id sa_peer_id;
	int sa_have_peer_id;
	X509 *sa_peer_cert;               /* verified peer certificate (owned ref) */
	uint8_t *sa_tx;                   /* last datagram sent (owned) */
	size_t sa_txlen;
	uint8_t sa_rx_digest[32];         /* SHA-256 of the last datagram answered */
	int sa_rx_valid;
	uint64_t sa_last_ms;              /* last progress */
	uint64_t sa_rtx_at;               /* next retransmission / give-up, 0 = none */
	uint32_t sa_rtx_n;                /* resends so far */
	uint32_t sa_rtx_int;              /* current interval */
	uint64_t sa_expire_at;            /* 0 until established */
};

/* p1_msg.c */
int p1_xform_parse(const struct gdoi_transform *t, struct gdoi_p1_policy *out);
int p1_xform_same(const struct gdoi_p1_policy *a, const struct gdoi_p1_policy *b, int life);
uint32_t p1_life(const struct gdoi_p1_policy *p);
size_t p1_keylen_bytes(const struct gdoi_p1_policy *p);
size_t p1_xform_attrs(const struct gdoi_p1_policy *p, struct gdoi_attr *at, uint8_t life[4]);
void p1_hdr(const struct gdoi_p1_sa *sa, struct isakmp_hdr *h, uint8_t exch, uint32_t msgid);
int p1_send_plain(struct gdoi_p1_sa *sa, const struct gdoi_payload *pl, size_t n,
    struct gdoi_p1_out *out);
int p1_send_enc(struct gdoi_p1_sa *sa, uint8_t exch, uint32_t msgid, uint8_t *iv,
    const struct gdoi_payload *pl, size_t n, struct gdoi_p1_out *out, int keep);
int p1_notify_plain(const uint8_t *icky, const uint8_t *rcky, uint32_t doi, uint16_t type,
    struct gdoi_p1_out *out);
int p1_decrypt(const struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint8_t *iv,
    uint8_t **plain, size_t *plainlen);
int p1_auth_hash(const struct gdoi_p1_sa *sa, int of_initiator, const struct gdoi_bytes *id_b,
    uint8_t *out, size_t *outlen);
int p1_skeyid(struct gdoi_p1_sa *sa, const uint8_t *gxy, size_t gxylen);
/* Our ID payload and IDii_b / IDir_b in buf (cap octets). */
int p1_local_id(const struct gdoi_p1_sa *sa, struct gdoi_payload *pl, uint8_t *buf, size_t cap,
    struct gdoi_bytes *body);
/* The authentication payloads of message 5/6 after ID: HASH, or CERT and SIG. */
struct p1_authbuf {
	uint8_t ab_hash[GDOI_HASH_MAX];
	uint8_t *ab_cert;                 /* DER of our certificate (owned) */
	uint8_t *ab_sig;                  /* signature (owned) */
	size_t ab_siglen;
};
int p1_auth_build(const struct gdoi_p1_sa *sa, const struct gdoi_bytes *id_b,
    struct p1_authbuf *ab, struct gdoi_payload *pl, size_t *n);
void p1_authbuf_free(struct p1_authbuf *ab);
/* Check the peer's message 5/6 payloads (ID at idp): 0 or the notify. */
uint16_t p1_auth_verify(struct gdoi_p1_sa *sa, const struct gdoi_payload *pl, size_t npl,
    const struct gdoi_payload *idp, X509 **certp);
void p1_digest(const uint8_t *msg, size_t len, uint8_t out[32]);
int p1_store_tx(struct gdoi_p1_sa *sa, const struct gdoi_p1_out *out);

#endif
