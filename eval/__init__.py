"""Evaluation of policyqa on committed gold sets (run as `python -m eval.retrieval`)."""
