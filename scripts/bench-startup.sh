#!/usr/bin/env bash
# Start-up and size of the suite, side by side in one run: the multi-call file run through a plugin's link (the
# default build), the per-plugin files (scripts/build.sh --separate) and the reference binary of the same name
# (Debian's containernetworking-plugins in /usr/lib/cni). Both builds are published fresh from this tree. Wall time
# with hyperfine, medians: VERSION of every plugin (the call runtimes make to probe a plugin; pure start-up), and real
# verbs: host-local ADD then DEL on an empty store in a fresh dataDir, loopback ADD then DEL in a throwaway network
# namespace (root only; the host's own network is not touched).
#   --settings  also publishes the multi-call file once per NativeAOT setting, each changed alone from NativeAOT.props,
#               and measures its size and start-up against the file as shipped
#   --readme    writes the tables into README.md, between the bench-startup markers of the Performance section
# Usage: scripts/bench-startup.sh [--settings] [--readme] [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
settings=false; readme=false
while [[ ${1:-} == --* ]]; do
  case $1 in
    --settings) settings=true ;;
    --readme) readme=true ;;
    *) echo "usage: $0 [--settings] [--readme] [runs]" >&2; exit 2 ;;
  esac
  shift
done
runs=${1:-300}
# Each measurement is split into rounds that take the commands in turn, so a change of the machine's load during the
# run falls on all of them alike.
rounds=5
command -v hyperfine >/dev/null || "$root/scripts/deps.sh"
work=$(mktemp -d /tmp/cni-bench-startup.XXXXXX)
netns=cni-bench-startup-$$
cleanup() { ip netns del "$netns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
plugins=(bridge host-local loopback macvlan portmap vxlan)
ref=/usr/lib/cni

echo "publishing the multi-call and the per-plugin builds" >&2
"$root/scripts/build.sh" "$work/multi" >/dev/null
"$root/scripts/build.sh" --separate "$work/separate" >/dev/null

# measure <hyperfine option>... -- <command>...: per command, one line "<median wall time> / <mean CPU time>" in ms.
# CPU time (user + system) is what the process itself spent: on a busy machine the wall time also holds the time it
# waited for a core.
measure() {
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  rm -f "$work"/round-*.json
  for r in $(seq 1 $rounds); do
    hyperfine "${opts[@]}" -w 5 -r $((runs / rounds)) --export-json "$work/round-$r.json" "$@" >/dev/null 2>&1
  done
  python3 - "$work"/round-*.json <<'PY'
import json, statistics, sys
rounds = [json.load(open(f))["results"] for f in sys.argv[1:]]
for i in range(len(rounds[0])):
    wall = statistics.median(t for r in rounds for t in r[i]["times"])
    cpu = statistics.mean(r[i]["user"] + r[i]["system"] for r in rounds)
    print("%.2f / %.2f" % (1000 * wall, 1000 * cpu))
PY
}

version() { echo "env CNI_COMMAND=VERSION $1"; }

# host-local ADD then DEL of one container in its own empty dataDir (and our index beside it; the reference ignores
# the key): the plugin's cheapest real work. IPAM needs no namespace.
host_local_conf() {
  mkdir -p "$work/store-$1"
  printf '{"cniVersion":"1.0.0","name":"bench","ipam":{"type":"host-local","dataDir":"%s","indexDir":"%s.index","ranges":[[{"subnet":"10.250.0.0/16"}]]}}' \
    "$work/store-$1" "$work/store-$1" > "$work/host-local-$1.json"
  echo "$work/host-local-$1.json"
}
host_local() {
  local env="CNI_CONTAINERID=bench CNI_NETNS=/dev/null CNI_IFNAME=eth0 CNI_PATH=$(dirname "$1")"
  echo "CNI_COMMAND=ADD $env $1 < $2 > /dev/null && CNI_COMMAND=DEL $env $1 < $2 > /dev/null"
}

# loopback ADD then DEL in a namespace of its own.
loopback_conf() { echo '{"cniVersion":"1.0.0","name":"bench","type":"loopback"}' > "$work/loopback.json"; echo "$work/loopback.json"; }
loopback() {
  local env="CNI_CONTAINERID=bench CNI_NETNS=/run/netns/$netns CNI_IFNAME=lo CNI_PATH=$(dirname "$1")"
  echo "CNI_COMMAND=ADD $env $1 < $2 > /dev/null && CNI_COMMAND=DEL $env $1 < $2 > /dev/null"
}

mb() { python3 -c 'import sys; print("%.2f MB" % (int(sys.argv[1]) / 1e6))' "$1"; }
size() { [ -e "$1" ] && stat -L -c %s "$1" || echo 0; }

tables=$work/tables.md
{
  echo "Times in ms, wall (median) / CPU (user + system, mean)."
  echo
  echo "| plugin | VERSION, multi-call (link) | VERSION, per-plugin | VERSION, reference | size, per-plugin | size, reference |"
  echo "|---|---:|---:|---:|---:|---:|"
  sep_total=0; ref_total=0
  for p in "${plugins[@]}"; do
    cmds=("$(version "$work/multi/$p")" "$(version "$work/separate/$p")")
    [ -x "$ref/$p" ] && cmds+=("$(version "$ref/$p")")
    mapfile -t t < <(measure -N -- "${cmds[@]}")
    s=$(size "$work/separate/$p"); r=$(size "$ref/$p")
    sep_total=$((sep_total + s)); ref_total=$((ref_total + r))
    echo "| $p | ${t[0]} | ${t[1]} | ${t[2]:-–} | $(mb "$s") | $([ "$r" -gt 0 ] && mb "$r" || echo "no such plugin") |"
  done
  echo "| **the suite** | | | | $(mb "$sep_total") in ${#plugins[@]} files; multi-call: **$(mb "$(size "$work/multi/cni-plugins")") in one** | $(mb "$ref_total") in $((${#plugins[@]} - 1)) files |"
  echo
  echo "| real verb | multi-call (link) | per-plugin | reference |"
  echo "|---|---:|---:|---:|"
  mapfile -t t < <(measure -- "$(host_local "$work/multi/host-local" "$(host_local_conf multi)")" \
    "$(host_local "$work/separate/host-local" "$(host_local_conf separate)")" "$(host_local "$ref/host-local" "$(host_local_conf ref)")")
  echo "| host-local ADD+DEL, empty store | ${t[0]} | ${t[1]} | ${t[2]} |"
  if [ "$(id -u)" = 0 ] && ip netns add "$netns"; then
    conf=$(loopback_conf)
    mapfile -t t < <(measure -- "$(loopback "$work/multi/loopback" "$conf")" "$(loopback "$work/separate/loopback" "$conf")" \
      "$(loopback "$ref/loopback" "$conf")")
    echo "| loopback ADD+DEL in a network namespace | ${t[0]} | ${t[1]} | ${t[2]} |"
  fi
} > "$tables"

if $settings; then
  # One setting changed at a time from NativeAOT.props; each variant published with its own artifacts so no build
  # output is shared between them.
  variants=(
    "OptimizationPreference=Speed"
    "StackTraceSupport=true"
    "UseSystemResourceKeys=true"
    "StaticExecutable=false PositionIndependentExecutable=true"
    "IlcDehydrate=true"
  )
  dirs=("$work/multi")
  for i in "${!variants[@]}"; do
    echo "publishing the multi-call file with ${variants[$i]}" >&2
    props=(); for kv in ${variants[$i]}; do props+=("-p:$kv"); done
    dotnet publish "$root/cmd/cni-plugins/cni-plugins.csproj" -c Release -o "$work/v$i" --artifacts-path "$work/artifacts-$i" \
      --nologo -v quiet -warnaserror "${props[@]}" >/dev/null
    ln -sfn cni-plugins "$work/v$i/bridge"; ln -sfn cni-plugins "$work/v$i/host-local"
    dirs+=("$work/v$i")
  done
  vcmds=(); hcmds=()
  for i in "${!dirs[@]}"; do
    vcmds+=("$(version "${dirs[$i]}/bridge")")
    hcmds+=("$(host_local "${dirs[$i]}/host-local" "$(host_local_conf "v$i")")")
  done
  mapfile -t tv < <(measure -N -- "${vcmds[@]}")
  mapfile -t th < <(measure -- "${hcmds[@]}")
  {
    echo
    echo "| multi-call publish setting (one change from NativeAOT.props) | size | bridge VERSION | host-local ADD+DEL |"
    echo "|---|---:|---:|---:|"
    for i in "${!dirs[@]}"; do
      label="as shipped (NativeAOT.props)"; [ "$i" = 0 ] || label="\`${variants[$((i - 1))]}\`"
      echo "| $label | $(mb "$(size "${dirs[$i]}/cni-plugins")") | ${tv[$i]} | ${th[$i]} |"
    done
  } >> "$tables"
fi

cat "$tables"
if $readme; then
  python3 - "$root/README.md" "$tables" "$runs" <<'PY'
import re, sys
readme, tables, runs = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
begin, end = "<!-- bench-startup: begin -->", "<!-- bench-startup: end -->"
text = open(readme).read()
if begin not in text or end not in text:
    sys.exit(f"{readme} has no {begin} ... {end} markers")
body = f"{begin}\n<!-- written by scripts/bench-startup.sh ({runs} runs per figure); do not edit by hand -->\n{tables}{end}"
open(readme, "w").write(re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: body, text, flags=re.S))
PY
fi
