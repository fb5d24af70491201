"""The cycle collector paused over work that allocates many objects and no cycles.

Planning and posting a large design make hundreds of thousands of small lists, tuples and
strings; none refers back to another, yet the collector would scan them again and again as
they pile up. Re-enabled on the way out only if it was enabled on the way in, so nested and
concurrent uses leave it as they found it (as `cam.svg.load` does for an import).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
