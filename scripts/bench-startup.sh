#!/usr/bin/env bash
# Start-up and size of every published plugin against the reference binary of the same name (Debian's
# containernetworking-plugins in /usr/lib/cni), side by side in one run: file size, and the wall time of VERSION
# (the call runtimes make to probe a plugin; pure start-up, no kernel work) measured with hyperfine.
# Needs nothing but the binaries; touches no network namespace. Usage: scripts/bench-startup.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-300}
command -v hyperfine >/dev/null || "$root/scripts/deps.sh"
[ -x "$root/bin/loopback" ] || "$root/scripts/build.sh" "$root/bin" >/dev/null
printf '%-12s %12s %12s %14s %14s\n' plugin "ours bytes" "ref bytes" "ours VERSION" "ref VERSION"
for ours in "$root"/bin/*; do
  name=$(basename "$ours"); ref=/usr/lib/cni/$name
  [ -x "$ours" ] && [ -x "$ref" ] || continue
  json=$(mktemp)
  hyperfine -N -w 20 -r "$runs" --export-json "$json" \
    "env CNI_COMMAND=VERSION $ours" "env CNI_COMMAND=VERSION $ref" >/dev/null 2>&1
  read -r a b < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(*("%.2fms" % (x["median"]*1000) for x in r))' "$json")
  rm -f "$json"
  printf '%-12s %12s %12s %14s %14s\n' "$name" "$(stat -c %s "$ours")" "$(stat -c %s "$ref")" "$a" "$b"
done
