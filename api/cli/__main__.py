"""`python -m api.cli`: the same as the `hms` command."""

import sys

from api.cli import main

sys.exit(main())
