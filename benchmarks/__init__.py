"""`make bench`: salessprint measured on a synthetic team of years of history.

`python -m benchmarks` generates (or reuses) the large store on SQLite and
PostgreSQL, measures start-up, screens, service queries, import and memory,
and writes bench/results.json plus a table. See benchmarks/README.md.
"""
