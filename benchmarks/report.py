"""What every benchmark script writes: the machine it ran on, and its own section of
docs/benchmarks.md (replaced in place, the other sections left alone)."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def machine_line(*versions: str) -> str:
    """CPU model, cores, how busy the machine was at the start, Python and ``versions``."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    # other work on the machine slows every figure: say how busy it was
    load = (
        f", load average {os.getloadavg()[0]:.1f} at the start" if hasattr(os, "getloadavg") else ""
    )
    extra = "".join(f", {v}" for v in versions)
    return f"{cpu}, {os.cpu_count()} cores{load}, Python {platform.python_version()}{extra}"


def write_section(title: str, text: str, doc: Path = DOC) -> None:
    """Replace the ``title`` section ("## CAM", ...) of ``doc`` with ``text``, or append it."""
    old = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    body = text.rstrip("\n") + "\n"
    if pattern.search(old):
        new = pattern.sub(lambda _m: body + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + body
    doc.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
