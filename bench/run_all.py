"""Run every benchmark and print its figures: `make bench` or `python -m bench.run_all`."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import (  # noqa: E402
    bench_dispatch,
    bench_first_visit,
    bench_geojson,
    bench_import,
    bench_lookup,
    bench_map,
    bench_phone,
    bench_recommend,
)


def main() -> None:
    print(
        f"# turfmap benchmarks on {platform.node()} ({platform.processor() or 'cpu'}), "
        f"Python {platform.python_version()}"
    )
    for module in (
        bench_import,
        bench_lookup,
        bench_geojson,
        bench_recommend,
        bench_dispatch,
        bench_map,
        bench_phone,
        bench_first_visit,
    ):
        print(f"\n## {module.__name__.split('.')[-1]}")
        module.run()


if __name__ == "__main__":
    main()
