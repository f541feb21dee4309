"""Run every benchmark module in this folder: each `bench/<name>.py` offers a `main()` that prints its figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def benchmark_modules() -> list[str]:
    folder = Path(__file__).resolve().parent
    return sorted(
        f"bench.{module.name}" for module in pkgutil.iter_modules([str(folder)]) if not module.name.startswith("_")
    )


def main(argv: list[str]) -> int:
    """`python -m bench` runs all; `python -m bench simulator_roundtrip` runs the named ones."""
    wanted = set(argv)
    for name in benchmark_modules():
        if wanted and name.removeprefix("bench.") not in wanted:
            continue
        print(f"== {name}", flush=True)
        importlib.import_module(name).main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
