"""The cold-start and scale benchmark (issue 18): python benchmarks/scale.py [options].

Runs planner_lab.scale: every rule set (cfoc-center, ehs-center, pitc, naeyc-2008) at 60, 80,
120, 240 and 480 children, seeds 1-5, without and with a current arrangement; per row
min/median/max time to the first plan and to the end, the gap to the proven bound, peak
memory (each instance in a fresh process), beside a feasibility-only CP-SAT model (time to
its first plan) and, with --highs, HiGHS (time to the same objective). Every plan is checked
by the independent validator. The 36-month simulation, the 12-month horizon and the what-if
rows are benchmarks/continuity.py's. Results go to docs/benchmarks.md.

    python benchmarks/scale.py --quick                    # minutes: cfoc-center, 60, 1 seed
    python benchmarks/scale.py --highs --chart docs/scale.svg   # the full run (hours)
"""

import sys

from planner_lab.scale import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
