"""The fair-yardstick check shared by the PyTorch side-by-side scripts: PyTorch must run on Debian's OpenMP build of
OpenBLAS with OMP_WAIT_POLICY=passive. The reference BLAS that python3-torch pulls in is ~30x slower and the pthread
OpenBLAS fights PyTorch's own threads on 2 cores, so either would under-state PyTorch."""
import os
import sys

import torch


def loaded_blas():
    """Paths of the BLAS libraries mapped into this process (after a product has forced torch to load one)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})


def require_openmp_openblas(blas_dir):
    """Exits with a message unless OMP_WAIT_POLICY is passive and the BLAS was loaded from blas_dir; returns its paths."""
    if os.environ.get("OMP_WAIT_POLICY", "").lower() != "passive":
        sys.exit("error: set OMP_WAIT_POLICY=passive (the wrapper scripts do): spinning OpenMP threads distort the timings")
    blas = loaded_blas()
    if not any(path.startswith(blas_dir.rstrip("/") + "/") for path in blas):
        sys.exit(f"error: PyTorch did not load the OpenMP OpenBLAS from {blas_dir}; it mapped: {blas or 'no BLAS'}")
    return blas
