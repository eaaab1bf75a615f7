#!/usr/bin/env bash
# bridge + host-local, ours against the reference side by side in one run:
#   1. ADD then DEL of one container (hyperfine, mean of many runs);
#   2. 50 containers added in parallel onto one bridge (wall time; all must succeed with distinct addresses);
#   3. ADD then DEL of one container on our vxlan overlay (l2 and l3), beside our bridge (no reference has one);
#   4. the firewall on a busy node: ADD + DEL with ipMasq (and portmap ADD + DEL, once built) in a host namespace
#      whose nat table is empty, then holding a kube-proxy-sized table (2,000 services, 11 rules each, loaded with
#      iptables-restore), ours and the reference's alternating run by run, medians reported.
# Everything happens in throwaway network namespaces this script creates and always removes; the machine's own
# namespace is not touched. Needs root. Usage: scripts/bench-bridge.sh [runs] [all|firewall]
# OURS_BIN=dir measures other builds of ours (an earlier release, say) against the same reference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-50}
only=${2:-all}
ours_bin=${OURS_BIN:-$root/bin}
[ "$(id -u)" -eq 0 ] || { echo "run as root"; exit 1; }
command -v hyperfine >/dev/null || "$root/scripts/deps.sh"
[ -x "$ours_bin/bridge" ] && [ -x "$ours_bin/host-local" ] && [ -x "$ours_bin/vxlan" ] || "$root/scripts/build.sh" "$root/bin" >/dev/null

tag="cnibench$$"
work=$(mktemp -d /tmp/cni-bench.XXXXXX)
cleanup() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$tag-" || true); do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# conf <side> <dataDir>: a gateway bridge with masquerading off (the firewall is measured apart from linking).
conf() {
  printf '{"cniVersion":"1.0.0","name":"bench","type":"bridge","bridge":"bench0","isGateway":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.66.0.0/16"}]],"dataDir":"%s","indexDir":"%s.index"}}' "$2" "$2"
}

for side in ours ref; do
  ip netns add "$tag-$side-host"; ip netns add "$tag-$side-ctr"
  mkdir -p "$work/$side"
  conf "$side" "$work/$side/data" > "$work/$side/conf.json"
  bin=$([ "$side" = ours ] && echo "$ours_bin" || echo /usr/lib/cni)
  cat > "$work/$side/cycle.sh" <<SH
#!/usr/bin/env bash
set -e
run() { ip netns exec $tag-$side-host env CNI_COMMAND=\$1 CNI_CONTAINERID=bench CNI_NETNS=/run/netns/$tag-$side-ctr CNI_IFNAME=eth0 CNI_PATH=$bin $bin/bridge < $work/$side/conf.json > /dev/null; }
run ADD
run DEL
SH
  chmod +x "$work/$side/cycle.sh"
done

[ "$only" = firewall ] && { "$root/scripts/bench-firewall.sh" "$runs" "$ours_bin"; exit 0; }

echo "== ADD + DEL of one container (bridge + host-local)"
hyperfine -N -w 3 -r "$runs" "$work/ours/cycle.sh" "$work/ref/cycle.sh" 2>&1 | grep -E "Benchmark|Time|±|faster" || true

echo "== 50 containers added in parallel onto one bridge"
for side in ours ref; do
  bin=$([ "$side" = ours ] && echo "$ours_bin" || echo /usr/lib/cni)
  for i in $(seq 1 50); do ip netns add "$tag-$side-p$i"; done
  start=$(date +%s%N)
  seq 1 50 | xargs -P 50 -I{} sh -c "ip netns exec $tag-$side-host env CNI_COMMAND=ADD CNI_CONTAINERID=p{} CNI_NETNS=/run/netns/$tag-$side-p{} CNI_IFNAME=eth0 CNI_PATH=$bin $bin/bridge < $work/$side/conf.json > $work/$side/p{}.out || echo FAIL {}"
  end=$(date +%s%N)
  ok=$(grep -l '"address"' "$work"/$side/p*.out | wc -l)
  distinct=$(for i in $(seq 1 50); do ip -n "$tag-$side-p$i" -4 -o addr show eth0 2>/dev/null | awk '{print $4}'; done | sort -u | grep -c . || true)
  printf '%-4s wall %6d ms, %d/50 succeeded, %d distinct addresses\n' "$side" $(((end - start) / 1000000)) "$ok" "$distinct"
done

echo "== ADD + DEL of one container: vxlan (l2 with two peers, l3 with two peers) beside bridge, ours"
# The host's underlay is one end of a veth pair; the peers' addresses need not answer for ADD and DEL.
ip netns add "$tag-vx-host"; ip netns add "$tag-vx-ctr"
ip -n "$tag-vx-host" link add u0 type veth peer name u1
ip -n "$tag-vx-host" addr add 10.67.0.1/24 dev u0
ip -n "$tag-vx-host" link set u0 up; ip -n "$tag-vx-host" link set u1 up
vxconf() {
  printf '{"cniVersion":"1.0.0","name":"bench%s","type":"vxlan","mode":"%s","vni":%s,"underlayInterface":"u0","isGateway":true,"peers":%s,"ipam":{"type":"host-local","ranges":[[{"subnet":"%s"}]],"dataDir":"%s","indexDir":"%s.index"}}' \
    "$1" "$1" "$2" "$3" "$4" "$work/vx-$1" "$work/vx-$1"
}
vxconf l2 100 '["10.67.0.2","10.67.0.3"]' 10.68.0.0/16 > "$work/vx-l2.json"
vxconf l3 101 '[{"underlay":"10.67.0.2","subnet":"10.69.2.0/24"},{"underlay":"10.67.0.3","subnet":"10.69.3.0/24"}]' 10.69.1.0/24 > "$work/vx-l3.json"
conf ours "$work/vx-bridge" > "$work/vx-bridge.json"
for kind in l2 l3 bridge; do
  plugin=$([ "$kind" = bridge ] && echo bridge || echo vxlan)
  cat > "$work/vx-$kind.sh" <<SH
#!/usr/bin/env bash
set -e
run() { ip netns exec $tag-vx-host env CNI_COMMAND=\$1 CNI_CONTAINERID=bench CNI_NETNS=/run/netns/$tag-vx-ctr CNI_IFNAME=eth0 CNI_PATH=$ours_bin $ours_bin/$plugin < $work/vx-$kind.json > /dev/null; }
run ADD
run DEL
SH
  chmod +x "$work/vx-$kind.sh"
done
hyperfine -N -w 3 -r "$runs" "$work/vx-bridge.sh" "$work/vx-l2.sh" "$work/vx-l3.sh" 2>&1 | grep -E "Benchmark|Time|±|faster" || true

"$root/scripts/bench-firewall.sh" "$runs" "$ours_bin"
