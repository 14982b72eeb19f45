"""Benchmarks and scale data: `manage.py bench` and `manage.py seed_scale`."""
