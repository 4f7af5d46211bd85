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

# Not ours: no mark.
ip -n "$ns" xfrm policy add src 192.0.2.0/24 dst 198.51.100.0/24 dir out priority 5 || exit 99
# Two larval ESP states (allocspi works without ESP support): one with
# our mark, which the flush must delete, one without, which must stay.
ip -n "$ns" xfrm state allocspi src 10.98.1.1 dst 239.192.1.1 proto esp \
	mark 0x6d010000 mask 0xffffffff min 0x200 max 0x200 >/dev/null || exit 99
ip -n "$ns" xfrm state allocspi src 10.98.1.1 dst 239.192.1.2 proto esp \
	min 0x201 max 0x201 >/dev/null || exit 99

rc=0
CK_DEFAULT_TIMEOUT=20 timeout 60 ip netns exec "$ns" "$bin" --netns || rc=1

out=$(ip -n "$ns" xfrm policy list)
echo "$out"
echo "$out" | grep -q 'src 192.0.2.0/24 dst 198.51.100.0/24' || {
	echo "xfrm_check: the unmarked policy did not survive the flush"; rc=1; }
if echo "$out" | grep -q 'mark'; then
	echo "xfrm_check: marked policies left behind"; rc=1
fi
n=$(echo "$out" | grep -c '^src')
[ "$n" = 1 ] || { echo "xfrm_check: $n policies left, want 1"; rc=1; }
sa=$(ip -n "$ns" xfrm state list)
echo "$sa"
echo "$sa" | grep -q 'spi 0x00000201' || { echo "xfrm_check: the unmarked SA is gone"; rc=1; }
if echo "$sa" | grep -q 'spi 0x00000200\|mark'; then
	echo "xfrm_check: our SA survived the flush"; rc=1
fi
exit $rc
