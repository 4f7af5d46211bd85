/*
 * nftables part of the group member's address-preservation datapath,
 * over NETLINK_NETFILTER with libnftnl (messages) and libmnl (socket).
 *
 * GETVPN's ESP tunnel mode keeps the inner hosts' addresses in the outer
 * header.  Linux XFRM decrypts only ESP addressed to a local address and
 * builds the outer header from the SA's fixed addresses, so one table
 * (family ip, name cfg.nc_table) fixes both directions up:
 *
 *   set spi    key 4 octets, network order (the SPI as on the wire); the
 *              group's SPIs (gdoi_nft_spi_add/_del).
 *   chain pre  filter, prerouting, priority -300 (before conntrack):
 *              ESP whose SPI is in @spi gets daddr := nc_local, so the
 *              inbound SA (daddr nc_local) decrypts it.
 *                meta l4proto 50, @th,0,32 in @spi, counter,
 *                @nh,128,32 := nc_local (IPv4 header checksum fixed up)
 *   chain stash filter, postrouting, priority -300: plaintext that our
 *              SA (reqid nc_reqid) will encrypt keeps its daddr in
 *              skb->mark and its saddr in skb->priority.
 *                xfrm out 0 reqid == nc_reqid, counter,
 *                mark := @nh,128,32, priority := @nh,96,32
 *   chain outer route, output, priority -150: the encrypted packet
 *              (ESP, SPI in @spi, mark != 0) gets daddr := mark, saddr :=
 *              priority (checksum fixed up), then mark := priority := 0;
 *              a route chain re-routes the packet when daddr, saddr or
 *              mark change.
 *   chain wan  filter, prerouting, priority -350 (before pre), only when
 *              nc_wan_ifindex and nc_wan_mark are both set: every packet
 *              arriving on the WAN interface gets mark |= W (W =
 *              nc_wan_mark), other mark bits kept.  The GM's XFRM in/fwd
 *              policies carry mark W/W, so they apply to WAN arrivals
 *              only (a policy selector cannot match an input interface);
 *              the decrypted inner packet re-enters prerouting with the
 *              same iif and is marked again.
 *                meta iif == nc_wan_ifindex, counter,
 *                mark := (mark & ~W) ^ W
 *
 * Every rule has one counter (gdoi_nft_counters).  The SPI set stores
 * what the kernel sees on the wire: uint32 host order in this API,
 * big-endian in the set.  Registers: NFT_REG_1 throughout.
 *
 * Each call is one nfnetlink transaction (batch begin .. end, atomic):
 * every message between begin and end carries NLM_F_ACK and every ACK is
 * read back (an error against batch begin fails the lot); an error is
 * logged as "%GDOI-4-NFT: ..." with the message, errno and the kernel's
 * extended-ACK text, and the call returns -1 with errno set to it.
 *
 * The builders (gdoi_nft_build_*) make the same transactions without a
 * socket, for check_nft.
 */
#ifndef GDOI_GM_NFT_H
#define GDOI_GM_NFT_H

#include <stddef.h>
#include <stdint.h>

#define GDOI_NFT_TABLE "gdoi_gm"   /**< default table name */
#define GDOI_NFT_SPI_MAX 1024      /**< SPIs per gdoi_nft_spi_add/_del call */

/** Chains, in the order of gdoi_nft_counters(). */
#define GDOI_NFT_PRE 0
#define GDOI_NFT_STASH 1
#define GDOI_NFT_OUTER 2
#define GDOI_NFT_WAN 3              /**< absent unless nc_wan_ifindex and nc_wan_mark */
#define GDOI_NFT_NCHAIN 4

struct gdoi_nft_cfg {
	char nc_table[32];      /**< table name, NUL-terminated, not empty */
	uint32_t nc_reqid;      /**< reqid of our SAs (host order) */
	uint32_t nc_local;      /**< local IPv4 address L, network order */
	uint32_t nc_wan_ifindex; /**< WAN interface index; 0: no chain wan */
	uint32_t nc_wan_mark;   /**< mark bits W set on WAN arrivals; 0: no chain wan */
};

/** The socket and its state (opaque). */
struct gdoi_nft;

/**
 * Open a NETLINK_NETFILTER socket (extended ACKs on, 2 s receive
 * timeout).  cfg is copied.  NULL with errno set on failure (EINVAL: bad
 * cfg), logged.
 */
struct gdoi_nft *gdoi_nft_open(const struct gdoi_nft_cfg *cfg);
/** Close; NULL is a no-op.  The table stays (gdoi_nft_remove). */
void gdoi_nft_close(struct gdoi_nft *n);

/**
 * One transaction: delete our table if present, then add the table, the
 * set (empty), the chains (pre, stash, outer, then wan if configured) and
 * their rules.  Running it again
 * replaces everything (the set is emptied: add the SPIs again).  0 or -1.
 */
int gdoi_nft_install(struct gdoi_nft *n);
/** Add SPIs to @spi in one transaction; one already there is no error.  0 or -1. */
int gdoi_nft_spi_add(struct gdoi_nft *n, const uint32_t *spi, size_t count);
/**
 * Delete SPIs from @spi.  One transaction; if an SPI is not in the set
 * (ENOENT aborts the transaction) the SPIs are deleted one by one, the
 * missing ones ignored.  0 or -1.
 */
int gdoi_nft_spi_del(struct gdoi_nft *n, const uint32_t *spi, size_t count);
/** Delete our table; no table is no error.  0 or -1. */
int gdoi_nft_remove(struct gdoi_nft *n);
/**
 * Packets counted by the rules of pre, stash, outer and wan
 * (GDOI_NFT_PRE..GDOI_NFT_WAN), read back by dumping the table's rules.
 * pkts[GDOI_NFT_WAN] is 0 when the wan chain is not configured (cfg).
 * -1 (ENOENT) if a chain that install creates has no counter rule, e.g.
 * no table.
 */
int gdoi_nft_counters(struct gdoi_nft *n, uint64_t pkts[GDOI_NFT_NCHAIN]);

/* ---- builders (no socket) ---- */

/** A built transaction: the messages from batch begin to batch end. */
struct gdoi_nft_batch;

#define GDOI_NFT_OP_ADD 0
#define GDOI_NFT_OP_DEL 1

/**
 * Build the transaction of gdoi_nft_install (seq: batch begin, then one
 * more per message).  NULL with errno EINVAL (cfg) or ENOMEM.
 */
struct gdoi_nft_batch *gdoi_nft_build_install(const struct gdoi_nft_cfg *cfg, uint32_t seq);
/** NEWSETELEM (op ADD) or DELSETELEM (op DEL) of spi[0..count), 64 per message. */
struct gdoi_nft_batch *gdoi_nft_build_spi(const struct gdoi_nft_cfg *cfg, uint32_t seq, int op,
    const uint32_t *spi, size_t count);
/** DELTABLE of our table. */
struct gdoi_nft_batch *gdoi_nft_build_remove(const struct gdoi_nft_cfg *cfg, uint32_t seq);
void gdoi_nft_batch_free(struct gdoi_nft_batch *b);
/** The messages (borrowed) and their total length. */
const void *gdoi_nft_batch_data(const struct gdoi_nft_batch *b, size_t *len);
/** Messages between batch begin and end (the ones that are ACKed). */
size_t gdoi_nft_batch_count(const struct gdoi_nft_batch *b);

#endif
