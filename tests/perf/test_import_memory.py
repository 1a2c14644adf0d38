"""Imports stream (services/importing): the peak memory of an import does not
grow with the file. Two imports of generated Maven files, one four times the
other, each in a `salessprint` process of its own, peak within a few MB of
each other; holding the rows grew the peak by ~6 kB a row (1.2 GB for
200,000). The 200,000-row figure itself: `python -m benchmarks.import_memory`."""

from __future__ import annotations

from pathlib import Path

from benchmarks.import_memory import peak_import, write_pipeline

SMALL, LARGE = 8_000, 32_000
GROWTH_MB = 25
"""What 24,000 more rows may add to the peak: the ids of the file (the
duplicate check) and the driver's batches, never the rows themselves
(~140 MB if they were held)."""


def test_an_imports_memory_stays_flat_as_the_file_grows(tmp_path: Path) -> None:
    peaks = []
    for rows in (SMALL, LARGE):
        folder = tmp_path / str(rows)
        folder.mkdir()
        pipeline = write_pipeline(folder / "sales_pipeline.csv", rows)
        mb, _seconds, said = peak_import(f"sqlite:///{folder / 'store.db'}", pipeline, folder)
        assert f"{rows} new deals" in said
        peaks.append(mb)
    assert peaks[1] - peaks[0] < GROWTH_MB, f"peak RSS {peaks[0]:.0f} MB -> {peaks[1]:.0f} MB"
