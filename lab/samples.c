/*
 * Sample messages for the lab, the interop check and the fuzz seeds.
 *
 * Each sample is one "maker" function that fills an ISAKMP header and a
 * payload array from constants and hands them to a sink.  Two sinks exist:
 * one encodes (gdoi_msg_encode), the other describes the very same structs
 * as manifest lines.  The manifest is therefore built from the values the
 * encoder was given, never from a decode of its output, and a decoder under
 * test (tshark, gdoidump, our own) can be compared against it.
 *
 * The manifest starts with samples.count and samples.names (the sample
 * names in index order); every other key is prefixed "<sample>.":
 *
 *   error                 only when the sample failed to encode (GDOI_E_*)
 *   frame                 1-based position (frame number in gdoi-mkpcap's pcap)
 *   icookie rcookie       16 hex digits
 *   exchange flags        decimal
 *   msgid                 8 hex digits
 *   length                encoded length (from the encoder)
 *   np                    first payload type
 *   payloads              top-level payload types, in order
 *
 *   sa.doi sa.situation   either SA layout
 *   prop.num prop.proto prop.spi_size prop.spi prop.ntrans
 *   trans.num trans.id    Phase 1 proposal and transforms (lists)
 *   ike.<attr>            Phase 1 attributes: enc hash auth group life_type
 *                         life_duration key_length (one value per transform)
 *   ike.attr.types ike.attr.tv ike.attr.raw   every Phase 1 attribute: type,
 *                         1 for TV form / 0 for TLV, raw value (TV: 4 hex
 *                         digits; TLV: the value octets in hex)
 *
 *   sa.items              GDOI SA: types of the nested payloads
 *   sak.proto sak.src.{type,port,data} sak.dst.{type,port,data}
 *   sak.spi sak.reserved  (32 and 8 hex digits)
 *   sak.<attr>            kek_mgmt kek_alg kek_key_length kek_lifetime
 *                         sig_hash sig_alg sig_key_length ack_requested
 *   sak.attr.types sak.attr.tv sak.attr.raw
 *   sat.proto_id sat.ip_proto sat.src.{type,port,data} sat.dst.{...}
 *   sat.transform sat.spi (8 hex)      one list element per SA TEK
 *   sat.<attr>            life_type life_duration encap auth_alg key_length
 *                         addr_preservation sa_direction (one element per
 *                         SA TEK that carries the attribute)
 *   sat.attr.types sat.attr.tv sat.attr.raw   all SA TEKs, in wire order
 *   gap.<attr> gap.attr.{types,tv,raw}   atd dtd sender_id_request
 *
 *   kd.count kd.types kd.lengths kd.nattrs kd.spi_sizes kd.spis
 *                         (kd.lengths: whole key packet, 4-octet header
 *                         included; kd.nattrs: attributes per key packet)
 *   kd.attr.types kd.attr.tv kd.attr.lens kd.attr.raw   all key packets, in order
 *   kd.tek.{alg_key,integrity_key,source_auth_key}
 *   kd.kek.{alg_key,sig_key}  kd.sid.{bits,value}  (hex; bits decimal)
 *
 *   ke ke.len nonce nonce.len hash hash.len sig sig.len vid vid.len
 *   id.type id.proto id.port id.data id.group
 *   seq
 *   notify.{doi,proto,type,spi_size,spi,data}
 *   delete.{doi,proto,spi_size,nspi,spis}
 *
 * Numeric attribute values are decimal, TLV ones included when they are
 * at most 4 octets long (life durations); key material is hex.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/payload.h"
#include "gdoi/wire.h"
#include "samples.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* The constants                                                        */

/* Phase 1 cookies, used by Main Mode, GROUPKEY-PULL and Informational. */
static const uint8_t p1_icookie[ISAKMP_COOKIE_LEN] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
static const uint8_t p1_rcookie[ISAKMP_COOKIE_LEN] = {
	0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18 };

/* KEK SPI handed out in GROUPKEY-PULL; the GROUPKEY-PUSH header carries it
 * as its cookie pair.  The PUSH announces the next KEK with kek_spi_new. */
static const uint8_t kek_spi[GDOI_KEK_SPI_LEN] = {
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7 };
static const uint8_t kek_spi_new[GDOI_KEK_SPI_LEN] = {
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7 };

#define TEK_SPI_ESP 0x1a2b3c4dU
#define TEK_SPI_AH 0x2b3c4d5eU
#define TEK_SPI_ESP_NEW 0x3c4d5e6fU

#define PULL_MSGID 0x0a0b0c0dU
#define GROUP_NUMBER 1234U
#define PULL_SEQ 7U
#define PUSH_SEQ 8U

/* Big-endian 4-octet values for TLV attributes. */
static const uint8_t be_86400[4] = { 0x00, 0x01, 0x51, 0x80 };
static const uint8_t be_28800[4] = { 0x00, 0x00, 0x70, 0x80 };
static const uint8_t be_3600[4] = { 0x00, 0x00, 0x0e, 0x10 };

/* SA KEK rekey addresses: KS 10.0.0.1:848 -> group 239.192.1.1:848. */
static const uint8_t kek_src_addr[4] = { 10, 0, 0, 1 };
static const uint8_t kek_dst_addr[4] = { 239, 192, 1, 1 };
/* SA TEK selectors: 10.1.0.0/16 <-> 10.2.0.0/16 (address, mask). */
static const uint8_t tek_src_net[8] = { 10, 1, 0, 0, 255, 255, 0, 0 };
static const uint8_t tek_dst_net[8] = { 10, 2, 0, 0, 255, 255, 0, 0 };

static const uint8_t group_key_id[4] = {
	(GROUP_NUMBER >> 24) & 0xff, (GROUP_NUMBER >> 16) & 0xff,
	(GROUP_NUMBER >> 8) & 0xff, GROUP_NUMBER & 0xff };

static const char vid_text[] = "gdoi lab sample vendor id";

#define KE_LEN 256     /* MODP group 14 */
#define NONCE_LEN 32
#define HASH_LEN 32    /* HMAC-SHA2-256 */
#define SIG_LEN 256    /* RSA-2048 */
#define TEK_KEY_LEN 32
#define KEK_KEY_LEN 32
#define SPKI_LEN 294   /* DER SubjectPublicKeyInfo of an RSA-2048 key */
#define SID_BITS 8
static const uint8_t sid_value[4] = { 0x00, 0x00, 0x00, 0x2a };

/* Fill p with first, first+step, first+2*step, ... (mod 256). */
static void pattern(uint8_t *p, size_t n, uint8_t first, uint8_t step)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(first + i * step);
}

/*
 * A DER SubjectPublicKeyInfo shaped like an RSA-2048 public key (what a KS
 * puts in SIG_ALGORITHM_KEY), with a patterned modulus and exponent 65537.
 * Not a usable key.
 */
static void fake_rsa_spki(uint8_t out[SPKI_LEN])
{
	static const uint8_t head[] = {
		0x30, 0x82, 0x01, 0x22,                         /* SEQUENCE, 290 */
		0x30, 0x0d,                                     /* AlgorithmIdentifier */
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
		0x05, 0x00,
		0x03, 0x82, 0x01, 0x0f, 0x00,                   /* BIT STRING, 271 */
		0x30, 0x82, 0x01, 0x0a,                         /* RSAPublicKey, 266 */
		0x02, 0x82, 0x01, 0x01, 0x00,                   /* INTEGER, 257 */
	};
	static const uint8_t tail[] = { 0x02, 0x03, 0x01, 0x00, 0x01 };
	size_t off;

	memcpy(out, head, sizeof(head));
	off = sizeof(head);
	pattern(out + off, 256, 0xd1, 0x1f);
	out[off] |= 0x80;                                       /* 2048 bits */
	off += 256;
	memcpy(out + off, tail, sizeof(tail));
}

static struct gdoi_bytes bytes(const void *p, size_t n)
{
	struct gdoi_bytes b;

	b.ptr = p;
	b.len = n;
	return b;
}

static struct gdoi_attrs attrs(struct gdoi_attr *v, size_t n)
{
	struct gdoi_attrs as;

	as.v = v;
	as.n = n;
	return as;
}

static struct gdoi_id mk_id(uint8_t type, uint16_t port, const void *data, size_t len)
{
	struct gdoi_id id;

	memset(&id, 0, sizeof(id));
	id.id_type = type;
	id.id_port = port;
	id.id_data = bytes(data, len);
	return id;
}

static void mk_hdr(struct isakmp_hdr *h, const uint8_t *icookie, const uint8_t *rcookie,
    uint8_t exchange, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->h_icookie, icookie, ISAKMP_COOKIE_LEN);
	if (rcookie != NULL)
		memcpy(h->h_rcookie, rcookie, ISAKMP_COOKIE_LEN);
	h->h_version = ISAKMP_VERSION;
	h->h_exchange = exchange;
	h->h_flags = 0; /* cleartext samples: E flag off */
	h->h_msgid = msgid;
}

static void mk_data(struct gdoi_payload *pl, uint8_t type, const void *p, size_t n)
{
	memset(pl, 0, sizeof(*pl));
	pl->pl_type = type;
	pl->pl_u.data = bytes(p, n);
}

/* ------------------------------------------------------------------ */
/* The makers                                                           */

/* A sink receives one finished message description. */
typedef int (*sample_sink)(void *arg, const struct isakmp_hdr *h,
    const struct gdoi_payload *pl, size_t n);

/* Main Mode 1 (mm2 == 0) or 2 (mm2 != 0): HDR, SA [, VID]. */
static int make_mm12(int mm2, sample_sink sink, void *arg)
{
	struct gdoi_attr t1a[] = {
		gdoi_attr_tv(IKE_ATTR_ENC, IKE_ENC_AES_CBC),
		gdoi_attr_tv(IKE_ATTR_KEY_LENGTH, 256),
		gdoi_attr_tv(IKE_ATTR_HASH, IKE_HASH_SHA256),
		gdoi_attr_tv(IKE_ATTR_AUTH, IKE_AUTH_PSK),
		gdoi_attr_tv(IKE_ATTR_GROUP, IKE_GROUP_MODP2048),
		gdoi_attr_tv(IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS),
		gdoi_attr_tlv(IKE_ATTR_LIFE_DURATION, be_86400, sizeof(be_86400)),
	};
	struct gdoi_attr t2a[] = {
		gdoi_attr_tv(IKE_ATTR_ENC, IKE_ENC_AES_CBC),
		gdoi_attr_tv(IKE_ATTR_KEY_LENGTH, 128),
		gdoi_attr_tv(IKE_ATTR_HASH, IKE_HASH_SHA1),
		gdoi_attr_tv(IKE_ATTR_AUTH, IKE_AUTH_PSK),
		gdoi_attr_tv(IKE_ATTR_GROUP, IKE_GROUP_ECP256),
		gdoi_attr_tv(IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS),
		gdoi_attr_tlv(IKE_ATTR_LIFE_DURATION, be_28800, sizeof(be_28800)),
	};
	struct gdoi_transform t[2];
	struct gdoi_proposal p;
	struct gdoi_payload pl[2];
	struct isakmp_hdr h;
	size_t n = 0;

	memset(t, 0, sizeof(t));
	t[0].t_num = 1;
	t[0].t_id = IKE_TRANSFORM_KEY_IKE;
	t[0].t_attrs = attrs(t1a, NELEM(t1a));
	t[1].t_num = 2;
	t[1].t_id = IKE_TRANSFORM_KEY_IKE;
	t[1].t_attrs = attrs(t2a, NELEM(t2a));

	memset(&p, 0, sizeof(p));
	p.p_num = 1;
	p.p_proto = ISAKMP_PROTO_ISAKMP;
	p.p_t = t;
	p.p_nt = mm2 ? 1 : 2; /* the responder returns the transform it chose */

	memset(pl, 0, sizeof(pl));
	pl[n].pl_type = ISAKMP_PL_SA;
	/* DOI 1: RFC 6407 2.1 allows 2 here, but Wireshark then applies the
	 * GDOI SA layout to a Phase 1 SA (PROTOCOL-NOTES 5). */
	pl[n].pl_u.p1sa.sa_doi = GDOI_DOI_IPSEC;
	pl[n].pl_u.p1sa.sa_situation = IPSEC_SIT_IDENTITY_ONLY;
	pl[n].pl_u.p1sa.sa_p = &p;
	pl[n].pl_u.p1sa.sa_np = 1;
	n++;
	if (!mm2)
		mk_data(&pl[n++], ISAKMP_PL_VID, vid_text, sizeof(vid_text) - 1);

	mk_hdr(&h, p1_icookie, mm2 ? p1_rcookie : NULL, ISAKMP_EX_MAIN, 0);
	return sink(arg, &h, pl, n);
}

static int make_mm1(sample_sink sink, void *arg) { return make_mm12(0, sink, arg); }
static int make_mm2(sample_sink sink, void *arg) { return make_mm12(1, sink, arg); }

/* Main Mode 3 (mm4 == 0) or 4: HDR, KE, Ni/Nr. */
static int make_mm34(int mm4, sample_sink sink, void *arg)
{
	uint8_t ke[KE_LEN], nonce[NONCE_LEN];
	struct gdoi_payload pl[2];
	struct isakmp_hdr h;

	pattern(ke, sizeof(ke), mm4 ? 0x40 : 0x30, mm4 ? 0x0b : 0x07);
	pattern(nonce, sizeof(nonce), mm4 ? 0x60 : 0x50, mm4 ? 0x05 : 0x03);
	mk_data(&pl[0], ISAKMP_PL_KE, ke, sizeof(ke));
	mk_data(&pl[1], ISAKMP_PL_NONCE, nonce, sizeof(nonce));
	mk_hdr(&h, p1_icookie, p1_rcookie, ISAKMP_EX_MAIN, 0);
	return sink(arg, &h, pl, NELEM(pl));
}

static int make_mm3(sample_sink sink, void *arg) { return make_mm34(0, sink, arg); }
static int make_mm4(sample_sink sink, void *arg) { return make_mm34(1, sink, arg); }

/* GROUPKEY-PULL 1: HDR, HASH(1), Ni, ID(group). */
static int make_pull1(sample_sink sink, void *arg)
{
	uint8_t hash[HASH_LEN], nonce[NONCE_LEN];
	struct gdoi_payload pl[3];
	struct isakmp_hdr h;

	pattern(hash, sizeof(hash), 0x91, 0x13);
	pattern(nonce, sizeof(nonce), 0x70, 0x0d);
	mk_data(&pl[0], ISAKMP_PL_HASH, hash, sizeof(hash));
	mk_data(&pl[1], ISAKMP_PL_NONCE, nonce, sizeof(nonce));
	memset(&pl[2], 0, sizeof(pl[2]));
	pl[2].pl_type = ISAKMP_PL_ID;
	pl[2].pl_u.id = mk_id(ID_KEY_ID, 0, group_key_id, sizeof(group_key_id));
	mk_hdr(&h, p1_icookie, p1_rcookie, GDOI_EX_PULL, PULL_MSGID);
	return sink(arg, &h, pl, NELEM(pl));
}

/* The group's KEK policy: AES-256, 24 h, RSA-2048 signatures with SHA-256. */
#define KEK_NATTR 6
static void kek_policy(struct gdoi_attr a[KEK_NATTR])
{
	a[0] = gdoi_attr_tv(KEK_ATTR_ALGORITHM, KEK_ALG_AES);
	a[1] = gdoi_attr_tv(KEK_ATTR_KEY_LENGTH, 256);
	a[2] = gdoi_attr_tlv(KEK_ATTR_KEY_LIFETIME, be_86400, sizeof(be_86400));
	a[3] = gdoi_attr_tv(KEK_ATTR_SIG_HASH_ALGORITHM, SIG_HASH_SHA256);
	a[4] = gdoi_attr_tv(KEK_ATTR_SIG_ALGORITHM, SIG_ALG_RSA);
	a[5] = gdoi_attr_tv(KEK_ATTR_SIG_KEY_LENGTH, 2048);
}

/* The group's ESP TEK policy: tunnel, AES-256 + HMAC-SHA-256, 1 h, address
 * preservation, symmetric. */
#define ESP_NATTR 7
static void esp_policy(struct gdoi_attr a[ESP_NATTR])
{
	a[0] = gdoi_attr_tv(IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	a[1] = gdoi_attr_tlv(IPSEC_ATTR_LIFE_DURATION, be_3600, sizeof(be_3600));
	a[2] = gdoi_attr_tv(IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	a[3] = gdoi_attr_tv(IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA256);
	a[4] = gdoi_attr_tv(IPSEC_ATTR_KEY_LENGTH, 256);
	a[5] = gdoi_attr_tv(IPSEC_ATTR_ADDR_PRESERVATION, GDOI_AP_SRC_DST);
	a[6] = gdoi_attr_tv(IPSEC_ATTR_SA_DIRECTION, GDOI_DIR_SYMMETRIC);
}

/* The SA KEK of a group: rekeys from 10.0.0.1:848 to 239.192.1.1:848. */
static void fill_sak(struct gdoi_sa_item *it, const uint8_t *spi, struct gdoi_attr *a, size_t na)
{
	struct gdoi_sak *k = &it->i_u.sak;

	memset(it, 0, sizeof(*it));
	it->i_type = GDOI_PL_SAK;
	k->k_proto = 17; /* UDP */
	k->k_src = mk_id(ID_IPV4_ADDR, GDOI_UDP_PORT, kek_src_addr, sizeof(kek_src_addr));
	k->k_dst = mk_id(ID_IPV4_ADDR, GDOI_UDP_PORT, kek_dst_addr, sizeof(kek_dst_addr));
	memcpy(k->k_spi, spi, GDOI_KEK_SPI_LEN);
	k->k_attrs = attrs(a, na);
}

/* An SA TEK for 10.1.0.0/16 -> 10.2.0.0/16, any protocol. */
static void fill_sat(struct gdoi_sa_item *it, uint8_t proto_id, uint8_t transform, uint32_t spi,
    struct gdoi_attr *a, size_t na)
{
	struct gdoi_sat *t = &it->i_u.sat;

	memset(it, 0, sizeof(*it));
	it->i_type = GDOI_PL_SAT;
	t->t_proto_id = proto_id;
	t->t_ip_proto = 0;
	t->t_src = mk_id(ID_IPV4_ADDR_SUBNET, 0, tek_src_net, sizeof(tek_src_net));
	t->t_dst = mk_id(ID_IPV4_ADDR_SUBNET, 0, tek_dst_net, sizeof(tek_dst_net));
	t->t_transform = transform;
	t->t_spi = spi;
	t->t_attrs = attrs(a, na);
}

/* GROUPKEY-PULL 2: HDR, HASH(2), Nr, SA(SAK, SAT esp, SAT ah, GAP). */
static int make_pull2(sample_sink sink, void *arg)
{
	uint8_t hash[HASH_LEN], nonce[NONCE_LEN];
	struct gdoi_attr ka[KEK_NATTR], ea[ESP_NATTR];
	struct gdoi_attr aa[] = {
		gdoi_attr_tv(IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS),
		gdoi_attr_tlv(IPSEC_ATTR_LIFE_DURATION, be_3600, sizeof(be_3600)),
		gdoi_attr_tv(IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL),
		gdoi_attr_tv(IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA256),
		gdoi_attr_tv(IPSEC_ATTR_ADDR_PRESERVATION, GDOI_AP_SRC_DST),
		gdoi_attr_tv(IPSEC_ATTR_SA_DIRECTION, GDOI_DIR_SYMMETRIC),
	};
	struct gdoi_attr ga[] = {
		gdoi_attr_tv(GAP_ATTR_ACTIVATION_TIME_DELAY, 15),
		gdoi_attr_tv(GAP_ATTR_DEACTIVATION_TIME_DELAY, 30),
	};
	struct gdoi_sa_item items[4];
	struct gdoi_payload pl[3];
	struct isakmp_hdr h;

	kek_policy(ka);
	esp_policy(ea);
	fill_sak(&items[0], kek_spi, ka, NELEM(ka));
	fill_sat(&items[1], GDOI_TEK_PROTO_ESP, ESP_T_AES_CBC, TEK_SPI_ESP, ea, NELEM(ea));
	fill_sat(&items[2], GDOI_TEK_PROTO_AH, AH_T_SHA2_256, TEK_SPI_AH, aa, NELEM(aa));
	memset(&items[3], 0, sizeof(items[3]));
	items[3].i_type = GDOI_PL_GAP;
	items[3].i_u.gap.g_attrs = attrs(ga, NELEM(ga));

	pattern(hash, sizeof(hash), 0x92, 0x13);
	pattern(nonce, sizeof(nonce), 0x80, 0x11);
	mk_data(&pl[0], ISAKMP_PL_HASH, hash, sizeof(hash));
	mk_data(&pl[1], ISAKMP_PL_NONCE, nonce, sizeof(nonce));
	memset(&pl[2], 0, sizeof(pl[2]));
	pl[2].pl_type = ISAKMP_PL_SA;
	pl[2].pl_u.gsa.g_doi = GDOI_DOI_GDOI;
	pl[2].pl_u.gsa.g_situation = GDOI_SIT_NONE;
	pl[2].pl_u.gsa.g_items = items;
	pl[2].pl_u.gsa.g_nitems = NELEM(items);
	mk_hdr(&h, p1_icookie, p1_rcookie, GDOI_EX_PULL, PULL_MSGID);
	return sink(arg, &h, pl, NELEM(pl));
}

/* GROUPKEY-PULL 3: HDR, HASH(3), GAP(SENDER_ID_REQUEST). */
static int make_pull3(sample_sink sink, void *arg)
{
	uint8_t hash[HASH_LEN];
	struct gdoi_attr ga[] = { gdoi_attr_tv(GAP_ATTR_SENDER_ID_REQUEST, 1) };
	struct gdoi_payload pl[2];
	struct isakmp_hdr h;

	pattern(hash, sizeof(hash), 0x93, 0x13);
	mk_data(&pl[0], ISAKMP_PL_HASH, hash, sizeof(hash));
	memset(&pl[1], 0, sizeof(pl[1]));
	pl[1].pl_type = GDOI_PL_GAP;
	pl[1].pl_u.gap.g_attrs = attrs(ga, NELEM(ga));
	mk_hdr(&h, p1_icookie, p1_rcookie, GDOI_EX_PULL, PULL_MSGID);
	return sink(arg, &h, pl, NELEM(pl));
}

/* GROUPKEY-PULL 4: HDR, HASH(4), SEQ, KD(TEK, KEK, SID). */
static int make_pull4(sample_sink sink, void *arg)
{
	uint8_t hash[HASH_LEN], tek_alg[TEK_KEY_LEN], tek_int[TEK_KEY_LEN];
	uint8_t kek_alg[KEK_KEY_LEN], spki[SPKI_LEN], tek_spi[GDOI_TEK_SPI_LEN];
	struct gdoi_attr ta[2], ka[2], sa[2];
	struct gdoi_keypkt kp[3];
	struct gdoi_payload pl[3];
	struct isakmp_hdr h;

	pattern(hash, sizeof(hash), 0x94, 0x13);
	pattern(tek_alg, sizeof(tek_alg), 0xa0, 0x01);
	pattern(tek_int, sizeof(tek_int), 0xb0, 0x01);
	pattern(kek_alg, sizeof(kek_alg), 0xc8, 0x01);
	fake_rsa_spki(spki);
	gdoi_put32(tek_spi, TEK_SPI_ESP);

	ta[0] = gdoi_attr_tlv(TEK_KEY_ALGORITHM_KEY, tek_alg, sizeof(tek_alg));
	ta[1] = gdoi_attr_tlv(TEK_KEY_INTEGRITY_KEY, tek_int, sizeof(tek_int));
	ka[0] = gdoi_attr_tlv(KEK_KEY_ALGORITHM_KEY, kek_alg, sizeof(kek_alg));
	ka[1] = gdoi_attr_tlv(KEK_KEY_SIG_ALGORITHM_KEY, spki, sizeof(spki));
	sa[0] = gdoi_attr_tv(SID_ATTR_NUMBER_OF_SID_BITS, SID_BITS);
	sa[1] = gdoi_attr_tlv(SID_ATTR_SID_VALUE, sid_value, sizeof(sid_value));

	memset(kp, 0, sizeof(kp));
	kp[0].kp_type = KD_TYPE_TEK;
	kp[0].kp_spi = bytes(tek_spi, sizeof(tek_spi));
	kp[0].kp_attrs = attrs(ta, NELEM(ta));
	kp[1].kp_type = KD_TYPE_KEK;
	kp[1].kp_spi = bytes(kek_spi, sizeof(kek_spi));
	kp[1].kp_attrs = attrs(ka, NELEM(ka));
	kp[2].kp_type = KD_TYPE_SID;
	kp[2].kp_spi = bytes(tek_spi, sizeof(tek_spi));
	kp[2].kp_attrs = attrs(sa, NELEM(sa));

	mk_data(&pl[0], ISAKMP_PL_HASH, hash, sizeof(hash));
	memset(&pl[1], 0, sizeof(pl[1]));
	pl[1].pl_type = GDOI_PL_SEQ;
	pl[1].pl_u.seq = PULL_SEQ;
	memset(&pl[2], 0, sizeof(pl[2]));
	pl[2].pl_type = GDOI_PL_KD;
	pl[2].pl_u.kd.kd_pkts = kp;
	pl[2].pl_u.kd.kd_n = NELEM(kp);
	mk_hdr(&h, p1_icookie, p1_rcookie, GDOI_EX_PULL, PULL_MSGID);
	return sink(arg, &h, pl, NELEM(pl));
}

/* GROUPKEY-PUSH: HDR(cookies = KEK SPI), SEQ, SA(SAK new, SAT new), KD(TEK, KEK), SIG. */
static int make_push(sample_sink sink, void *arg)
{
	uint8_t tek_alg[TEK_KEY_LEN], tek_int[TEK_KEY_LEN], kek_alg[KEK_KEY_LEN];
	uint8_t sig[SIG_LEN], tek_spi[GDOI_TEK_SPI_LEN];
	struct gdoi_attr ka[KEK_NATTR], ea[ESP_NATTR];
	struct gdoi_attr ta[2], kka[1];
	struct gdoi_sa_item items[2];
	struct gdoi_keypkt kp[2];
	struct gdoi_payload pl[4];
	struct isakmp_hdr h;

	pattern(tek_alg, sizeof(tek_alg), 0x20, 0x03);
	pattern(tek_int, sizeof(tek_int), 0x21, 0x05);
	pattern(kek_alg, sizeof(kek_alg), 0x22, 0x07);
	pattern(sig, sizeof(sig), 0xe0, 0x25);
	gdoi_put32(tek_spi, TEK_SPI_ESP_NEW);

	kek_policy(ka);
	esp_policy(ea);
	fill_sak(&items[0], kek_spi_new, ka, NELEM(ka));
	fill_sat(&items[1], GDOI_TEK_PROTO_ESP, ESP_T_AES_CBC, TEK_SPI_ESP_NEW, ea, NELEM(ea));

	ta[0] = gdoi_attr_tlv(TEK_KEY_ALGORITHM_KEY, tek_alg, sizeof(tek_alg));
	ta[1] = gdoi_attr_tlv(TEK_KEY_INTEGRITY_KEY, tek_int, sizeof(tek_int));
	kka[0] = gdoi_attr_tlv(KEK_KEY_ALGORITHM_KEY, kek_alg, sizeof(kek_alg));
	memset(kp, 0, sizeof(kp));
	kp[0].kp_type = KD_TYPE_TEK;
	kp[0].kp_spi = bytes(tek_spi, sizeof(tek_spi));
	kp[0].kp_attrs = attrs(ta, NELEM(ta));
	kp[1].kp_type = KD_TYPE_KEK;
	kp[1].kp_spi = bytes(kek_spi_new, sizeof(kek_spi_new));
	kp[1].kp_attrs = attrs(kka, NELEM(kka));

	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = GDOI_PL_SEQ;
	pl[0].pl_u.seq = PUSH_SEQ;
	pl[1].pl_type = ISAKMP_PL_SA;
	pl[1].pl_u.gsa.g_doi = GDOI_DOI_GDOI;
	pl[1].pl_u.gsa.g_situation = GDOI_SIT_NONE;
	pl[1].pl_u.gsa.g_items = items;
	pl[1].pl_u.gsa.g_nitems = NELEM(items);
	pl[2].pl_type = GDOI_PL_KD;
	pl[2].pl_u.kd.kd_pkts = kp;
	pl[2].pl_u.kd.kd_n = NELEM(kp);
	mk_data(&pl[3], ISAKMP_PL_SIG, sig, sizeof(sig));
	/* The cookie pair of a rekey is the current KEK SPI. */
	mk_hdr(&h, kek_spi, kek_spi + ISAKMP_COOKIE_LEN, GDOI_EX_PUSH, 0);
	return sink(arg, &h, pl, NELEM(pl));
}

/* Informational: Notify INVALID-ID-INFORMATION about the Phase 1 SA. */
static int make_info_n(sample_sink sink, void *arg)
{
	uint8_t spi[2 * ISAKMP_COOKIE_LEN];
	struct gdoi_payload pl[1];
	struct isakmp_hdr h;

	memcpy(spi, p1_icookie, ISAKMP_COOKIE_LEN);
	memcpy(spi + ISAKMP_COOKIE_LEN, p1_rcookie, ISAKMP_COOKIE_LEN);
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_N;
	pl[0].pl_u.n.n_doi = GDOI_DOI_IPSEC;
	pl[0].pl_u.n.n_proto = ISAKMP_PROTO_ISAKMP;
	pl[0].pl_u.n.n_type = N_INVALID_ID_INFORMATION;
	pl[0].pl_u.n.n_spi = bytes(spi, sizeof(spi));
	mk_hdr(&h, p1_icookie, p1_rcookie, ISAKMP_EX_INFO, 0);
	return sink(arg, &h, pl, NELEM(pl));
}

/* Informational: Delete of two ESP SPIs (the old and the new ESP TEK). */
static int make_info_d(sample_sink sink, void *arg)
{
	uint8_t spis[2 * GDOI_TEK_SPI_LEN];
	struct gdoi_payload pl[1];
	struct isakmp_hdr h;

	gdoi_put32(spis, TEK_SPI_ESP);
	gdoi_put32(spis + GDOI_TEK_SPI_LEN, TEK_SPI_ESP_NEW);
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_D;
	pl[0].pl_u.d.d_doi = GDOI_DOI_IPSEC;
	pl[0].pl_u.d.d_proto = ISAKMP_PROTO_ESP;
	pl[0].pl_u.d.d_spi_size = GDOI_TEK_SPI_LEN;
	pl[0].pl_u.d.d_nspi = 2;
	pl[0].pl_u.d.d_spis = bytes(spis, sizeof(spis));
	mk_hdr(&h, p1_icookie, p1_rcookie, ISAKMP_EX_INFO, 0);
	return sink(arg, &h, pl, NELEM(pl));
}

static const struct sample {
	const char *s_name;
	int (*s_make)(sample_sink sink, void *arg);
} samples[] = {
	{ "mm1", make_mm1 },
	{ "mm2", make_mm2 },
	{ "mm3", make_mm3 },
	{ "mm4", make_mm4 },
	{ "pull1", make_pull1 },
	{ "pull2", make_pull2 },
	{ "pull3", make_pull3 },
	{ "pull4", make_pull4 },
	{ "push", make_push },
	{ "info_n", make_info_n },
	{ "info_d", make_info_d },
};

/* ------------------------------------------------------------------ */
/* Public API                                                           */

size_t gdoi_samples_count(void)
{
	return NELEM(samples);
}

const char *gdoi_sample_name(size_t i)
{
	return i < NELEM(samples) ? samples[i].s_name : NULL;
}

int gdoi_sample_find(const char *name, size_t *i)
{
	size_t k;

	for (k = 0; name != NULL && k < NELEM(samples); k++) {
		if (strcmp(name, samples[k].s_name) == 0) {
			*i = k;
			return GDOI_OK;
		}
	}
	return GDOI_E_INVAL;
}

static int sink_encode(void *arg, const struct isakmp_hdr *h, const struct gdoi_payload *pl,
    size_t n)
{
	struct gdoi_wr *w = arg;
	int rc;

	rc = gdoi_msg_encode(w, h, pl, n);
	if (rc == GDOI_OK)
		rc = gdoi_wr_error(w);
	return rc;
}

int gdoi_sample_build(size_t i, struct gdoi_wr *w)
{
	if (i >= NELEM(samples) || w == NULL)
		return GDOI_E_INVAL;
	return samples[i].s_make(sink_encode, w);
}

/* ------------------------------------------------------------------ */
/* Manifest                                                             */

/* Ordered key -> value list; adding to an existing key appends ",value". */
struct kv {
	char *kv_key;
	char *kv_val;
};

struct kvset {
	struct kv *ks_v;
	size_t ks_n;
	size_t ks_cap;
	int ks_nomem;
};

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

static void kv_add(struct kvset *s, const char *key, const char *val)
{
	struct kv *e = NULL;
	size_t i;

	if (s->ks_nomem)
		return;
	for (i = 0; i < s->ks_n; i++) {
		if (strcmp(s->ks_v[i].kv_key, key) == 0) {
			e = &s->ks_v[i];
			break;
		}
	}
	if (e == NULL) {
		if (s->ks_n == s->ks_cap) {
			size_t cap = s->ks_cap ? 2 * s->ks_cap : 64;
			struct kv *v = realloc(s->ks_v, cap * sizeof(*v));

			if (v == NULL)
				goto nomem;
			s->ks_v = v;
			s->ks_cap = cap;
		}
		e = &s->ks_v[s->ks_n];
		e->kv_key = xstrdup(key);
		e->kv_val = xstrdup(val);
		if (e->kv_key == NULL || e->kv_val == NULL) {
			free(e->kv_key);
			free(e->kv_val);
			goto nomem;
		}
		s->ks_n++;
	} else {
		size_t ol = strlen(e->kv_val), vl = strlen(val);
		char *nv = realloc(e->kv_val, ol + 1 + vl + 1);

		if (nv == NULL)
			goto nomem;
		nv[ol] = ',';
		memcpy(nv + ol + 1, val, vl + 1);
		e->kv_val = nv;
	}
	return;
nomem:
	s->ks_nomem = 1;
}

static void kv_addf(struct kvset *s, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void kv_addf(struct kvset *s, const char *key, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kv_add(s, key, buf);
}

static void kv_u(struct kvset *s, const char *key, unsigned long v)
{
	kv_addf(s, key, "%lu", v);
}

static void kv_hex(struct kvset *s, const char *key, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *h = malloc(2 * n + 1);
	size_t i;

	if (h == NULL) {
		s->ks_nomem = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		h[2 * i] = digits[p[i] >> 4];
		h[2 * i + 1] = digits[p[i] & 0x0f];
	}
	h[2 * n] = '\0';
	kv_add(s, key, h);
	free(h);
}

static void kv_print(FILE *f, const char *prefix, const struct kvset *s)
{
	size_t i;

	for (i = 0; i < s->ks_n; i++)
		fprintf(f, "%s.%s=%s\n", prefix, s->ks_v[i].kv_key, s->ks_v[i].kv_val);
}

static void kv_free(struct kvset *s)
{
	size_t i;

	for (i = 0; i < s->ks_n; i++) {
		free(s->ks_v[i].kv_key);
		free(s->ks_v[i].kv_val);
	}
	free(s->ks_v);
	memset(s, 0, sizeof(*s));
}

/* Short manifest names of the attributes of one attribute space. */
struct attr_key {
	uint16_t ak_type;
	const char *ak_name;
};

static const struct attr_key ike_keys[] = {
	{ IKE_ATTR_ENC, "enc" }, { IKE_ATTR_HASH, "hash" }, { IKE_ATTR_AUTH, "auth" },
	{ IKE_ATTR_GROUP, "group" }, { IKE_ATTR_LIFE_TYPE, "life_type" },
	{ IKE_ATTR_LIFE_DURATION, "life_duration" }, { IKE_ATTR_KEY_LENGTH, "key_length" },
	{ 0, NULL } };
static const struct attr_key ipsec_keys[] = {
	{ IPSEC_ATTR_LIFE_TYPE, "life_type" }, { IPSEC_ATTR_LIFE_DURATION, "life_duration" },
	{ IPSEC_ATTR_ENCAP_MODE, "encap" }, { IPSEC_ATTR_AUTH_ALG, "auth_alg" },
	{ IPSEC_ATTR_KEY_LENGTH, "key_length" },
	{ IPSEC_ATTR_ADDR_PRESERVATION, "addr_preservation" },
	{ IPSEC_ATTR_SA_DIRECTION, "sa_direction" }, { 0, NULL } };
static const struct attr_key kek_keys[] = {
	{ KEK_ATTR_MANAGEMENT_ALGORITHM, "kek_mgmt" }, { KEK_ATTR_ALGORITHM, "kek_alg" },
	{ KEK_ATTR_KEY_LENGTH, "kek_key_length" }, { KEK_ATTR_KEY_LIFETIME, "kek_lifetime" },
	{ KEK_ATTR_SIG_HASH_ALGORITHM, "sig_hash" }, { KEK_ATTR_SIG_ALGORITHM, "sig_alg" },
	{ KEK_ATTR_SIG_KEY_LENGTH, "sig_key_length" },
	{ KEK_ATTR_ACK_REQUESTED, "ack_requested" }, { 0, NULL } };
static const struct attr_key gap_keys[] = {
	{ GAP_ATTR_ACTIVATION_TIME_DELAY, "atd" }, { GAP_ATTR_DEACTIVATION_TIME_DELAY, "dtd" },
	{ GAP_ATTR_SENDER_ID_REQUEST, "sender_id_request" }, { 0, NULL } };
static const struct attr_key tek_key_keys[] = {
	{ TEK_KEY_ALGORITHM_KEY, "alg_key" }, { TEK_KEY_INTEGRITY_KEY, "integrity_key" },
	{ TEK_KEY_SOURCE_AUTH_KEY, "source_auth_key" }, { 0, NULL } };
static const struct attr_key kek_key_keys[] = {
	{ KEK_KEY_ALGORITHM_KEY, "alg_key" }, { KEK_KEY_SIG_ALGORITHM_KEY, "sig_key" },
	{ 0, NULL } };
static const struct attr_key sid_keys[] = {
	{ SID_ATTR_NUMBER_OF_SID_BITS, "bits" }, { SID_ATTR_SID_VALUE, "value" }, { 0, NULL } };
static const struct attr_key no_keys[] = { { 0, NULL } };

/*
 * Describe attributes: the raw lists <list>.attr.types / .attr.tv /
 * .attr.raw (and .attr.lens when with_lens), and one <pfx>.<name> per
 * attribute (e.g. list "kd", pfx "kd.tek").  numeric: TLV values up to 4
 * octets are printed as numbers.
 */
static void d_attrs(struct kvset *s, const char *list, const char *pfx,
    const struct gdoi_attrs *as, const struct attr_key *names, int numeric, int with_lens)
{
	char key[96];
	size_t i, k;

	for (i = 0; i < as->n; i++) {
		const struct gdoi_attr *a = &as->v[i];
		const char *name = NULL;
		uint8_t tv[2];

		snprintf(key, sizeof(key), "%s.attr.types", list);
		kv_u(s, key, a->a_type);
		snprintf(key, sizeof(key), "%s.attr.raw", list);
		if (a->a_tv) {
			gdoi_put16(tv, a->a_val);
			kv_hex(s, key, tv, sizeof(tv));
		} else {
			kv_hex(s, key, a->a_data.ptr, a->a_data.len);
		}
		snprintf(key, sizeof(key), "%s.attr.tv", list);
		kv_u(s, key, a->a_tv ? 1 : 0);
		if (with_lens) {
			snprintf(key, sizeof(key), "%s.attr.lens", list);
			kv_u(s, key, a->a_tv ? 2 : a->a_data.len);
		}

		for (k = 0; names[k].ak_name != NULL; k++)
			if (names[k].ak_type == a->a_type)
				name = names[k].ak_name;
		if (name != NULL)
			snprintf(key, sizeof(key), "%s.%s", pfx, name);
		else
			snprintf(key, sizeof(key), "%s.attr%u", pfx, (unsigned)a->a_type);
		if (a->a_tv) {
			kv_u(s, key, a->a_val);
		} else if (numeric && a->a_data.len >= 1 && a->a_data.len <= 4) {
			unsigned long v = 0;

			for (k = 0; k < a->a_data.len; k++)
				v = v << 8 | a->a_data.ptr[k];
			kv_u(s, key, v);
		} else {
			kv_hex(s, key, a->a_data.ptr, a->a_data.len);
		}
	}
}

static void d_id(struct kvset *s, const char *pfx, const struct gdoi_id *id, int with_proto)
{
	char key[64];

	snprintf(key, sizeof(key), "%s.type", pfx);
	kv_u(s, key, id->id_type);
	if (with_proto) {
		snprintf(key, sizeof(key), "%s.proto", pfx);
		kv_u(s, key, id->id_proto);
	}
	snprintf(key, sizeof(key), "%s.port", pfx);
	kv_u(s, key, id->id_port);
	snprintf(key, sizeof(key), "%s.data", pfx);
	kv_hex(s, key, id->id_data.ptr, id->id_data.len);
}

static void d_p1sa(struct kvset *s, const struct gdoi_p1sa *sa)
{
	size_t i, j;

	kv_u(s, "sa.doi", sa->sa_doi);
	kv_u(s, "sa.situation", sa->sa_situation);
	for (i = 0; i < sa->sa_np; i++) {
		const struct gdoi_proposal *p = &sa->sa_p[i];

		kv_u(s, "prop.num", p->p_num);
		kv_u(s, "prop.proto", p->p_proto);
		kv_u(s, "prop.spi_size", p->p_spi.len);
		kv_hex(s, "prop.spi", p->p_spi.ptr, p->p_spi.len);
		kv_u(s, "prop.ntrans", p->p_nt);
		for (j = 0; j < p->p_nt; j++) {
			kv_u(s, "trans.num", p->p_t[j].t_num);
			kv_u(s, "trans.id", p->p_t[j].t_id);
			d_attrs(s, "ike", "ike", &p->p_t[j].t_attrs, ike_keys, 1, 0);
		}
	}
}

static void d_gsa(struct kvset *s, const struct gdoi_gsa *sa)
{
	size_t i;

	kv_u(s, "sa.doi", sa->g_doi);
	kv_u(s, "sa.situation", sa->g_situation);
	for (i = 0; i < sa->g_nitems; i++)
		kv_u(s, "sa.items", sa->g_items[i].i_type);
	for (i = 0; i < sa->g_nitems; i++) {
		const struct gdoi_sa_item *it = &sa->g_items[i];

		switch (it->i_type) {
		case GDOI_PL_SAK: {
			const struct gdoi_sak *k = &it->i_u.sak;
			uint8_t rsv[4];

			kv_u(s, "sak.proto", k->k_proto);
			d_id(s, "sak.src", &k->k_src, 0);
			d_id(s, "sak.dst", &k->k_dst, 0);
			kv_hex(s, "sak.spi", k->k_spi, sizeof(k->k_spi));
			gdoi_put16(rsv, k->k_pop_alg);
			gdoi_put16(rsv + 2, k->k_pop_keylen);
			kv_hex(s, "sak.reserved", rsv, sizeof(rsv));
			d_attrs(s, "sak", "sak", &k->k_attrs, kek_keys, 1, 0);
			break;
		}
		case GDOI_PL_SAT: {
			const struct gdoi_sat *t = &it->i_u.sat;
			uint8_t spi[4];

			kv_u(s, "sat.proto_id", t->t_proto_id);
			if (t->t_proto_id != GDOI_TEK_PROTO_ESP && t->t_proto_id != GDOI_TEK_PROTO_AH) {
				kv_hex(s, "sat.other", t->t_other.ptr, t->t_other.len);
				break;
			}
			kv_u(s, "sat.ip_proto", t->t_ip_proto);
			d_id(s, "sat.src", &t->t_src, 0);
			d_id(s, "sat.dst", &t->t_dst, 0);
			kv_u(s, "sat.transform", t->t_transform);
			gdoi_put32(spi, t->t_spi);
			kv_hex(s, "sat.spi", spi, sizeof(spi));
			d_attrs(s, "sat", "sat", &t->t_attrs, ipsec_keys, 1, 0);
			break;
		}
		case GDOI_PL_GAP:
			d_attrs(s, "gap", "gap", &it->i_u.gap.g_attrs, gap_keys, 1, 0);
			break;
		default:
			break;
		}
	}
}

/*
 * The KD Length a key packet should carry: the whole key packet, its
 * 4-octet Type/RESERVED/Length header included (RFC 6407 5.6), so the next
 * key packet starts Length octets further on.
 */
static size_t keypkt_len(const struct gdoi_keypkt *kp)
{
	size_t n = 4 + 1 + kp->kp_spi.len, i;

	for (i = 0; i < kp->kp_attrs.n; i++)
		n += 4 + (kp->kp_attrs.v[i].a_tv ? 0 : kp->kp_attrs.v[i].a_data.len);
	return n;
}

static void d_kd(struct kvset *s, const struct gdoi_kd *kd)
{
	size_t i;

	kv_u(s, "kd.count", kd->kd_n);
	for (i = 0; i < kd->kd_n; i++) {
		const struct gdoi_keypkt *kp = &kd->kd_pkts[i];
		const struct attr_key *names;
		const char *pfx;

		kv_u(s, "kd.types", kp->kp_type);
		kv_u(s, "kd.lengths", keypkt_len(kp));
		kv_u(s, "kd.nattrs", kp->kp_attrs.n);
		kv_u(s, "kd.spi_sizes", kp->kp_spi.len);
		kv_hex(s, "kd.spis", kp->kp_spi.ptr, kp->kp_spi.len);
		switch (kp->kp_type) {
		case KD_TYPE_TEK:
			pfx = "kd.tek";
			names = tek_key_keys;
			break;
		case KD_TYPE_KEK:
			pfx = "kd.kek";
			names = kek_key_keys;
			break;
		case KD_TYPE_SID:
			pfx = "kd.sid";
			names = sid_keys;
			break;
		default:
			pfx = "kd.other";
			names = no_keys;
			break;
		}
		d_attrs(s, "kd", pfx, &kp->kp_attrs, names, 0, 1);
	}
}

static void d_data(struct kvset *s, const char *key, const struct gdoi_bytes *b)
{
	char lk[32];

	kv_hex(s, key, b->ptr, b->len);
	snprintf(lk, sizeof(lk), "%s.len", key);
	kv_u(s, lk, b->len);
}

struct describe_ctx {
	struct kvset *dc_kv;
	size_t dc_frame;
	size_t dc_length;
};

static int sink_describe(void *arg, const struct isakmp_hdr *h, const struct gdoi_payload *pl,
    size_t n)
{
	struct describe_ctx *dc = arg;
	struct kvset *s = dc->dc_kv;
	size_t i;

	kv_u(s, "frame", dc->dc_frame);
	kv_hex(s, "icookie", h->h_icookie, sizeof(h->h_icookie));
	kv_hex(s, "rcookie", h->h_rcookie, sizeof(h->h_rcookie));
	kv_u(s, "exchange", h->h_exchange);
	kv_u(s, "flags", h->h_flags);
	kv_addf(s, "msgid", "%08lx", (unsigned long)h->h_msgid);
	kv_u(s, "length", dc->dc_length);
	kv_u(s, "np", n > 0 ? pl[0].pl_type : 0);
	for (i = 0; i < n; i++)
		kv_u(s, "payloads", pl[i].pl_type);

	for (i = 0; i < n; i++) {
		const struct gdoi_payload *p = &pl[i];

		switch (p->pl_type) {
		case ISAKMP_PL_SA:
			if (gdoi_ctx_for_exchange(h->h_exchange) == GDOI_CTX_GDOI)
				d_gsa(s, &p->pl_u.gsa);
			else
				d_p1sa(s, &p->pl_u.p1sa);
			break;
		case ISAKMP_PL_KE:
			d_data(s, "ke", &p->pl_u.data);
			break;
		case ISAKMP_PL_NONCE:
			d_data(s, "nonce", &p->pl_u.data);
			break;
		case ISAKMP_PL_HASH:
			d_data(s, "hash", &p->pl_u.data);
			break;
		case ISAKMP_PL_SIG:
			d_data(s, "sig", &p->pl_u.data);
			break;
		case ISAKMP_PL_VID:
			d_data(s, "vid", &p->pl_u.data);
			break;
		case ISAKMP_PL_ID:
			d_id(s, "id", &p->pl_u.id, 1);
			if (p->pl_u.id.id_type == ID_KEY_ID && p->pl_u.id.id_data.len == 4)
				kv_u(s, "id.group", gdoi_be32(p->pl_u.id.id_data.ptr));
			break;
		case GDOI_PL_SEQ:
			kv_u(s, "seq", p->pl_u.seq);
			break;
		case GDOI_PL_KD:
			d_kd(s, &p->pl_u.kd);
			break;
		case GDOI_PL_GAP:
			d_attrs(s, "gap", "gap", &p->pl_u.gap.g_attrs, gap_keys, 1, 0);
			break;
		case ISAKMP_PL_N:
			kv_u(s, "notify.doi", p->pl_u.n.n_doi);
			kv_u(s, "notify.proto", p->pl_u.n.n_proto);
			kv_u(s, "notify.type", p->pl_u.n.n_type);
			kv_u(s, "notify.spi_size", p->pl_u.n.n_spi.len);
			kv_hex(s, "notify.spi", p->pl_u.n.n_spi.ptr, p->pl_u.n.n_spi.len);
			kv_hex(s, "notify.data", p->pl_u.n.n_data.ptr, p->pl_u.n.n_data.len);
			break;
		case ISAKMP_PL_D: {
			const struct gdoi_delete *d = &p->pl_u.d;
			size_t k;

			kv_u(s, "delete.doi", d->d_doi);
			kv_u(s, "delete.proto", d->d_proto);
			kv_u(s, "delete.spi_size", d->d_spi_size);
			kv_u(s, "delete.nspi", d->d_nspi);
			for (k = 0; d->d_spi_size > 0 && k < d->d_nspi &&
			     (k + 1) * d->d_spi_size <= d->d_spis.len; k++)
				kv_hex(s, "delete.spis", d->d_spis.ptr + k * d->d_spi_size,
				    d->d_spi_size);
			break;
		}
		default:
			break;
		}
	}
	return GDOI_OK;
}

void gdoi_samples_manifest(FILE *f)
{
	size_t i;

	fprintf(f, "samples.count=%zu\n", NELEM(samples));
	fprintf(f, "samples.names=");
	for (i = 0; i < NELEM(samples); i++)
		fprintf(f, "%s%s", i ? "," : "", samples[i].s_name);
	fprintf(f, "\n");

	for (i = 0; i < NELEM(samples); i++) {
		struct kvset s;
		struct describe_ctx dc;
		struct gdoi_wr w;
		int rc;

		gdoi_wr_init(&w, 0);
		rc = gdoi_sample_build(i, &w);
		if (rc != GDOI_OK) {
			fprintf(f, "%s.error=%s\n", samples[i].s_name, gdoi_errname(rc));
			gdoi_wr_free(&w);
			continue;
		}
		memset(&s, 0, sizeof(s));
		dc.dc_kv = &s;
		dc.dc_frame = i + 1;
		dc.dc_length = gdoi_wr_len(&w);
		gdoi_wr_free(&w);
		samples[i].s_make(sink_describe, &dc);
		if (s.ks_nomem)
			fprintf(f, "%s.error=%s\n", samples[i].s_name, gdoi_errname(GDOI_E_NOMEM));
		else
			kv_print(f, samples[i].s_name, &s);
		kv_free(&s);
	}
}
