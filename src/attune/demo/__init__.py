"""The demo organization and its loader (`manage.py load_demo`).

The one module allowed to import every app: it builds a whole organization (programs, care,
plans history, Training for Trainers, workforce) through the apps' own services. No app
imports it (the import-linter layers contract in pyproject.toml keeps it on top).
"""
