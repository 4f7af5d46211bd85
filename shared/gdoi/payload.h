/*
 * ISAKMP / IKEv1 / GDOI payload codec.
 *
 * Decoding: gdoi_msg_decode() takes one datagram and returns a tree of the
 * structs below.  Variable-length fields are gdoi_bytes that BORROW from the
 * input buffer, which must outlive the tree; arrays live in the message's
 * arena and go with gdoi_msg_free().  Nothing is read before its length has
 * been checked against what is left (buf.h).
 *
 * Encoding: the same structs, filled by the caller, go to
 * gdoi_msg_encode() / gdoi_chain_encode().  Next-payload fields, lengths,
 * counts (transforms, key packets, SPIs) and the SA Attribute Next Payload
 * are derived from the arrays, never taken from the struct, so an encoder
 * cannot write an inconsistent chain.  On decode those derived fields are
 * checked against the contents and a mismatch is an error.
 *
 * Which SA layout applies depends on the exchange: Main Mode and
 * Informational carry the RFC 2408 SA/Proposal/Transform layout (whatever
 * the DOI: RFC 6407 2.1 puts DOI 2 in the Phase 1 SA); GROUPKEY-PULL and
 * GROUPKEY-PUSH carry the GDOI SA (RFC 6407 5.1) with nested SA KEK, SA TEK
 * and GAP payloads.  See gdoi_ctx_for_exchange().
 */
#ifndef GDOI_PAYLOAD_H
#define GDOI_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "gdoi/arena.h"
#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/wire.h"

/** Borrowed bytes (decode) or caller bytes (encode). */
struct gdoi_bytes {
	const uint8_t *ptr;
	size_t len;
};

/* ------------------------------------------------------------------ */
/* ISAKMP header (RFC 2408 3.1)                                        */

struct isakmp_hdr {
	uint8_t h_icookie[ISAKMP_COOKIE_LEN];
	uint8_t h_rcookie[ISAKMP_COOKIE_LEN];
	uint8_t h_np;       /**< first payload (derived on encode) */
	uint8_t h_version;  /**< 0x10 (written as given; decode rejects major != 1) */
	uint8_t h_exchange;
	uint8_t h_flags;
	uint32_t h_msgid;
	uint32_t h_length;  /**< whole message (derived on encode) */
};

/** Decode the 28-octet header; checks major version 1 and length >= 28. */
int gdoi_hdr_decode(struct gdoi_rd *r, struct isakmp_hdr *h, struct gdoi_diag *d);
/** Write the header as given (h_np and h_length as in h). */
void gdoi_hdr_encode(struct gdoi_wr *w, const struct isakmp_hdr *h);

/* ------------------------------------------------------------------ */
/* Data attributes (RFC 2408 3.3)                                      */

struct gdoi_attr {
	uint16_t a_type;   /**< without the AF bit */
	uint8_t a_tv;      /**< 1 = TV (basic) form, value in a_val */
	uint16_t a_val;    /**< TV value */
	struct gdoi_bytes a_data; /**< TLV value */
};

struct gdoi_attrs {
	struct gdoi_attr *v;
	size_t n;
};

/** Decode attributes filling the whole reader. */
int gdoi_attrs_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_attrs *out,
    unsigned pl_type, struct gdoi_diag *d);
void gdoi_attrs_encode(struct gdoi_wr *w, const struct gdoi_attrs *as);
/** First attribute of that type, or NULL. */
const struct gdoi_attr *gdoi_attrs_find(const struct gdoi_attrs *as, uint16_t type);
/** Numeric value: a TV value, or a TLV value of 1..8 octets big-endian. */
int gdoi_attr_uint(const struct gdoi_attr *at, uint64_t *v);
/** Build helpers (no allocation; the caller owns data). */
struct gdoi_attr gdoi_attr_tv(uint16_t type, uint16_t val);
struct gdoi_attr gdoi_attr_tlv(uint16_t type, const void *data, size_t len);

/* ------------------------------------------------------------------ */
/* Phase 1 SA / Proposal / Transform (RFC 2408 3.4-3.6, RFC 2407 4.6.1) */

struct gdoi_transform {
	uint8_t t_num;
	uint8_t t_id;
	struct gdoi_attrs t_attrs;
};

struct gdoi_proposal {
	uint8_t p_num;
	uint8_t p_proto;          /**< ISAKMP_PROTO_* */
	struct gdoi_bytes p_spi;  /**< SPI size derived from p_spi.len */
	struct gdoi_transform *p_t;
	size_t p_nt;              /**< # of Transforms derived on encode, checked on decode */
};

struct gdoi_p1sa {
	uint32_t sa_doi;
	uint32_t sa_situation;    /**< 4 octets; labelled-domain situations are refused */
	struct gdoi_proposal *sa_p;
	size_t sa_np;
};

/* ------------------------------------------------------------------ */
/* Identification and traffic selectors (RFC 2407 4.6.2, RFC 6407 5.4.1) */

struct gdoi_id {
	uint8_t id_type;          /**< ID_* */
	uint8_t id_proto;         /**< IP protocol, 0 = any */
	uint16_t id_port;
	struct gdoi_bytes id_data;
};

/** 0 when data has the size its type demands (4 for IPv4, 8 for an IPv4
 * subnet or range, 16/32 for IPv6, >= 1 for names and key ids). */
int gdoi_id_check(uint8_t type, const struct gdoi_bytes *data);
/** A 4-octet ID_KEY_ID holds a numeric group id (big-endian); 0 on success. */
int gdoi_id_group_number(const struct gdoi_id *id, uint32_t *group);

/* ------------------------------------------------------------------ */
/* GDOI SA (RFC 6407 5.1) and its nested payloads                       */

/* SA KEK (RFC 6407 5.3) */
struct gdoi_sak {
	uint8_t k_proto;          /**< IP protocol of the rekey, 17 = UDP */
	struct gdoi_id k_src;     /**< id_proto unused (KEK carries one protocol) */
	struct gdoi_id k_dst;
	uint8_t k_spi[GDOI_KEK_SPI_LEN];
	uint16_t k_pop_alg;       /**< RFC 3547 POP Algorithm; RESERVED (0) in RFC 6407 */
	uint16_t k_pop_keylen;    /**< RFC 3547 POP Key Length; RESERVED (0) in RFC 6407 */
	struct gdoi_attrs k_attrs; /**< KEK_ATTR_* */
};

/* SA TEK (RFC 6407 5.4) */
struct gdoi_sat {
	uint8_t t_proto_id;       /**< GDOI_TEK_PROTO_* */
	/* ESP and AH (RFC 6407 5.4.1): */
	uint8_t t_ip_proto;       /**< inner IP protocol, 0 = any */
	struct gdoi_id t_src;     /**< id_proto unused (t_ip_proto applies) */
	struct gdoi_id t_dst;
	uint8_t t_transform;      /**< ESP_T_* or AH_T_* */
	uint32_t t_spi;
	struct gdoi_attrs t_attrs; /**< IPSEC_ATTR_* */
	/* other Protocol-IDs: the body after the Protocol-ID octet, undecoded */
	struct gdoi_bytes t_other;
};

/* GAP (RFC 6407 5.5) */
struct gdoi_gap {
	struct gdoi_attrs g_attrs; /**< GAP_ATTR_* */
};

struct gdoi_sa_item {
	uint8_t i_type;           /**< GDOI_PL_SAK, GDOI_PL_SAT or GDOI_PL_GAP */
	union {
		struct gdoi_sak sak;
		struct gdoi_sat sat;
		struct gdoi_gap gap;
	} i_u;
};

struct gdoi_gsa {
	uint32_t g_doi;           /**< 2 */
	uint32_t g_situation;     /**< 0 */
	struct gdoi_sa_item *g_items; /**< SA Attribute Next Payload derived on encode */
	size_t g_nitems;
};

/* ------------------------------------------------------------------ */
/* Key Download (RFC 6407 5.6)                                          */

struct gdoi_keypkt {
	uint8_t kp_type;          /**< KD_TYPE_* */
	struct gdoi_bytes kp_spi; /**< 4 for TEK, 16 for KEK, any for LKH/SID */
	struct gdoi_attrs kp_attrs;
};

struct gdoi_kd {
	struct gdoi_keypkt *kd_pkts; /**< Number of Key Packets derived on encode */
	size_t kd_n;
};

/* ------------------------------------------------------------------ */
/* The small payloads                                                   */

struct gdoi_cert {
	uint8_t c_enc;            /**< CERT_* */
	struct gdoi_bytes c_data;
};

struct gdoi_notify {
	uint32_t n_doi;
	uint8_t n_proto;
	uint16_t n_type;          /**< N_* */
	struct gdoi_bytes n_spi;
	struct gdoi_bytes n_data;
};

struct gdoi_delete {
	uint32_t d_doi;
	uint8_t d_proto;
	uint8_t d_spi_size;
	uint16_t d_nspi;
	struct gdoi_bytes d_spis; /**< d_nspi * d_spi_size octets; the encoder
	                               writes size and count as given and refuses
	                               them unless they match d_spis.len */
};

/* ------------------------------------------------------------------ */
/* One payload of a chain                                               */

struct gdoi_payload {
	uint8_t pl_type;          /**< ISAKMP_PL_* / GDOI_PL_* */
	uint8_t pl_reserved;      /**< as received (written as 0 on encode) */
	size_t pl_off;            /**< decode: offset of the generic header in the decoded buffer */
	struct gdoi_bytes pl_raw; /**< decode: the whole payload, generic header included */
	union {
		struct gdoi_p1sa p1sa;        /**< SA in Phase 1 context */
		struct gdoi_gsa gsa;          /**< SA in GDOI context */
		struct gdoi_bytes data;       /**< KE, HASH, SIG, NONCE, VID, NAT-D, POP,
		                                   and any payload type we do not parse */
		struct gdoi_id id;            /**< ID, NAT-OA */
		struct gdoi_cert cert;        /**< CERT, CR (c_data = CA name for CR) */
		struct gdoi_notify n;
		struct gdoi_delete d;
		struct gdoi_kd kd;
		struct gdoi_gap gap;          /**< GAP at top level (GROUPKEY-PULL message 3) */
		uint32_t seq;                 /**< SEQ */
	} pl_u;
};

/*
 * Payload types the codec does not parse (e.g. NAT-D, POP, private types)
 * are kept as raw bytes in pl_u.data.  SA KEK, SA TEK, Proposal and
 * Transform may appear only nested inside an SA: at top level they are
 * GDOI_E_PAYLOAD, as is anything but SAK/SAT/GAP inside a GDOI SA.
 */

/** Which SA layout a chain uses. */
enum gdoi_ctx {
	GDOI_CTX_PHASE1 = 0, /**< RFC 2408 SA / Proposal / Transform */
	GDOI_CTX_GDOI = 1,   /**< RFC 6407 GDOI SA with SAK / SAT / GAP */
};
enum gdoi_ctx gdoi_ctx_for_exchange(uint8_t exchange);

/** Upper bounds that keep a hostile packet from costing much. */
#define GDOI_MAX_PAYLOADS 64
#define GDOI_MAX_ATTRS 128
#define GDOI_MAX_PROPOSALS 64
#define GDOI_MAX_TRANSFORMS 64
#define GDOI_MAX_SA_ITEMS 64
#define GDOI_MAX_KEYPKTS 64

/**
 * Decode a payload chain that starts with type first_np and fills buf.
 * Decoding stops at next-payload 0.  When allow_trailing is set (a decrypted
 * body with CBC padding), bytes after the last payload are allowed and
 * *consumed tells where the chain ended; otherwise they are GDOI_E_TRAILING.
 * base is the offset of buf in the datagram, for diagnostics and pl_off.
 */
int gdoi_chain_decode(enum gdoi_ctx ctx, uint8_t first_np, const uint8_t *buf, size_t len,
    size_t base, int allow_trailing, struct gdoi_arena *a, struct gdoi_payload **out,
    size_t *nout, size_t *consumed, struct gdoi_diag *d);

/**
 * Encode n payloads; next-payload fields and lengths are derived.  Returns
 * the type of the first payload through *first_np (0 when n == 0).  Errors
 * are left in the writer (gdoi_wr_error).
 */
void gdoi_chain_encode(struct gdoi_wr *w, enum gdoi_ctx ctx, const struct gdoi_payload *pl,
    size_t n, uint8_t *first_np);

/* ------------------------------------------------------------------ */
/* Whole messages                                                       */

struct gdoi_msg {
	struct isakmp_hdr m_hdr;
	struct gdoi_payload *m_pl;  /**< empty when the E flag is set */
	size_t m_npl;
	struct gdoi_bytes m_raw;    /**< the datagram (borrowed) */
	struct gdoi_bytes m_body;   /**< after the header, up to h_length (ciphertext if E) */
	size_t m_trailing;          /**< datagram bytes after h_length (ignored, counted) */
	struct gdoi_arena *m_arena;
};

/**
 * Decode one datagram.  When the E flag is set, only the header is decoded
 * and m_body holds the ciphertext (decrypt it and call gdoi_chain_decode).
 * On success *out is a new message for gdoi_msg_free(); on failure *out is
 * NULL and d (optional) says where and why.
 */
int gdoi_msg_decode(const uint8_t *buf, size_t len, struct gdoi_msg **out, struct gdoi_diag *d);
void gdoi_msg_free(struct gdoi_msg *m);

/**
 * Append header and payloads at the writer's current position: h_np and
 * h_length are derived, the rest of *hdr is written as given.  The context
 * follows hdr->h_exchange.
 */
int gdoi_msg_encode(struct gdoi_wr *w, const struct isakmp_hdr *hdr, const struct gdoi_payload *pl,
    size_t n);

/** Find the i-th payload of a type in a decoded message (NULL if absent). */
const struct gdoi_payload *gdoi_msg_find(const struct gdoi_msg *m, uint8_t type, size_t i);

#endif
