/*
 * IKEv1 Main Mode message pieces: transform attributes, building plain and
 * encrypted messages, the unprotected notify, decryption, HASH_I / HASH_R
 * and SKEYID.  The state machine lives in p1.c.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

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
				/* 0 (strongSwan, rekey_time = 0): no lifetime given. */
				if (v > UINT32_MAX)
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
	out->o_notify = type;
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
 * RSA signatures: SKEYID = prf(Ni_b | Nr_b, g^xy).
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
	case IKE_AUTH_RSA_SIG:
		err = gdoi_skeyid_sig(sa->sa_xf.pp_hash, &ni, &nr, &g, skeyid, sizeof(skeyid),
		    &sklen);
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

/* ------------------------------------------------------------------ */
/* Messages 5 and 6: identities, CERT and SIG (RFC 2409 section 5.1)    */

/*
 * Our ID payload and its body (IDii_b / IDir_b) in buf: x_local_id, or
 * with type 0 ID_DER_ASN1_DN of our certificate's subject.
 */
int
p1_local_id(const struct gdoi_p1_sa *sa, struct gdoi_payload *pl, uint8_t *buf, size_t cap,
    struct gdoi_bytes *body)
{
	const struct gdoi_id *id = &sa->sa_ctx->x_local_id;
	size_t dlen;

	memset(pl, 0, sizeof(*pl));
	pl->pl_type = ISAKMP_PL_ID;
	if (id->id_type != 0) {
		if (4 + id->id_data.len > cap)
			return GDOI_E_TOOBIG;
		pl->pl_u.id = *id;
		buf[0] = id->id_type;
		buf[1] = id->id_proto;
		gdoi_put16(buf + 2, id->id_port);
		memcpy(buf + 4, id->id_data.ptr, id->id_data.len);
		dlen = id->id_data.len;
	} else {
		X509_NAME *dn;
		unsigned char *p = buf + 4;
		int n;

		if (sa->sa_ctx->x_cert == NULL ||
		    (dn = X509_get_subject_name(sa->sa_ctx->x_cert)) == NULL)
			return GDOI_E_INVAL;
		n = i2d_X509_NAME(dn, NULL);
		if (n <= 0 || (size_t)n + 4 > cap)
			return GDOI_E_TOOBIG;
		if (i2d_X509_NAME(dn, &p) != n)
			return GDOI_E_INVAL;
		buf[0] = ID_DER_ASN1_DN;
		buf[1] = 0;
		gdoi_put16(buf + 2, 0);
		dlen = (size_t)n;
		pl->pl_u.id.id_type = ID_DER_ASN1_DN;
		pl->pl_u.id.id_data.ptr = buf + 4;
		pl->pl_u.id.id_data.len = dlen;
	}
	body->ptr = buf;
	body->len = 4 + dlen;
	return GDOI_OK;
}

/* RSA PKCS#1 v1.5 (type 1) over the raw hash, no DigestInfo. */
static int
rsa_sign_raw(EVP_PKEY *key, const uint8_t *h, size_t hlen, uint8_t **sig, size_t *siglen)
{
	EVP_PKEY_CTX *pc;
	size_t n = 0;
	uint8_t *s = NULL;
	int err = GDOI_E_INVAL;

	*sig = NULL;
	*siglen = 0;
	if ((pc = EVP_PKEY_CTX_new(key, NULL)) == NULL)
		return GDOI_E_NOMEM;
	if (EVP_PKEY_sign_init(pc) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_sign(pc, NULL, &n, h, hlen) <= 0 || n == 0)
		goto done;
	if ((s = malloc(n)) == NULL) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	if (EVP_PKEY_sign(pc, s, &n, h, hlen) <= 0) {
		free(s);
		goto done;
	}
	*sig = s;
	*siglen = n;
	err = GDOI_OK;
done:
	EVP_PKEY_CTX_free(pc);
	return err;
}

static int
rsa_verify_raw(EVP_PKEY *key, const uint8_t *h, size_t hlen, const uint8_t *sig,
    size_t siglen)
{
	EVP_PKEY_CTX *pc;
	int ok = 0;

	if ((pc = EVP_PKEY_CTX_new(key, NULL)) == NULL)
		return 0;
	if (EVP_PKEY_verify_init(pc) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) > 0 &&
	    EVP_PKEY_verify(pc, sig, siglen, h, hlen) == 1)
		ok = 1;
	EVP_PKEY_CTX_free(pc);
	return ok;
}

void
p1_authbuf_free(struct p1_authbuf *ab)
{
	OPENSSL_cleanse(ab->ab_hash, sizeof(ab->ab_hash));
	OPENSSL_free(ab->ab_cert);
	if (ab->ab_sig) {
		OPENSSL_cleanse(ab->ab_sig, ab->ab_siglen);
		free(ab->ab_sig);
	}
	memset(ab, 0, sizeof(*ab));
}

/*
 * The payloads that follow our ID in message 5/6 into pl (room for 2),
 * *n set: HASH_I/HASH_R for pre-shared keys, CERT and SIG for RSA.
 */
int
p1_auth_build(const struct gdoi_p1_sa *sa, const struct gdoi_bytes *id_b,
    struct p1_authbuf *ab, struct gdoi_payload *pl, size_t *n)
{
	size_t hlen = 0;
	int err, clen;

	memset(ab, 0, sizeof(*ab));
	*n = 0;
	if ((err = p1_auth_hash(sa, sa->sa_initiator, id_b, ab->ab_hash, &hlen)) != 0)
		return err;
	memset(pl, 0, 2 * sizeof(*pl));
	switch (sa->sa_xf.pp_auth) {
	case IKE_AUTH_PSK:
		pl[0].pl_type = ISAKMP_PL_HASH;
		pl[0].pl_u.data.ptr = ab->ab_hash;
		pl[0].pl_u.data.len = hlen;
		*n = 1;
		return GDOI_OK;
	case IKE_AUTH_RSA_SIG:
		if (sa->sa_ctx->x_key == NULL || sa->sa_ctx->x_cert == NULL)
			return GDOI_E_INVAL;
		if ((clen = i2d_X509(sa->sa_ctx->x_cert, &ab->ab_cert)) <= 0)
			return GDOI_E_INVAL;
		if ((err = rsa_sign_raw(sa->sa_ctx->x_key, ab->ab_hash, hlen, &ab->ab_sig,
		    &ab->ab_siglen)) != 0)
			return err;
		pl[0].pl_type = ISAKMP_PL_CERT;
		pl[0].pl_u.cert.c_enc = CERT_X509_SIG;
		pl[0].pl_u.cert.c_data.ptr = ab->ab_cert;
		pl[0].pl_u.cert.c_data.len = (size_t)clen;
		pl[1].pl_type = ISAKMP_PL_SIG;
		pl[1].pl_u.data.ptr = ab->ab_sig;
		pl[1].pl_u.data.len = ab->ab_siglen;
		*n = 2;
		return GDOI_OK;
	default:
		return GDOI_E_INVAL;
	}
}

/* Does the peer's certificate carry the identity of its ID payload? */
static int
id_matches_cert(const struct gdoi_id *id, X509 *cert)
{
	const unsigned char *p = id->id_data.ptr;
	X509_NAME *dn;
	char *name;
	int ok = 0;

	switch (id->id_type) {
	case ID_DER_ASN1_DN:
		if (id->id_data.len == 0 || id->id_data.len > 0x10000)
			return 0;
		if ((dn = d2i_X509_NAME(NULL, &p, (long)id->id_data.len)) == NULL)
			return 0;
		ok = p == id->id_data.ptr + id->id_data.len &&
		    X509_NAME_cmp(dn, X509_get_subject_name(cert)) == 0;
		X509_NAME_free(dn);
		return ok;
	case ID_IPV4_ADDR:
		return id->id_data.len == 4 && X509_check_ip(cert, p, 4, 0) == 1;
	case ID_IPV6_ADDR:
		return id->id_data.len == 16 && X509_check_ip(cert, p, 16, 0) == 1;
	case ID_FQDN:
	case ID_USER_FQDN:
		if (id->id_data.len == 0 || id->id_data.len > 255 ||
		    memchr(p, 0, id->id_data.len) != NULL)
			return 0;
		if ((name = malloc(id->id_data.len + 1)) == NULL)
			return 0;
		memcpy(name, p, id->id_data.len);
		name[id->id_data.len] = '\0';
		if (id->id_type == ID_FQDN)
			ok = X509_check_host(cert, name, id->id_data.len,
			    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
			    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
		else
			ok = X509_check_email(cert, name, id->id_data.len,
			    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT) == 1;
		free(name);
		return ok;
	default:
		return 0;
	}
}

/* Verify cert (with untrusted intermediates) against store, now. */
static int
cert_trusted(X509_STORE *store, X509 *cert, STACK_OF(X509) *chain)
{
	X509_STORE_CTX *sc;
	int ok = 0;

	if (store == NULL || (sc = X509_STORE_CTX_new()) == NULL)
		return 0;
	if (X509_STORE_CTX_init(sc, store, cert, chain) == 1)
		ok = X509_verify_cert(sc) == 1;
	X509_STORE_CTX_free(sc);
	return ok;
}

/*
 * The peer's authentication payloads of message 5/6 (idp: its ID).  0 on
 * success (*certp: the verified certificate for RSA, a new reference),
 * else the notify that refuses them (see the table in p1.h).
 */
uint16_t
p1_auth_verify(struct gdoi_p1_sa *sa, const struct gdoi_payload *pl, size_t npl,
    const struct gdoi_payload *idp, X509 **certp)
{
	const struct gdoi_payload *hp = NULL, *sp = NULL, *cp = NULL;
	STACK_OF(X509) *chain = NULL;
	struct gdoi_bytes idb;
	uint8_t want[GDOI_HASH_MAX];
	size_t i, wlen = 0, ncert = 0;
	X509 *cert = NULL;
	EVP_PKEY *pub;
	uint16_t n;

	*certp = NULL;
	idb.ptr = idp->pl_raw.ptr + ISAKMP_GEN_HDR_LEN;
	idb.len = idp->pl_raw.len - ISAKMP_GEN_HDR_LEN;
	for (i = 0; i < npl; i++) {
		if (pl[i].pl_type == ISAKMP_PL_HASH && hp == NULL)
			hp = &pl[i];
		else if (pl[i].pl_type == ISAKMP_PL_SIG && sp == NULL)
			sp = &pl[i];
		else if (pl[i].pl_type == ISAKMP_PL_CERT) {
			ncert++;
			if (pl[i].pl_u.cert.c_enc == CERT_X509_SIG && cp == NULL)
				cp = &pl[i];
		}
	}
	if (sa->sa_xf.pp_auth == IKE_AUTH_PSK) {
		n = N_INVALID_HASH_INFORMATION;
		if (hp != NULL && p1_auth_hash(sa, !sa->sa_initiator, &idb, want, &wlen) == 0 &&
		    hp->pl_u.data.len == wlen && gdoi_ct_equal(want, hp->pl_u.data.ptr, wlen))
			n = 0;
		OPENSSL_cleanse(want, sizeof(want));
		return n;
	}
	if (sa->sa_xf.pp_auth != IKE_AUTH_RSA_SIG)
		return N_AUTHENTICATION_FAILED;
	if (sp == NULL)
		return N_PAYLOAD_MALFORMED;
	if (cp == NULL)
		return ncert ? N_CERT_TYPE_UNSUPPORTED : N_AUTHENTICATION_FAILED;
	{
		const unsigned char *p = cp->pl_u.cert.c_data.ptr;

		cert = d2i_X509(NULL, &p, (long)cp->pl_u.cert.c_data.len);
		if (cert == NULL || p != cp->pl_u.cert.c_data.ptr + cp->pl_u.cert.c_data.len) {
			n = N_INVALID_CERTIFICATE;
			goto done;
		}
	}
	/* Further X.509 CERTs: untrusted intermediates for the chain. */
	if ((chain = sk_X509_new_null()) == NULL) {
		n = N_AUTHENTICATION_FAILED;
		goto done;
	}
	for (i = 0; i < npl; i++) {
		const unsigned char *p;
		X509 *x;

		if (&pl[i] == cp || pl[i].pl_type != ISAKMP_PL_CERT ||
		    pl[i].pl_u.cert.c_enc != CERT_X509_SIG)
			continue;
		p = pl[i].pl_u.cert.c_data.ptr;
		if ((x = d2i_X509(NULL, &p, (long)pl[i].pl_u.cert.c_data.len)) == NULL)
			continue;
		if (!sk_X509_push(chain, x))
			X509_free(x);
	}
	pub = X509_get0_pubkey(cert);
	if (pub == NULL || EVP_PKEY_get_base_id(pub) != EVP_PKEY_RSA ||
	    !cert_trusted(sa->sa_ctx->x_ca, cert, chain)) {
		n = N_INVALID_CERTIFICATE;
		goto done;
	}
	if (!id_matches_cert(&idp->pl_u.id, cert)) {
		n = N_INVALID_ID_INFORMATION;
		goto done;
	}
	n = N_INVALID_SIGNATURE;
	if (p1_auth_hash(sa, !sa->sa_initiator, &idb, want, &wlen) == 0 &&
	    rsa_verify_raw(pub, want, wlen, sp->pl_u.data.ptr, sp->pl_u.data.len))
		n = 0;
done:
	OPENSSL_cleanse(want, sizeof(want));
	sk_X509_pop_free(chain, X509_free);
	if (n == 0)
		*certp = cert;
	else
		X509_free(cert);
	return n;
}
