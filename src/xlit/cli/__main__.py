"""`python -m xlit.cli ...`: the `xlit` command."""

import sys

from . import main

sys.exit(main())
