"""Golden G-code files: `REFRESH_GOLDEN=1` (or `--refresh-golden` when running tests/machines)
rewrites them from the current posts instead of comparing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--refresh-golden", action="store_true", help="rewrite golden G-code files")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    refresh = os.environ.get("REFRESH_GOLDEN") == "1" or request.config.getoption(
        "--refresh-golden", default=False
    )

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if refresh or not path.exists():
            if not refresh:
                pytest.fail(f"golden file {name} missing: run with REFRESH_GOLDEN=1")
            path.write_text(text, encoding="ascii")
            return
        assert text == path.read_text(encoding="ascii"), f"{name} differs from the golden file"

    return check
