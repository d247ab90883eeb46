"""Attune's care-organization planner: pure Python, no Django (an import-linter contract checks it).

Problem model, rule sets, CP-SAT model, validator, explanations and CLI arrive with issue #4.
"""

__all__: list[str] = []
