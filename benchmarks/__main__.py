"""`python -m benchmarks` (what `make bench` runs): generate, measure, report.

    python -m benchmarks                 # large store, SQLite and PostgreSQL
    python -m benchmarks --small         # a quick run on the small store
    python -m benchmarks --backends sqlite --runs 3 --skip-tui
    python -m benchmarks --sizes 1k,10k,100k    # the scaling table, one column per size
    python -m benchmarks --db demo.db --tui-runs 3   # the TUI and `log call` only, on a store of yours
    python -m benchmarks --skip-kanban   # without the kanban-tui peer (bench/peers/kanban-tui, made on first use)

Reads go to the cached store; everything that writes (card moves, activity
logs, the TUI session) runs on a scratch copy, so the cache stays pristine.
Results: bench/results.json (every sample) and bench/results.md (the table).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import generate, kanban_peer, report
from benchmarks.generate import ANCHOR, ROOT
from benchmarks.kanban_peer import KanbanPeer

MAVEN_CANDIDATES = (
    ROOT.parent / "shared" / "data" / "crm-sales-opportunities" / "sales_pipeline.csv",
    Path("/work/shared/data/crm-sales-opportunities/sales_pipeline.csv"),
)


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def cli_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SALESSPRINT_CONFIG": str(workdir / "config.toml"),
            "SALESSPRINT_DATA_DIR": str(workdir / "data"),
            "SALESSPRINT_NOW": ANCHOR.isoformat(),
        }
    )
    for var in ("SALESSPRINT_DB", "SALESSPRINT_USER", "SALESSPRINT_THEME"):
        env.pop(var, None)
    return env


def scratch_copy(gen: generate.Generated) -> tuple[str, Any]:
    """A writable copy of a cached store, and how to drop it."""
    if gen.backend == "sqlite":
        folder = ROOT / "bench" / "scratch"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "sqlite.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        src = sqlite3.connect(gen.url.split("///", 1)[1])
        dst = sqlite3.connect(target)
        src.backup(dst)
        dst.close()
        src.close()

        def drop() -> None:
            for s in ("", "-wal", "-shm"):
                Path(f"{target}{s}").unlink(missing_ok=True)

        return f"sqlite:///{target}", drop
    name = gen.url.rsplit("/", 1)[1]
    scratch = f"{name[:45]}_scratch_{os.getpid()}"  # several benches may run at once
    generate._pg_admin(generate.PG_ADMIN, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    generate._pg_admin(generate.PG_ADMIN, f'CREATE DATABASE "{scratch}" TEMPLATE "{name}"')
    url = gen.url.rsplit("/", 1)[0] + "/" + scratch
    return url, lambda: generate._pg_admin(generate.PG_ADMIN, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def cli_log(url: str, runs: int, login: str = "rep01") -> dict[str, Any]:
    """`salessprint log call` as a user types it: wall time, and whether Textual was imported."""
    out: dict[str, Any] = {"load_average": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory() as tmp:
        env = cli_env(Path(tmp))
        argv = [sys.executable, "-m", "salessprint", "--db", url, "--as", login, "log", "call", "--outcome", "bench"]
        times, cpu = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if done.returncode != 0:
                out["not_measured"] = f"exit {done.returncode}: {done.stderr.strip()[-200:]}"
                return out
        probe = subprocess.run(
            [sys.executable, "-X", "importtime", *argv[1:]], env=env, capture_output=True, text=True, check=False
        )
        modules = [line.rsplit("|", 1)[-1].strip() for line in probe.stderr.splitlines() if "|" in line]
    out["log_call_s"] = round(statistics.median(times), 3)
    out["log_call_cpu_s"] = round(statistics.median(cpu), 3)
    out["imports_textual"] = any(m == "textual" or m.startswith("textual.") for m in modules)
    out["modules_imported"] = len(modules)
    return out


def maven_file() -> Path | None:
    override = os.environ.get("SALESSPRINT_BENCH_MAVEN")
    for path in (Path(override),) if override else MAVEN_CANDIDATES:
        if path.exists():
            return path
    return None


def import_bench(backends: list[str]) -> dict[str, Any]:
    """`salessprint import deals sales_pipeline.csv --format maven` into an empty store."""
    source = maven_file()
    if source is None:
        return {"not_measured": "the Maven sales_pipeline.csv was not found (set SALESSPRINT_BENCH_MAVEN)"}
    out: dict[str, Any] = {"file": str(source)}
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            env = cli_env(Path(tmp))
            drop = None
            if backend == "sqlite":
                url = f"sqlite:///{tmp}/import.db"
            else:
                name = "salessprint_bench_import"
                generate._pg_admin(generate.PG_ADMIN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                generate._pg_admin(generate.PG_ADMIN, f'CREATE DATABASE "{name}"')
                url = generate.PG_ADMIN.rsplit("/", 1)[0] + "/" + name
                drop = name
            try:
                base = [sys.executable, "-m", "salessprint", "--db", url, "--as", "ada"]
                argv = [*base, "import", "deals", str(source), "--format", "maven", "--team", "Import Bench"]
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
                seconds = time.perf_counter() - t0
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                if done.returncode == 2 and "No such command" in done.stderr:
                    out["not_measured"] = "the `import` command is not present"
                    return out
                if done.returncode != 0:
                    out[backend] = {"not_measured": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
                    continue
                out[backend] = {
                    "seconds": round(seconds, 2),
                    "cpu_s": round(cpu, 2),
                    "output": done.stdout.strip()[-300:],
                }
            finally:
                if drop:
                    generate._pg_admin(generate.PG_ADMIN, f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')
    return out


def bench_store(url: str, login: str, args: argparse.Namespace) -> dict[str, Any]:
    """`--db`: the TUI (same-run pairs) and `log call` on a scratch copy of a given store (no generation)."""
    from types import SimpleNamespace

    from benchmarks.terminal import tmux_available
    from benchmarks.tui import run_tui

    backend = "sqlite" if not url.startswith("postgresql") else "postgresql"
    if backend == "sqlite" and "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    scratch, drop = scratch_copy(SimpleNamespace(backend=backend, url=url))  # type: ignore[arg-type]
    data: dict[str, Any] = {}
    try:
        data["cli"] = cli_log(scratch, max(3, args.tui_runs), login)
        log(f"{backend}: cli {data['cli'].get('log_call_s')} s")
        if args.skip_tui or not tmux_available():
            data["tui"] = {"not_measured": "--skip-tui" if args.skip_tui else "tmux is not installed"}
        else:
            log(f"{backend}: the TUI in tmux ({args.tui_runs} pairs: the minimal app, then salessprint)")
            data["tui"] = run_tui(scratch, args.tui_runs, log, login=login, kanban=kanban_of(args), backend=backend)
    finally:
        drop()
    return {backend: data}


def kanban_of(args: argparse.Namespace) -> KanbanPeer | None:
    """The kanban-tui peer of one store size (None with --skip-kanban)."""
    return None if args.skip_kanban else KanbanPeer(timeout=args.kanban_timeout)


def bench_backend(
    backend: str, size: str, runs: int, args: argparse.Namespace, kanban: KanbanPeer | None = None
) -> dict[str, Any]:
    from benchmarks.queries import run_queries, run_writes
    from benchmarks.terminal import tmux_available
    from benchmarks.tui import run_tui

    data: dict[str, Any] = {}
    log(f"{backend}: generating the {size} store (cached when present)")
    if backend == "sqlite":
        gen = generate.ensure_sqlite(size, rebuild=args.rebuild, log=log)
    else:
        gen = generate.ensure_postgres(size, rebuild=args.rebuild, log=log)
    data["generate"] = gen.as_json()
    log(f"{backend}: store {'from the cache' if gen.cached else f'built in {gen.seconds} s'}")
    log(f"{backend}: service queries vs the raw driver ({runs} runs each)")
    data["queries"] = run_queries(gen.url, runs, log)
    url, drop = scratch_copy(gen)
    try:
        data["writes"] = run_writes(url, runs)
        data["cli"] = cli_log(url, max(3, runs // 2))
        log(f"{backend}: writes {data['writes']}, cli {data['cli'].get('log_call_s')} s")
        if args.skip_tui:
            data["tui"] = {"not_measured": "--skip-tui"}
        elif not tmux_available():
            data["tui"] = {"not_measured": "tmux is not installed"}
        else:
            log(f"{backend}: the TUI in tmux ({args.tui_runs} launches, and as many of the minimal app)")
            data["tui"] = run_tui(url, args.tui_runs, log, kanban=kanban, backend=backend)
    finally:
        drop()
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="salessprint at scale")
    parser.add_argument("--small", action="store_true", help="The small store (10 reps, 5,000 deals): minutes.")
    parser.add_argument("--size", default=None, help="A store size by name (see benchmarks/generate.py SIZES).")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=None, help="Repetitions per service query (median).")
    parser.add_argument("--tui-runs", type=int, default=3, help="App launches per backend (median).")
    parser.add_argument("--skip-tui", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-kanban", action="store_true", help="Do not launch the kanban-tui peer.")
    parser.add_argument(
        "--kanban-timeout",
        type=float,
        default=kanban_peer.DEFAULT_TIMEOUT,
        help="Seconds to wait for kanban-tui's first task title (then: timed out after N s).",
    )
    parser.add_argument("--rebuild", action="store_true", help="Build the stores again, ignoring the cache.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument(
        "--sizes", default=None, help="Comma-separated store sizes (1k,10k,100k): one run each, and the scaling table."
    )
    parser.add_argument("--db", default=None, help="Measure only the TUI and `log call` on this store (a copy).")
    parser.add_argument("--login", default="maria", help="Who to open the --db store as.")
    args = parser.parse_args(argv)
    if args.sizes:
        return main_sizes(args, argv)
    size = args.size or ("small" if args.small else "large")
    runs = args.runs or (9 if size == "large" else 5)
    results: dict[str, Any] = {
        "command": "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:]),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "size": size,
        "size_spec": generate.SIZES[size].__dict__,
        "generator_version": generate.GENERATOR_VERSION,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "targets": report.TARGETS,
        "backends": {},
    }
    if args.db:
        results["size"] = "demo"
        results["backends"] = bench_store(args.db, args.login, args)
        return finish(results, args)
    backends = [b for b in args.backends.split(",") if b]
    kanban = kanban_of(args)  # one per store size: a large board is launched in the first backend's run only
    for backend in list(backends):
        if backend == "postgresql" and not generate.pg_available():
            results["backends"][backend] = {"tui": {"not_measured": "PostgreSQL is not answering on 127.0.0.1:5432"}}
            backends.remove(backend)
            continue
        results["backends"][backend] = bench_backend(backend, size, runs, args, kanban)
    if args.skip_import:
        results["import"] = {"not_measured": "--skip-import"}
    else:
        log("import of the 8,800-deal Maven data set")
        results["import"] = import_bench(backends)
    results["search"] = __import__("benchmarks.search", fromlist=["run_search"]).run_search(args.out)  # issue 16
    return finish(results, args)


def finish(results: dict[str, Any], args: argparse.Namespace) -> int:
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["machine"]["load_average_end"] = os.getloadavg()
    json_path, md_path = report.write(results, args.out)
    print()
    print(report.table(results))
    print(f"\nWrote {json_path} and {md_path}")
    return 0


def main_sizes(args: argparse.Namespace, argv: list[str] | None) -> int:
    """One whole run per size (results under OUT/SIZE/), then the scaling table."""
    by_size: dict[str, dict[str, Any]] = {}
    base = list(argv if argv is not None else sys.argv[1:])
    for i, arg in enumerate(base):
        if arg == "--sizes":
            del base[i : i + 2]
            break
        if arg.startswith("--sizes="):
            del base[i]
            break
    for name in [n.strip() for n in args.sizes.split(",") if n.strip()]:
        size = generate.SIZE_ALIASES.get(name, name)
        if size not in generate.SIZES:
            raise SystemExit(f"unknown size {name!r}: one of {', '.join([*generate.SIZES, *generate.SIZE_ALIASES])}")
        log(f"size {name} ({size})")
        out = args.out / name
        code = main([*base, "--size", size, "--out", str(out)])
        if code:
            return code
        by_size[name] = json.loads((out / "results.json").read_text())
    text = report.scaling_table(by_size)
    (args.out / "scaling.md").write_text(text + "\n")
    print()
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
