/*
 * nl.c: netlink helpers shared by xfrm.c and nft.c (see nl.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "nl.h"

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
	/* without NLM_F_CAPPED the request is echoed before the TLVs */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < MNL_NLMSG_HDRLEN)
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
