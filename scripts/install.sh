#!/usr/bin/env bash
# Installs the published suite where runtimes look for CNI plugins. Usage: scripts/install.sh [dir] (default
# /opt/cni/bin). `cni-plugins install` puts the multi-call file and a link per plugin there, each by an atomic rename
# (a plugin a runtime is executing meanwhile is never overwritten), and refuses to replace files that are not ours
# (pass --force through CNI_INSTALL_FLAGS to replace them); overlay-agent is copied beside them. A per-plugin build
# (scripts/build.sh --separate) is installed file by file. Nothing else in the directory is touched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-/opt/cni/bin}
[ -x "$root/bin/loopback" ] || "$root/scripts/build.sh" "$root/bin" >/dev/null
install -d "$dest"
if [ -x "$root/bin/cni-plugins" ]; then
  # shellcheck disable=SC2086 # the flags are words
  "$root/bin/cni-plugins" install --dest "$dest" ${CNI_INSTALL_FLAGS:-}
fi
for f in "$root"/bin/*; do
  # Links are cni-plugins install's; coreutils install unlinks the old file before writing the new one.
  name=$(basename "$f")
  if [ -x "$f" ] && [ ! -L "$f" ] && [ "$name" != cni-plugins ]; then
    install -m 0755 "$f" "$dest/$name" && echo "installed $dest/$name"
  fi
done
