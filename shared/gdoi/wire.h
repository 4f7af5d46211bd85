/*
 * Wire numbers of ISAKMP (RFC 2408), the IPsec DOI (RFC 2407), IKEv1
 * (RFC 2409), GDOI (RFC 6407) and the GROUPKEY-PUSH acknowledgement
 * (RFC 8263).  Each table is written once, as an X-macro: the enum
 * constants and the name tables in names.c are both generated from it, so a
 * number and its name can never drift apart.
 *
 * Sources are cited per table.  Numbers that PROTOCOL-NOTES tagged
 * unverified were settled as noted beside them.
 */
#ifndef GDOI_WIRE_H
#define GDOI_WIRE_H

#define GDOI_UDP_PORT 848
#define ISAKMP_HDR_LEN 28
#define ISAKMP_GEN_HDR_LEN 4
#define ISAKMP_VERSION 0x10 /* major 1, minor 0 */
#define ISAKMP_COOKIE_LEN 8

/* Header flags, RFC 2408 3.1 */
#define ISAKMP_FLAG_E 0x01 /* encryption */
#define ISAKMP_FLAG_C 0x02 /* commit */
#define ISAKMP_FLAG_A 0x04 /* authentication only */

/* Domains of interpretation */
#define GDOI_DOI_ISAKMP 0
#define GDOI_DOI_IPSEC 1 /* RFC 2407 */
#define GDOI_DOI_GDOI 2  /* RFC 6407 2 */

/* Situations: IPsec DOI (RFC 2407 4.2); GDOI defines none (RFC 6407 5.1: 0) */
#define IPSEC_SIT_IDENTITY_ONLY 0x01
#define IPSEC_SIT_SECRECY 0x02
#define IPSEC_SIT_INTEGRITY 0x04
#define GDOI_SIT_NONE 0

#define GDOI_KEK_SPI_LEN 16 /* SA KEK SPI = ISAKMP I-cookie | R-cookie */
#define GDOI_TEK_SPI_LEN 4

/* Attribute Format bit: set = TV (basic, 2-octet value), clear = TLV */
#define ISAKMP_ATTR_AF 0x8000

#define GDOI_ENUM_ENTRY(sym, val, name) sym = (val),

/* Payload types: RFC 2408 3.1, RFC 3947 (NAT-D/OA), RFC 6407 5 (15-18, 22; read in the RFC's section 5 table),
 * RFC 3547 (19, deprecated by RFC 6407). */
#define GDOI_TAB_PAYLOAD(X)                                  \
	X(ISAKMP_PL_NONE, 0, "NONE")                         \
	X(ISAKMP_PL_SA, 1, "Security Association")           \
	X(ISAKMP_PL_P, 2, "Proposal")                        \
	X(ISAKMP_PL_T, 3, "Transform")                       \
	X(ISAKMP_PL_KE, 4, "Key Exchange")                   \
	X(ISAKMP_PL_ID, 5, "Identification")                 \
	X(ISAKMP_PL_CERT, 6, "Certificate")                  \
	X(ISAKMP_PL_CR, 7, "Certificate Request")            \
	X(ISAKMP_PL_HASH, 8, "Hash")                         \
	X(ISAKMP_PL_SIG, 9, "Signature")                     \
	X(ISAKMP_PL_NONCE, 10, "Nonce")                      \
	X(ISAKMP_PL_N, 11, "Notification")                   \
	X(ISAKMP_PL_D, 12, "Delete")                         \
	X(ISAKMP_PL_VID, 13, "Vendor ID")                    \
	X(GDOI_PL_SAK, 15, "SA KEK")                         \
	X(GDOI_PL_SAT, 16, "SA TEK")                         \
	X(GDOI_PL_KD, 17, "Key Download")                    \
	X(GDOI_PL_SEQ, 18, "Sequence Number")                \
	X(GDOI_PL_POP, 19, "Proof of Possession")            \
	X(ISAKMP_PL_NAT_D, 20, "NAT-D")                      \
	X(ISAKMP_PL_NAT_OA, 21, "NAT-OA")                    \
	X(GDOI_PL_GAP, 22, "Group Associated Policy")

/* Exchange types: RFC 2408 4.1, RFC 2409 (32 = Quick Mode in the IPsec DOI),
 * RFC 6407 3 and 4 (32, 33 in the GDOI DOI), RFC 8263 (ACK).  32 and 33
 * agree in gdoid, GoGDOI and DigiCert.  35 for the RFC 8263 ACK is NOT
 * verified: the RFC's IANA section could not be read here; it is only
 * named, nothing is built on it yet. */
#define GDOI_TAB_EXCHANGE(X)                                 \
	X(ISAKMP_EX_NONE, 0, "NONE")                         \
	X(ISAKMP_EX_BASE, 1, "Base")                         \
	X(ISAKMP_EX_MAIN, 2, "Identity Protection (Main Mode)") \
	X(ISAKMP_EX_AUTH_ONLY, 3, "Authentication Only")     \
	X(ISAKMP_EX_AGGRESSIVE, 4, "Aggressive")             \
	X(ISAKMP_EX_INFO, 5, "Informational")                \
	X(ISAKMP_EX_TRANSACTION, 6, "Transaction")           \
	X(GDOI_EX_PULL, 32, "GROUPKEY-PULL")                 \
	X(GDOI_EX_PUSH, 33, "GROUPKEY-PUSH")                 \
	X(GDOI_EX_PUSH_ACK, 35, "GROUPKEY-PUSH-ACK")

#define GDOI_TAB_DOI(X)                                      \
	X(GDOI_DOI_V_ISAKMP, 0, "ISAKMP")                    \
	X(GDOI_DOI_V_IPSEC, 1, "IPsec")                      \
	X(GDOI_DOI_V_GDOI, 2, "GDOI")

/* ISAKMP protocol identifiers in proposals, notify and delete (RFC 2407 4.4.1) */
#define GDOI_TAB_PROTO(X)                                    \
	X(ISAKMP_PROTO_ISAKMP, 1, "PROTO_ISAKMP")            \
	X(ISAKMP_PROTO_AH, 2, "PROTO_IPSEC_AH")              \
	X(ISAKMP_PROTO_ESP, 3, "PROTO_IPSEC_ESP")            \
	X(ISAKMP_PROTO_IPCOMP, 4, "PROTO_IPCOMP")

/* SA TEK Protocol-ID (RFC 6407 SA TEK payload; 3 from RFC 8052) */
#define GDOI_TAB_TEK_PROTO(X)                                \
	X(GDOI_TEK_PROTO_ESP, 1, "GDOI_PROTO_IPSEC_ESP")     \
	X(GDOI_TEK_PROTO_AH, 2, "GDOI_PROTO_IPSEC_AH")       \
	X(GDOI_TEK_PROTO_IEC61850, 3, "GDOI_PROTO_IEC61850")

/* Phase 1 transform ID (RFC 2407 4.4.2) */
#define GDOI_TAB_IKE_TRANSFORM(X) X(IKE_TRANSFORM_KEY_IKE, 1, "KEY_IKE")

/* Phase 1 SA attributes (RFC 2409 appendix A) */
#define GDOI_TAB_IKE_ATTR(X)                                 \
	X(IKE_ATTR_ENC, 1, "Encryption-Algorithm")           \
	X(IKE_ATTR_HASH, 2, "Hash-Algorithm")                \
	X(IKE_ATTR_AUTH, 3, "Authentication-Method")         \
	X(IKE_ATTR_GROUP, 4, "Group-Description")            \
	X(IKE_ATTR_GROUP_TYPE, 5, "Group-Type")              \
	X(IKE_ATTR_GROUP_PRIME, 6, "Group-Prime")            \
	X(IKE_ATTR_GROUP_GEN1, 7, "Group-Generator-One")     \
	X(IKE_ATTR_GROUP_GEN2, 8, "Group-Generator-Two")     \
	X(IKE_ATTR_GROUP_CURVE_A, 9, "Group-Curve-A")        \
	X(IKE_ATTR_GROUP_CURVE_B, 10, "Group-Curve-B")       \
	X(IKE_ATTR_LIFE_TYPE, 11, "Life-Type")               \
	X(IKE_ATTR_LIFE_DURATION, 12, "Life-Duration")       \
	X(IKE_ATTR_PRF, 13, "PRF")                           \
	X(IKE_ATTR_KEY_LENGTH, 14, "Key-Length")             \
	X(IKE_ATTR_FIELD_SIZE, 15, "Field-Size")             \
	X(IKE_ATTR_GROUP_ORDER, 16, "Group-Order")

#define GDOI_TAB_IKE_ENC(X)                                  \
	X(IKE_ENC_DES_CBC, 1, "DES-CBC")                     \
	X(IKE_ENC_IDEA_CBC, 2, "IDEA-CBC")                   \
	X(IKE_ENC_BLOWFISH_CBC, 3, "Blowfish-CBC")           \
	X(IKE_ENC_RC5_CBC, 4, "RC5-R16-B64-CBC")             \
	X(IKE_ENC_3DES_CBC, 5, "3DES-CBC")                   \
	X(IKE_ENC_CAST_CBC, 6, "CAST-CBC")                   \
	X(IKE_ENC_AES_CBC, 7, "AES-CBC")                     \
	X(IKE_ENC_CAMELLIA_CBC, 8, "CAMELLIA-CBC")

#define GDOI_TAB_IKE_HASH(X)                                 \
	X(IKE_HASH_MD5, 1, "MD5")                            \
	X(IKE_HASH_SHA1, 2, "SHA")                           \
	X(IKE_HASH_TIGER, 3, "Tiger")                        \
	X(IKE_HASH_SHA256, 4, "SHA2-256")                    \
	X(IKE_HASH_SHA384, 5, "SHA2-384")                    \
	X(IKE_HASH_SHA512, 6, "SHA2-512")

/* RFC 2409 A, RFC 4754 (ECDSA) */
#define GDOI_TAB_IKE_AUTH(X)                                 \
	X(IKE_AUTH_PSK, 1, "Pre-Shared Key")                 \
	X(IKE_AUTH_DSS, 2, "DSS Signatures")                 \
	X(IKE_AUTH_RSA_SIG, 3, "RSA Signatures")             \
	X(IKE_AUTH_RSA_ENC, 4, "Encryption with RSA")        \
	X(IKE_AUTH_RSA_REV_ENC, 5, "Revised Encryption with RSA") \
	X(IKE_AUTH_ECDSA_SHA256, 9, "ECDSA with SHA-256 on P-256") \
	X(IKE_AUTH_ECDSA_SHA384, 10, "ECDSA with SHA-384 on P-384") \
	X(IKE_AUTH_ECDSA_SHA512, 11, "ECDSA with SHA-512 on P-521")

/* Group descriptions: RFC 2409, RFC 3526 (MODP 14-18), RFC 5903 (ECP 19-21) */
#define GDOI_TAB_IKE_GROUP(X)                                \
	X(IKE_GROUP_MODP768, 1, "768-bit MODP group")        \
	X(IKE_GROUP_MODP1024, 2, "1024-bit MODP group")      \
	X(IKE_GROUP_MODP1536, 5, "1536-bit MODP group")      \
	X(IKE_GROUP_MODP2048, 14, "2048-bit MODP group")     \
	X(IKE_GROUP_MODP3072, 15, "3072-bit MODP group")     \
	X(IKE_GROUP_MODP4096, 16, "4096-bit MODP group")     \
	X(IKE_GROUP_MODP6144, 17, "6144-bit MODP group")     \
	X(IKE_GROUP_MODP8192, 18, "8192-bit MODP group")     \
	X(IKE_GROUP_ECP256, 19, "256-bit random ECP group")  \
	X(IKE_GROUP_ECP384, 20, "384-bit random ECP group")  \
	X(IKE_GROUP_ECP521, 21, "521-bit random ECP group")

#define GDOI_TAB_LIFE_TYPE(X)                                \
	X(IKE_LIFE_SECONDS, 1, "Seconds")                    \
	X(IKE_LIFE_KILOBYTES, 2, "Kilobytes")

/* IPsec DOI SA attributes (RFC 2407 4.5; 14 and 15 from RFC 6407's SA TEK
 * payload section, as Wireshark names them too) */
#define GDOI_TAB_IPSEC_ATTR(X)                               \
	X(IPSEC_ATTR_LIFE_TYPE, 1, "SA-Life-Type")           \
	X(IPSEC_ATTR_LIFE_DURATION, 2, "SA-Life-Duration")   \
	X(IPSEC_ATTR_GROUP_DESC, 3, "Group-Description")     \
	X(IPSEC_ATTR_ENCAP_MODE, 4, "Encapsulation-Mode")    \
	X(IPSEC_ATTR_AUTH_ALG, 5, "Authentication-Algorithm") \
	X(IPSEC_ATTR_KEY_LENGTH, 6, "Key-Length")            \
	X(IPSEC_ATTR_KEY_ROUNDS, 7, "Key-Rounds")            \
	X(IPSEC_ATTR_COMP_DICT_SIZE, 8, "Compress-Dictionary-Size") \
	X(IPSEC_ATTR_COMP_PRIV_ALG, 9, "Compress-Private-Algorithm") \
	X(IPSEC_ATTR_ECN_TUNNEL, 10, "ECN-Tunnel")           \
	X(IPSEC_ATTR_ESN, 11, "Extended-Sequence-Number")    \
	X(IPSEC_ATTR_AUTH_KEY_LENGTH, 12, "Authentication-Key-Length") \
	X(IPSEC_ATTR_SIG_ENC_ALG, 13, "Signature-Encoding-Algorithm") \
	X(IPSEC_ATTR_ADDR_PRESERVATION, 14, "Address-Preservation") \
	X(IPSEC_ATTR_SA_DIRECTION, 15, "SA-Direction")

#define GDOI_TAB_ENCAP(X)                                    \
	X(IPSEC_ENCAP_TUNNEL, 1, "Tunnel")                   \
	X(IPSEC_ENCAP_TRANSPORT, 2, "Transport")             \
	X(IPSEC_ENCAP_UDP_TUNNEL, 3, "UDP-Encapsulated-Tunnel") \
	X(IPSEC_ENCAP_UDP_TRANSPORT, 4, "UDP-Encapsulated-Transport")

/* IPsec authentication algorithms (RFC 2407 4.5, RFC 4868, RFC 4543) */
#define GDOI_TAB_IPSEC_AUTH(X)                               \
	X(IPSEC_AUTH_HMAC_MD5, 1, "HMAC-MD5")                \
	X(IPSEC_AUTH_HMAC_SHA1, 2, "HMAC-SHA")               \
	X(IPSEC_AUTH_DES_MAC, 3, "DES-MAC")                  \
	X(IPSEC_AUTH_KPDK, 4, "KPDK")                        \
	X(IPSEC_AUTH_HMAC_SHA256, 5, "HMAC-SHA2-256")        \
	X(IPSEC_AUTH_HMAC_SHA384, 6, "HMAC-SHA2-384")        \
	X(IPSEC_AUTH_HMAC_SHA512, 7, "HMAC-SHA2-512")        \
	X(IPSEC_AUTH_HMAC_RIPEMD, 8, "HMAC-RIPEMD")          \
	X(IPSEC_AUTH_AES_XCBC, 9, "AES-XCBC-MAC")            \
	X(IPSEC_AUTH_SIG_RSA, 10, "SIG-RSA")                 \
	X(IPSEC_AUTH_AES_128_GMAC, 11, "AES-128-GMAC")       \
	X(IPSEC_AUTH_AES_192_GMAC, 12, "AES-192-GMAC")       \
	X(IPSEC_AUTH_AES_256_GMAC, 13, "AES-256-GMAC")

/* ESP transform IDs (RFC 2407 4.4.4, RFC 3602, RFC 3686, RFC 4106, RFC 4543) */
#define GDOI_TAB_ESP_TRANSFORM(X)                            \
	X(ESP_T_DES_IV64, 1, "ESP_DES_IV64")                 \
	X(ESP_T_DES, 2, "ESP_DES")                           \
	X(ESP_T_3DES, 3, "ESP_3DES")                         \
	X(ESP_T_RC5, 4, "ESP_RC5")                           \
	X(ESP_T_IDEA, 5, "ESP_IDEA")                         \
	X(ESP_T_CAST, 6, "ESP_CAST")                         \
	X(ESP_T_BLOWFISH, 7, "ESP_BLOWFISH")                 \
	X(ESP_T_3IDEA, 8, "ESP_3IDEA")                       \
	X(ESP_T_DES_IV32, 9, "ESP_DES_IV32")                 \
	X(ESP_T_RC4, 10, "ESP_RC4")                          \
	X(ESP_T_NULL, 11, "ESP_NULL")                        \
	X(ESP_T_AES_CBC, 12, "ESP_AES-CBC")                  \
	X(ESP_T_AES_CTR, 13, "ESP_AES-CTR")                  \
	X(ESP_T_AES_CCM_8, 14, "ESP_AES-CCM_8")              \
	X(ESP_T_AES_CCM_12, 15, "ESP_AES-CCM_12")            \
	X(ESP_T_AES_CCM_16, 16, "ESP_AES-CCM_16")            \
	X(ESP_T_AES_GCM_8, 18, "ESP_AES-GCM_8")              \
	X(ESP_T_AES_GCM_12, 19, "ESP_AES-GCM_12")            \
	X(ESP_T_AES_GCM_16, 20, "ESP_AES-GCM_16")            \
	X(ESP_T_NULL_AUTH_AES_GMAC, 21, "ESP_NULL_AUTH_AES-GMAC")

/* AH transform IDs (RFC 2407 4.4.3, RFC 4868, RFC 4543) */
#define GDOI_TAB_AH_TRANSFORM(X)                             \
	X(AH_T_MD5, 2, "AH_MD5")                             \
	X(AH_T_SHA, 3, "AH_SHA")                             \
	X(AH_T_DES, 4, "AH_DES")                             \
	X(AH_T_SHA2_256, 5, "AH_SHA2-256")                   \
	X(AH_T_SHA2_384, 6, "AH_SHA2-384")                   \
	X(AH_T_SHA2_512, 7, "AH_SHA2-512")                   \
	X(AH_T_RIPEMD, 8, "AH_RIPEMD")                       \
	X(AH_T_AES_XCBC, 9, "AH_AES-XCBC-MAC")               \
	X(AH_T_RSA, 10, "AH_RSA")                            \
	X(AH_T_AES_128_GMAC, 11, "AH_AES-128-GMAC")          \
	X(AH_T_AES_192_GMAC, 12, "AH_AES-192-GMAC")          \
	X(AH_T_AES_256_GMAC, 13, "AH_AES-256-GMAC")

/* RFC 6407 (SA TEK payload) Address Preservation / SA Direction values */
#define GDOI_TAB_ADDR_PRESERVATION(X)                        \
	X(GDOI_AP_NONE, 1, "None")                           \
	X(GDOI_AP_SRC, 2, "Source-Only")                     \
	X(GDOI_AP_DST, 3, "Destination-Only")                \
	X(GDOI_AP_SRC_DST, 4, "Source-and-Destination")

#define GDOI_TAB_SA_DIRECTION(X)                             \
	X(GDOI_DIR_SENDER, 1, "Sender-Only")                 \
	X(GDOI_DIR_RECEIVER, 2, "Receiver-Only")             \
	X(GDOI_DIR_SYMMETRIC, 3, "Symmetric")

/*
 * SA KEK attributes (RFC 3547 5.3.1-5.3.9, kept by RFC 6407).  1-7 agree in
 * Wireshark-independent sources (gdoid, DigiCert's GDOI header, scapy).
 * 8 (KE_OAKLEY_GROUP) is RFC 3547's.  9, KEK_ACK_REQUESTED, is RFC 8263's;
 * its number could not be read from the RFC text here (only the abstract
 * of RFC 8263 was reachable): it stays a named constant, unverified, until
 * the rekey-ACK work checks it against the RFC or a Cisco capture.
 */
#define GDOI_TAB_KEK_ATTR(X)                                 \
	X(KEK_ATTR_MANAGEMENT_ALGORITHM, 1, "KEK_MANAGEMENT_ALGORITHM") \
	X(KEK_ATTR_ALGORITHM, 2, "KEK_ALGORITHM")            \
	X(KEK_ATTR_KEY_LENGTH, 3, "KEK_KEY_LENGTH")          \
	X(KEK_ATTR_KEY_LIFETIME, 4, "KEK_KEY_LIFETIME")      \
	X(KEK_ATTR_SIG_HASH_ALGORITHM, 5, "SIG_HASH_ALGORITHM") \
	X(KEK_ATTR_SIG_ALGORITHM, 6, "SIG_ALGORITHM")        \
	X(KEK_ATTR_SIG_KEY_LENGTH, 7, "SIG_KEY_LENGTH")      \
	X(KEK_ATTR_KE_OAKLEY_GROUP, 8, "KE_OAKLEY_GROUP")    \
	X(KEK_ATTR_ACK_REQUESTED, 9, "KEK_ACK_REQUESTED")

#define GDOI_TAB_KEK_MGMT(X) X(KEK_MGMT_LKH, 1, "LKH")

#define GDOI_TAB_KEK_ALG(X)                                  \
	X(KEK_ALG_DES, 1, "KEK_ALG_DES")                     \
	X(KEK_ALG_3DES, 2, "KEK_ALG_3DES")                   \
	X(KEK_ALG_AES, 3, "KEK_ALG_AES")

#define GDOI_TAB_SIG_HASH(X)                                 \
	X(SIG_HASH_MD5, 1, "SIG_HASH_MD5")                   \
	X(SIG_HASH_SHA1, 2, "SIG_HASH_SHA1")                 \
	X(SIG_HASH_SHA256, 3, "SIG_HASH_SHA256")             \
	X(SIG_HASH_SHA384, 4, "SIG_HASH_SHA384")             \
	X(SIG_HASH_SHA512, 5, "SIG_HASH_SHA512")

#define GDOI_TAB_SIG_ALG(X)                                  \
	X(SIG_ALG_RSA, 1, "SIG_ALG_RSA")                     \
	X(SIG_ALG_DSS, 2, "SIG_ALG_DSS")                     \
	X(SIG_ALG_ECDSS, 3, "SIG_ALG_ECDSS")                 \
	X(SIG_ALG_ECDSA_256, 4, "SIG_ALG_ECDSA-256")         \
	X(SIG_ALG_ECDSA_384, 5, "SIG_ALG_ECDSA-384")         \
	X(SIG_ALG_ECDSA_521, 6, "SIG_ALG_ECDSA-521")

/* GAP attributes (RFC 6407 Group Associated Policy payload) */
#define GDOI_TAB_GAP_ATTR(X)                                 \
	X(GAP_ATTR_ACTIVATION_TIME_DELAY, 1, "ACTIVATION_TIME_DELAY") \
	X(GAP_ATTR_DEACTIVATION_TIME_DELAY, 2, "DEACTIVATION_TIME_DELAY") \
	X(GAP_ATTR_SENDER_ID_REQUEST, 3, "SENDER_ID_REQUEST")

/* Key Download key packet types (RFC 6407 Key Download payload) */
#define GDOI_TAB_KD_TYPE(X)                                  \
	X(KD_TYPE_TEK, 1, "TEK")                             \
	X(KD_TYPE_KEK, 2, "KEK")                             \
	X(KD_TYPE_LKH, 3, "LKH")                             \
	X(KD_TYPE_SID, 4, "SID")

#define GDOI_TAB_TEK_KEY_ATTR(X)                             \
	X(TEK_KEY_ALGORITHM_KEY, 1, "TEK_ALGORITHM_KEY")     \
	X(TEK_KEY_INTEGRITY_KEY, 2, "TEK_INTEGRITY_KEY")     \
	X(TEK_KEY_SOURCE_AUTH_KEY, 3, "TEK_SOURCE_AUTH_KEY")

#define GDOI_TAB_KEK_KEY_ATTR(X)                             \
	X(KEK_KEY_ALGORITHM_KEY, 1, "KEK_ALGORITHM_KEY")     \
	X(KEK_KEY_SIG_ALGORITHM_KEY, 2, "SIG_ALGORITHM_KEY")

#define GDOI_TAB_LKH_ATTR(X)                                 \
	X(LKH_ATTR_DOWNLOAD_ARRAY, 1, "LKH_DOWNLOAD_ARRAY")  \
	X(LKH_ATTR_UPDATE_ARRAY, 2, "LKH_UPDATE_ARRAY")      \
	X(LKH_ATTR_SIG_ALGO_KEY, 3, "LKH_SIG_ALGO_KEY")

#define GDOI_TAB_SID_ATTR(X)                                 \
	X(SID_ATTR_NUMBER_OF_SID_BITS, 1, "NUMBER_OF_SID_BITS") \
	X(SID_ATTR_SID_VALUE, 2, "SID_VALUE")

/* Notify message types: RFC 2408 3.14.1 (errors 1-30, CONNECTED 16384),
 * RFC 2407 4.6.3 (24576-24578), RFC 3706 (DPD). */
#define GDOI_TAB_NOTIFY(X)                                   \
	X(N_INVALID_PAYLOAD_TYPE, 1, "INVALID-PAYLOAD-TYPE") \
	X(N_DOI_NOT_SUPPORTED, 2, "DOI-NOT-SUPPORTED")       \
	X(N_SITUATION_NOT_SUPPORTED, 3, "SITUATION-NOT-SUPPORTED") \
	X(N_INVALID_COOKIE, 4, "INVALID-COOKIE")             \
	X(N_INVALID_MAJOR_VERSION, 5, "INVALID-MAJOR-VERSION") \
	X(N_INVALID_MINOR_VERSION, 6, "INVALID-MINOR-VERSION") \
	X(N_INVALID_EXCHANGE_TYPE, 7, "INVALID-EXCHANGE-TYPE") \
	X(N_INVALID_FLAGS, 8, "INVALID-FLAGS")               \
	X(N_INVALID_MESSAGE_ID, 9, "INVALID-MESSAGE-ID")     \
	X(N_INVALID_PROTOCOL_ID, 10, "INVALID-PROTOCOL-ID")  \
	X(N_INVALID_SPI, 11, "INVALID-SPI")                  \
	X(N_INVALID_TRANSFORM_ID, 12, "INVALID-TRANSFORM-ID") \
	X(N_ATTRIBUTES_NOT_SUPPORTED, 13, "ATTRIBUTES-NOT-SUPPORTED") \
	X(N_NO_PROPOSAL_CHOSEN, 14, "NO-PROPOSAL-CHOSEN")    \
	X(N_BAD_PROPOSAL_SYNTAX, 15, "BAD-PROPOSAL-SYNTAX")  \
	X(N_PAYLOAD_MALFORMED, 16, "PAYLOAD-MALFORMED")      \
	X(N_INVALID_KEY_INFORMATION, 17, "INVALID-KEY-INFORMATION") \
	X(N_INVALID_ID_INFORMATION, 18, "INVALID-ID-INFORMATION") \
	X(N_INVALID_CERT_ENCODING, 19, "INVALID-CERT-ENCODING") \
	X(N_INVALID_CERTIFICATE, 20, "INVALID-CERTIFICATE")  \
	X(N_CERT_TYPE_UNSUPPORTED, 21, "CERT-TYPE-UNSUPPORTED") \
	X(N_INVALID_CERT_AUTHORITY, 22, "INVALID-CERT-AUTHORITY") \
	X(N_INVALID_HASH_INFORMATION, 23, "INVALID-HASH-INFORMATION") \
	X(N_AUTHENTICATION_FAILED, 24, "AUTHENTICATION-FAILED") \
	X(N_INVALID_SIGNATURE, 25, "INVALID-SIGNATURE")      \
	X(N_ADDRESS_NOTIFICATION, 26, "ADDRESS-NOTIFICATION") \
	X(N_NOTIFY_SA_LIFETIME, 27, "NOTIFY-SA-LIFETIME")    \
	X(N_CERTIFICATE_UNAVAILABLE, 28, "CERTIFICATE-UNAVAILABLE") \
	X(N_UNSUPPORTED_EXCHANGE_TYPE, 29, "UNSUPPORTED-EXCHANGE-TYPE") \
	X(N_UNEQUAL_PAYLOAD_LENGTHS, 30, "UNEQUAL-PAYLOAD-LENGTHS") \
	X(N_CONNECTED, 16384, "CONNECTED")                   \
	X(N_RESPONDER_LIFETIME, 24576, "RESPONDER-LIFETIME") \
	X(N_REPLAY_STATUS, 24577, "REPLAY-STATUS")           \
	X(N_INITIAL_CONTACT, 24578, "INITIAL-CONTACT")       \
	X(N_R_U_THERE, 36136, "R-U-THERE")                   \
	X(N_R_U_THERE_ACK, 36137, "R-U-THERE-ACK")

/* Identification types (RFC 2407 4.6.2.1; ID_OID from RFC 8052) */
#define GDOI_TAB_ID_TYPE(X)                                  \
	X(ID_IPV4_ADDR, 1, "ID_IPV4_ADDR")                   \
	X(ID_FQDN, 2, "ID_FQDN")                             \
	X(ID_USER_FQDN, 3, "ID_USER_FQDN")                   \
	X(ID_IPV4_ADDR_SUBNET, 4, "ID_IPV4_ADDR_SUBNET")     \
	X(ID_IPV6_ADDR, 5, "ID_IPV6_ADDR")                   \
	X(ID_IPV6_ADDR_SUBNET, 6, "ID_IPV6_ADDR_SUBNET")     \
	X(ID_IPV4_ADDR_RANGE, 7, "ID_IPV4_ADDR_RANGE")       \
	X(ID_IPV6_ADDR_RANGE, 8, "ID_IPV6_ADDR_RANGE")       \
	X(ID_DER_ASN1_DN, 9, "ID_DER_ASN1_DN")               \
	X(ID_DER_ASN1_GN, 10, "ID_DER_ASN1_GN")              \
	X(ID_KEY_ID, 11, "ID_KEY_ID")                        \
	X(ID_OID, 13, "ID_OID")

/* Certificate encodings (RFC 2408 3.9) */
#define GDOI_TAB_CERT_ENC(X)                                 \
	X(CERT_PKCS7, 1, "PKCS #7 wrapped X.509 certificate") \
	X(CERT_PGP, 2, "PGP Certificate")                    \
	X(CERT_DNS, 3, "DNS Signed Key")                     \
	X(CERT_X509_SIG, 4, "X.509 Certificate - Signature") \
	X(CERT_X509_KE, 5, "X.509 Certificate - Key Exchange") \
	X(CERT_KERBEROS, 6, "Kerberos Tokens")               \
	X(CERT_CRL, 7, "Certificate Revocation List (CRL)")  \
	X(CERT_ARL, 8, "Authority Revocation List (ARL)")    \
	X(CERT_SPKI, 9, "SPKI Certificate")                  \
	X(CERT_X509_ATTR, 10, "X.509 Certificate - Attribute")

/* Name spaces, one per table above. */
enum gdoi_ns {
	GDOI_NS_PAYLOAD,
	GDOI_NS_EXCHANGE,
	GDOI_NS_DOI,
	GDOI_NS_PROTO,
	GDOI_NS_TEK_PROTO,
	GDOI_NS_IKE_TRANSFORM,
	GDOI_NS_IKE_ATTR,
	GDOI_NS_IKE_ENC,
	GDOI_NS_IKE_HASH,
	GDOI_NS_IKE_AUTH,
	GDOI_NS_IKE_GROUP,
	GDOI_NS_LIFE_TYPE,
	GDOI_NS_IPSEC_ATTR,
	GDOI_NS_ENCAP,
	GDOI_NS_IPSEC_AUTH,
	GDOI_NS_ESP_TRANSFORM,
	GDOI_NS_AH_TRANSFORM,
	GDOI_NS_ADDR_PRESERVATION,
	GDOI_NS_SA_DIRECTION,
	GDOI_NS_KEK_ATTR,
	GDOI_NS_KEK_MGMT,
	GDOI_NS_KEK_ALG,
	GDOI_NS_SIG_HASH,
	GDOI_NS_SIG_ALG,
	GDOI_NS_GAP_ATTR,
	GDOI_NS_KD_TYPE,
	GDOI_NS_TEK_KEY_ATTR,
	GDOI_NS_KEK_KEY_ATTR,
	GDOI_NS_LKH_ATTR,
	GDOI_NS_SID_ATTR,
	GDOI_NS_NOTIFY,
	GDOI_NS_ID_TYPE,
	GDOI_NS_CERT_ENC,
	GDOI_NS__COUNT
};

enum { GDOI_TAB_PAYLOAD(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_EXCHANGE(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_DOI(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_PROTO(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_TEK_PROTO(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_IKE_TRANSFORM(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_IKE_ATTR(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_IKE_ENC(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_IKE_HASH(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_IKE_AUTH(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_IKE_GROUP(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_LIFE_TYPE(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_IPSEC_ATTR(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_ENCAP(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_IPSEC_AUTH(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_ESP_TRANSFORM(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_AH_TRANSFORM(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_ADDR_PRESERVATION(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_SA_DIRECTION(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_KEK_ATTR(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_KEK_MGMT(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_KEK_ALG(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_SIG_HASH(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_SIG_ALG(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_GAP_ATTR(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_KD_TYPE(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_TEK_KEY_ATTR(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_KEK_KEY_ATTR(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_LKH_ATTR(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_SID_ATTR(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_NOTIFY(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_ID_TYPE(GDOI_ENUM_ENTRY) };
enum { GDOI_TAB_CERT_ENC(GDOI_ENUM_ENTRY) };

#endif
