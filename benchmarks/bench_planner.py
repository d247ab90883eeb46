"""The planner benchmark (issue #4): python benchmarks/bench_planner.py [--full | options].

Runs planner_lab.bench (CP-SAT, the greedy baseline and HiGHS on seeded generated instances,
each in a fresh process) and prints the tables recorded in docs/benchmarks.md. Without
arguments it runs the full set (every rule set, 8 to 240 children), about 10 minutes.
"""

import sys

from planner_lab.bench import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["--full"]))
