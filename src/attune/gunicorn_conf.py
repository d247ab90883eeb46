"""gunicorn's settings for Attune (docs/deploy.md): `gunicorn -c python:attune.gunicorn_conf
attune.wsgi`. Each may be changed with the environment variable named beside it."""

from __future__ import annotations

import os

# Where to listen. Behind a reverse proxy on the same machine: 127.0.0.1:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads share a worker's memory; the pages wait mostly on the database, so a few threads per
# process serve the polling family pages and the caregivers' taps without a process each.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that runs longer is a bug (solves and imports of any size finish well within);
# the worker is restarted rather than left hanging.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# Logs to stderr for the service manager; the access log has paths and status codes, and
# Attune's URLs carry ids, never names.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The proxy in front sets X-Forwarded-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
