#!/usr/bin/env bash
# Side-by-side SGEMM yardstick: NumPy on Debian's OpenMP OpenBLAS versus `sharpformer bench gemm`, same shapes,
# same method (best of repeats after a warm-up), measured back to back because the host drifts.
#
# Usage: tools/bench/compare_gemm.sh [THREADS...]      (default: 1 and the number of cores)
# Environment: SHAPES="M,K,N;..." to override the shapes, ROUNDS=R to run each pair R times and keep the best,
#              SHARPFORMER_CLI="command" to run a prebuilt CLI instead of `dotnet run` on src/Sharpformer.Cli.
# Installs nothing; it checks its prerequisites and says how to install what is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python=/usr/bin/python3   # Debian's interpreter, whose numpy links the system BLAS (a pyenv python would not)
rounds="${ROUNDS:-1}"
shapes="${SHAPES:-}"
if [ "$#" -gt 0 ]; then threads=("$@"); else threads=(1 "$(nproc)"); fi

missing=0
if [ ! -x "$python" ] || ! "$python" -c 'import numpy' 2>/dev/null; then
    echo "error: Debian's NumPy is missing: apt-get install -y python3-numpy" >&2
    missing=1
fi
blas="$(dpkg -L libopenblas0-openmp 2>/dev/null | grep '/libblas\.so\.3$' | head -n 1 || true)"
if [ -z "$blas" ]; then
    echo "error: the OpenMP build of OpenBLAS is missing: apt-get install -y libopenblas0-openmp" >&2
    missing=1
fi
if [ -z "${SHARPFORMER_CLI:-}" ] && ! command -v dotnet >/dev/null; then
    echo "error: the .NET SDK (dotnet) is needed to build src/Sharpformer.Cli" >&2
    missing=1
fi
if [ "$missing" -ne 0 ]; then
    echo "Install the prerequisites (as root): apt-get update && apt-get install -y python3-numpy libopenblas0-openmp" >&2
    exit 1
fi
blas_dir="$(dirname "$blas")"

# NumPy with the OpenMP OpenBLAS picked by LD_LIBRARY_PATH; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset here only,
# so OpenBLAS chooses its own kernel for this CPU.
run_numpy() {
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$1" OMP_WAIT_POLICY=passive LD_LIBRARY_PATH="$blas_dir" \
        "$python" "${@:2}"
}

# Check which BLAS NumPy really loaded: the mapped libraries of the process after importing numpy.
loaded="$(run_numpy 1 -c 'import numpy; print("\n".join(sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower()})))')"
if ! grep -q "^$blas_dir/" <<<"$loaded"; then
    echo "error: NumPy did not load the OpenMP OpenBLAS from $blas_dir; it mapped:" >&2
    echo "$loaded" >&2
    exit 1
fi
echo "NumPy BLAS: $(tr '\n' ' ' <<<"$loaded")" >&2

if [ -n "${SHARPFORMER_CLI:-}" ]; then
    read -r -a cli <<<"$SHARPFORMER_CLI"
else
    echo "Building src/Sharpformer.Cli (Release)..." >&2
    if ! dotnet build "$repo/src/Sharpformer.Cli" -c Release >&2; then
        echo "error: building src/Sharpformer.Cli failed" >&2
        exit 1
    fi
    cli=(dotnet run --no-build -c Release --project "$repo/src/Sharpformer.Cli" --)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for n in "${threads[@]}"; do
    for ((r = 1; r <= rounds; r++)); do
        echo "threads $n, round $r: numpy..." >&2
        run_numpy "$n" "$here/numpy_gemm.py" --threads "$n" ${shapes:+--shapes "$shapes"} >"$tmp/numpy-$n-$r.json"
        echo "threads $n, round $r: sharpformer..." >&2
        "${cli[@]}" bench gemm --json --threads "$n" ${shapes:+--shapes "$shapes"} >"$tmp/ours-$n-$r.json"
    done
done

"$python" - "$tmp" <<'PY'
import glob, json, os, sys

def best(pattern):
    result = {}
    for path in glob.glob(pattern):
        for row in json.load(open(path)):
            key = (row["threads"], row["m"], row["k"], row["n"])
            result[key] = max(result.get(key, 0.0), row["gflops"])
    return result

tmp = sys.argv[1]
ours, numpy = best(os.path.join(tmp, "ours-*.json")), best(os.path.join(tmp, "numpy-*.json"))
print(f"{'threads':>7}  {'shape (M,K,N)':<18} {'ours GFLOP/s':>12} {'numpy GFLOP/s':>13} {'ratio':>6}")
for key in sorted(ours, key=lambda k: (k[0], list(ours).index(k))):
    t, m, k, n = key
    o, p = ours[key], numpy.get(key, float("nan"))
    print(f"{t:>7}  {f'{m},{k},{n}':<18} {o:>12.1f} {p:>13.1f} {o / p:>6.2f}")
PY
