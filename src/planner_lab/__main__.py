import sys

from planner_lab.cli import main

sys.exit(main())
