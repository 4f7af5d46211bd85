/*
 * gm_dp: the group member's kernel datapath.  The group's TEKs and ACL go
 * into XFRM (gm/xfrm.c) and, for address preservation, into one nftables
 * table (gm/nft.c).  The GM's key state (gm.c, gm_rekey.c) is the truth;
 * gm_dp_sync() makes the kernel match it, in one XFRM batch per change.
 *
 * Per TEK k of group gi:
 *  - inbound SA: ESP tunnel, src any, dst L (the local address inbound
 *    group ESP is redirected to by the nftables pre chain), installed as
 *    soon as the TEK arrives; a replaced TEK keeps it until it expires.
 *  - outbound SA: ESP tunnel, src any, dst O = 127.128.gi.(k+1), an
 *    anchor the policies' templates name: the kernel's tunnel mode takes
 *    the outer addresses from the SA, so the nftables stash/outer chains
 *    put the inner addresses there after encryption and the packet is
 *    re-routed toward the real destination.  If the nftables part is
 *    missing the packet goes to loopback and dies there, never in clear.
 *    The outbound SA of a replaced TEK stays until outbound-switch
 *    seconds before it expires; then (one batch) the new TEK's outbound
 *    SA is added and the old one deleted.  Counter-mode TEKs (GCM) get no
 *    outbound SA (RFC 6054, see gm_dp.c).
 *  - policies: every ACE of the TEK in ACL order; out as written, in and
 *    fwd mirrored; permit = ESP template (reqid), deny = bypass.  One
 *    bypass for GDOI itself (UDP source port 848 out, destination port 848
 *    in) precedes them, as IOS excludes GDOI from the group ACL.
 * Lifetimes mirror the TEK (soft 90%, hard at expiry, time scaled by -T);
 * the kernel's soft expiry of a current TEK's SA starts a re-registration.
 */
#ifndef GDOI_GM_DP_H
#define GDOI_GM_DP_H

#include <stdint.h>

struct gm;
struct gm_group;

/** Open the sockets, remove what a previous run left, install nftables.
 *  0, or -1 (logged; the GM then runs without a datapath). */
int gm_dp_start(struct gm *m);
/** Remove everything of ours and close. */
void gm_dp_stop(struct gm *m);
/** Make the kernel match group g's keys and ACL (after a registration,
 *  a rekey, a clear, an expiry). */
void gm_dp_sync(struct gm *m, struct gm_group *g);
/** Remove group g's objects (group dropped). */
void gm_dp_group_gone(struct gm *m, struct gm_group *g);
/** The next moment gm_dp_tick has work (outbound switch, old SA expiry). */
uint64_t gm_dp_next_ms(const struct gm *m);
void gm_dp_tick(struct gm *m, uint64_t now);
/** The SAs the kernel should hold for g at now, in install order (inbound
 *  of each current TEK, its outbound, then the replaced TEKs' inbound):
 *  SPIs and out flags into spi/out[0..cap); returns the count. */
size_t gm_dp_plan(const struct gm *m, const struct gm_group *g, uint64_t now, uint32_t *spi,
    uint8_t *out, size_t cap);
struct gdoi_tree;
/** show crypto gdoi gm dataplane: counters and the SAs installed. */
void gm_dp_show(struct gm *m, struct gdoi_tree *t);

#endif
