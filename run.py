#!/usr/bin/env python3
"""The entry point: serve, worker, db upgrade, seed, jobs, cam, ... (thin: calls the packages).

    python run.py serve [--with-worker] [--host H] [--port P]
    python run.py worker
    python run.py db upgrade
    python run.py seed [--if-empty]
    python run.py jobs list [--state S] | jobs show ID
    python run.py cam DESIGN.svg -o OUT.nc [...]     (python run.py cam --help)
    python run.py cam simulate PROGRAM.nc --design DESIGN.svg --tool NAME --depth MM [...]
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if argv[:2] == ["cam", "simulate"]:
        from machines.simulate_cli import run_cli as simulate_cli

        return simulate_cli(argv[2:])
    if argv and argv[0] == "cam":
        # the CAM command needs neither the web app nor the database: keep its start-up light
        from machines.carve import run_cli

        return run_cli(argv[1:])
    from workshop.cli import main as workshop_main

    return workshop_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
