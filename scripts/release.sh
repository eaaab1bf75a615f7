#!/usr/bin/env bash
# Makes the release tarball in the reference's layout: cni-plugins-linux-amd64-<version>.tgz whose top level holds
# ./cni-plugins (the multi-call binary), one ./<plugin> symlink to it per plugin it holds, ./overlay-agent, LICENSE
# and README.md, with <name>.sha256 and <name>.sha512 beside it (sha256sum/sha512sum format, checked with -c).
# Reproducible: the same binaries give the same bytes (entries sorted, owner 0:0 numeric, every mtime the commit's
# time or $SOURCE_DATE_EPOCH, modes fixed, gzip without name or time). The version is the one the binary prints
# (Nerdbank.GitVersioning's, without the +commit build metadata). Prints the tarball's path.
# Usage: scripts/release.sh [--bin DIR] [outdir]  (default: build with scripts/build.sh; outdir artifacts/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=""
if [ "${1:-}" = --bin ]; then bin=$2; shift 2; fi
out=${1:-$root/artifacts/release}

work=$(mktemp -d /tmp/cni-release.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  bin=$work/bin
  "$root/scripts/build.sh" "$bin" >/dev/null
fi
[ -x "$bin/cni-plugins" ] && [ -x "$bin/overlay-agent" ] || { echo "no cni-plugins or overlay-agent in $bin" >&2; exit 1; }

# "cni-plugins v0.1.90+7a13f498e9 plugins: bridge host-local ..."
about=$("$bin/cni-plugins" --version)
read -r self version _ <<<"$about"
[ "$self" = cni-plugins ] && [ -n "$version" ] || { echo "unexpected --version output: $about" >&2; exit 1; }
version=${version%%+*}

# The plugins are the build's links to cni-plugins; each must be one the binary says it holds.
plugins=()
for link in "$bin"/*; do
  [ -L "$link" ] && [ "$(readlink "$link")" = cni-plugins ] || continue
  name=$(basename "$link")
  [[ " ${about#*plugins:} " == *" $name "* ]] || { echo "$link: cni-plugins does not hold $name" >&2; exit 1; }
  plugins+=("$name")
done
[ ${#plugins[@]} -gt 0 ] || { echo "no plugin links to cni-plugins in $bin" >&2; exit 1; }

stage=$work/stage
mkdir -m 0755 "$stage"
install -m 0755 "$bin/cni-plugins" "$bin/overlay-agent" "$stage/"
install -m 0644 "$root/LICENSE" "$root/README.md" "$stage/"
for name in "${plugins[@]}"; do ln -s cni-plugins "$stage/$name"; done

epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
mkdir -p "$out"
name=cni-plugins-linux-amd64-$version.tgz
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --format=gnu -cf - . \
  | gzip -n -9 > "$out/$name.tmp"
mv "$out/$name.tmp" "$out/$name"
(cd "$out" && sha256sum "$name" > "$name.sha256" && sha512sum "$name" > "$name.sha512")
echo "$out/$name"
