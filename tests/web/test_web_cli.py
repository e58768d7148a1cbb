"""The assembled `kwarchive` command group and the gunicorn settings `make run` and `serve` use."""
from __future__ import annotations

import runpy
from pathlib import Path

from click.testing import CliRunner

from web.cli import GUNICORN_CONF, cli, gunicorn_argv


def test_every_stage_contributes_its_commands():
    assert {"corpus", "reindex", "index", "search", "serve"} <= set(cli.commands)
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "serve" in result.output


def test_search_command_runs_against_the_index(index_root):
    result = CliRunner().invoke(cli, ["search", "Shtykov", "--json", "--index", str(index_root)])
    assert result.exit_code == 0, result.output
    assert '"total"' in result.output


def test_serve_runs_gunicorn_with_the_project_config():
    argv = gunicorn_argv("127.0.0.1", 8123, 3)
    assert argv[1:3] == ["-m", "gunicorn"]
    assert argv[argv.index("--config") + 1] == str(GUNICORN_CONF)
    assert "127.0.0.1:8123" in argv and argv[argv.index("--workers") + 1] == "3"
    assert argv[-1] == "web.app:create_app()"


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("KWARCHIVE_WORKERS", "3")
    monkeypatch.setenv("KWARCHIVE_TIMEOUT", "12")
    settings = runpy.run_path(str(Path(GUNICORN_CONF)))
    assert settings["workers"] == 3 and settings["timeout"] == 12
    assert settings["preload_app"] is True
    assert "%(M)s" in settings["access_log_format"]
