"""``python -m benchmarks [--quick]``: the benchmark harness (:mod:`benchmarks.run`)."""

import sys

from benchmarks.run import main

sys.exit(main())
