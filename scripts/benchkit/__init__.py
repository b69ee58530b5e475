"""The pieces of scripts/bench.py: one module per measure, and what they share (common)."""
