#!/usr/bin/env bash
# Publishes every plugin, and the overlay agent, as a NativeAOT single-file executable into bin/, the way the
# reference suite ships its binaries (one directory, one file per plugin). Usage: scripts/build.sh [output-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bin}
mkdir -p "$out"
mapfile -t projects < <(grep -l 'NativeAOT.props' "$root"/plugins/*/*.csproj "$root"/ipam/*/*.csproj "$root"/agent/*/*.csproj 2>/dev/null | sort)
for proj in "${projects[@]}"; do
  name=$(basename "$proj" .csproj)
  echo "publishing $name"
  dotnet publish "$proj" -c Release -o "$out" --nologo -v quiet -warnaserror | { grep -E 'warning|error' || true; }
done
rm -f "$out"/*.pdb "$out"/*.dbg
ls -l "$out"
