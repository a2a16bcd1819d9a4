"""What the torch benchmarks set before torch is imported, imported first by each of them.

``--passive-omp`` sets OMP_WAIT_POLICY=PASSIVE (spinning OpenMP threads crawl when other processes
compete for the cores): OpenMP reads it once, when torch loads, hence an argv check at import time.
The Hub stays offline (the benchmarks use random weights), and the repository and this folder are put
on ``sys.path`` so a benchmark runs as ``python bench/NAME.py`` from anywhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if "--passive-omp" in sys.argv:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
