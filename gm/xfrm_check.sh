#!/bin/sh
# xfrm_check.sh: the XFRM module against this kernel, in a throwaway
# network namespace (root only; exit 77 = skipped otherwise).
#
# Adds one unmarked policy and two larval ESP states (one with our mark)
# with `ip xfrm`, runs `check_xfrm --netns` in the namespace (policies of
# a 3-entry ACL in one batch, read back, the ESP SA refused, flush by
# mark), then checks with `ip xfrm` that the unmarked policy and state
# survived our flush and nothing of ours is left.
set -u

if [ "$(id -u)" != 0 ]; then
	echo "xfrm_check: not root, skipped"
	exit 77
fi
for t in ip timeout; do
	command -v $t >/dev/null 2>&1 || { echo "xfrm_check: $t not found"; exit 99; }
done
bin=${CHECK_XFRM:-./check_xfrm}
[ -x "$bin" ] || { echo "xfrm_check: $bin not built"; exit 99; }

# the lab's topology script: one node, loopback up, torn down on exit
netns="${top_srcdir:-$(dirname "$0")/..}/lab/netns.sh"
prefix=gdoixf$$
ns=$prefix-x
cleanup() { bash "$netns" down "$prefix" >/dev/null 2>&1; }
trap cleanup EXIT INT TERM
bash "$netns" up "$prefix" x=10.97.0.1 >/dev/null || exit 99

# Not ours: priority 5 (outside our band 1000..66535), and priority 1001
# (inside it) with a template of another reqid.
ip -n "$ns" xfrm policy add src 192.0.2.0/24 dst 198.51.100.0/24 dir out priority 5 || exit 99
ip -n "$ns" xfrm policy add src 192.0.2.0/24 dst 203.0.113.0/24 dir out priority 1001 \
	tmpl src 10.98.1.1 dst 10.98.1.2 proto esp mode tunnel reqid 7 || exit 99
# Two larval ESP states (allocspi works without ESP support): one with
# our reqid (0x4d01 = 19713), which the flush must delete, one with
# another reqid, which must stay.
ip -n "$ns" xfrm state allocspi src 10.98.1.1 dst 239.192.1.1 proto esp \
	reqid 19713 min 0x200 max 0x200 >/dev/null || exit 99
ip -n "$ns" xfrm state allocspi src 10.98.1.1 dst 239.192.1.2 proto esp \
	reqid 7 min 0x201 max 0x201 >/dev/null || exit 99

rc=0
CK_DEFAULT_TIMEOUT=20 timeout 60 ip netns exec "$ns" "$bin" --netns || rc=1

out=$(ip -n "$ns" xfrm policy list)
echo "$out"
echo "$out" | grep -q 'src 192.0.2.0/24 dst 198.51.100.0/24' || {
	echo "xfrm_check: the foreign policy (priority 5) did not survive the flush"; rc=1; }
echo "$out" | grep -q 'src 192.0.2.0/24 dst 203.0.113.0/24' || {
	echo "xfrm_check: the foreign policy (reqid 7) did not survive the flush"; rc=1; }
if echo "$out" | grep -q 'reqid 19713'; then
	echo "xfrm_check: policies of ours left behind"; rc=1
fi
n=$(echo "$out" | grep -c '^src')
[ "$n" = 2 ] || { echo "xfrm_check: $n policies left, want 2"; rc=1; }
sa=$(ip -n "$ns" xfrm state list)
echo "$sa"
echo "$sa" | grep -q 'spi 0x00000201' || { echo "xfrm_check: the foreign SA is gone"; rc=1; }
if echo "$sa" | grep -q 'spi 0x00000200'; then
	echo "xfrm_check: our SA survived the flush"; rc=1
fi
exit $rc
