"""pyproject.toml and environment.yml declare the same dependencies with the same version bounds."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*([<>=!~][<>=!~\w.,*\s]*)?(?:#.*)?$")


def _parse(spec: str) -> tuple[str, str]:
    match = _REQ.match(spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), (match.group(2) or "").replace(" ", "").rstrip(",")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = dict(_parse(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_parse(s) for s in env["dependencies"] if isinstance(s, str) and not s.startswith(("python", "pip")))
    assert conda == declared


def test_every_dependency_has_a_lower_bound():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert ">=" in spec, f"{spec} has no lower bound"


def test_console_script_points_at_the_cli():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["partner-analysis"] == "partner_analysis.cli:app"


def test_public_api_names_resolve_and_are_documented():
    import partner_analysis

    for name in partner_analysis.__all__:
        obj = getattr(partner_analysis, name)
        if callable(obj):
            assert obj.__doc__, f"{name} has no docstring"
