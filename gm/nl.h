/*
 * Netlink helpers shared by the XFRM (xfrm.c) and nftables (nft.c)
 * modules.
 */
#ifndef GDOI_GM_NL_H
#define GDOI_GM_NL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mnl_socket;
struct nlmsghdr;
struct nlmsgerr;

/**
 * A netlink socket of bus (NETLINK_XFRM, NETLINK_NETFILTER) for requests:
 * bound, extended ACKs on, capped ACKs (the kernel does not echo the
 * request, so no keys come back), a 2 s receive timeout.  Its port id
 * into *portid.  NULL on failure, logged as "netlink NAME socket/bind:
 * ..." under mnemonic mnem (errno kept).
 */
struct mnl_socket *gdoi_nl_open(int bus, const char *mnem, const char *name,
    uint32_t *portid);

/**
 * One datagram into buf[0..cap) (flags: 0 or MSG_DONTWAIT); its length,
 * or -1 with errno: the receive's, or EMSGSIZE when the datagram was
 * larger than cap (MSG_TRUNC: the excess is lost, never read as data).
 */
ssize_t gdoi_nl_recv(struct mnl_socket *nl, void *buf, size_t cap, int flags);

/**
 * The nlmsgerr of nlh when it is a complete NLMSG_ERROR (an ACK) sent to
 * portid, else NULL.  nlh must lie within its buffer (mnl_nlmsg_ok).
 */
const struct nlmsgerr *gdoi_nl_err(const struct nlmsghdr *nlh, uint32_t portid);

/**
 * The kernel's extended-ACK text (NLMSGERR_ATTR_MSG) of an NLMSG_ERROR
 * into buf[0..cap), "" if it has none.  Bounded by the message length;
 * works with capped (NETLINK_CAP_ACK) and full ACKs.
 */
void gdoi_nl_ext_ack(const struct nlmsghdr *nlh, char *buf, size_t cap);

#endif
