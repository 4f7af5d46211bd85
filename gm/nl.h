/*
 * Netlink helpers shared by the XFRM (xfrm.c) and nftables (nft.c)
 * modules.
 */
#ifndef GDOI_GM_NL_H
#define GDOI_GM_NL_H

#include <stddef.h>

struct nlmsghdr;

/**
 * The kernel's extended-ACK text (NLMSGERR_ATTR_MSG) of an NLMSG_ERROR
 * into buf[0..cap), "" if it has none.  Bounded by the message length;
 * works with capped (NETLINK_CAP_ACK) and full ACKs.
 */
void gdoi_nl_ext_ack(const struct nlmsghdr *nlh, char *buf, size_t cap);

#endif
