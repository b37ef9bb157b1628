#!/usr/bin/env bash
# Side-by-side performance yardstick: `sharpformer bench train|decode|recurrent` against tools/bench/torch_reference.py
# (Debian's PyTorch on the OpenMP OpenBLAS, OMP_WAIT_POLICY=passive), same workloads, run back to back because the host
# drifts; prints one table with ours / PyTorch throughput.
#
# Usage: tools/bench/compare.sh [THREADS]        (default: the number of cores)
# Environment: STEPS=K training steps per preset (default 10); SKIP="M ..." to leave out workloads (S, S1, M, decode,
#              recurrent); SHARPFORMER_CLI="command" to run a prebuilt CLI instead of building src/Sharpformer.Cli.
# Installs nothing; it checks its prerequisites and says how to install what is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads="${1:-$(nproc)}"
steps="${STEPS:-10}"
skip=" ${SKIP:-} "

# shellcheck source=openblas_env.sh
source "$here/openblas_env.sh" torch

torch_ref() {  # torch_ref THREADS COMMAND ARGS...
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$1" OMP_WAIT_POLICY=passive LD_LIBRARY_PATH="$blas_dir" \
        "$python" "$here/torch_reference.py" --blas-dir "$blas_dir" --threads "$1" "${@:2}"
}

if [ -n "${SHARPFORMER_CLI:-}" ]; then
    read -r -a cli <<<"$SHARPFORMER_CLI"
else
    echo "Building src/Sharpformer.Cli (Release)..." >&2
    dotnet build "$repo/src/Sharpformer.Cli" -c Release >&2 || { echo "error: building src/Sharpformer.Cli failed" >&2; exit 1; }
    cli=(dotnet "$repo/src/Sharpformer.Cli/bin/Release/net10.0/sharpformer.dll")
fi
ours() { "${cli[@]}" bench "$@" --json; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
run() {  # run NAME THREADS OURS-ARGS -- TORCH-ARGS: both sides back to back, JSON into $tmp
    local name=$1 n=$2; shift 2
    local mine=() theirs=()
    while [ "$1" != "--" ]; do mine+=("$1"); shift; done
    shift; theirs=("$@")
    [[ "$skip" == *" $name "* ]] && return 0
    echo "$name: sharpformer..." >&2
    ours "${mine[@]}" --threads "$n" >"$tmp/$name.ours.json"
    echo "$name: pytorch..." >&2
    torch_ref "$n" "${theirs[@]}" >"$tmp/$name.torch.json"
}
run S "$threads" train --preset S --steps "$steps" -- train --preset S --steps "$steps"
run S1 1 train --preset S --steps "$steps" -- train --preset S --steps "$steps"
run M "$threads" train --preset M --steps "$((steps / 2 > 2 ? steps / 2 : 3))" -- train --preset M --steps "$((steps / 2 > 2 ? steps / 2 : 3))"
run decode1 "$threads" decode --batch 1 -- decode --batch 1
run decode32 "$threads" decode --batch 32 -- decode --batch 32
run recurrent "$threads" recurrent -- recurrent

echo "Side by side on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'):"
"$python" - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]

def load(name, side):
    path = os.path.join(tmp, f"{name}.{side}.json")
    return json.load(open(path)) if os.path.exists(path) else None

rows = []
for name, label in (("S", "train S"), ("S1", "train S, 1 thread"), ("M", "train M")):
    o, t = load(name, "ours"), load(name, "torch")
    if o and t:
        rows.append((f"{label} (target tok/s)", o["target_tokens_per_second"], t["target_tokens_per_second"]))
        rows.append((f"{label} peak memory (MB)", o["peak_working_set_bytes"] / 1e6, t["peak_working_set_bytes"] / 1e6))
for name, label in (("decode1", "greedy decode, batch 1 (tok/s)"), ("decode32", "greedy decode, batch 32 (tok/s)")):
    o, t = load(name, "ours"), load(name, "torch")
    if o and t:
        rows.append((f"{label}, ours cached vs nn.Transformer", o["cached_tokens_per_second"], t["uncached_tokens_per_second"]))
        rows.append((f"{label}, ours cached vs ours uncached", o["cached_tokens_per_second"], o["uncached_tokens_per_second"]))
o, t = load("recurrent", "ours"), load("recurrent", "torch")
if o and t:
    theirs = {(r["arch"], r["length"]): r for r in t}
    for r in o:
        rows.append((f"{r['arch']} fwd+bwd, length {r['length']} (tok/s)", r["tokens_per_s"], theirs[(r["arch"], r["length"])]["tokens_per_s"]))
print(f"{'workload':<62} {'ours':>10} {'reference':>10} {'ratio':>6}")
for label, mine, theirs in rows:
    print(f"{label:<62} {mine:>10.1f} {theirs:>10.1f} {mine / theirs:>6.2f}")
PY
