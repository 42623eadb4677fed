"""``python -m indicator_rules`` runs the command line."""

import sys

from indicator_rules.cli import main

sys.exit(main())
