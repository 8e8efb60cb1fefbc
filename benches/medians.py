#!/usr/bin/env python3
"""Prints the median of every criterion bench from its latest run.

criterion's `time:` line is the slope of its linear fit (or the mean), not
the median; the README reports medians, which criterion keeps in
`target/criterion/<bench>/new/estimates.json`. Run right after
`cargo bench`, since the next run replaces them.

    python3 benches/medians.py [TARGET_DIR] [SUBSTRING]
"""

import json
import pathlib
import sys


def readable(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main() -> None:
    target = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target")
    wanted = sys.argv[2] if len(sys.argv) > 2 else ""
    rows = []
    for bench in sorted((target / "criterion").glob("**/new/benchmark.json")):
        name = json.loads(bench.read_text())["full_id"]
        if wanted not in name:
            continue
        estimates = json.loads((bench.parent / "estimates.json").read_text())
        rows.append((name, estimates["median"]["point_estimate"]))
    width = max((len(name) for name, _ in rows), default=0)
    for name, median in rows:
        print(f"{name:{width}}  {readable(median)}")


if __name__ == "__main__":
    main()
