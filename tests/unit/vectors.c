/*
 * Golden vectors, written by hand from the RFC field layouts.  Each payload
 * is a macro taking its Next Payload octet so that whole messages can be
 * assembled from the same bytes.  Every length octet was counted by hand;
 * the _Static_asserts at the bottom tie each declared length to sizeof.
 *
 * Field layouts are drawn as one row per 32-bit word: "|" separates fields,
 * the number in brackets is the field size in octets.
 *
 * Values used throughout:
 *   I-cookie a1a2a3a4a5a6a7a8, R-cookie b1b2b3b4b5b6b7b8
 *   KEK SPI  c1c2c3c4c5c6c7c8d1d2d3d4d5d6d7d8 (= the PUSH cookies)
 *   TEK SPIs 11223344 (ESP), 55667788 (AH)
 *
 * Cross-check: the whole messages below were written to a pcap (text2pcap
 * -u 848,848) and dissected with tshark 4.0 (-d udp.port==848,isakmp).
 * Every payload, length and next-payload chain dissects; the only expert
 * items are two BER warnings inside the deliberately fake X.509
 * Certificate Data of gv_msg_mm5_plain.  For the PUSH tshark printed, e.g.:
 *   SEQ 8 "Sequence Number: 5"; SA 211 "DOI: GDOI (2)", "SA Attribute Next
 *   Payload: 000f"; SA KEK 69 "SPI: c1c2..d8"; SA TEK 69 "Protocol ID:
 *   GDOI_PROTO_IPSEC_ESP (1)", "SRC ID Data: 10.1.0.0/255.255.0.0"; SA TEK
 *   45 "GDOI_PROTO_IPSEC_AH (2)"; KD 177 "Number of Key Packets: 3", key
 *   packets TEK 81, KEK 71, SID 17; SIG 20.
 * (tshark names KEK attributes with the IPsec table and KD attributes with
 * the TEK table; that is a dissector limitation, not a vector error.)
 */
#include "vectors.h"

#include "gdoi/payload.h"

/* ------------------------------------------------------------------ */
/* ISAKMP header (RFC 2408 3.1)
 *
 *   | Initiator Cookie [8]                                          |
 *   | Responder Cookie [8]                                          |
 *   | Next Payload [1] | MjVer/MnVer [1] | Exchange Type [1] | Flags [1] |
 *   | Message ID [4]                                                |
 *   | Length [4] (whole message, header included)                   |
 */
#define GV_ICK 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8
#define GV_RCK 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8
#define GV_KEKSPI_HI 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8
#define GV_KEKSPI_LO 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8

const uint8_t gv_hdr[] = {
	GV_ICK,                   /* Initiator Cookie */
	GV_RCK,                   /* Responder Cookie */
	0x08,                     /* Next Payload: 8 HASH */
	0x10,                     /* Version: major 1, minor 0 */
	0x20,                     /* Exchange Type: 32 GROUPKEY-PULL */
	0x01,                     /* Flags: E */
	0x5e, 0x6f, 0x70, 0x81,   /* Message ID */
	0x00, 0x00, 0x00, 0x4c,   /* Length: 76 */
};

/* ------------------------------------------------------------------ */
/* Generic payload header (RFC 2408 3.2), first word of every payload:
 *
 *   | Next Payload [1] | RESERVED [1] | Payload Length [2] |
 *
 * Payload Length counts these 4 octets.
 */

/* ------------------------------------------------------------------ */
/* Phase 1 SA (RFC 2408 3.4, RFC 2407 4.6.1)
 *
 *   | generic header                                       |
 *   | Domain of Interpretation [4]                         |
 *   | Situation [4] (IPsec DOI: a 32-bit bitmap)           |
 *   ~ Proposal payloads                                    ~
 *
 * Proposal (RFC 2408 3.5):
 *   | Next Payload [1] (2 or 0) | RESERVED [1] | Payload Length [2] |
 *   | Proposal # [1] | Protocol-Id [1] | SPI Size [1] | # of Transforms [1] |
 *   ~ SPI [SPI Size]                                       ~
 *   ~ Transform payloads                                   ~
 *
 * Transform (RFC 2408 3.6):
 *   | Next Payload [1] (3 or 0) | RESERVED [1] | Payload Length [2] |
 *   | Transform # [1] | Transform-Id [1] | RESERVED2 [2]    |
 *   ~ SA Attributes                                        ~
 *
 * Data attribute (RFC 2408 3.3):
 *   | AF [1 bit] + Attribute Type [15 bits] | Length or Value [2] |
 *   ~ Value [Length] (only when AF = 0, TLV)               ~
 *
 * Lengths: transform 1 = 8 + 6*4 + 8 = 40, transform 2 = 8 + 5*4 + 6 = 34,
 * proposal = 8 + 40 + 34 = 82, SA = 4 + 8 + 82 = 94.
 */
#define GV_SA_P1(np, doi)                                                        \
	(np), 0x00, 0x00, 0x5e,   /* generic header, length 94 */                  \
	0x00, 0x00, 0x00, (doi),  /* DOI */                                        \
	0x00, 0x00, 0x00, 0x01,   /* Situation: SIT_IDENTITY_ONLY */               \
	/* Proposal */                                                             \
	0x00, 0x00, 0x00, 0x52,   /* Next Payload 0 (last), length 82 */           \
	0x01,                     /* Proposal # 1 */                               \
	0x01,                     /* Protocol-Id: PROTO_ISAKMP */                  \
	0x00,                     /* SPI Size 0 */                                 \
	0x02,                     /* # of Transforms: 2 */                         \
	/* Transform 1 */                                                          \
	0x03, 0x00, 0x00, 0x28,   /* Next Payload 3 (another transform), len 40 */ \
	0x01,                     /* Transform # 1 */                              \
	0x01,                     /* Transform-Id: KEY_IKE */                      \
	0x00, 0x00,               /* RESERVED2 */                                  \
	0x80, 0x01, 0x00, 0x07,   /* TV Encryption-Algorithm = 7 AES-CBC */        \
	0x80, 0x0e, 0x00, 0x80,   /* TV Key-Length = 128 */                        \
	0x80, 0x02, 0x00, 0x04,   /* TV Hash-Algorithm = 4 SHA2-256 */             \
	0x80, 0x03, 0x00, 0x01,   /* TV Authentication-Method = 1 PSK */           \
	0x80, 0x04, 0x00, 0x0e,   /* TV Group-Description = 14 */                  \
	0x80, 0x0b, 0x00, 0x01,   /* TV Life-Type = 1 seconds */                   \
	0x00, 0x0c, 0x00, 0x04,   /* TLV Life-Duration, length 4 */                \
	0x00, 0x01, 0x51, 0x80,   /*   value 86400 */                              \
	/* Transform 2 */                                                          \
	0x00, 0x00, 0x00, 0x22,   /* Next Payload 0 (last), length 34 */           \
	0x02,                     /* Transform # 2 */                              \
	0x01,                     /* Transform-Id: KEY_IKE */                      \
	0x00, 0x00,               /* RESERVED2 */                                  \
	0x80, 0x01, 0x00, 0x05,   /* TV Encryption-Algorithm = 5 3DES-CBC */       \
	0x80, 0x02, 0x00, 0x02,   /* TV Hash-Algorithm = 2 SHA */                  \
	0x80, 0x03, 0x00, 0x03,   /* TV Authentication-Method = 3 RSA sig */       \
	0x80, 0x04, 0x00, 0x02,   /* TV Group-Description = 2 */                   \
	0x80, 0x0b, 0x00, 0x01,   /* TV Life-Type = 1 seconds */                   \
	0x00, 0x0c, 0x00, 0x02,   /* TLV Life-Duration, length 2 */                \
	0x70, 0x80                /*   value 28800 */

const uint8_t gv_pl_sa_p1[] = { GV_SA_P1(0x00, 0x01) };

/* ------------------------------------------------------------------ */
/* KE (RFC 2408 3.7)
 *
 *   | generic header                   |
 *   ~ Key Exchange Data                ~
 */
#define GV_KE(np)                                                         \
	(np), 0x00, 0x00, 0x14,   /* generic header, length 20 */           \
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, /* KE data [16] */  \
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f

const uint8_t gv_pl_ke[] = { GV_KE(0x00) };

/* ------------------------------------------------------------------ */
/* ID (RFC 2408 3.8 with the IPsec DOI body of RFC 2407 4.6.2)
 *
 *   | generic header                                        |
 *   | ID Type [1] | Protocol ID [1] | Port [2]              |
 *   ~ Identification Data                                   ~
 *
 * Data sizes by type: IPV4_ADDR 4, IPV4_ADDR_SUBNET 4+4 (address, mask),
 * IPV4_ADDR_RANGE 4+4 (first, last), IPV6_ADDR 16, IPV6_ADDR_SUBNET 16+16,
 * KEY_ID opaque (GDOI: the group number, 4 octets big-endian).
 */
#define GV_ID_KEYID(np)                                       \
	(np), 0x00, 0x00, 0x0c,   /* generic header, length 12 */ \
	0x0b,                     /* ID Type 11 ID_KEY_ID */      \
	0x00,                     /* Protocol ID 0 */             \
	0x00, 0x00,               /* Port 0 */                    \
	0x00, 0x00, 0x04, 0xd2    /* group 1234 */

const uint8_t gv_pl_id_keyid[] = { GV_ID_KEYID(0x00) };

#define GV_ID_IPV4(np)                                        \
	(np), 0x00, 0x00, 0x0c,   /* generic header, length 12 */ \
	0x01,                     /* ID Type 1 ID_IPV4_ADDR */    \
	0x11,                     /* Protocol ID 17 UDP */        \
	0x01, 0xf4,               /* Port 500 */                  \
	0xc0, 0x00, 0x02, 0x01    /* 192.0.2.1 */

const uint8_t gv_pl_id_ipv4[] = { GV_ID_IPV4(0x00) };

const uint8_t gv_pl_id_ipv4_subnet[] = {
	0x00, 0x00, 0x00, 0x10,   /* generic header, length 16 */
	0x04,                     /* ID Type 4 ID_IPV4_ADDR_SUBNET */
	0x00,                     /* Protocol ID 0 */
	0x00, 0x00,               /* Port 0 */
	0x0a, 0x01, 0x00, 0x00,   /* 10.1.0.0 */
	0xff, 0xff, 0x00, 0x00,   /* 255.255.0.0 */
};

const uint8_t gv_pl_id_ipv6[] = {
	0x00, 0x00, 0x00, 0x18,   /* generic header, length 24 */
	0x05,                     /* ID Type 5 ID_IPV6_ADDR */
	0x06,                     /* Protocol ID 6 TCP */
	0x00, 0xb3,               /* Port 179 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* 2001:db8::1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

const uint8_t gv_pl_id_ipv4_range[] = {
	0x00, 0x00, 0x00, 0x10,   /* generic header, length 16 */
	0x07,                     /* ID Type 7 ID_IPV4_ADDR_RANGE */
	0x00,                     /* Protocol ID 0 */
	0x00, 0x00,               /* Port 0 */
	0x0a, 0x00, 0x00, 0x01,   /* 10.0.0.1 */
	0x0a, 0x00, 0x00, 0xfe,   /* 10.0.0.254 */
};

const uint8_t gv_pl_id_ipv6_subnet[] = {
	0x00, 0x00, 0x00, 0x28,   /* generic header, length 40 */
	0x06,                     /* ID Type 6 ID_IPV6_ADDR_SUBNET */
	0x00,                     /* Protocol ID 0 */
	0x00, 0x00,               /* Port 0 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a, 0x00, 0x00, /* 2001:db8:a:: */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* /64 mask */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ------------------------------------------------------------------ */
/* CERT (RFC 2408 3.9) and CR (RFC 2408 3.10)
 *
 *   | generic header                      |
 *   | Cert Encoding / Cert Type [1] | ...   |
 *   ~ Certificate Data / Certificate Authority ~
 */
#define GV_CERT(np)                                                  \
	(np), 0x00, 0x00, 0x0c,   /* generic header, length 12 */        \
	0x04,                     /* Cert Encoding 4 X.509 Signature */  \
	0x30, 0x05, 0x02, 0x01, 0x07, 0x05, 0x00 /* Certificate Data [7] */

const uint8_t gv_pl_cert[] = { GV_CERT(0x00) };

#define GV_CR(np)                                                    \
	(np), 0x00, 0x00, 0x07,   /* generic header, length 7 */         \
	0x04,                     /* Cert Type 4 X.509 Signature */      \
	0x30, 0x00                /* Certificate Authority: empty DN */

const uint8_t gv_pl_cr[] = { GV_CR(0x00) };

/* ------------------------------------------------------------------ */
/* HASH (RFC 2408 3.11), SIG (3.12), NONCE (3.13), VID (3.16)
 *
 *   | generic header    |
 *   ~ data              ~
 */
#define GV_HASH(np)                                                        \
	(np), 0x00, 0x00, 0x18,   /* generic header, length 24 */            \
	0x48, 0x41, 0x53, 0x48, 0x00, 0x01, 0x02, 0x03, /* Hash Data [20] */ \
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,                      \
	0x0c, 0x0d, 0x0e, 0x0f

const uint8_t gv_pl_hash[] = { GV_HASH(0x00) };

#define GV_SIG(np)                                                             \
	(np), 0x00, 0x00, 0x14,   /* generic header, length 20 */                \
	0x53, 0x49, 0x47, 0x21, 0xf0, 0xe1, 0xd2, 0xc3, /* Signature Data [16] */ \
	0xb4, 0xa5, 0x96, 0x87, 0x78, 0x69, 0x5a, 0x4b

const uint8_t gv_pl_sig[] = { GV_SIG(0x00) };

#define GV_NONCE(np)                                                         \
	(np), 0x00, 0x00, 0x14,   /* generic header, length 20 */              \
	0x4e, 0x4f, 0x4e, 0x43, 0x45, 0x10, 0x20, 0x30, /* Nonce Data [16] */  \
	0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0

const uint8_t gv_pl_nonce[] = { GV_NONCE(0x00) };

#define GV_VID(np)                                                        \
	(np), 0x00, 0x00, 0x14,   /* generic header, length 20 */           \
	'g', 'd', 'o', 'i', '-', 't', 'e', 's', /* Vendor ID [16] */        \
	't', '-', 'v', 'e', 'n', 'd', 'o', 'r'

const uint8_t gv_pl_vid[] = { GV_VID(0x00) };

/* ------------------------------------------------------------------ */
/* Notification (RFC 2408 3.14)
 *
 *   | generic header                                                  |
 *   | Domain of Interpretation [4]                                    |
 *   | Protocol-ID [1] | SPI Size [1] | Notify Message Type [2]         |
 *   ~ SPI [SPI Size]                                                  ~
 *   ~ Notification Data                                               ~
 */
#define GV_N_IC(np)                                                    \
	(np), 0x00, 0x00, 0x1c,   /* generic header, length 28 */          \
	0x00, 0x00, 0x00, 0x01,   /* DOI 1 IPsec */                        \
	0x01,                     /* Protocol-ID 1 PROTO_ISAKMP */         \
	0x10,                     /* SPI Size 16 */                        \
	0x60, 0x02,               /* Type 24578 INITIAL-CONTACT */         \
	GV_ICK, GV_RCK            /* SPI: the two cookies */

const uint8_t gv_pl_n_initial_contact[] = { GV_N_IC(0x00) };

#define GV_N_DATA(np)                                                  \
	(np), 0x00, 0x00, 0x15,   /* generic header, length 21 */          \
	0x00, 0x00, 0x00, 0x02,   /* DOI 2 GDOI */                         \
	0x03,                     /* Protocol-ID 3 PROTO_IPSEC_ESP */      \
	0x04,                     /* SPI Size 4 */                         \
	0x00, 0x0e,               /* Type 14 NO-PROPOSAL-CHOSEN */         \
	0x11, 0x22, 0x33, 0x44,   /* SPI */                                \
	0xde, 0xad, 0xbe, 0xef, 0x01 /* Notification Data [5] */

const uint8_t gv_pl_n_data[] = { GV_N_DATA(0x00) };

/* ------------------------------------------------------------------ */
/* Delete (RFC 2408 3.15)
 *
 *   | generic header                                                  |
 *   | Domain of Interpretation [4]                                    |
 *   | Protocol-Id [1] | SPI Size [1] | # of SPIs [2]                   |
 *   ~ SPIs [# of SPIs * SPI Size]                                     ~
 */
#define GV_D_ESP(np)                                                   \
	(np), 0x00, 0x00, 0x14,   /* generic header, length 20 */          \
	0x00, 0x00, 0x00, 0x01,   /* DOI 1 IPsec */                        \
	0x03,                     /* Protocol-Id 3 PROTO_IPSEC_ESP */      \
	0x04,                     /* SPI Size 4 */                         \
	0x00, 0x02,               /* # of SPIs 2 */                        \
	0x11, 0x22, 0x33, 0x44,   /* SPI 1 */                              \
	0x55, 0x66, 0x77, 0x88    /* SPI 2 */

const uint8_t gv_pl_d_esp[] = { GV_D_ESP(0x00) };

const uint8_t gv_pl_d_kek[] = {
	0x00, 0x00, 0x00, 0x1c,   /* generic header, length 28 */
	0x00, 0x00, 0x00, 0x02,   /* DOI 2 GDOI */
	0x01,                     /* Protocol-Id 1 PROTO_ISAKMP (the KEK) */
	0x10,                     /* SPI Size 16 */
	0x00, 0x01,               /* # of SPIs 1 */
	GV_KEKSPI_HI, GV_KEKSPI_LO, /* SPI */
};

/* ------------------------------------------------------------------ */
/* GDOI SA (RFC 6407 5.1)
 *
 *   | generic header (Payload Length covers the nested payloads)      |
 *   | DOI [4] = 2                                                     |
 *   | Situation [4] = 0                                               |
 *   | SA Attribute Next Payload [2] | RESERVED [2]                    |
 *   ~ SA KEK / SA TEK / GAP payloads, own Next Payload chain ending 0 ~
 *
 * SA KEK (RFC 6407 5.3):
 *   | generic header                                                  |
 *   | Protocol [1] | SRC ID Type [1] | SRC ID Port [2]                 |
 *   | SRC ID Data Len [1] | SRC Identification Data [len] ...          |
 *   | DST ID Type [1] | DST ID Port [2] | DST ID Data Len [1]          |
 *   ~ DST Identification Data [len]                                   ~
 *   | SPI [16]                                                        |
 *   | RESERVED2 [4] (RFC 3547: POP Algorithm [2] | POP Key Length [2]) |
 *   ~ KEK Attributes                                                  ~
 *
 * SA TEK (RFC 6407 5.4) and its ESP/AH body (5.4.1):
 *   | generic header                                                  |
 *   | Protocol-ID [1] | Protocol [1] | SRC ID Type [1] | SRC ID Port [2] |
 *   | SRC ID Data Len [2] | SRC Identification Data [len]             |
 *   | DST ID Type [1] | DST ID Port [2] | DST ID Data Len [2]          |
 *   ~ DST Identification Data [len]                                   ~
 *   | Transform ID [1] | SPI [4]                                      |
 *   ~ RFC 2407 SA Attributes                                          ~
 *
 * GAP (RFC 6407 5.5):
 *   | generic header          |
 *   ~ GAP Attributes          ~
 *
 * Lengths: SAK 69, SAT(ESP) 69, SAT(AH) 45, GAP 12; SA = 16 + 195 = 211.
 */
#define GV_SA_GDOI(np)                                                           \
	(np), 0x00, 0x00, 0xd3,   /* generic header, length 211 */                 \
	0x00, 0x00, 0x00, 0x02,   /* DOI 2 GDOI */                                 \
	0x00, 0x00, 0x00, 0x00,   /* Situation 0 */                                \
	0x00, 0x0f,               /* SA Attribute Next Payload: 15 SA KEK */       \
	0x00, 0x00,               /* RESERVED */                                   \
	/* SA KEK */                                                               \
	0x10, 0x00, 0x00, 0x45,   /* Next Payload 16 SA TEK, length 69 */          \
	0x11,                     /* Protocol 17 UDP */                            \
	0x01,                     /* SRC ID Type 1 IPV4_ADDR */                    \
	0x03, 0x50,               /* SRC ID Port 848 */                            \
	0x04,                     /* SRC ID Data Len 4 */                          \
	0xc0, 0x00, 0x02, 0x01,   /* 192.0.2.1 */                                  \
	0x01,                     /* DST ID Type 1 IPV4_ADDR */                    \
	0x03, 0x50,               /* DST ID Port 848 */                            \
	0x04,                     /* DST ID Data Len 4 */                          \
	0xef, 0x01, 0x01, 0x01,   /* 239.1.1.1 */                                  \
	GV_KEKSPI_HI, GV_KEKSPI_LO, /* SPI [16] */                                 \
	0x00, 0x00,               /* POP Algorithm (reserved) */                   \
	0x00, 0x00,               /* POP Key Length (reserved) */                  \
	0x80, 0x02, 0x00, 0x03,   /* TV KEK_ALGORITHM = 3 AES */                   \
	0x80, 0x03, 0x00, 0x80,   /* TV KEK_KEY_LENGTH = 128 */                    \
	0x00, 0x04, 0x00, 0x04,   /* TLV KEK_KEY_LIFETIME, length 4 */             \
	0x00, 0x01, 0x51, 0x80,   /*   value 86400 */                              \
	0x80, 0x05, 0x00, 0x03,   /* TV SIG_HASH_ALGORITHM = 3 SHA256 */           \
	0x80, 0x06, 0x00, 0x01,   /* TV SIG_ALGORITHM = 1 RSA */                   \
	0x80, 0x07, 0x08, 0x00,   /* TV SIG_KEY_LENGTH = 2048 */                   \
	/* SA TEK, ESP */                                                          \
	0x10, 0x00, 0x00, 0x45,   /* Next Payload 16 SA TEK, length 69 */          \
	0x01,                     /* Protocol-ID 1 GDOI_PROTO_IPSEC_ESP */         \
	0x00,                     /* Protocol 0 (any) */                           \
	0x04,                     /* SRC ID Type 4 IPV4_ADDR_SUBNET */             \
	0x00, 0x00,               /* SRC ID Port 0 */                              \
	0x00, 0x08,               /* SRC ID Data Len 8 */                          \
	0x0a, 0x01, 0x00, 0x00,   /* 10.1.0.0 */                                   \
	0xff, 0xff, 0x00, 0x00,   /* 255.255.0.0 */                                \
	0x04,                     /* DST ID Type 4 IPV4_ADDR_SUBNET */             \
	0x00, 0x00,               /* DST ID Port 0 */                              \
	0x00, 0x08,               /* DST ID Data Len 8 */                          \
	0x0a, 0x02, 0x00, 0x00,   /* 10.2.0.0 */                                   \
	0xff, 0xff, 0x00, 0x00,   /* 255.255.0.0 */                                \
	0x0c,                     /* Transform ID 12 ESP_AES-CBC */                \
	0x11, 0x22, 0x33, 0x44,   /* SPI */                                        \
	0x80, 0x01, 0x00, 0x01,   /* TV SA-Life-Type = 1 seconds */                \
	0x00, 0x02, 0x00, 0x04,   /* TLV SA-Life-Duration, length 4 */             \
	0x00, 0x00, 0x0e, 0x10,   /*   value 3600 */                               \
	0x80, 0x04, 0x00, 0x01,   /* TV Encapsulation-Mode = 1 Tunnel */           \
	0x80, 0x05, 0x00, 0x05,   /* TV Authentication-Algorithm = 5 SHA2-256 */   \
	0x80, 0x06, 0x01, 0x00,   /* TV Key-Length = 256 */                        \
	0x80, 0x0e, 0x00, 0x04,   /* TV Address-Preservation = 4 src+dst */        \
	0x80, 0x0f, 0x00, 0x03,   /* TV SA-Direction = 3 Symmetric */              \
	/* SA TEK, AH */                                                           \
	0x16, 0x00, 0x00, 0x2d,   /* Next Payload 22 GAP, length 45 */             \
	0x02,                     /* Protocol-ID 2 GDOI_PROTO_IPSEC_AH */          \
	0x06,                     /* Protocol 6 TCP */                             \
	0x01,                     /* SRC ID Type 1 IPV4_ADDR */                    \
	0x00, 0x50,               /* SRC ID Port 80 */                             \
	0x00, 0x04,               /* SRC ID Data Len 4 */                          \
	0x0a, 0x01, 0x00, 0x01,   /* 10.1.0.1 */                                   \
	0x01,                     /* DST ID Type 1 IPV4_ADDR */                    \
	0x00, 0x00,               /* DST ID Port 0 */                              \
	0x00, 0x04,               /* DST ID Data Len 4 */                          \
	0x0a, 0x02, 0x00, 0x01,   /* 10.2.0.1 */                                   \
	0x05,                     /* Transform ID 5 AH_SHA2-256 */                 \
	0x55, 0x66, 0x77, 0x88,   /* SPI */                                        \
	0x80, 0x01, 0x00, 0x01,   /* TV SA-Life-Type = 1 seconds */                \
	0x80, 0x02, 0x0e, 0x10,   /* TV SA-Life-Duration = 3600 */                 \
	0x80, 0x04, 0x00, 0x01,   /* TV Encapsulation-Mode = 1 Tunnel */           \
	0x80, 0x05, 0x00, 0x05,   /* TV Authentication-Algorithm = 5 */            \
	/* GAP */                                                                  \
	0x00, 0x00, 0x00, 0x0c,   /* Next Payload 0 (last nested), length 12 */    \
	0x80, 0x01, 0x00, 0x0f,   /* TV ACTIVATION_TIME_DELAY = 15 */              \
	0x80, 0x02, 0x00, 0x1e    /* TV DEACTIVATION_TIME_DELAY = 30 */

const uint8_t gv_pl_sa_gdoi[] = { GV_SA_GDOI(0x00) };

/* ------------------------------------------------------------------ */
/* Key Download (RFC 6407 5.6)
 *
 *   | generic header                                                  |
 *   | Number of Key Packets [2] | RESERVED2 [2]                       |
 *   ~ Key Packets                                                     ~
 *
 * Key Packet:
 *   | KD Type [1] | RESERVED [1] | KD Length [2] (whole key packet)    |
 *   | SPI Size [1] | SPI [SPI Size] ...                               |
 *   ~ Key Packet Attributes                                           ~
 *
 * Lengths: TEK packet 4+1+4+36+36 = 81, KEK packet 4+1+16+36+14 = 71,
 * SID packet 4+1+0+4+8 = 17; KD = 8 + 169 = 177.
 */
#define GV_KEY32(b)                                                              \
	(b) + 0x00, (b) + 0x01, (b) + 0x02, (b) + 0x03, (b) + 0x04, (b) + 0x05,    \
	(b) + 0x06, (b) + 0x07, (b) + 0x08, (b) + 0x09, (b) + 0x0a, (b) + 0x0b,    \
	(b) + 0x0c, (b) + 0x0d, (b) + 0x0e, (b) + 0x0f, (b) + 0x10, (b) + 0x11,    \
	(b) + 0x12, (b) + 0x13, (b) + 0x14, (b) + 0x15, (b) + 0x16, (b) + 0x17,    \
	(b) + 0x18, (b) + 0x19, (b) + 0x1a, (b) + 0x1b, (b) + 0x1c, (b) + 0x1d,    \
	(b) + 0x1e, (b) + 0x1f

#define GV_KD(np)                                                                \
	(np), 0x00, 0x00, 0xb1,   /* generic header, length 177 */                 \
	0x00, 0x03,               /* Number of Key Packets 3 */                    \
	0x00, 0x00,               /* RESERVED2 */                                  \
	/* TEK key packet */                                                       \
	0x01,                     /* KD Type 1 TEK */                              \
	0x00,                     /* RESERVED */                                   \
	0x00, 0x51,               /* KD Length 81 */                               \
	0x04,                     /* SPI Size 4 */                                 \
	0x11, 0x22, 0x33, 0x44,   /* SPI */                                        \
	0x00, 0x01, 0x00, 0x20,   /* TLV TEK_ALGORITHM_KEY, length 32 */           \
	GV_KEY32(0x40),                                                            \
	0x00, 0x02, 0x00, 0x20,   /* TLV TEK_INTEGRITY_KEY, length 32 */           \
	GV_KEY32(0x60),                                                            \
	/* KEK key packet */                                                       \
	0x02,                     /* KD Type 2 KEK */                              \
	0x00,                     /* RESERVED */                                   \
	0x00, 0x47,               /* KD Length 71 */                               \
	0x10,                     /* SPI Size 16 */                                \
	GV_KEKSPI_HI, GV_KEKSPI_LO, /* SPI */                                      \
	0x00, 0x01, 0x00, 0x20,   /* TLV KEK_ALGORITHM_KEY, length 32 */           \
	GV_KEY32(0x80),                                                            \
	0x00, 0x02, 0x00, 0x0a,   /* TLV SIG_ALGORITHM_KEY, length 10 */           \
	0x30, 0x08, 0x02, 0x03, 0x01, 0x00, 0x01, 0x02, 0x01, 0x03,                \
	/* SID key packet */                                                       \
	0x04,                     /* KD Type 4 SID */                              \
	0x00,                     /* RESERVED */                                   \
	0x00, 0x11,               /* KD Length 17 */                               \
	0x00,                     /* SPI Size 0 */                                 \
	0x80, 0x01, 0x00, 0x08,   /* TV NUMBER_OF_SID_BITS = 8 */                  \
	0x00, 0x02, 0x00, 0x04,   /* TLV SID_VALUE, length 4 */                    \
	0x00, 0x00, 0x00, 0x01    /*   value 1 */

const uint8_t gv_pl_kd[] = { GV_KD(0x00) };

/* ------------------------------------------------------------------ */
/* SEQ (RFC 6407 5.7)
 *
 *   | generic header (length 8)   |
 *   | Sequence Number [4]         |
 */
#define GV_SEQ(np)                                            \
	(np), 0x00, 0x00, 0x08,   /* generic header, length 8 */  \
	0x00, 0x00, 0x00, 0x05    /* Sequence Number 5 */

const uint8_t gv_pl_seq[] = { GV_SEQ(0x00) };

/* ------------------------------------------------------------------ */
/* Whole messages: header (Next Payload = first payload, Length = total)
 * followed by the payloads above with their Next Payload chained. */

#define GV_HDR(np, exch, flags, m0, m1, m2, m3, l0, l1) \
	GV_ICK, GV_RCK, (np), 0x10, (exch), (flags), (m0), (m1), (m2), (m3), 0x00, 0x00, (l0), (l1)

/* Main Mode 1: 28 + SA 94 + VID 20 = 142 */
const uint8_t gv_msg_mm1[] = {
	GV_ICK, 0, 0, 0, 0, 0, 0, 0, 0, /* R-cookie 0 in message 1 */
	0x01, 0x10, 0x02, 0x00,   /* NP SA, v1.0, exchange 2 Main Mode, no flags */
	0x00, 0x00, 0x00, 0x00,   /* Message ID 0 */
	0x00, 0x00, 0x00, 0x8e,   /* Length 142 */
	GV_SA_P1(0x0d, 0x01),     /* SA, next VID */
	GV_VID(0x00),
};

/* Main Mode 1 with a DOI 2 SA in the Phase 1 layout: 142 */
const uint8_t gv_msg_mm1_doi2[] = {
	GV_ICK, 0, 0, 0, 0, 0, 0, 0, 0,
	0x01, 0x10, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x8e,
	GV_SA_P1(0x0d, 0x02),
	GV_VID(0x00),
};

/* Main Mode 3: 28 + KE 20 + NONCE 20 = 68 */
const uint8_t gv_msg_mm3[] = {
	GV_HDR(0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x44),
	GV_KE(0x0a),
	GV_NONCE(0x00),
};

/* Main Mode 5 payloads in clear: 28 + ID 12 + CERT 12 + CR 7 + SIG 20
 * + N 28 = 107 */
const uint8_t gv_msg_mm5_plain[] = {
	GV_HDR(0x05, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x6b),
	GV_ID_IPV4(0x06),
	GV_CERT(0x07),
	GV_CR(0x09),
	GV_SIG(0x0b),
	GV_N_IC(0x00),
};

/* GROUPKEY-PULL 1: 28 + HASH 24 + NONCE 20 + ID 12 = 84 */
const uint8_t gv_msg_pull1[] = {
	GV_HDR(0x08, 0x20, 0x00, 0x5e, 0x6f, 0x70, 0x81, 0x00, 0x54),
	GV_HASH(0x0a),
	GV_NONCE(0x05),
	GV_ID_KEYID(0x00),
};

/* GROUPKEY-PULL 2: 28 + HASH 24 + NONCE 20 + SA 211 = 283 */
const uint8_t gv_msg_pull2[] = {
	GV_HDR(0x08, 0x20, 0x00, 0x5e, 0x6f, 0x70, 0x81, 0x01, 0x1b),
	GV_HASH(0x0a),
	GV_NONCE(0x01),
	GV_SA_GDOI(0x00),
};

/* GROUPKEY-PULL 4: 28 + HASH 24 + SEQ 8 + KD 177 = 237 */
const uint8_t gv_msg_pull4[] = {
	GV_HDR(0x08, 0x20, 0x00, 0x5e, 0x6f, 0x70, 0x81, 0x00, 0xed),
	GV_HASH(0x12),
	GV_SEQ(0x11),
	GV_KD(0x00),
};

/* GROUPKEY-PUSH: cookies = KEK SPI; 28 + SEQ 8 + SA 211 + KD 177 + SIG 20
 * = 444 */
const uint8_t gv_msg_push[] = {
	GV_KEKSPI_HI, GV_KEKSPI_LO,
	0x12, 0x10, 0x21, 0x00,   /* NP SEQ, v1.0, exchange 33 GROUPKEY-PUSH, no flags */
	0x00, 0x00, 0x00, 0x00,   /* Message ID 0 */
	0x00, 0x00, 0x01, 0xbc,   /* Length 444 */
	GV_SEQ(0x01),
	GV_SA_GDOI(0x11),
	GV_KD(0x09),
	GV_SIG(0x00),
};

/* Informational: 28 + HASH 24 + N 28 + D 20 = 100 */
const uint8_t gv_msg_info[] = {
	GV_HDR(0x08, 0x05, 0x00, 0x12, 0x34, 0xab, 0xcd, 0x00, 0x64),
	GV_HASH(0x0b),
	GV_N_IC(0x0c),
	GV_D_ESP(0x00),
};

/* Informational with two notifies: 28 + N 28 + N 21 + D 20 = 97 */
const uint8_t gv_msg_info2[] = {
	GV_HDR(0x0b, 0x05, 0x00, 0x12, 0x34, 0xab, 0xce, 0x00, 0x61),
	GV_N_IC(0x0b),
	GV_N_DATA(0x0c),
	GV_D_ESP(0x00),
};

/* E flag set: the body is opaque ciphertext; 28 + 32 = 60 */
const uint8_t gv_msg_encrypted[] = {
	GV_HDR(0x08, 0x20, 0x01, 0x5e, 0x6f, 0x70, 0x81, 0x00, 0x3c),
	GV_KEY32(0xe0),
};

/* ------------------------------------------------------------------ */
/* Attribute list: TV, TLV 4, zero-length TLV, TV of type 0x7fff, TLV 9. */
const uint8_t gv_attrs_mixed[] = {
	0x80, 0x01, 0x00, 0x07,   /* TV type 1 = 7 */
	0x00, 0x0c, 0x00, 0x04,   /* TLV type 12, length 4 */
	0x00, 0x01, 0x51, 0x80,   /*   86400 */
	0x00, 0x10, 0x00, 0x00,   /* TLV type 16, length 0 */
	0xff, 0xff, 0xab, 0xcd,   /* TV type 0x7fff = 0xabcd */
	0x00, 0x03, 0x00, 0x09,   /* TLV type 3, length 9 */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
};

/* ------------------------------------------------------------------ */
#define GV_LEN(name, n)                                           \
	_Static_assert(sizeof(name) == (n), #name " length");     \
	const size_t name##_len = sizeof(name)

GV_LEN(gv_hdr, 28);
GV_LEN(gv_pl_sa_p1, 0x5e);
GV_LEN(gv_pl_ke, 0x14);
GV_LEN(gv_pl_id_keyid, 0x0c);
GV_LEN(gv_pl_id_ipv4, 0x0c);
GV_LEN(gv_pl_id_ipv4_subnet, 0x10);
GV_LEN(gv_pl_id_ipv6, 0x18);
GV_LEN(gv_pl_id_ipv4_range, 0x10);
GV_LEN(gv_pl_id_ipv6_subnet, 0x28);
GV_LEN(gv_pl_cert, 0x0c);
GV_LEN(gv_pl_cr, 0x07);
GV_LEN(gv_pl_hash, 0x18);
GV_LEN(gv_pl_sig, 0x14);
GV_LEN(gv_pl_nonce, 0x14);
GV_LEN(gv_pl_n_initial_contact, 0x1c);
GV_LEN(gv_pl_n_data, 0x15);
GV_LEN(gv_pl_d_esp, 0x14);
GV_LEN(gv_pl_d_kek, 0x1c);
GV_LEN(gv_pl_vid, 0x14);
GV_LEN(gv_pl_sa_gdoi, 0xd3);
GV_LEN(gv_pl_kd, 0xb1);
GV_LEN(gv_pl_seq, 0x08);
GV_LEN(gv_msg_mm1, 0x8e);
GV_LEN(gv_msg_mm1_doi2, 0x8e);
GV_LEN(gv_msg_mm3, 0x44);
GV_LEN(gv_msg_mm5_plain, 0x6b);
GV_LEN(gv_msg_pull1, 0x54);
GV_LEN(gv_msg_pull2, 0x11b);
GV_LEN(gv_msg_pull4, 0xed);
GV_LEN(gv_msg_push, 0x1bc);
GV_LEN(gv_msg_info, 0x64);
GV_LEN(gv_msg_info2, 0x61);
GV_LEN(gv_msg_encrypted, 0x3c);
GV_LEN(gv_attrs_mixed, 33);

#define GV_P(name, type, ctx) { #name, name, sizeof(name), (type), (ctx) }

const struct gv_vec gv_payloads[] = {
	GV_P(gv_pl_sa_p1, ISAKMP_PL_SA, GDOI_CTX_PHASE1),
	GV_P(gv_pl_ke, ISAKMP_PL_KE, GDOI_CTX_PHASE1),
	GV_P(gv_pl_id_keyid, ISAKMP_PL_ID, GDOI_CTX_GDOI),
	GV_P(gv_pl_id_ipv4, ISAKMP_PL_ID, GDOI_CTX_PHASE1),
	GV_P(gv_pl_id_ipv4_subnet, ISAKMP_PL_ID, GDOI_CTX_PHASE1),
	GV_P(gv_pl_id_ipv6, ISAKMP_PL_ID, GDOI_CTX_PHASE1),
	GV_P(gv_pl_id_ipv4_range, ISAKMP_PL_ID, GDOI_CTX_PHASE1),
	GV_P(gv_pl_id_ipv6_subnet, ISAKMP_PL_ID, GDOI_CTX_PHASE1),
	GV_P(gv_pl_cert, ISAKMP_PL_CERT, GDOI_CTX_PHASE1),
	GV_P(gv_pl_cr, ISAKMP_PL_CR, GDOI_CTX_PHASE1),
	GV_P(gv_pl_hash, ISAKMP_PL_HASH, GDOI_CTX_GDOI),
	GV_P(gv_pl_sig, ISAKMP_PL_SIG, GDOI_CTX_GDOI),
	GV_P(gv_pl_nonce, ISAKMP_PL_NONCE, GDOI_CTX_GDOI),
	GV_P(gv_pl_n_initial_contact, ISAKMP_PL_N, GDOI_CTX_PHASE1),
	GV_P(gv_pl_n_data, ISAKMP_PL_N, GDOI_CTX_GDOI),
	GV_P(gv_pl_d_esp, ISAKMP_PL_D, GDOI_CTX_PHASE1),
	GV_P(gv_pl_d_kek, ISAKMP_PL_D, GDOI_CTX_GDOI),
	GV_P(gv_pl_vid, ISAKMP_PL_VID, GDOI_CTX_PHASE1),
	GV_P(gv_pl_sa_gdoi, ISAKMP_PL_SA, GDOI_CTX_GDOI),
	GV_P(gv_pl_kd, GDOI_PL_KD, GDOI_CTX_GDOI),
	GV_P(gv_pl_seq, GDOI_PL_SEQ, GDOI_CTX_GDOI),
};
const size_t gv_npayloads = sizeof(gv_payloads) / sizeof(gv_payloads[0]);

#define GV_M(name) { #name, name, sizeof(name), 0, 0 }

const struct gv_vec gv_messages[] = {
	GV_M(gv_msg_mm1),
	GV_M(gv_msg_mm1_doi2),
	GV_M(gv_msg_mm3),
	GV_M(gv_msg_mm5_plain),
	GV_M(gv_msg_pull1),
	GV_M(gv_msg_pull2),
	GV_M(gv_msg_pull4),
	GV_M(gv_msg_push),
	GV_M(gv_msg_info),
	GV_M(gv_msg_info2),
	GV_M(gv_msg_encrypted),
};
const size_t gv_nmessages = sizeof(gv_messages) / sizeof(gv_messages[0]);
