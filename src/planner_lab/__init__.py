"""Research around the planner: instance generator, MIP baseline (HiGHS), month-by-month
simulation and benchmarks. It imports `planner`; the planner never imports it."""
