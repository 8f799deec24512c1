from __future__ import annotations

import sys
from pathlib import Path

# The sample builders live beside the tests; the reader and CLI tests use them too.
sys.path.insert(0, str(Path(__file__).parent))
