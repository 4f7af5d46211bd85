/*
 * nl.c: netlink helpers shared by xfrm.c and nft.c (see nl.h).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "gdoi/log.h"
#include "nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

struct mnl_socket *
gdoi_nl_open(int bus, const char *mnem, const char *name, uint32_t *portid)
{
	struct mnl_socket *nl;
	struct timeval tv = { .tv_sec = 2 };
	int one = 1, err;

	if ((nl = mnl_socket_open(bus)) == NULL) {
		gdoi_log("GDOI", GDOI_LOG_ERR, mnem, "netlink %s socket: %s", name, strerror(errno));
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		gdoi_log("GDOI", GDOI_LOG_ERR, mnem, "netlink %s bind: %s", name, strerror(err));
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	(void)mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*portid = mnl_socket_get_portid(nl);
	return nl;
}

ssize_t
gdoi_nl_recv(struct mnl_socket *nl, void *buf, size_t cap, int flags)
{
	ssize_t n = recv(mnl_socket_get_fd(nl), buf, cap, MSG_TRUNC | flags);

	if (n > 0 && (size_t)n > cap) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

const struct nlmsgerr *
gdoi_nl_err(const struct nlmsghdr *nlh, uint32_t portid)
{
	if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != portid ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr))
		return NULL;
	return mnl_nlmsg_get_payload(nlh);
}

void
gdoi_nl_ext_ack(const struct nlmsghdr *nlh, char *buf, size_t cap)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const uint8_t *p = (const uint8_t *)e;
	size_t plen = nlh->nlmsg_len - MNL_NLMSG_HDRLEN, off = sizeof(*e);
	const struct nlattr *a;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < MNL_NLMSG_HDRLEN ||
	    plen < sizeof(*e))
		return;
	/* without NLM_F_CAPPED the request is echoed before the TLVs: its
	 * length is checked against what is left before it is skipped */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < MNL_NLMSG_HDRLEN ||
		    e->msg.nlmsg_len - MNL_NLMSG_HDRLEN > plen - off)
			return;
		off += MNL_ALIGN(e->msg.nlmsg_len - MNL_NLMSG_HDRLEN);
	}
	while (off + MNL_ATTR_HDRLEN <= plen) {
		a = (const struct nlattr *)(p + off);
		if (!mnl_attr_ok(a, (int)(plen - off)))
			return;
		off += MNL_ALIGN(a->nla_len);
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(buf, cap, "%s", mnl_attr_get_str(a));
			return;
		}
	}
}
