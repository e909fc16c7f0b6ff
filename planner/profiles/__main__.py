"""``python -m planner.profiles [DIR]``: rewrite every generated instance file (see planner.shipped)."""

import sys
from pathlib import Path

from planner.shipped import INSTANCES_DIR, write

target = Path(sys.argv[1]) if len(sys.argv) > 1 else INSTANCES_DIR
for path in write(target):
    print(f"wrote {path}")
