#!/usr/bin/env bash
# Builds the binaries once, then runs every test project: unit tests and the conformance suite (which execs the
# published binaries in throwaway network namespaces and needs root). Ends with "N passed, N failed, N skipped"; a
# skipped test could not run on this machine (the reason is printed with it) and is neither passed nor failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/deps.sh" || { echo "installing the test dependencies failed"; echo "0 passed, 1 failed"; exit 1; }
# Nerdbank.GitVersioning needs the git history; a shallow clone builds with a fixed version instead of failing.
if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then export NBGV_GitEngine=Disabled; fi
"$root/scripts/build.sh" "$root/bin" >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

# The tests run what a user installs: the release tarball made from bin/, extracted, and installed into a temp dir
# by its own `cni-plugins install` (overlay-agent beside it, as the tarball has it). CNI_PLUGINS_BIN points the
# conformance suite there.
release=$(mktemp -d /tmp/cni-test-release.XXXXXX) && chmod 755 "$release"
trap 'rm -rf "$release"' EXIT
tgz=$("$root/scripts/release.sh" --bin "$root/bin" "$release/out") && mkdir "$release/x" && tar -C "$release/x" -xzf "$tgz" \
  && "$release/x/cni-plugins" install --dest "$release/opt/cni/bin" >/dev/null \
  && install -m 0755 "$release/x/overlay-agent" "$release/opt/cni/bin/" \
  || { echo "installing from the release tarball failed"; echo "0 passed, 1 failed"; exit 1; }
export CNI_PLUGINS_BIN=$release/opt/cni/bin
echo "== testing $(basename "$tgz") installed into $CNI_PLUGINS_BIN"

mapfile -t projects < <(find tests conformance ipam plugins -name '*.csproj' -path '*Tests*' -o -name 'Conformance.csproj' 2>/dev/null | sort -u)
passed=0; failed=0; skipped=0; status=0
log=$(mktemp)
for proj in "${projects[@]}"; do
  echo "== $proj"
  # A failure's message and the first lines of its stack trace are printed too: they are all CI keeps of it.
  dotnet test "$proj" --nologo 2>&1 | tee "$log" | awk '
    /^[ \t]*(Failed|Passed|Skipped) |Failed!|Passed!|error/ { print; next }
    /^[ \t]*(Error Message|Stack Trace):/ { print; context = 8; next }
    context > 0 { print; context-- }' || true
  line=$(grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    echo "no test summary for $proj"; tail -20 "$log"; failed=$((failed + 1)); status=1; continue
  fi
  f=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$line"); p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")
  s=$(sed -nE 's/.*Skipped: +([0-9]+).*/\1/p' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
  [ "$f" -eq 0 ] || status=1
done
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
