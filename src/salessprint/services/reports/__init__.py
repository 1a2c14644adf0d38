"""The team's reports, one module per report, each returning a frozen typed
result (a `Report`) whose `to_json()` is the `--format json` contract.

The SQL does the sums (GROUP BY, SUM(CASE ...), NOT EXISTS); the statements
live in store/queries.py, and domain/metrics.py, montecarlo.py and
coaching.py turn the sums into figures.
"""
