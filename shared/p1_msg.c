/*
 * IKEv1 Main Mode message pieces: transform attributes, building plain and
 * encrypted messages, the unprotected notify, decryption, HASH_I / HASH_R
 * and SKEYID.  The state machine lives in p1.c.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/wire.h"
#include "p1_int.h"

uint32_t
p1_life(const struct gdoi_p1_policy *p)
{
	return p->pp_life_s ? p->pp_life_s : GDOI_P1_LIFE_DEFAULT;
}

size_t
p1_keylen_bytes(const struct gdoi_p1_policy *p)
{
	if (p->pp_enc == IKE_ENC_3DES_CBC)
		return 24;
	return p->pp_keylen / 8;
}

/* 3DES has one key length: "absent" and 192 bits are the same thing. */
static unsigned
norm_keylen(const struct gdoi_p1_policy *p)
{
	return p->pp_enc == IKE_ENC_3DES_CBC ? 0 : p->pp_keylen;
}

int
p1_xform_same(const struct gdoi_p1_policy *a, const struct gdoi_p1_policy *b, int life)
{
	return a->pp_enc == b->pp_enc && norm_keylen(a) == norm_keylen(b) &&
	    a->pp_hash == b->pp_hash && a->pp_auth == b->pp_auth &&
	    a->pp_group == b->pp_group && (!life || p1_life(a) == p1_life(b));
}

/*
 * A KEY_IKE transform's attributes (RFC 2409 appendix A) into a policy
 * entry.  0 when every attribute is understood and the mandatory ones
 * (cipher, hash, authentication, group; key length for AES) are there,
 * else -1: the transform is then simply not acceptable.
 */
int
p1_xform_parse(const struct gdoi_transform *t, struct gdoi_p1_policy *o)
{
	unsigned seen = 0, life_type = 0, kbytes = 0;
	size_t i;

	memset(o, 0, sizeof(*o));
	if (t->t_id != IKE_TRANSFORM_KEY_IKE)
		return -1;
	for (i = 0; i < t->t_attrs.n; i++) {
		const struct gdoi_attr *a = &t->t_attrs.v[i];
		uint64_t v;

		if (gdoi_attr_uint(a, &v))
			return -1;
		if (a->a_type != IKE_ATTR_LIFE_DURATION && v > 0xffff)
			return -1;
		if (a->a_type < 32 && a->a_type != IKE_ATTR_LIFE_TYPE &&
		    a->a_type != IKE_ATTR_LIFE_DURATION) {
			if (seen & (1u << a->a_type))
				return -1;	/* the same attribute twice */
			seen |= 1u << a->a_type;
		}
		switch (a->a_type) {
		case IKE_ATTR_ENC:
			o->pp_enc = (uint16_t)v;
			break;
		case IKE_ATTR_HASH:
			o->pp_hash = (uint16_t)v;
			break;
		case IKE_ATTR_AUTH:
			o->pp_auth = (uint16_t)v;
			break;
		case IKE_ATTR_GROUP:
			o->pp_group = (uint16_t)v;
			break;
		case IKE_ATTR_KEY_LENGTH:
			o->pp_keylen = (uint16_t)v;
			break;
		case IKE_ATTR_LIFE_TYPE:
			if (v != IKE_LIFE_SECONDS && v != IKE_LIFE_KILOBYTES)
				return -1;
			life_type = (unsigned)v;
			break;
		case IKE_ATTR_LIFE_DURATION:
			if (life_type == IKE_LIFE_SECONDS) {
				if (v == 0 || v > UINT32_MAX)
					return -1;
				o->pp_life_s = (uint32_t)v;
			} else if (life_type == IKE_LIFE_KILOBYTES) {
				kbytes = 1;	/* no volume limit kept */
			} else {
				return -1;	/* a duration needs its type first */
			}
			life_type = 0;
			break;
		default:
			/* PRF, private groups, unknown types: not acceptable. */
			return -1;
		}
	}
	if (!(seen & (1u << IKE_ATTR_ENC)) || !(seen & (1u << IKE_ATTR_HASH)) ||
	    !(seen & (1u << IKE_ATTR_AUTH)) || !(seen & (1u << IKE_ATTR_GROUP)))
		return -1;
	if (kbytes && o->pp_life_s == 0)
		return -1;
	switch (o->pp_enc) {
	case IKE_ENC_AES_CBC:
		if (o->pp_keylen != 128 && o->pp_keylen != 192 && o->pp_keylen != 256)
			return -1;
		break;
	case IKE_ENC_3DES_CBC:
		if (o->pp_keylen != 0 && o->pp_keylen != 192)
			return -1;
		break;
	default:
		return -1;
	}
	return 0;
}

/*
 * The attributes of one transform we offer: cipher, key length (AES),
 * hash, authentication, group, life type seconds, life duration (TV up to
 * 0xffff, else a 4-octet TLV in life[]).  at needs 7 entries.
 */
size_t
p1_xform_attrs(const struct gdoi_p1_policy *p, struct gdoi_attr *at, uint8_t life[4])
{
	uint32_t secs = p1_life(p);
	size_t n = 0;

	at[n++] = gdoi_attr_tv(IKE_ATTR_ENC, p->pp_enc);
	if (p->pp_enc == IKE_ENC_AES_CBC)
		at[n++] = gdoi_attr_tv(IKE_ATTR_KEY_LENGTH, p->pp_keylen);
	at[n++] = gdoi_attr_tv(IKE_ATTR_HASH, p->pp_hash);
	at[n++] = gdoi_attr_tv(IKE_ATTR_AUTH, p->pp_auth);
	at[n++] = gdoi_attr_tv(IKE_ATTR_GROUP, p->pp_group);
	at[n++] = gdoi_attr_tv(IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	if (secs <= 0xffff) {
		at[n++] = gdoi_attr_tv(IKE_ATTR_LIFE_DURATION, (uint16_t)secs);
	} else {
		gdoi_put32(life, secs);
		at[n++] = gdoi_attr_tlv(IKE_ATTR_LIFE_DURATION, life, 4);
	}
	return n;
}

void
p1_hdr(const struct gdoi_p1_sa *sa, struct isakmp_hdr *h, uint8_t exch, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->h_icookie, sa->sa_icookie, ISAKMP_COOKIE_LEN);
	memcpy(h->h_rcookie, sa->sa_rcookie, ISAKMP_COOKIE_LEN);
	h->h_version = ISAKMP_VERSION;
	h->h_exchange = exch;
	h->h_msgid = msgid;
}

/* Keep a copy of what out holds as the SA's last datagram (retransmits). */
int
p1_store_tx(struct gdoi_p1_sa *sa, const struct gdoi_p1_out *out)
{
	uint8_t *p;

	if ((p = malloc(out->o_len)) == NULL)
		return GDOI_E_NOMEM;
	memcpy(p, out->o_msg, out->o_len);
	if (sa->sa_tx) {
		OPENSSL_cleanse(sa->sa_tx, sa->sa_txlen);
		free(sa->sa_tx);
	}
	sa->sa_tx = p;
	sa->sa_txlen = out->o_len;
	return GDOI_OK;
}

/* An unencrypted Main Mode message into out, kept for retransmission. */
int
p1_send_plain(struct gdoi_p1_sa *sa, const struct gdoi_payload *pl, size_t n,
    struct gdoi_p1_out *out)
{
	struct isakmp_hdr h;
	struct gdoi_wr w;
	int err;

	p1_hdr(sa, &h, ISAKMP_EX_MAIN, 0);
	gdoi_wr_init_fixed(&w, out->o_msg, sizeof(out->o_msg));
	if ((err = gdoi_msg_encode(&w, &h, pl, n)) != 0)
		return err;
	out->o_len = gdoi_wr_len(&w);
	return p1_store_tx(sa, out);
}

/*
 * An encrypted message: header with the E flag, the chain zero-padded to
 * the block size, CBC under the Phase 1 key from iv, which then holds the
 * last ciphertext block.  keep: also store it for retransmission.
 */
int
p1_send_enc(struct gdoi_p1_sa *sa, uint8_t exch, uint32_t msgid, uint8_t *iv,
    const struct gdoi_payload *pl, size_t n, struct gdoi_p1_out *out, int keep)
{
	struct isakmp_hdr h;
	struct gdoi_wr w;
	size_t body, pad;
	int err;

	p1_hdr(sa, &h, exch, msgid);
	h.h_flags = ISAKMP_FLAG_E;
	gdoi_wr_init_fixed(&w, out->o_msg, sizeof(out->o_msg));
	if ((err = gdoi_msg_encode(&w, &h, pl, n)) != 0)
		return err;
	body = gdoi_wr_len(&w) - ISAKMP_HDR_LEN;
	pad = (sa->sa_blk - body % sa->sa_blk) % sa->sa_blk;
	gdoi_wr_zero(&w, pad);
	gdoi_wr_set_u32(&w, 24, (uint32_t)gdoi_wr_len(&w));
	if ((err = gdoi_wr_error(&w)) != 0)
		return err;
	err = gdoi_cbc_encrypt(sa->sa_xf.pp_enc, sa->sa_keys.k_enc, sa->sa_keys.k_enc_len, iv,
	    out->o_msg + ISAKMP_HDR_LEN, body + pad, out->o_msg + ISAKMP_HDR_LEN);
	if (err) {
		out->o_len = 0;
		return err;
	}
	out->o_len = gdoi_wr_len(&w);
	return keep ? p1_store_tx(sa, out) : GDOI_OK;
}

/* HDR, N: an unprotected Informational (M-ID 0) about the cookie pair. */
int
p1_notify_plain(const uint8_t *icky, const uint8_t *rcky, uint32_t doi, uint16_t type,
    struct gdoi_p1_out *out)
{
	uint8_t spi[2 * ISAKMP_COOKIE_LEN];
	struct gdoi_payload pl;
	struct isakmp_hdr h;
	struct gdoi_wr w;
	int err;

	memcpy(spi, icky, ISAKMP_COOKIE_LEN);
	memcpy(spi + ISAKMP_COOKIE_LEN, rcky, ISAKMP_COOKIE_LEN);
	memset(&h, 0, sizeof(h));
	memcpy(h.h_icookie, icky, ISAKMP_COOKIE_LEN);
	memcpy(h.h_rcookie, rcky, ISAKMP_COOKIE_LEN);
	h.h_version = ISAKMP_VERSION;
	h.h_exchange = ISAKMP_EX_INFO;
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_N;
	pl.pl_u.n.n_doi = doi;
	pl.pl_u.n.n_proto = ISAKMP_PROTO_ISAKMP;
	pl.pl_u.n.n_type = type;
	pl.pl_u.n.n_spi.ptr = spi;
	pl.pl_u.n.n_spi.len = sizeof(spi);
	gdoi_wr_init_fixed(&w, out->o_msg, sizeof(out->o_msg));
	if ((err = gdoi_msg_encode(&w, &h, &pl, 1)) != 0) {
		out->o_len = 0;
		return err;
	}
	out->o_len = gdoi_wr_len(&w);
	return GDOI_OK;
}

/*
 * Decrypt the body of an encrypted message from iv (which then holds the
 * last ciphertext block).  *plain is a new buffer (caller wipes and frees).
 */
int
p1_decrypt(const struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint8_t *iv,
    uint8_t **plain, size_t *plainlen)
{
	size_t len = m->m_body.len;
	uint8_t *p;
	int err;

	*plain = NULL;
	*plainlen = 0;
	if (len == 0 || sa->sa_blk == 0 || len % sa->sa_blk != 0)
		return GDOI_E_LENGTH;
	if ((p = malloc(len)) == NULL)
		return GDOI_E_NOMEM;
	err = gdoi_cbc_decrypt(sa->sa_xf.pp_enc, sa->sa_keys.k_enc, sa->sa_keys.k_enc_len, iv,
	    m->m_body.ptr, len, p);
	if (err) {
		free(p);
		return err;
	}
	*plain = p;
	*plainlen = len;
	return GDOI_OK;
}

/*
 * RFC 2409 section 5:
 *   HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 *   HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * The same for every authentication method; signature methods sign it.
 */
int
p1_auth_hash(const struct gdoi_p1_sa *sa, int of_initiator, const struct gdoi_bytes *id_b,
    uint8_t *out, size_t *outlen)
{
	struct gdoi_bytes gi = { sa->sa_gxi, sa->sa_gxi_len };
	struct gdoi_bytes gr = { sa->sa_gxr, sa->sa_gxr_len };
	struct gdoi_bytes ci = { sa->sa_icookie, ISAKMP_COOKIE_LEN };
	struct gdoi_bytes cr = { sa->sa_rcookie, ISAKMP_COOKIE_LEN };
	struct gdoi_bytes parts[6];

	parts[0] = of_initiator ? gi : gr;
	parts[1] = of_initiator ? gr : gi;
	parts[2] = of_initiator ? ci : cr;
	parts[3] = of_initiator ? cr : ci;
	parts[4].ptr = sa->sa_sai_b;
	parts[4].len = sa->sa_sai_len;
	parts[5] = *id_b;
	return gdoi_prf(sa->sa_xf.pp_hash, sa->sa_keys.k_skeyid, sa->sa_keys.k_skeyid_len, parts,
	    6, out, GDOI_HASH_MAX, outlen);
}

/*
 * SKEYID by authentication method, then SKEYID_d/_a/_e, the cipher key and
 * the message 5 IV.  GDOI_E_ID: no pre-shared key for the peer.
 * Signature methods will compute gdoi_skeyid_sig() here.
 */
int
p1_skeyid(struct gdoi_p1_sa *sa, const uint8_t *gxy, size_t gxylen)
{
	struct gdoi_bytes ni = { sa->sa_ni, sa->sa_ni_len };
	struct gdoi_bytes nr = { sa->sa_nr, sa->sa_nr_len };
	struct gdoi_bytes gi = { sa->sa_gxi, sa->sa_gxi_len };
	struct gdoi_bytes gr = { sa->sa_gxr, sa->sa_gxr_len };
	struct gdoi_bytes g = { gxy, gxylen };
	uint8_t skeyid[GDOI_HASH_MAX], psk[GDOI_P1_PSK_MAX];
	size_t sklen = 0, psklen = 0;
	int err;

	switch (sa->sa_xf.pp_auth) {
	case IKE_AUTH_PSK:
		if (sa->sa_ctx->x_psk == NULL ||
		    sa->sa_ctx->x_psk(sa->sa_ctx->x_psk_arg, &sa->sa_peer, psk, sizeof(psk),
		    &psklen) != 0 || psklen > sizeof(psk)) {
			OPENSSL_cleanse(psk, sizeof(psk));
			return GDOI_E_ID;
		}
		err = gdoi_skeyid_psk(sa->sa_xf.pp_hash, psk, psklen, &ni, &nr, skeyid,
		    sizeof(skeyid), &sklen);
		OPENSSL_cleanse(psk, sizeof(psk));
		break;
	default:
		return GDOI_E_INVAL;
	}
	if (err == 0)
		err = gdoi_p1keys_derive(sa->sa_xf.pp_hash, sa->sa_xf.pp_enc, sa->sa_keylen,
		    skeyid, sklen, &g, sa->sa_icookie, sa->sa_rcookie, &gi, &gr, &sa->sa_keys);
	OPENSSL_cleanse(skeyid, sizeof(skeyid));
	if (err == 0) {
		sa->sa_keys_ok = 1;
		memcpy(sa->sa_iv, sa->sa_keys.k_iv, sa->sa_blk);
	}
	return err;
}

/* SHA-256 of a datagram, to recognise duplicates. */
void
p1_digest(const uint8_t *msg, size_t len, uint8_t out[32])
{
	struct gdoi_bytes b = { msg, len };

	if (gdoi_hash(IKE_HASH_SHA256, &b, 1, out, 32, NULL) != 0)
		memset(out, 0, 32);
}
