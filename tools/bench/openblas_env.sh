# Sourced by the side-by-side scripts: sets $python (Debian's interpreter, whose torch and numpy link the system BLAS)
# and $blas_dir (the folder of Debian's OpenMP OpenBLAS), or exits naming what to install. $1: the module that must
# import (torch or numpy).
python=/usr/bin/python3
if [ ! -x "$python" ] || ! "$python" -c "import $1" 2>/dev/null; then
    echo "error: Debian's $1 is missing: apt-get install -y python3-$1" >&2
    exit 1
fi
blas="$(dpkg -L libopenblas0-openmp 2>/dev/null | grep '/libblas\.so\.3$' | head -n 1 || true)"
if [ -z "$blas" ]; then
    echo "error: the OpenMP build of OpenBLAS is missing: apt-get install -y libopenblas0-openmp" >&2
    exit 1
fi
blas_dir="$(dirname "$blas")"
