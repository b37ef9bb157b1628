"""The `parallelism` experiment's workload in PyTorch: forward+backward wall time of one LSTM layer, one GRU layer and one
Transformer encoder layer (batch 16, d 256, 4 heads, d_ff 1024, post-norm, no dropout; loss = mean of the outputs),
median of repeats after a warm-up, for each sequence length. Writes the CSV columns Sharpformer's experiment reads with
--torch-csv: batch,d,length,arch,threads,ms_forward_backward.

Run it through parallelism_torch.sh, which selects the OpenMP OpenBLAS; this script refuses to run on any other BLAS,
because anything else under-states PyTorch on this machine.
"""
import argparse
import csv
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from torch_blas import require_openmp_openblas  # noqa: E402


def layers(d, heads, d_ff):
    return {
        "lstm": torch.nn.LSTM(d, d, batch_first=True),
        "gru": torch.nn.GRU(d, d, batch_first=True),
        "transformer-encoder": torch.nn.TransformerEncoderLayer(d, heads, d_ff, dropout=0.0, batch_first=True),
    }


def forward(layer, x):
    out = layer(x)
    return out[0] if isinstance(out, tuple) else out


def median_ms(layer, batch, length, d, warmup, repeats):
    def step():
        x = torch.randn(batch, length, d)
        forward(layer, x).mean().backward()
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--lengths", default="16,32,64,128,256,512,1024")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--d", type=int, default=256)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--blas-dir", required=True, help="folder the OpenMP OpenBLAS must be loaded from")
    parser.add_argument("--out", required=True, help="CSV to append to (the header is written when the file is new)")
    args = parser.parse_args()

    blas = require_openmp_openblas(args.blas_dir)
    print(f"PyTorch {torch.__version__}, BLAS: {' '.join(blas)}, {args.threads} threads", file=sys.stderr)

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    new = not os.path.exists(args.out)
    with open(args.out, "a", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        if new:
            writer.writerow(["batch", "d", "length", "arch", "threads", "ms_forward_backward"])
        for arch, layer in layers(args.d, 4, 4 * args.d).items():
            for length in (int(n) for n in args.lengths.split(",")):
                ms = median_ms(layer, args.batch, length, args.d, warmup=1, repeats=5 if length <= 128 else 3)
                writer.writerow([args.batch, args.d, length, arch, args.threads, f"{ms:.4g}"])
                f.flush()
                print(f"{arch} n={length} threads={args.threads}: {ms:.1f} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
