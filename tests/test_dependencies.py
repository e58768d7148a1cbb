"""Every third-party module the packages import is declared in pyproject.toml's dependencies, and every one the
tests, bench and soak import is declared there or in the `dev` extra (not merely installed because something else
pulled it in), so a fresh `pip install -e '.[dev]'` runs everything."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "index", "search", "web")
TOOLS = ("tests", "bench", "soak")
FIRST_PARTY = set(PACKAGES + TOOLS) | {p.stem for folder in TOOLS for p in (ROOT / folder).rglob("*.py")}


def imported_top_level_modules(folders) -> set[str]:
    found = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - FIRST_PARTY


def declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = [spec for group in groups for spec in (project["dependencies"] if group == "runtime"
                                                   else project["optional-dependencies"][group])]
    return {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in specs}


def undeclared(modules: set[str], allowed: set[str]) -> dict[str, list[str]]:
    by_module = packages_distributions()
    missing = {}
    for module in sorted(modules):
        distributions = {d.lower().replace("_", "-") for d in by_module.get(module, [])}
        assert distributions, f"{module} is imported but no installed distribution provides it"
        if not distributions & allowed:
            missing[module] = sorted(distributions)
    return missing


def test_every_distribution_the_packages_import_is_a_dependency():
    assert undeclared(imported_top_level_modules(PACKAGES), declared("runtime")) == {}


def test_every_distribution_tests_bench_and_soak_import_is_declared():
    assert undeclared(imported_top_level_modules(TOOLS), declared("runtime", "dev")) == {}
