#!/usr/bin/env bash
# Builds the container image from deploy/Containerfile with podman, offline (FROM scratch, nothing pulled), and
# tags it <name>:<version> (the binary's) and <name>:v<major.minor> (version.json's: the tag the manifests in
# deploy/kubernetes name), <name> being deploy/image-name. Layer times are the commit's (or $SOURCE_DATE_EPOCH), so
# the same binaries give the same image. Podman's own configuration decides where the image is stored
# (CONTAINERS_STORAGE_CONF and friends). Prints the tags.
# Usage: scripts/image.sh [--bin DIR]  (default: build with scripts/build.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=""
if [ "${1:-}" = --bin ]; then bin=$2; shift 2; fi

work=$(mktemp -d /tmp/cni-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  bin=$work/bin
  "$root/scripts/build.sh" "$bin" >/dev/null
fi

rootfs=$work/context/rootfs
install -D -m 0755 "$bin/cni-plugins" "$rootfs/bin/cni-plugins"
install -D -m 0755 "$bin/overlay-agent" "$rootfs/bin/overlay-agent"
# The agent's loader and libraries, and libssl.so.3 with its own (loaded with dlopen, so ldd does not name it),
# each at the path the loader looks for it.
ssl=$(ldconfig -p | awk '$1 == "libssl.so.3" && /x86-64/ {print $NF; exit}')
[ -n "$ssl" ] || { echo "libssl.so.3 not found (Debian package libssl3)" >&2; exit 1; }
for lib in $( { ldd "$bin/overlay-agent"; ldd "$ssl"; echo "$ssl"; } | grep -o '/[^ ]*' | sort -u); do
  install -D -m 0755 "$(readlink -f "$lib")" "$rootfs$lib"
done

name=$(cat "$root/deploy/image-name")
version=$("$bin/cni-plugins" --version | awk '{print $2}')
version=${version%%+*}
series=v$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$root/version.json")
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
podman build --quiet --pull=never --network=none --timestamp "$epoch" -f "$root/deploy/Containerfile" \
  -t "$name:$version" -t "$name:$series" "$work/context" >/dev/null
echo "$name:$version"
echo "$name:$series"
