#!/usr/bin/env bash
# Installs the published binaries where runtimes look for CNI plugins. Usage: scripts/install.sh [dir]
# (default /opt/cni/bin). Existing files of the same name are replaced; nothing else there is touched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-/opt/cni/bin}
[ -x "$root/bin/loopback" ] || "$root/scripts/build.sh" "$root/bin" >/dev/null
install -d "$dest"
for f in "$root"/bin/*; do
  [ -x "$f" ] && install -m 0755 "$f" "$dest/$(basename "$f")" && echo "installed $dest/$(basename "$f")"
done
