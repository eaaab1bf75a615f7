#!/usr/bin/env bash
# ADD and DEL latency of our host-local against the reference binary, side by side (hyperfine), on an empty store
# and on a store already holding 10,000 reservations in a /16; then 100 parallel ADDs for different containers on
# one network. Data dirs (and our index dirs) live under /tmp and are removed at the end; no network namespace is
# touched (IPAM needs none). Usage: scripts/bench-host-local.sh [our-binary] [reference-binary]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ours=${1:-$root/bin/host-local}
ref=${2:-/usr/lib/cni/host-local}
runs=${RUNS:-100}
[ -x "$ours" ] || "$root/scripts/build.sh" "$root/bin" >/dev/null
command -v hyperfine >/dev/null || { echo "hyperfine is required"; exit 1; }

work=$(mktemp -d /tmp/hl-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export CNI_NETNS=/dev/null CNI_IFNAME=eth0 CNI_PATH=$(dirname "$ref") CNI_ARGS=

conf() { # conf <file> <dataDir>: our index goes beside the dataDir under $work (the reference ignores the key)
  printf '{"cniVersion":"1.0.0","name":"bench","ipam":{"type":"host-local","dataDir":"%s","indexDir":"%s.index","ranges":[[{"subnet":"10.1.0.0/16"}]]}}' "$2" "$2" >"$1"
}

# fill <dataDir> <n>: n reservations written as the reference writes them, 10.1.0.2 upwards.
fill() {
  local dir=$1/bench i a b
  mkdir -p "$dir"
  for ((i = 2; i < $2 + 2; i++)); do
    a=$((i / 256)); b=$((i % 256))
    printf 'fill%d\r\neth0' "$i" >"$dir/10.1.$a.$b"
  done
  printf '10.1.%d.%d' $(((i - 1) / 256)) $(((i - 1) % 256)) >"$dir/last_reserved_ip.0"
}

# table <hyperfine-json>: median first (a shared machine's stalls pull the mean), then mean ± σ and min, in ms.
table() {
  python3 - "$1" <<'PY'
import json, sys
print("| command | median | mean ± σ | min |")
print("|:---|---:|---:|---:|")
for r in json.load(open(sys.argv[1]))["results"]:
    ms = lambda x: "%.2f" % (x * 1000)
    print(f"| `{r['command']}` | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} | {ms(r['min'])} |")
PY
}

latency() { # latency <label> <reservations>
  local label=$1 n=$2
  for impl in ours ref; do
    rm -rf "$work/$impl-$label"; mkdir -p "$work/$impl-$label"
    conf "$work/$impl-$label.json" "$work/$impl-$label"
    [ "$n" -gt 0 ] && fill "$work/$impl-$label" "$n"
  done
  echo "### $label: ADD (each run after a DEL of the same container)"
  hyperfine -w 5 -r "$runs" -S bash \
    -p "CNI_CONTAINERID=bench CNI_COMMAND=DEL $ours <$work/ours-$label.json" -n "ours ADD ($label)" \
    "CNI_CONTAINERID=bench CNI_COMMAND=ADD $ours <$work/ours-$label.json >/dev/null" \
    -p "CNI_CONTAINERID=bench CNI_COMMAND=DEL $ref <$work/ref-$label.json" -n "ref ADD ($label)" \
    "CNI_CONTAINERID=bench CNI_COMMAND=ADD $ref <$work/ref-$label.json >/dev/null" \
    --export-json "$work/add-$label.json" >/dev/null 2>&1
  table "$work/add-$label.json"
  echo "### $label: DEL (each run after an ADD of the same container)"
  CNI_CONTAINERID=bench CNI_COMMAND=DEL "$ours" <"$work/ours-$label.json"
  CNI_CONTAINERID=bench CNI_COMMAND=DEL "$ref" <"$work/ref-$label.json"
  hyperfine -w 5 -r "$runs" -S bash \
    -p "CNI_CONTAINERID=bench CNI_COMMAND=ADD $ours <$work/ours-$label.json >/dev/null" -n "ours DEL ($label)" \
    "CNI_CONTAINERID=bench CNI_COMMAND=DEL $ours <$work/ours-$label.json" \
    -p "CNI_CONTAINERID=bench CNI_COMMAND=ADD $ref <$work/ref-$label.json >/dev/null" -n "ref DEL ($label)" \
    "CNI_CONTAINERID=bench CNI_COMMAND=DEL $ref <$work/ref-$label.json" \
    --export-json "$work/del-$label.json" >/dev/null 2>&1
  table "$work/del-$label.json"
}

parallel() { # parallel <impl> <binary>
  local impl=$1 bin=$2 dir=$work/par-$impl start end fails=0 i
  rm -rf "$dir"; mkdir -p "$dir/out"
  conf "$dir.json" "$dir"
  start=$(date +%s%N)
  for ((i = 0; i < 100; i++)); do
    CNI_CONTAINERID=par$i CNI_COMMAND=ADD "$bin" <"$dir.json" >"$dir/out/$i" 2>&1 &
  done
  for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
  end=$(date +%s%N)
  local distinct reserved
  distinct=$(grep -ho '"address": "[^"]*"' "$dir"/out/* | sort -u | wc -l)
  reserved=$(find "$dir/bench" -maxdepth 1 -name '10.*' | wc -l)
  printf '| %s | %d ms | %d | %d | %d |\n' "$impl" $(((end - start) / 1000000)) "$fails" "$distinct" "$reserved"
}

latency empty 0
latency "10k" 10000
echo "### 100 parallel ADDs, different containers, one network"
echo "| binary | wall time | failed | distinct addresses | reservation files |"
echo "|---|---|---|---|---|"
parallel ours "$ours"
parallel ref "$ref"
