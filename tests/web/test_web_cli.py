"""The assembled `kwarchive` command group and the gunicorn settings `make run` and `serve` use."""
from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from web.cli import GUNICORN_CONF, cli, gunicorn_argv

ROOT = Path(__file__).resolve().parents[2]


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


def test_every_command_reports_a_project_error_as_one_line_and_status_1(tmp_path):
    missing = str(tmp_path / "missing")
    for argv in (["corpus", "check", "--corpus", missing], ["corpus", "export", "--corpus", missing],
                 ["reindex", "--corpus", missing, "--index", str(tmp_path / "index")],
                 ["index", "status", "--index", missing, "--corpus", missing], ["search", "Stalin", "--index", missing]):
        result = CliRunner().invoke(cli, argv)
        assert result.exit_code == 1, (argv, result.output, result.exception)
        assert result.output.startswith("Error: ") and "Traceback" not in result.output, argv


def test_the_installed_command_prints_no_traceback(tmp_path):
    """The issue's example, as a shell runs it."""
    done = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", "corpus", "check", "--corpus",
                           str(tmp_path / "missing")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ") and "missing" in done.stderr and "Traceback" not in done.stderr
