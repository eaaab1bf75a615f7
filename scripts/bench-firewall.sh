#!/usr/bin/env bash
# The firewall's cost on a busy node, ours against the reference's in the same run: bridge ADD + DEL with ipMasq,
# and portmap ADD + DEL when a portmap binary of ours is there, first in a host namespace whose nat table is
# empty, then in one holding a kube-proxy-sized nat table (scripts/kube-nat-rules.sh: 2,000 services, 11 rules
# each). The two sides alternate run by run, so a neighbour's load falls on both alike; medians are reported.
# Throwaway namespaces only, always removed. Needs root. Usage: scripts/bench-firewall.sh [runs] [our-bin-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
ours_bin=${2:-$root/bin}
ref_bin=/usr/lib/cni
[ "$(id -u)" -eq 0 ] || { echo "run as root"; exit 1; }

tag="cnifw$$"
work=$(mktemp -d /tmp/cni-bench-fw.XXXXXX)
cleanup() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$tag-" || true); do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

bridge_conf() { # <dataDir>
  printf '{"cniVersion":"1.0.0","name":"benchfw","type":"bridge","bridge":"bench0","isGateway":true,"ipMasq":true,"ipMasqBackend":"iptables","ipam":{"type":"host-local","ranges":[[{"subnet":"10.66.0.0/16"}]],"dataDir":"%s","indexDir":"%s.index"}}' "$1" "$1"
}

# portmap_conf <prevResult>: three published ports, as a web pod with a metrics port might have.
portmap_conf() {
  printf '{"cniVersion":"1.0.0","name":"benchfw","type":"portmap","backend":"iptables","capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":8443,"containerPort":443,"protocol":"tcp"},{"hostPort":9053,"containerPort":53,"protocol":"udp"}]},"prevResult":%s}' "$1"
}

# call <side> <plugin> <command> <container-id> <conf-file>
call() {
  local bin; bin=$([ "$1" = ours ] && echo "$ours_bin" || echo "$ref_bin")
  ip netns exec "$tag-$1-host" env CNI_COMMAND="$3" CNI_CONTAINERID="$4" CNI_NETNS="/run/netns/$tag-$1-ctr" CNI_IFNAME=eth0 \
    CNI_PATH="$bin" "$bin/$2" < "$5"
}

ms() { echo $(( $(date +%s%N) / 1000000 )); }

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# measure <label> <cycle-function>: warm-up, then <runs> alternating cycles; prints both medians and their ratio.
measure() {
  local label=$1 fn=$2 i side t
  for side in ours ref; do $fn "$side"; $fn "$side"; done
  : > "$work/ours.ms"; : > "$work/ref.ms"
  for ((i = 0; i < runs; i++)); do
    for side in ours ref; do
      t=$(ms); $fn "$side"; echo $(( $(ms) - t )) >> "$work/$side.ms"
    done
  done
  local o r; o=$(median < "$work/ours.ms"); r=$(median < "$work/ref.ms")
  printf '%-44s ours %6s ms   reference %6s ms   ours/reference %s\n' "$label" "$o" "$r" "$(awk -v o="$o" -v r="$r" 'BEGIN {printf "%.2f", o / r}')"
}

bridge_cycle() {
  call "$1" bridge ADD bench "$work/$1/bridge.json" > /dev/null
  call "$1" bridge DEL bench "$work/$1/bridge.json" > /dev/null
}

portmap_cycle() {
  call "$1" portmap ADD pod "$work/$1/portmap.json" > /dev/null
  call "$1" portmap DEL pod "$work/$1/portmap.json" > /dev/null
}

echo "== firewall on an empty and on a kube-proxy-sized nat table, $runs alternating runs each (load: $(cut -d' ' -f1-3 /proc/loadavg))"
for table in empty kube; do
  for side in ours ref; do
    for ns in host ctr; do ip netns del "$tag-$side-$ns" 2>/dev/null || true; ip netns add "$tag-$side-$ns"; done
    ip netns exec "$tag-$side-host" ip link set lo up
    [ "$table" = kube ] && "$root/scripts/kube-nat-rules.sh" 2000 | ip netns exec "$tag-$side-host" iptables-restore
    rm -rf "$work/$side"; mkdir -p "$work/$side"
    bridge_conf "$work/$side/data" > "$work/$side/bridge.json"
  done
  rules=$(ip netns exec "$tag-ours-host" iptables-save -t nat | grep -c '^-A' || true)
  measure "bridge ADD+DEL, ipMasq, $table nat ($rules rules)" bridge_cycle
  if [ -x "$ours_bin/portmap" ]; then
    for side in ours ref; do
      prev=$(call "$side" bridge ADD pod "$work/$side/bridge.json")
      portmap_conf "$prev" > "$work/$side/portmap.json"
    done
    measure "portmap ADD+DEL, 3 ports, $table nat ($rules rules)" portmap_cycle
  fi
done
