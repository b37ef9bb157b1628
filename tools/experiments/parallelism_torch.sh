#!/usr/bin/env bash
# The PyTorch side of `sharpformer experiment parallelism`: runs parallelism_torch.py on Debian's python3-torch with the
# OpenMP OpenBLAS (OMP_WAIT_POLICY=passive), on 1 thread and on every core, into one CSV that the experiment plots
# beside its own curves:
#
#   tools/experiments/parallelism_torch.sh /tmp/parallelism_torch.csv
#   sharpformer experiment parallelism --torch-csv /tmp/parallelism_torch.csv --out docs/experiments
#
# Usage: parallelism_torch.sh OUT.csv [THREADS...]   (default threads: 1 and the number of cores)
# Environment: LENGTHS="16,32,..." to change the sequence lengths. Installs nothing; says what is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "$#" -lt 1 ]; then
    echo "usage: $0 OUT.csv [THREADS...]" >&2
    exit 2
fi
out="$1"
shift
if [ "$#" -gt 0 ]; then threads=("$@"); else threads=(1 "$(nproc)"); fi

# shellcheck source=../bench/openblas_env.sh
source "$here/../bench/openblas_env.sh" torch

rm -f "$out"
for n in "${threads[@]}"; do
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$n" OMP_WAIT_POLICY=passive LD_LIBRARY_PATH="$blas_dir" \
        "$python" "$here/parallelism_torch.py" --threads "$n" --blas-dir "$blas_dir" --out "$out" ${LENGTHS:+--lengths "$LENGTHS"}
done
echo "wrote $out" >&2
