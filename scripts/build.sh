#!/usr/bin/env bash
# Publishes the suite as NativeAOT executables into bin/ (or the given directory).
#   scripts/build.sh [out]             one multi-call file out/cni-plugins holding every plugin, out/<plugin> as
#                                      relative links to it (the name a plugin is run as picks it), and
#                                      out/overlay-agent, the long-running agent, as its own file
#   scripts/build.sh --separate [out]  one file per plugin, as the reference suite ships them, and overlay-agent
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
separate=false
if [ "${1:-}" = "--separate" ]; then separate=true; shift; fi
out=${1:-$root/bin}
mkdir -p "$out"

publish() {
  echo "publishing $(basename "$1" .csproj)"
  dotnet publish "$1" -c Release -o "$out" --nologo -v quiet -warnaserror | { grep -E 'warning|error' || true; }
}

mapfile -t plugins < <(grep -l 'NativeAOT.props' "$root"/plugins/*/*.csproj "$root"/ipam/*/*.csproj 2>/dev/null | sort)
# A file published over a link would be written through it into cni-plugins: the other layout goes first.
for proj in "${plugins[@]}"; do rm -f "$out/$(basename "$proj" .csproj)"; done
rm -f "$out/cni-plugins"
if $separate; then
  for proj in "${plugins[@]}"; do publish "$proj"; done
else
  publish "$root/cmd/cni-plugins/cni-plugins.csproj"
  # The plugin names as the file itself lists them: "cni-plugins <version> plugins: a b c".
  for name in $("$out/cni-plugins" --version | sed 's/.* plugins: //'); do
    ln -sfn cni-plugins "$out/$name"
  done
fi
publish "$root/agent/overlay-agent/overlay-agent.csproj"
rm -f "$out"/*.pdb "$out"/*.dbg
ls -l "$out"
