#!/usr/bin/env bash
# The reliability suite and the fuzzer in their long mode (ten times the kill rounds and storms, a fuzz run of
# CNI_FUZZ_SECONDS per target), with every figure printed. Needs root and the published binaries (scripts/build.sh).
# Usage: scripts/reliability.sh [seed]   (the CI seeds are fixed; a failure prints the seed that replays it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CNI_RELIABILITY_LONG=1
[ $# -ge 1 ] && export CNI_RELIABILITY_SEED="$1" CNI_FUZZ_SEED="$1"
export CNI_FUZZ_ITERATIONS=${CNI_FUZZ_ITERATIONS:-200000} CNI_FUZZ_SECONDS=${CNI_FUZZ_SECONDS:-120}
dotnet test conformance/Conformance.csproj --nologo --filter "FullyQualifiedName~Reliability" --logger "console;verbosity=detailed"
dotnet test tests/Fuzz.Tests --nologo --logger "console;verbosity=detailed"
