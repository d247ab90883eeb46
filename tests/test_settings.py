"""Production settings are safe: `check --deploy` passes with no warning, DEBUG is off."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATTUNE_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ATTUNE_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="attune.example.org",
        ATTUNE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def documented_environment() -> dict[str, str]:
    """The production environment docs/deploy.md documents (its `# deploy-env` block)."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    block = text.split("# deploy-env\n", 1)[1].split("```", 1)[0]
    env = dict(line.split("=", 1) for line in block.splitlines() if line.strip())
    assert env["ATTUNE_ENV"] == "production"
    return env


def test_the_documented_production_environment_passes_check_deploy(tmp_path: Path) -> None:
    env = documented_environment()
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)  # the docs say how to make one
    env["ATTUNE_DATA_DIR"] = str(tmp_path)
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_production_server_is_a_dependency_with_its_settings() -> None:
    """gunicorn is locked, and its settings module loads (docs/deploy.md, Web server)."""
    import importlib

    import gunicorn

    assert gunicorn.__version__
    conf = importlib.import_module("attune.gunicorn_conf")
    assert conf.worker_class == "gthread" and conf.workers >= 1 and conf.bind


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_manage("check", ATTUNE_ENV="production", ATTUNE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_unknown_environment_is_refused(tmp_path: Path) -> None:
    result = run_manage("check", ATTUNE_ENV="staging", ATTUNE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "ATTUNE_ENV must be development, test or production" in result.stderr


def test_tests_run_without_debug() -> None:
    assert settings.DEBUG is False
    assert settings.ENV == "test"
