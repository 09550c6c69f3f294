"""Run every benchmark: each ``bench/*.py`` module that has a ``main()``, in name order.

    python -m bench            # all of them
    python -m bench rebuild    # only those named
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    only = set(sys.argv[1:] if argv is None else argv)
    status = 0
    for mod in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])):
        if mod.startswith("_") or (only and mod not in only):
            continue
        module = importlib.import_module(f"bench.{mod}")
        if callable(getattr(module, "main", None)):
            print(f"== bench/{mod}.py", flush=True)
            status |= int(module.main([]) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
