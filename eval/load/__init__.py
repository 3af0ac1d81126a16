"""Load and abuse benchmark of `policyqa serve` (locust); see eval/bench_load.py."""
