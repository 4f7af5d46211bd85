/*
 * Golden byte vectors for the codec tests, written by hand from the field
 * layouts of RFC 2408 (ISAKMP), RFC 2407 (IPsec DOI) and RFC 6407 (GDOI).
 * vectors.c carries the annotated layout of every payload next to its
 * bytes.  check_codec decodes and re-encodes them; check_sweep, the fuzz
 * seed generator and the fuzz harness corpora reuse them.
 */
#ifndef GDOI_TEST_VECTORS_H
#define GDOI_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#define GV_DECL(name)                 \
	extern const uint8_t name[];  \
	extern const size_t name##_len

/* ISAKMP header alone (28 octets). */
GV_DECL(gv_hdr);

/* Single payloads, Next Payload 0, decoded with gdoi_chain_decode(). */
GV_DECL(gv_pl_sa_p1);          /* Phase 1 SA: 1 proposal, 2 transforms, TV + TLV */
GV_DECL(gv_pl_ke);
GV_DECL(gv_pl_id_keyid);       /* ID_KEY_ID, group 1234 as 4 octets */
GV_DECL(gv_pl_id_ipv4);
GV_DECL(gv_pl_id_ipv4_subnet);
GV_DECL(gv_pl_id_ipv6);
GV_DECL(gv_pl_id_ipv4_range);
GV_DECL(gv_pl_id_ipv6_subnet);
GV_DECL(gv_pl_cert);
GV_DECL(gv_pl_cr);
GV_DECL(gv_pl_hash);
GV_DECL(gv_pl_sig);
GV_DECL(gv_pl_nonce);
GV_DECL(gv_pl_n_initial_contact);
GV_DECL(gv_pl_n_data);         /* notify with a 4-octet SPI and notification data */
GV_DECL(gv_pl_d_esp);          /* two ESP SPIs */
GV_DECL(gv_pl_d_kek);          /* one 16-octet KEK SPI, DOI 2 */
GV_DECL(gv_pl_vid);
GV_DECL(gv_pl_sa_gdoi);        /* GDOI SA: SAK + SAT(ESP) + SAT(AH) + GAP */
GV_DECL(gv_pl_kd);             /* KD: TEK, KEK and SID key packets */
GV_DECL(gv_pl_seq);

/* Whole unencrypted messages. */
GV_DECL(gv_msg_mm1);           /* Main Mode 1: SA (DOI 1), VID */
GV_DECL(gv_msg_mm1_doi2);      /* Main Mode 1 with a DOI 2 Phase 1 SA (RFC 6407 2.1) */
GV_DECL(gv_msg_mm3);           /* Main Mode 3: KE, NONCE */
GV_DECL(gv_msg_mm5_plain);     /* Main Mode 5 layout in clear: ID, CERT, CR, SIG, N */
GV_DECL(gv_msg_pull1);         /* HASH, NONCE, ID(KEY_ID 1234) */
GV_DECL(gv_msg_pull2);         /* HASH, NONCE, SA(GDOI) */
GV_DECL(gv_msg_pull4);         /* HASH, SEQ, KD */
GV_DECL(gv_msg_push);          /* SEQ, SA(GDOI), KD, SIG */
GV_DECL(gv_msg_info);          /* HASH, N, D */
GV_DECL(gv_msg_info2);         /* N, N, D (for gdoi_msg_find) */
GV_DECL(gv_msg_encrypted);     /* E flag: header + 32 octets of ciphertext */

/* Tables for the sweeps and the seed generator. */
struct gv_vec {
	const char *v_name;
	const uint8_t *v_data;
	size_t v_len;
	uint8_t v_first_np;   /**< payload vectors: type of the payload */
	int v_ctx;            /**< payload vectors: enum gdoi_ctx to decode with */
};

extern const struct gv_vec gv_payloads[];
extern const size_t gv_npayloads;
extern const struct gv_vec gv_messages[];
extern const size_t gv_nmessages;

/* Raw attribute lists (no payload header) for the attribute tests. */
GV_DECL(gv_attrs_mixed);       /* TV, TLV, zero-length TLV, TV with AF and high type */

#endif
