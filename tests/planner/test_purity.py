"""The planner stays pure Python: importing it loads neither Django nor the web project."""

import subprocess
import sys


def test_importing_the_planner_loads_no_django() -> None:
    code = (
        "import sys, planner\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'attune'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
