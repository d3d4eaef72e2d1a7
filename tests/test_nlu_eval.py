"""The shared NLU eval, run on the public dev set and on our own held-out paraphrases.

Both go through `python -m bot match -` in a subprocess, exactly as acceptance checks do. The bar:
>= 95% top-3 symptom accuracy, every red flag caught, no false red flag, off-topic left unmatched.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EVAL = SHARED / "eval" / "nlu_eval.py"
SETS = {"dev": SHARED / "eval" / "nlu_dev.jsonl", "ours": ROOT / "tests" / "nlu" / "utterances.jsonl"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SETS))
def test_nlu_eval(name: str) -> None:
    if not EVAL.exists() or not SETS["dev"].exists():
        pytest.skip(f"../shared/eval not present: {EVAL.parent} is missing (it lives beside the repository)")
    command = f"{shlex.quote(sys.executable)} -m bot match -"
    result = subprocess.run(
        [sys.executable, str(EVAL), str(SETS[name]), "--cmd", command, "--min-acc", "0.95", "--show"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "false red flags 0" in result.stdout
