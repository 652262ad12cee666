"""How many BLAS threads a piece of work deserves: the one thread policy of :mod:`clustering`.

Starting and synchronising threads costs more than a small matrix product
saves. On a busy 2-core machine the digits fit (1400 x 64, k=50) ran 60 times
slower with 2 BLAS threads than with 1. So small work runs on one thread and
large work keeps the BLAS default. ``threadpoolctl`` sets the limit for the
duration of a ``with`` block and restores it afterwards.
"""

from __future__ import annotations

import functools

from threadpoolctl import ThreadpoolController

__all__ = ["BLAS_THREADS_MIN_WORK", "blas_threads_for"]

# Below this many multiply-adds per pass (samples x features x centres), use one BLAS thread.
BLAS_THREADS_MIN_WORK = 1 << 26


@functools.cache
def _blas_controller() -> ThreadpoolController:
    """Find the BLAS libraries once (a search of the loaded libraries takes milliseconds)."""
    return ThreadpoolController()


def blas_threads_for(shape: tuple[int, int], n_clusters: int):
    """A context in which products of ``shape`` data with ``n_clusters`` centres
    (or components) get the BLAS threads they deserve: one for small work, the
    BLAS default for large work."""
    n_samples, n_features = shape
    small = n_samples * n_features * n_clusters < BLAS_THREADS_MIN_WORK
    return _blas_controller().limit(limits=1 if small else None, user_api="blas")
