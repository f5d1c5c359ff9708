"""Machine translation of IT data (the `dt` strategy). Public API re-exported by `xlit.translate`."""
