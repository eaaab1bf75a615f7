#!/usr/bin/env bash
# A real demo: builds the suite, then puts two containers on one bridge and has them ping each other and the
# gateway, and publishes container 1's port 80 as the host's port 8080 with portmap (a client on the "LAN" reaches
# it at the host's address); then three "hosts" joined by an underlay network get one container each on a vxlan overlay (l3, one
# subnet per host, the same config on every host but its subnet) and every container pings the others across
# hosts. Everything lives in throwaway network namespaces that are removed on exit, also when a step fails; the
# machine's own network namespace is never touched. Needs root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces need CAP_SYS_ADMIN)"; exit 1; }
"$root/scripts/deps.sh"
[ "${SKIP_BUILD:-0}" = 1 ] || "$root/scripts/build.sh" "$root/bin" >/dev/null

tag="cnidemo$$"
host="$tag-host" c1="$tag-c1" c2="$tag-c2" lan="$tag-lan"
data=$(mktemp -d)
server=""
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  for ns in $(ip netns list | awk '{print $1}' | grep "^$tag-" || true); do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT
for ns in "$host" "$c1" "$c2" "$lan"; do ip netns add "$ns"; done
ip -n "$host" link set lo up
# The host's uplink to a "LAN" where a client machine sits.
ip -n "$host" link add lan0 type veth peer name eth0 netns "$lan"
ip -n "$host" addr add 192.168.98.1/24 dev lan0; ip -n "$host" link set lan0 up
ip -n "$lan" addr add 192.168.98.2/24 dev eth0; ip -n "$lan" link set eth0 up

conf=$(cat <<JSON
{
  "cniVersion": "1.1.0",
  "name": "demo-net",
  "type": "bridge",
  "bridge": "demo0",
  "isGateway": true,
  "ipMasq": true,
  "ipam": {
    "type": "host-local",
    "dataDir": "$data",
    "indexDir": "$data/.index",
    "ranges": [[{"subnet": "10.99.0.0/24"}]],
    "routes": [{"dst": "0.0.0.0/0"}]
  }
}
JSON
)

# Runs a plugin the way a runtime does: CNI_* in the environment, the config on stdin, inside the host namespace.
cni() { # command container-id netns [config [plugin]]
  echo "${4:-$conf}" | ip netns exec "$host" env CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_NETNS="/run/netns/$3" \
    CNI_IFNAME=eth0 CNI_PATH="$root/bin" "$root/bin/${5:-bridge}"
}
# CHECK and DEL get the ADD result as prevResult, as a runtime passes it.
with_prev() { echo "${conf%\}}, \"prevResult\": $1 }"; }

echo "== ADD container 1"; r1=$(cni ADD demo-c1 "$c1"); echo "$r1"
echo "== ADD container 2"; r2=$(cni ADD demo-c2 "$c2"); echo "$r2"
ip1=$(ip -n "$c1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
ip2=$(ip -n "$c2" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
echo "== container 1 is $ip1, container 2 is $ip2; bridge in the host namespace:"
ip -n "$host" -br addr show demo0
echo "== container 1 pings container 2"; ip netns exec "$c1" ping -c 2 -W 2 "$ip2"
echo "== container 2 pings the gateway"; ip netns exec "$c2" ping -c 2 -W 2 10.99.0.1
echo "== CHECK both"; cni CHECK demo-c1 "$c1" "$(with_prev "$r1")"; cni CHECK demo-c2 "$c2" "$(with_prev "$r2")"; echo "ok"
echo "== masquerade rules in the host namespace:"; ip netns exec "$host" iptables-save -t nat | grep -E '^-A (POSTROUTING|CNI-)' || true
# portmap chained after bridge, as a runtime runs it for `-p 8080:80`: bridge's result is its prevResult.
portmap_conf() {
  printf '{"cniVersion": "1.1.0", "name": "demo-net", "type": "portmap", "capabilities": {"portMappings": true},
  "runtimeConfig": {"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]}, "prevResult": %s}' "$r1"
}
echo "== publish container 1's port 80 as the host's port 8080 (portmap ADD)"; cni ADD demo-c1 "$c1" "$(portmap_conf)" portmap > /dev/null
ip netns exec "$c1" socat TCP4-LISTEN:80,fork,reuseaddr SYSTEM:"echo hello from container 1" & server=$!
ip netns exec "$host" iptables -t nat -S CNI-HOSTPORT-DNAT
reply=""
for _ in 1 2 3 4 5; do
  reply=$(ip netns exec "$lan" socat -T 2 - TCP:192.168.98.1:8080,connect-timeout=2 < /dev/null 2>/dev/null || true)
  [ -n "$reply" ] && break; sleep 0.3
done
[ -n "$reply" ] || { echo "the published port did not answer"; exit 1; }
echo "a client on the LAN asked 192.168.98.1:8080 and got: $reply"
echo "== unpublish (portmap DEL)"; cni DEL demo-c1 "$c1" "$(portmap_conf)" portmap
kill "$server"; wait "$server" 2>/dev/null || true; server=""
echo "== DEL both"; cni DEL demo-c1 "$c1" "$(with_prev "$r1")"; cni DEL demo-c2 "$c2" "$(with_prev "$r2")"
echo "== addresses left in the store: $(ls "$data/demo-net" | grep -cv -e lock -e last_reserved || true)"
echo "two containers on one bridge reached each other, and a published port answered"

echo
echo "== overlay: three hosts on an underlay (a bridge in namespace $tag-underlay), one vxlan network across them"
ip netns add "$tag-underlay"
ip -n "$tag-underlay" link add ul0 type bridge
ip -n "$tag-underlay" link set ul0 up
peers=""
for h in 1 2 3; do
  ip netns add "$tag-node$h"; ip netns add "$tag-pod$h"
  ip -n "$tag-node$h" link set lo up
  ip -n "$tag-underlay" link add "u$h" type veth peer name eth0 netns "$tag-node$h"
  ip -n "$tag-underlay" link set "u$h" master ul0 up
  ip -n "$tag-node$h" addr add "192.168.77.$h/24" dev eth0
  ip -n "$tag-node$h" link set eth0 up
  peers="$peers${peers:+,}{\"underlay\": \"192.168.77.$h\", \"subnet\": \"10.244.$h.0/24\"}"
done
# The same config on every node but the IPAM subnet.
overlay_conf() {
  printf '{"cniVersion": "1.1.0", "name": "overlay", "type": "vxlan", "mode": "l3", "vni": 1,
  "underlayInterface": "eth0", "peers": [%s],
  "ipam": {"type": "host-local", "dataDir": "%s/node%s", "indexDir": "%s/node%s.index", "ranges": [[{"subnet": "10.244.%s.0/24"}]]}}' \
    "$peers" "$data" "$1" "$data" "$1" "$1"
}
echo "$(overlay_conf 1)"
for h in 1 2 3; do
  overlay_conf "$h" | ip netns exec "$tag-node$h" env CNI_COMMAND=ADD CNI_CONTAINERID="pod$h" \
    CNI_NETNS="/run/netns/$tag-pod$h" CNI_IFNAME=eth0 CNI_PATH="$root/bin" "$root/bin/vxlan" > /dev/null
  echo "node $h: pod$h is $(ip -n "$tag-pod$h" -4 -o addr show eth0 | awk '{print $4}')"
done
echo "== node 1's kernel state for its peers (what flannel's daemon would program):"
ip -n "$tag-node1" route show dev vxlan1
ip -n "$tag-node1" neigh show dev vxlan1
bridge -n "$tag-node1" fdb show dev vxlan1
for a in 1 2 3; do for b in 1 2 3; do
  [ "$a" = "$b" ] && continue
  dst=$(ip -n "$tag-pod$b" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
  ip netns exec "$tag-pod$a" ping -c 1 -W 2 "$dst" > /dev/null || { echo "pod$a -> pod$b ($dst): NOT reached"; exit 1; }
  echo "pod$a -> pod$b ($dst): reached across the overlay"
done; done
echo "demo finished: containers on one bridge reached each other and a published port answered; on three hosts across a vxlan overlay, containers reached each other"
