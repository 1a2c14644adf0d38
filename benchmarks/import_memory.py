"""Peak memory of `salessprint import deals` on a large Maven file.

    .venv/bin/python -m benchmarks.import_memory                 # 200,000 rows, SQLite and PostgreSQL, 3 runs each
    .venv/bin/python -m benchmarks.import_memory --rows 50000 --backends sqlite --runs 1

The file is generated (seeded: same rows on any machine) in a temporary
folder, in the layout of the Maven "CRM Sales Opportunities" sales_pipeline.csv,
and imported into an empty store by a `salessprint` process of its own; its
peak resident set size comes from the kernel's accounting of that process
(`os.wait4`). Prints one JSON object: per backend, every run's peak RSS (MB)
and wall time, and their medians. tests/perf/test_import_memory.py checks the
same thing cheaply (memory flat between two file sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HEADER = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
PRODUCTS = ("GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTX Plus Pro", "GTX Plus Basic", "GTK 500")
STAGES = ("Won", "Lost", "Won", "Lost", "Engaging", "Prospecting")
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def write_pipeline(path: Path, rows: int, seed: int = 1) -> Path:
    """A Maven-style sales_pipeline.csv of `rows` deals: 40 agents, 2,000
    accounts (one deal in twenty has none), a third of them open."""
    rng = random.Random(seed)
    agents = [f"Agent {i:02d} Name" for i in range(40)]
    accounts = [f"Account {i:04d}" for i in range(2000)]
    base = date(2020, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for i in range(rows):
            stage = rng.choice(STAGES)
            engaged = base + timedelta(days=rng.randrange(1500))
            if stage in ("Won", "Lost"):
                closed = (engaged + timedelta(days=rng.randrange(1, 120))).isoformat()
                value = str(rng.randrange(0, 30000)) if stage == "Won" else "0"
            else:
                closed = value = ""
            account = rng.choice(accounts) if rng.random() > 0.05 else ""
            out.write(
                f"OP{i:08d},{rng.choice(agents)},{rng.choice(PRODUCTS)},{account},{stage},"
                f"{engaged.isoformat()},{closed},{value}\n"
            )
    return path


def peak_import(url: str, pipeline: Path, home: Path) -> tuple[float, float, str]:
    """Run one import into the empty store at `url`: (peak RSS in MB, seconds, its output)."""
    env = {
        **os.environ,
        "HOME": str(home),
        "SALESSPRINT_CONFIG": str(home / "config.toml"),
        "SALESSPRINT_DATA_DIR": str(home / "data"),
    }
    argv = [sys.executable, "-m", "salessprint", "--db", url, "--as", "ada"]
    argv += ["import", "deals", str(pipeline), "--format", "maven", "--team", "Memory Bench"]
    started = time.perf_counter()
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        assert proc.stdout is not None
        output = proc.stdout.read().decode("utf-8", "replace")
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"the import failed (exit {proc.returncode}): {output[-500:]}")
    return usage.ru_maxrss / 1024, seconds, output.strip().splitlines()[0]  # ru_maxrss: KiB on Linux


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def measure(rows: int, backends: list[str], runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": rows, "runs": runs}
    with tempfile.TemporaryDirectory(prefix="salessprint-memory-") as tmp:
        folder = Path(tmp)
        pipeline = write_pipeline(folder / "sales_pipeline.csv", rows)
        out["file_mb"] = round(pipeline.stat().st_size / 2**20, 1)
        for backend in backends:
            samples: list[tuple[float, float]] = []
            for run in range(runs):
                if backend == "sqlite":
                    url = f"sqlite:///{folder / f'import{run}.db'}"
                else:
                    name = f"salessprint_bench_memory_{os.getpid()}"
                    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    _pg(f'CREATE DATABASE "{name}"')
                    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                try:
                    mb, seconds, said = peak_import(url, pipeline, folder)
                finally:
                    if backend != "sqlite":
                        _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    else:
                        (folder / f"import{run}.db").unlink(missing_ok=True)
                samples.append((mb, seconds))
                out.setdefault(f"{backend}_output", said)
            out[backend] = {
                "peak_rss_mb": [round(mb, 1) for mb, _s in samples],
                "seconds": [round(s, 1) for _mb, s in samples],
                "median_peak_rss_mb": round(statistics.median(mb for mb, _s in samples), 1),
                "median_seconds": round(statistics.median(s for _mb, s in samples), 1),
            }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_memory", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.rows, args.backends.split(","), args.runs), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
