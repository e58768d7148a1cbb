"""web/ has no import cycle: each module that serves requests imports on its own in a fresh interpreter, and no
web module but the factory's callers knows `web.app`."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
# The blueprints and the modules they call that reach the Searcher (these once imported each other through web.app).
MODULES = ("web.api", "web.doc_views", "web.search_views", "web.compare_views", "web.exports", "web.feeds", "web.highlight",
           "web.app")


def test_each_web_module_imports_alone_in_a_fresh_interpreter():
    # One interpreter per module, started together: a cycle shows as an ImportError naming the module.
    children = {name: subprocess.Popen([sys.executable, "-c", f"import {name}"], cwd=ROOT, stderr=subprocess.PIPE,
                                       text=True) for name in MODULES}
    errors = {name: child.communicate()[1] for name, child in children.items()}
    failed = {name: errors[name].strip().splitlines()[-1:] for name, child in children.items() if child.returncode}
    assert not failed, failed


def test_no_web_module_imports_the_app_factory():
    importers = []
    for path in WEB.glob("*.py"):
        if path.name == "gunicorn_conf.py":  # gunicorn's settings, read before the app exists
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if isinstance(node, ast.ImportFrom) and node.module == "web":
                names = [f"web.{a.name}" for a in node.names]
            if "web.app" in names:
                importers.append(path.name)
    assert importers == []
