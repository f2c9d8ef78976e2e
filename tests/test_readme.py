"""The README's Python examples run as written, on a built demo dataset, from a project folder."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_readme_example_runs(number, demo_store_dir, tmp_path, monkeypatch, restore_registry):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "processed").symlink_to(demo_store_dir, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    exec(compile(BLOCKS[number], f"README.md python block {number + 1}", "exec"), {})
