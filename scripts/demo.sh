#!/usr/bin/env bash
# A real demo: builds the suite, then puts two containers on one bridge and has them ping each other and the
# gateway. Everything lives in throwaway network namespaces (a "host" and two "containers") that are removed on
# exit, also when a step fails; the machine's own network namespace is never touched. Needs root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces need CAP_SYS_ADMIN)"; exit 1; }
"$root/scripts/deps.sh"
[ "${SKIP_BUILD:-0}" = 1 ] || "$root/scripts/build.sh" "$root/bin" >/dev/null

tag="cnidemo$$"
host="$tag-host" c1="$tag-c1" c2="$tag-c2"
data=$(mktemp -d)
cleanup() {
  for ns in "$c1" "$c2" "$host"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT
for ns in "$host" "$c1" "$c2"; do ip netns add "$ns"; done
ip -n "$host" link set lo up

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
cni() { # command container-id netns [config]
  echo "${4:-$conf}" | ip netns exec "$host" env CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_NETNS="/run/netns/$3" \
    CNI_IFNAME=eth0 CNI_PATH="$root/bin" "$root/bin/bridge"
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
echo "== DEL both"; cni DEL demo-c1 "$c1" "$(with_prev "$r1")"; cni DEL demo-c2 "$c2" "$(with_prev "$r2")"
echo "== addresses left in the store: $(ls "$data/demo-net" | grep -cv -e lock -e last_reserved || true)"
echo "demo finished: two containers on one bridge reached each other"
