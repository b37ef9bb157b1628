#!/usr/bin/env bash
# A long fuzzing campaign: the test suite's in-process fuzz tests (tests/Sharpformer.Tests/Fuzzing: every file format
# the project reads, and serve's HTTP request bodies) with N mutants per seed file instead of the suite's 240.
# Prints each format's test with its time, and the totals; a failure lists the (mutation, seed) pairs that crashed.
#
# Usage: tools/fuzz/campaign.sh [N]     (default 100000; run from anywhere)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
n="${1:-100000}"
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "error: N must be a positive number of mutants, got '$n'" >&2; exit 2; }
dotnet build "$repo/tests/Sharpformer.Tests" -c Release >&2 || { echo "error: building the tests failed" >&2; exit 1; }
start=$(date +%s)
SHARPFORMER_FUZZ_MUTANTS="$n" dotnet test "$repo/tests/Sharpformer.Tests" -c Release --no-build \
    --filter "FullyQualifiedName~Sharpformer.Tests.Fuzzing" --logger "console;verbosity=normal" 2>&1 \
    | grep -E "^\s+(Passed|Failed) |Total tests|Passed!|Failed!|mutants of|crashed|still reading" || true
echo "campaign: $n mutants per seed file, $(( $(date +%s) - start )) s"
