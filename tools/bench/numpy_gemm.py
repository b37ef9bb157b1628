#!/usr/bin/env python3
"""NumPy (BLAS) SGEMM yardstick with the same shapes and method as `sharpformer bench gemm`.

For each (M, K, N) it times C = A @ B in float32: one warm-up call, then repeats of enough calls to last
at least --min-seconds each, reporting the best repeat. Prints a JSON array of
{m, k, n, threads, gflops, ms}, the fields `sharpformer bench gemm --json` prints.
The BLAS thread count comes from the environment (OMP_NUM_THREADS); --threads is only recorded.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

DEFAULT_SHAPES = "512,512,512;1024,1024,1024;2048,2048,2048;1024,256,1024;1024,1024,256;1024,256,768;4096,512,2048;32,512,32000"


def parse_shapes(text):
    shapes = []
    for part in text.split(";"):
        part = part.strip()
        if part:
            m, k, n = (int(x) for x in part.split(","))
            shapes.append((m, k, n))
    return shapes


def measure(m, k, n, repeats, min_seconds):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)  # warm-up: threads started, pages touched

    calls = 1
    while True:  # calibrate calls per repeat so one repeat lasts at least min_seconds
        start = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, b, out=c)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
        calls = max(calls * 2, int(calls * min_seconds / max(elapsed, 1e-9) * 1.1))

    best = elapsed / calls
    for _ in range(repeats - 1):
        start = time.perf_counter()
        for _ in range(calls):
            np.matmul(a, b, out=c)
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "0") or 0))
    parser.add_argument("--shapes", default=DEFAULT_SHAPES, help="M,K,N;M,K,N;...")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--min-seconds", type=float, default=0.2)
    args = parser.parse_args()

    results = []
    for m, k, n in parse_shapes(args.shapes):
        seconds = measure(m, k, n, args.repeats, args.min_seconds)
        results.append({
            "m": m, "k": k, "n": n, "threads": args.threads,
            "gflops": round(2.0 * m * n * k / seconds / 1e9, 2),
            "ms": round(seconds * 1e3, 4),
        })
    json.dump(results, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
