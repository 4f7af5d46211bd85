/*
 * Group policy: what a key server hands out and a group member holds.
 *
 * One struct gdoi_gpolicy is the whole downloaded state of a group: the
 * KEK (rekey SA) with the KS public key, the TEKs (group ESP SAs) with
 * their keys, and the ordered access list the TEKs protect.  The KS keeps
 * one per group and builds GROUPKEY-PULL message 2 (SA) and message 4 (KD)
 * from it; the GM rebuilds one from those payloads.  GROUPKEY-PUSH reuses
 * the same conversion.
 *
 * Times: expiries are absolute milliseconds of the owner's clock.  On the
 * wire a lifetime is the REMAINING number of seconds at the time of
 * building (PROTOCOL-NOTES 1.1: KEK_KEY_LIFETIME and the TEK Life Duration
 * are remaining lifetimes, so every GM expires together).
 *
 * Access list on the wire.  Each TEK owns a run of ACEs in gp_acl.  A
 * permit ACE is one SA TEK payload (ESP, the TEK's SPI and transform, the
 * ACE as source/destination ID with the protocol and ports).  A deny ACE
 * (bypass: routing, IKE, management traffic) is also an SA TEK payload, in
 * order, but with SPI 0 and no attributes: SPI 0 is reserved (RFC 4303
 * 2.1) and can never name an SA, so a receiver cannot mistake it for a
 * key; our GM reads it as "deny".  This is our encoding: Cisco's for deny
 * entries is not documented in any source we have (PROTOCOL-NOTES 7).
 * One KD TEK key packet per distinct SPI.
 *
 * Ownership: the struct owns kek_pub (malloc'd); gdoi_gpolicy_clear()
 * wipes every key and frees it.  Copy with gdoi_gpolicy_copy(), never with
 * assignment.
 */
#ifndef GDOI_POLICY_H
#define GDOI_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "gdoi/arena.h"
#include "gdoi/err.h"
#include "gdoi/payload.h"

#define GDOI_TEK_MAX 8    /**< TEKs per group (IOS: sa ipsec 1..n) */
#define GDOI_ACL_MAX 64   /**< ACEs per group, over all TEKs */

/** One access-list entry (IOS extended ACL line). */
struct gdoi_ace {
	uint8_t ace_permit;     /**< 1 permit (encrypt), 0 deny (bypass) */
	uint8_t ace_proto;      /**< IP protocol; 0 = any ("ip") */
	uint8_t ace_af;         /**< 4 or 6 */
	uint8_t ace_src[16];    /**< network order, ace_af/8*... octets used */
	uint8_t ace_src_plen;   /**< prefix length; 0 with all zero = any */
	uint8_t ace_dst[16];
	uint8_t ace_dst_plen;
	uint16_t ace_sport;     /**< 0 = any */
	uint16_t ace_dport;     /**< 0 = any */
};

/** "access-list permit udp 10.1.0.0 0.0.255.255 any eq 848"-style text. */
int gdoi_ace_format(const struct gdoi_ace *ace, char *buf, size_t cap);

/** A TEK transform: the IOS transform set. */
struct gdoi_tek_xform {
	uint8_t tx_esp;         /**< ESP_T_AES_CBC or ESP_T_AES_GCM_16 */
	uint16_t tx_keybits;    /**< 128 or 256 (AES key bits, salt excluded) */
	uint16_t tx_auth;       /**< IPSEC_AUTH_HMAC_SHA1 / _HMAC_SHA256; 0 with GCM */
};
/** 0 if the transform is one we support (CBC+SHA1/SHA256, GCM-16). */
int gdoi_tek_xform_ok(const struct gdoi_tek_xform *x);
/** Octets of TEK_ALGORITHM_KEY: 16/32 for CBC, 20/36 for GCM (key + 4-octet salt, RFC 4106). */
size_t gdoi_tek_enc_keylen(const struct gdoi_tek_xform *x);
/** Octets of TEK_INTEGRITY_KEY: 20 (SHA-1), 32 (SHA-256), 0 (GCM). */
size_t gdoi_tek_int_keylen(const struct gdoi_tek_xform *x);
/** IOS transform text: "esp-256-aes esp-sha256-hmac", "esp-gcm 256". */
const char *gdoi_tek_xform_name(const struct gdoi_tek_xform *x, char *buf, size_t cap);

#define GDOI_TEK_ENC_MAX 36
#define GDOI_TEK_INT_MAX 32

/** One TEK (group ESP SA). */
struct gdoi_tek {
	uint32_t tek_spi;                   /**< KS-chosen, never 0 */
	struct gdoi_tek_xform tek_x;
	uint32_t tek_life_s;                /**< lifetime it was created with */
	uint64_t tek_expiry_ms;             /**< owner's clock */
	uint8_t tek_enc[GDOI_TEK_ENC_MAX];  /**< TEK_ALGORITHM_KEY */
	uint8_t tek_int[GDOI_TEK_INT_MAX];  /**< TEK_INTEGRITY_KEY */
	uint8_t tek_addr_pres;              /**< GDOI_AP_* (SRC_DST for GETVPN) */
	uint8_t tek_dir;                    /**< GDOI_DIR_* (SYMMETRIC) */
	uint16_t tek_acl_first;             /**< first ACE in gdoi_gpolicy.gp_acl */
	uint16_t tek_acl_n;                 /**< number of ACEs (>= 1) */
	/* RFC 6054 Sender ID, GM side, only for counter-mode TEKs */
	uint8_t tek_has_sid;
	uint8_t tek_sid_bits;
	uint32_t tek_sid;
};

#define GDOI_KEK_KEY_MAX 32

/** The KEK (rekey SA). */
struct gdoi_kek {
	uint8_t kek_spi[GDOI_KEK_SPI_LEN];  /**< I-cookie | R-cookie of PUSH */
	uint8_t kek_alg;                    /**< KEK_ALG_AES (CBC) */
	uint16_t kek_keybits;               /**< 128, 192, 256 */
	uint8_t kek_key[GDOI_KEK_KEY_MAX];  /**< KEK_ALGORITHM_KEY: the key only */
	uint32_t kek_life_s;
	uint64_t kek_expiry_ms;
	uint8_t kek_sig_hash;               /**< SIG_HASH_SHA256 (or SHA1) */
	uint8_t kek_sig_alg;                /**< SIG_ALG_RSA */
	uint16_t kek_sig_keybits;           /**< RSA modulus bits */
	uint8_t *kek_pub;                   /**< SIG_ALGORITHM_KEY: DER SubjectPublicKeyInfo (owned) */
	size_t kek_publen;
	/* Rekey transport: source is the KS, destination the group address
	 * (multicast) or 0.0.0.0 / :: (unicast rekeys). */
	uint8_t kek_af;                     /**< 4 or 6 */
	uint8_t kek_src[16];
	uint8_t kek_dst[16];
	uint16_t kek_port;                  /**< UDP port of both IDs, 848 */
	uint8_t kek_multicast;              /**< 1 multicast, 0 unicast */
};

/** The whole policy of one group. */
struct gdoi_gpolicy {
	uint32_t gp_group;                  /**< identity number */
	uint8_t gp_has_kek;                 /**< 0: no rekey SA configured */
	struct gdoi_kek gp_kek;
	struct gdoi_tek gp_tek[GDOI_TEK_MAX];
	size_t gp_ntek;
	struct gdoi_ace gp_acl[GDOI_ACL_MAX];
	size_t gp_nacl;
	uint8_t gp_has_seq;
	uint32_t gp_seq;                    /**< SEQ of message 4 / last PUSH */
};

/** Wipe the KEK's key, free (wiped) its kek_pub, wipe the struct.  NULL is a no-op. */
void gdoi_kek_clear(struct gdoi_kek *k);
/** Deep copy (kek_pub duplicated; dst is overwritten, not cleared first). */
int gdoi_kek_copy(struct gdoi_kek *dst, const struct gdoi_kek *src);
/** Wipe all keys, free kek_pub, zero the struct.  NULL is a no-op. */
void gdoi_gpolicy_clear(struct gdoi_gpolicy *p);
/** Deep copy (dst is overwritten, not cleared first). */
int gdoi_gpolicy_copy(struct gdoi_gpolicy *dst, const struct gdoi_gpolicy *src);

/**
 * The GDOI SA payload for p: one SA KEK (if gp_has_kek) then the SA TEK
 * payloads of every TEK's ACEs, in order.  Lifetimes are written as the
 * seconds left at now_ms (rounded down, at least 1).  Items, attributes
 * and ID data are allocated in a and borrow nothing from p that can move
 * (the SPI octets are copied), so pl stays valid while a lives.
 */
int gdoi_policy_sa_build(const struct gdoi_gpolicy *p, uint64_t now_ms, struct gdoi_arena *a,
    struct gdoi_payload *pl);
/**
 * The KD payload: one TEK key packet per TEK (TEK_ALGORITHM_KEY, and
 * TEK_INTEGRITY_KEY when the transform has one), a KEK key packet
 * (KEK_ALGORITHM_KEY, SIG_ALGORITHM_KEY) if gp_has_kek, and one SID key
 * packet (NUMBER_OF_SID_BITS, SID_VALUE) per entry of sids (nsids may be 0).
 * Key octets are copied into a.
 */
struct gdoi_sid_grant {
	uint32_t sg_spi;        /**< the TEK the SID is for */
	uint8_t sg_bits;        /**< NUMBER_OF_SID_BITS */
	uint32_t sg_sid;        /**< SID_VALUE (written in 4 octets) */
};
int gdoi_policy_kd_build(const struct gdoi_gpolicy *p, const struct gdoi_sid_grant *sids,
    size_t nsids, struct gdoi_arena *a, struct gdoi_payload *pl);

/**
 * GM side: rebuild policy from a GDOI SA (message 2 or PUSH) into p
 * (cleared first).  Expiries = now_ms + remaining.  Checks every item:
 * KEK algorithm AES-CBC with 128/192/256 bits, SIG RSA with SHA-1/256,
 * TEK transforms per gdoi_tek_xform_ok(), SATs of one SPI agreeing on
 * transform and lifetime, at most GDOI_TEK_MAX SPIs / GDOI_ACL_MAX ACEs.
 * Anything else: GDOI_E_ATTR / GDOI_E_PROTO / GDOI_E_NESTING with diag set.
 */
int gdoi_policy_from_sa(struct gdoi_gpolicy *p, const struct gdoi_gsa *sa, uint64_t now_ms,
    struct gdoi_diag *d);
/**
 * GM side: fill the keys of p from a KD.  Every TEK of p must get its
 * key packet, with keys of exactly the transform's lengths; the KEK
 * packet's SPI must equal kek_spi.  SID packets fill tek_sid of their TEK.
 * Unknown SPIs are GDOI_E_INVAL.
 */
int gdoi_policy_from_kd(struct gdoi_gpolicy *p, const struct gdoi_kd *kd, struct gdoi_diag *d);

/** Find a TEK by SPI (NULL if none). */
struct gdoi_tek *gdoi_policy_tek(struct gdoi_gpolicy *p, uint32_t spi);

#endif
