"""What the maintenance scripts in ``scripts/`` run: speed benchmarks (bench_*), checks of
the package across Python versions and of every TransNAS build, and the maker of the
embedded default images. Nothing in the package imports these modules."""
