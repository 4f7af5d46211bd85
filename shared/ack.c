/*
 * GROUPKEY-PUSH acknowledgement (RFC 8263): build (GM), peek and verify
 * (KS), as pure logic.  See gdoi/ack.h for the message, the sources and
 * the choices made where the RFC text could not be verified; each choice
 * is decided in one place below, named in ack.h.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !            I-cookie | R-cookie = KEK SPI (16 octets)          !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! NP = HASH (8) !  Ver = 0x10   !  Exch = 35    !   Flags = 0   !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          M-ID = 0                             !
 * !                           Length                              !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! NP = SEQ (18) !       0       !     Length = 4 + 32 / 64      !
 * ~           HASH = prf(ack_key, SEQ payload | ID payload)       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ <- hashed
 * ! NP = ID (5)   !       0       !          Length = 8           !  from here
 * !                 SEQ of the PUSH acknowledged                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! NP = 0        !       0       !        Length = 8 + n         !
 * !    ID Type    !  Protocol = 0 !           Port = 0            !
 * ~                     ID data (n octets)                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ <- to the end
 */
#include <string.h>

#include <openssl/crypto.h>

#include "gdoi/ack.h"
#include "gdoi/buf.h"
#include "gdoi/crypto.h"
#include "gdoi/payload.h"
#include "gdoi/wire.h"

#define LABEL_LEN (sizeof(GDOI_ACK_LABEL) - 1)
#define S_LEN (LABEL_LEN + GDOI_KEK_SPI_LEN + 4)
#define ACK_NPL 3
#define HASH_BODY_OFF (ISAKMP_HDR_LEN + ISAKMP_GEN_HDR_LEN)

/*
 * ack_alg: KEK_ACK_REQUESTED value -> IKE prf hash and L/8 (ack.h (a),
 * UNVERIFIED).  0 if the value is not supported.
 */
static unsigned
ack_alg(uint16_t type, size_t *keylen)
{
	switch (type) {
	case GDOI_ACK_HMAC_SHA256:
		*keylen = 512 / 8;
		return IKE_HASH_SHA256;
	case GDOI_ACK_HMAC_SHA512:
		*keylen = 1024 / 8;
		return IKE_HASH_SHA512;
	default:
		return 0;
	}
}

size_t
gdoi_ack_hash_len(uint16_t ack_type)
{
	size_t kl;
	unsigned h = ack_alg(ack_type, &kl);

	return h ? gdoi_hash_len(h) : 0;
}

/* The KEK key length in octets, or GDOI_E_INVAL if it has no usable key. */
static int
kek_keylen(const struct gdoi_kek *k, size_t *kl)
{
	if (k == NULL || k->kek_keybits == 0 || k->kek_keybits % 8u != 0 ||
	    k->kek_keybits / 8u > GDOI_KEK_KEY_MAX)
		return GDOI_E_INVAL;
	*kl = k->kek_keybits / 8u;
	return GDOI_OK;
}

/*
 * ack_key_derive: prf+(K, S) as RFC 7296 2.13, truncated to keylen
 * (ack.h (c), UNVERIFIED).  S = label | SPI | L (32-bit big-endian bits).
 * key is wiped on error.
 */
static int
ack_key_derive(unsigned h, const struct gdoi_kek *kek, size_t kl, size_t keylen,
    uint8_t *key)
{
	uint8_t s[S_LEN], t[GDOI_HASH_MAX], ctr;
	struct gdoi_bytes parts[3];
	size_t tlen = 0, done = 0, n;
	int err = GDOI_OK;

	memcpy(s, GDOI_ACK_LABEL, LABEL_LEN);
	memcpy(s + LABEL_LEN, kek->kek_spi, GDOI_KEK_SPI_LEN);
	gdoi_put32(s + LABEL_LEN + GDOI_KEK_SPI_LEN, (uint32_t)(keylen * 8u));
	for (ctr = 1; done < keylen; ctr++) {
		parts[0].ptr = tlen ? t : NULL;	/* T0 is empty */
		parts[0].len = tlen;
		parts[1].ptr = s;
		parts[1].len = sizeof(s);
		parts[2].ptr = &ctr;
		parts[2].len = 1;
		if ((err = gdoi_prf(h, kek->kek_key, kl, parts, 3, t, sizeof(t), &tlen)) != 0)
			break;
		n = keylen - done < tlen ? keylen - done : tlen;
		memcpy(key + done, t, n);
		done += n;
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (err)
		OPENSSL_cleanse(key, keylen);
	return err;
}

int
gdoi_ack_key(const struct gdoi_kek *kek, uint16_t ack_type, uint8_t *key, size_t cap,
    size_t *keylen)
{
	size_t L8 = 0, kl = 0;
	unsigned h;
	int err;

	if (keylen)
		*keylen = 0;
	if (key == NULL || (h = ack_alg(ack_type, &L8)) == 0 || kek_keylen(kek, &kl) != 0 ||
	    cap < L8)
		return GDOI_E_INVAL;
	if ((err = ack_key_derive(h, kek, kl, L8, key)) != 0)
		return err;
	if (keylen)
		*keylen = L8;
	return GDOI_OK;
}

/*
 * hashed part: HASH = prf(ack_key, SEQ payload | ID payload), generic
 * headers included (ack.h (d), UNVERIFIED).  ack_key is derived here and
 * wiped before return; mac needs GDOI_HASH_MAX octets.
 */
static int
ack_mac(const struct gdoi_kek *kek, uint16_t type, const struct gdoi_bytes *seq,
    const struct gdoi_bytes *id, uint8_t *mac, size_t *maclen)
{
	struct gdoi_bytes parts[2] = { *seq, *id };
	uint8_t key[GDOI_ACK_KEY_MAX];
	size_t kl = 0, L8 = 0;
	unsigned h = ack_alg(type, &L8);
	int err;

	if ((err = gdoi_ack_key(kek, type, key, sizeof(key), &kl)) == 0)
		err = gdoi_prf(h, key, kl, parts, 2, mac, GDOI_HASH_MAX, maclen);
	OPENSSL_cleanse(key, sizeof(key));
	return err;
}

/* ------------------------------------------------------------------ */
/* GM: build                                                            */

/* An ID we send or accept: a type (not 0), data as the type demands. */
static int
id_ok(uint8_t type, const struct gdoi_bytes *data)
{
	if (type == 0 || data->len == 0 || data->len > GDOI_ACK_ID_MAX ||
	    gdoi_id_check(type, data) != 0)
		return GDOI_E_ID;
	return GDOI_OK;
}

int
gdoi_ack_build(const struct gdoi_ack_in *in, uint8_t *out, size_t cap, size_t *len)
{
	static const uint8_t zero[GDOI_HASH_MAX];
	struct gdoi_payload pl[ACK_NPL];
	struct isakmp_hdr hdr;
	struct gdoi_wr w;
	struct gdoi_bytes id, seqb, idb;
	uint8_t mac[GDOI_HASH_MAX];
	size_t kl = 0, hl, maclen = 0, seq_off, id_off, total;
	int err;

	if (len)
		*len = 0;
	if (in == NULL || out == NULL || len == NULL ||
	    (hl = gdoi_ack_hash_len(in->ai_type)) == 0 || kek_keylen(in->ai_kek, &kl) != 0 ||
	    in->ai_id == NULL)
		return GDOI_E_INVAL;
	id.ptr = in->ai_id;
	id.len = in->ai_idlen;
	if (id_ok(in->ai_id_type, &id) != 0)
		return GDOI_E_INVAL;

	/* HDR, HASH (zeros for now), SEQ, ID. */
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_HASH;
	pl[0].pl_u.data.ptr = zero;
	pl[0].pl_u.data.len = hl;
	pl[1].pl_type = GDOI_PL_SEQ;
	pl[1].pl_u.seq = in->ai_seq;
	pl[2].pl_type = ISAKMP_PL_ID;
	pl[2].pl_u.id.id_type = in->ai_id_type;
	pl[2].pl_u.id.id_data = id;
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.h_icookie, in->ai_kek->kek_spi, ISAKMP_COOKIE_LEN);
	memcpy(hdr.h_rcookie, in->ai_kek->kek_spi + ISAKMP_COOKIE_LEN, ISAKMP_COOKIE_LEN);
	hdr.h_version = ISAKMP_VERSION;
	hdr.h_exchange = GDOI_EX_PUSH_ACK;
	gdoi_wr_init_fixed(&w, out, cap);
	if ((err = gdoi_msg_encode(&w, &hdr, pl, ACK_NPL)) != 0)
		goto fail;

	/* HASH over SEQ | ID as written, then into the HASH body. */
	total = gdoi_wr_len(&w);
	seq_off = HASH_BODY_OFF + hl;
	id_off = seq_off + ISAKMP_GEN_HDR_LEN + 4;
	seqb.ptr = out + seq_off;
	seqb.len = id_off - seq_off;
	idb.ptr = out + id_off;
	idb.len = total - id_off;
	if ((err = ack_mac(in->ai_kek, in->ai_type, &seqb, &idb, mac, &maclen)) != 0)
		goto fail;
	if (maclen != hl) {
		err = GDOI_E_INVAL;
		goto fail;
	}
	memcpy(out + HASH_BODY_OFF, mac, hl);
	OPENSSL_cleanse(mac, sizeof(mac));
	*len = total;
	return GDOI_OK;
fail:
	OPENSSL_cleanse(mac, sizeof(mac));
	memset(out, 0, gdoi_wr_len(&w) < cap ? gdoi_wr_len(&w) : cap);
	return err;
}

/* ------------------------------------------------------------------ */
/* KS: parse, peek, verify                                              */

/*
 * Strict parse (ack.h "Parsing is strict").  On success *mp is the
 * decoded message (gdoi_msg_free) and rx is filled; on failure rx is
 * zeroed and *mp is NULL.
 */
static int
ack_parse(const uint8_t *msg, size_t len, struct gdoi_msg **mp, struct gdoi_ack_rx *rx,
    struct gdoi_diag *d)
{
	struct gdoi_msg *m = NULL;
	const struct isakmp_hdr *h;
	const struct gdoi_payload *pl;
	const struct gdoi_id *id;
	size_t i, hl;
	int err;

	*mp = NULL;
	memset(rx, 0, sizeof(*rx));
	if ((err = gdoi_msg_decode(msg, len, &m, d)) != 0)
		return err;
	h = &m->m_hdr;
	if (h->h_flags & ISAKMP_FLAG_E) {
		err = gdoi_diag_set(d, GDOI_E_ENCRYPTED, 0, 0, "an ACK is never encrypted");
		goto fail;
	}
	if (h->h_exchange != GDOI_EX_PUSH_ACK || h->h_flags != 0 || h->h_msgid != 0) {
		err = gdoi_diag_set(d, GDOI_E_PAYLOAD, 0, 0,
		    "exchange %u flags 0x%02x M-ID %u: not a GROUPKEY-PUSH-ACK", h->h_exchange,
		    h->h_flags, h->h_msgid);
		goto fail;
	}
	if (h->h_version != ISAKMP_VERSION) {
		err = gdoi_diag_set(d, GDOI_E_VERSION, 0, 0, "version 0x%02x", h->h_version);
		goto fail;
	}
	if (m->m_trailing) {
		err = gdoi_diag_set(d, GDOI_E_TRAILING, h->h_length, 0,
		    "%zu octets after the header length", m->m_trailing);
		goto fail;
	}
	pl = m->m_pl;
	if (m->m_npl != ACK_NPL || pl[0].pl_type != ISAKMP_PL_HASH ||
	    pl[1].pl_type != GDOI_PL_SEQ || pl[2].pl_type != ISAKMP_PL_ID) {
		err = gdoi_diag_set(d, GDOI_E_ORDER, ISAKMP_HDR_LEN, 0,
		    "payloads are not HASH, SEQ, ID");
		goto fail;
	}
	for (i = 0; i < ACK_NPL; i++) {
		if (pl[i].pl_reserved != 0) {
			err = gdoi_diag_set(d, GDOI_E_PAYLOAD, pl[i].pl_off, pl[i].pl_type,
			    "RESERVED is 0x%02x", pl[i].pl_reserved);
			goto fail;
		}
	}
	hl = pl[0].pl_u.data.len;
	if (hl != gdoi_ack_hash_len(GDOI_ACK_HMAC_SHA256) &&
	    hl != gdoi_ack_hash_len(GDOI_ACK_HMAC_SHA512)) {
		err = gdoi_diag_set(d, GDOI_E_LENGTH, pl[0].pl_off, ISAKMP_PL_HASH,
		    "HASH of %zu octets", hl);
		goto fail;
	}
	id = &pl[2].pl_u.id;
	if (id_ok(id->id_type, &id->id_data) != 0 || id->id_proto != 0 || id->id_port != 0) {
		err = gdoi_diag_set(d, GDOI_E_ID, pl[2].pl_off, ISAKMP_PL_ID,
		    "ID type %u protocol %u port %u with %zu octets", id->id_type, id->id_proto,
		    id->id_port, id->id_data.len);
		goto fail;
	}
	memcpy(rx->ar_spi, h->h_icookie, ISAKMP_COOKIE_LEN);
	memcpy(rx->ar_spi + ISAKMP_COOKIE_LEN, h->h_rcookie, ISAKMP_COOKIE_LEN);
	rx->ar_seq = pl[1].pl_u.seq;
	rx->ar_id_type = id->id_type;
	memcpy(rx->ar_id, id->id_data.ptr, id->id_data.len);
	rx->ar_idlen = id->id_data.len;
	*mp = m;
	return GDOI_OK;
fail:
	gdoi_msg_free(m);
	return err;
}

int
gdoi_ack_peek(const uint8_t *msg, size_t len, struct gdoi_ack_rx *rx, struct gdoi_diag *d)
{
	struct gdoi_msg *m = NULL;
	int err;

	if (rx == NULL)
		return GDOI_E_INVAL;
	err = ack_parse(msg, len, &m, rx, d);
	gdoi_msg_free(m);
	return err;
}

int
gdoi_ack_verify(const struct gdoi_kek *kek, uint16_t ack_type, const uint8_t *msg, size_t len,
    struct gdoi_ack_rx *rx, struct gdoi_diag *d)
{
	struct gdoi_msg *m = NULL;
	const struct gdoi_payload *pl;
	uint8_t mac[GDOI_HASH_MAX];
	size_t kl = 0, hl, maclen = 0;
	int err;

	if (rx == NULL)
		return GDOI_E_INVAL;
	memset(rx, 0, sizeof(*rx));
	if ((hl = gdoi_ack_hash_len(ack_type)) == 0 || kek_keylen(kek, &kl) != 0)
		return GDOI_E_INVAL;
	if ((err = ack_parse(msg, len, &m, rx, d)) != 0)
		return err;
	pl = m->m_pl;
	if (pl[0].pl_u.data.len != hl) {
		err = gdoi_diag_set(d, GDOI_E_LENGTH, pl[0].pl_off, ISAKMP_PL_HASH,
		    "HASH of %zu octets, ack type %u wants %zu", pl[0].pl_u.data.len, ack_type,
		    hl);
		goto out;
	}
	/* The header is not hashed: its cookies must be this KEK's SPI. */
	if (memcmp(rx->ar_spi, kek->kek_spi, GDOI_KEK_SPI_LEN) != 0) {
		err = gdoi_diag_set(d, GDOI_E_INVAL, 0, 0, "cookies are not the KEK SPI");
		goto out;
	}
	if ((err = ack_mac(kek, ack_type, &pl[1].pl_raw, &pl[2].pl_raw, mac, &maclen)) != 0)
		goto out;
	if (maclen != hl || !gdoi_ct_equal(mac, pl[0].pl_u.data.ptr, hl))
		err = gdoi_diag_set(d, GDOI_E_INVAL, pl[0].pl_off, ISAKMP_PL_HASH,
		    "HASH does not verify");
out:
	OPENSSL_cleanse(mac, sizeof(mac));
	gdoi_msg_free(m);
	if (err)
		memset(rx, 0, sizeof(*rx));
	return err;
}
