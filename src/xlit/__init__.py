"""xlit: zero-shot cross-lingual transfer in instruction tuning, as a reproducible workflow."""

__version__ = "0.1.0"
