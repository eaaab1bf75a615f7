#!/usr/bin/env bash
# Empty-store host-local against an earlier release of itself and the reference, in one run: the earlier commit's
# host-local is built into a temp dir, then hyperfine times an ADD (each after a DEL of the same container) and a
# whole ADD+DEL cycle of each, with user and system time. Data and index dirs live under /tmp and are removed at
# the end. Usage: scripts/bench-host-local-paired.sh <earlier-commit> [our-binary] [reference-binary]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
commit=${1:?usage: $0 <earlier-commit> [our-binary] [reference-binary]}
ours=${2:-$root/bin/host-local}
ref=${3:-/usr/lib/cni/host-local}
runs=${RUNS:-300}
command -v hyperfine >/dev/null || { echo "hyperfine is required"; exit 1; }
[ -x "$ours" ] || dotnet publish "$root/ipam/host-local/host-local.csproj" -c Release -o "$root/bin" --nologo -v quiet

work=$(mktemp -d /tmp/hl-paired.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git -C "$root" archive "$commit" | tar -x -C "$work/src"
dotnet publish "$work/src/ipam/host-local/host-local.csproj" -c Release -o "$work/earlier" --nologo -v quiet >/dev/null
earlier=$work/earlier/host-local

export CNI_NETNS=/dev/null CNI_IFNAME=eth0 CNI_PATH=$(dirname "$ref") CNI_ARGS= CNI_CONTAINERID=bench
for impl in earlier ours ref; do
  printf '{"cniVersion":"1.0.0","name":"bench","ipam":{"type":"host-local","dataDir":"%s","indexDir":"%s.index","ranges":[[{"subnet":"10.1.0.0/16"}]]}}' \
    "$work/$impl" "$work/$impl" >"$work/$impl.json"
done

hyperfine -w 10 -r "$runs" -S bash \
  -p "CNI_COMMAND=DEL $earlier <$work/earlier.json" -n "earlier ($commit) ADD" "CNI_COMMAND=ADD $earlier <$work/earlier.json >/dev/null" \
  -p "CNI_COMMAND=DEL $ours <$work/ours.json" -n "ours ADD" "CNI_COMMAND=ADD $ours <$work/ours.json >/dev/null" \
  --export-json "$work/add.json" >/dev/null 2>&1
hyperfine -w 10 -r "$runs" -S bash \
  -n "earlier ($commit) ADD+DEL" "CNI_COMMAND=ADD $earlier <$work/earlier.json >/dev/null; CNI_COMMAND=DEL $earlier <$work/earlier.json" \
  -n "ours ADD+DEL" "CNI_COMMAND=ADD $ours <$work/ours.json >/dev/null; CNI_COMMAND=DEL $ours <$work/ours.json" \
  -n "ref ADD+DEL" "CNI_COMMAND=ADD $ref <$work/ref.json >/dev/null; CNI_COMMAND=DEL $ref <$work/ref.json" \
  --export-json "$work/cycle.json" >/dev/null 2>&1

python3 - "$work/add.json" "$work/cycle.json" <<'PY'
import json, sys
print("| command | median | mean ± σ | user | system |")
print("|:---|---:|---:|---:|---:|")
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        ms = lambda x: "%.2f" % (x * 1000)
        print(f"| `{r['command']}` | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} | {ms(r['user'])} | {ms(r['system'])} |")
PY
