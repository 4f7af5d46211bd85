/*
 * Configuration: one XML format for gdoi-ks and gdoi-gm, validated with
 * libxml2 against the RelaxNG schema shared/gdoi.rng (compiled into the
 * library and installed as $(datadir)/gdoi/gdoi.rng).
 *
 * Loading is all or nothing: gdoi_conf_load() parses, validates against
 * the schema, then checks what a schema cannot say (references between
 * names, addresses, prefix lengths, key lengths, duplicate names, lifetime
 * ranges).  The first error is reported as "file:line: reason" and nothing
 * is returned, so a daemon reloading on SIGHUP keeps its running config.
 *
 * The vocabulary follows IOS GETVPN (crypto isakmp policy / key, crypto
 * ipsec transform-set and profile, ip access-list extended, crypto gdoi
 * group with identity number, server local / server address, rekey ...,
 * sa ipsec N with profile and match address).  See etc/ks.xml and
 * etc/gm1.xml for complete examples, and gdoi.xml(5).
 *
 * Everything is owned by struct gdoi_conf and freed (secrets wiped) by
 * gdoi_conf_free().
 */
#ifndef GDOI_CONFIG_H
#define GDOI_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "gdoi/p1.h"
#include "gdoi/policy.h"

#define GDOI_CONF_NAME_MAX 64

/** crypto isakmp key SECRET address A [MASK] (0.0.0.0/0 = any peer). */
struct gdoi_conf_psk {
	uint8_t ck_af;              /**< 4 or 6 */
	uint8_t ck_addr[16];
	uint8_t ck_plen;            /**< 32 (or 128) for one host, 0 for any */
	uint8_t *ck_secret;         /**< owned, wiped on free */
	size_t ck_secretlen;
	unsigned ck_line;
};

/** An authorization entry of a KS group: who may register. */
enum gdoi_authz_type {
	GDOI_AUTHZ_ADDRESS = 1,     /**< Phase 1 ID_IPV4_ADDR/ID_IPV6_ADDR inside prefix */
	GDOI_AUTHZ_FQDN,            /**< ID_FQDN equal (case-insensitive) */
	GDOI_AUTHZ_USER_FQDN,       /**< ID_USER_FQDN equal */
	GDOI_AUTHZ_DN,              /**< ID_DER_ASN1_DN / certificate subject equal (RFC 4514 text) */
	GDOI_AUTHZ_KEY_ID,          /**< ID_KEY_ID equal (octets of the text) */
};
struct gdoi_conf_authz {
	enum gdoi_authz_type az_type;
	uint8_t az_af;
	uint8_t az_addr[16];
	uint8_t az_plen;
	char *az_name;              /**< FQDN, DN text or key id; owned */
	unsigned az_line;
};

/** ip access-list extended NAME. */
struct gdoi_conf_acl {
	char acl_name[GDOI_CONF_NAME_MAX];
	struct gdoi_ace *acl_e;     /**< owned */
	size_t acl_n;
	unsigned acl_line;
};

/** crypto ipsec profile NAME (set transform-set, set security-association lifetime). */
struct gdoi_conf_profile {
	char pr_name[GDOI_CONF_NAME_MAX];
	struct gdoi_tek_xform pr_x;
	uint32_t pr_life_s;         /**< default 3600 */
	unsigned pr_line;
};

/** sa ipsec N: profile + match address. */
struct gdoi_conf_sa {
	unsigned sa_seq;            /**< N, entries sorted by it */
	size_t sa_profile;          /**< index into gdoi_conf.c_profile */
	size_t sa_acl;              /**< index into gdoi_conf.c_acl */
};

/** The rekey block of a KS group (server local). */
struct gdoi_conf_rekey {
	uint8_t rk_multicast;       /**< rekey address given: multicast, else unicast */
	uint8_t rk_af;
	uint8_t rk_addr[16];        /**< multicast group address */
	uint32_t rk_life_s;         /**< rekey lifetime seconds, default 86400 */
	uint32_t rk_retx_interval;  /**< seconds, default 10 */
	uint32_t rk_retx_count;     /**< default 2 */
	uint16_t rk_keybits;        /**< rekey algorithm aes N: 128/192/256, default 128 */
	uint8_t rk_sig_hash;        /**< SIG_HASH_SHA256 default, or SHA1 */
	char *rk_key_path;          /**< rekey authentication key: RSA PEM path (created if absent) */
	uint16_t rk_key_bits;       /**< modulus for a generated key, default 2048 */
	uint8_t rk_ack;             /**< rekey acknowledgement requested (RFC 8263), unicast only */
	uint8_t rk_ttl;             /**< multicast rekey TTL, default 16 */
	uint8_t rk_legacy;          /**< kek-rekey at-expiry: old-IOS KEK rekey timing */
};

/** crypto gdoi group NAME. */
struct gdoi_conf_group {
	char g_name[GDOI_CONF_NAME_MAX];
	uint32_t g_identity;        /**< identity number */
	uint8_t g_server_local;     /**< 1 on a KS */
	/* KS (server local): */
	uint8_t g_local_af;         /**< address ipv4|ipv6 A: source of rekeys */
	uint8_t g_local_addr[16];
	struct gdoi_conf_rekey g_rekey;
	struct gdoi_conf_sa *g_sa;  /**< owned, sorted by sa_seq */
	size_t g_nsa;
	struct gdoi_conf_authz *g_authz; /**< owned; none = every authenticated peer */
	size_t g_nauthz;
	uint8_t g_sid_bits;         /**< sender-id bits for GCM TEKs, default 8 */
	/* GM (server address ...): */
	struct {
		uint8_t sv_af;
		uint8_t sv_addr[16];
	} *g_server;                /**< owned, in preference order */
	size_t g_nserver;
	uint8_t g_gm_sid_request;   /**< GM: ask for sender IDs (default 1) */
	uint8_t g_gm_naive;         /**< GM: kek-reregistration naive (lab comparison) */
	unsigned g_line;
};

struct gdoi_conf {
	char *c_file;               /**< path as given */
	/* crypto isakmp */
	struct gdoi_p1_policy *c_ike;    /**< owned, sorted by priority */
	size_t c_nike;
	struct gdoi_conf_psk *c_psk;     /**< owned */
	size_t c_npsk;
	char *c_cert_key, *c_cert, *c_cert_ca; /**< PEM paths, or NULL */
	struct gdoi_id c_local_id;       /**< type 0 = default (our address / cert DN); data owned */
	/* crypto ipsec / access lists */
	struct gdoi_conf_acl *c_acl;
	size_t c_nacl;
	struct gdoi_conf_profile *c_profile;
	size_t c_nprofile;
	/* crypto gdoi group */
	struct gdoi_conf_group *c_group;
	size_t c_ngroup;
	/* daemon settings (command-line options override) */
	char *c_ctl_socket;         /**< control socket path, or NULL */
	char *c_ctl_group;          /**< group that may use it besides root, or NULL */
	char *c_pid_file;
	char *c_state_dir;          /**< KS: persistent state (keys, SEQ) */
	char *c_keylog;             /**< Phase 1 keylog, NULL = off */
	struct {
		uint8_t la_af;
		uint8_t la_addr[16];
	} *c_listen;                /**< KS: listen addresses (none = 0.0.0.0 and ::) */
	size_t c_nlisten;
	uint16_t c_port;            /**< UDP port, default 848 */
	int c_dh_workers;           /**< KS: DH precomputation threads, -1 = as many as CPUs - 1 */
	/* GM: the kernel datapath (<datapath>); off when the element is absent */
	struct gdoi_conf_dp {
		uint8_t dp_on;          /**< the element is there */
		uint8_t dp_xfrm;        /**< program XFRM (default true) */
		uint8_t dp_local_af;    /**< 0: the address used toward the KS */
		uint8_t dp_local[16];   /**< inbound ESP is addressed to this */
		uint32_t dp_switch_s;   /**< outbound moves to a new TEK this long before the old expires */
		uint32_t dp_reqid;      /**< first XFRM reqid of ours */
		uint32_t dp_priority;   /**< first XFRM policy priority of ours */
		uint32_t dp_mark, dp_mask; /**< XFRM mark (mask 0: none) */
		char dp_ifname[16];     /**< WAN interface ("": the one holding the local address) */
		uint32_t dp_wan_mark;   /**< skb mark bit(s) of WAN arrivals (in/fwd policies) */
		char dp_table[32];      /**< nftables table (address preservation) */
		char *dp_esp_keylog;    /**< ESP SAs in Wireshark's esp_sa format, NULL = off */
		unsigned dp_line;
	} c_dp;
};
#define GDOI_DP_SWITCH_DEF 30u   /**< IOS-like: new TEK outbound 30 s before the old expires */
#define GDOI_DP_REQID_DEF 0x4744u
#define GDOI_DP_PRIORITY_DEF 1000u
#define GDOI_DP_WAN_MARK_DEF 0x40000000u

/**
 * Load, validate and check path.  On success *out is the config (caller
 * frees).  On failure returns a negative gdoi_err, *out is NULL and err
 * holds "path:line: reason" (NUL-terminated, truncated to errcap).
 */
int gdoi_conf_load(const char *path, struct gdoi_conf **out, char *err, size_t errcap);
/** The same from memory (name is used in messages). */
int gdoi_conf_load_mem(const char *name, const char *xml, size_t len, struct gdoi_conf **out,
    char *err, size_t errcap);
void gdoi_conf_free(struct gdoi_conf *c);

/** The RelaxNG schema text compiled into the library (NUL-terminated). */
extern const char gdoi_conf_schema[];

/** Pre-shared key for a peer address: longest-prefix match over c_psk. */
const struct gdoi_conf_psk *gdoi_conf_psk_find(const struct gdoi_conf *c, const uint8_t *addr,
    uint8_t af);
/** gdoi_p1_psk_fn over a struct gdoi_conf (arg). */
int gdoi_conf_psk_lookup(void *arg, const struct gdoi_p1_peer *peer, uint8_t *psk, size_t cap,
    size_t *len);
/** Group by name / identity number (NULL if none). */
const struct gdoi_conf_group *gdoi_conf_group_by_name(const struct gdoi_conf *c, const char *n);
const struct gdoi_conf_group *gdoi_conf_group_by_id(const struct gdoi_conf *c, uint32_t id);
/**
 * Authorization: 1 if the Phase 1 identity id (and, with certificates,
 * the peer certificate's subject DN in RFC 4514 text, or NULL) may
 * register in g; 0 if not.  A group without entries admits everyone.
 */
int gdoi_conf_authorized(const struct gdoi_conf_group *g, const struct gdoi_id *id,
    const char *cert_dn);

#endif
