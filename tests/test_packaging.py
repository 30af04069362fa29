"""The installable package: the wheel holds textlens with its bundled model and nothing of the app; the
console script's entry point works from any directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

ENTRY = "textlens.cli.main:main"


def test_pyproject_declares_the_console_script_and_ranges():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"textlens": ENTRY}
    pinned = [d for d in project["dependencies"] if "==" in d]
    assert not pinned, f"runtime dependencies are ranges (requirements.txt is the lock): {pinned}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """A wheel built from a copy of the sources (no build files left in the checkout), without network."""
    pytest.importorskip("setuptools")
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "textlens", src / "textlens", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("app_pages", "components", "tests"):  # present in a checkout, must stay out of the wheel
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("dashboard.py",):
        shutil.copy(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("textlens-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_holds_the_core_and_its_bundled_model_only(wheel):
    names = wheel.namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"textlens", next(t for t in tops if t.endswith(".dist-info"))}
    for data in ("adapter_config.json", "adapter_model.safetensors", "config.json", "README.md", "training.json"):
        assert f"textlens/bundled/default/{data}" in names
    assert "textlens/image/explain.py" in names and "textlens/store/migrations/script.py.mako" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert f"textlens = {ENTRY}" in wheel.read(entry_points).decode()


def run_entry_point(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """What the ``textlens`` console script runs (``sys.exit(main())``), started in another directory."""
    module, function = ENTRY.split(":")
    code = f"import sys; sys.argv[0] = 'textlens'; from {module} import {function}; sys.exit({function}())"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_console_script_entry_point_from_another_directory(tmp_path):
    out = run_entry_point("predict", "I loved it.", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["label"] == "POSITIVE"  # the bundled model, found as package data
    usage = run_entry_point("--help", cwd=tmp_path)
    assert usage.returncode == 0 and usage.stdout.startswith("usage: textlens ")
    assert not any(tmp_path.iterdir()), "the CLI writes nothing into the working directory"


@pytest.mark.skipif(shutil.which("textlens") is None, reason="no textlens console script installed on PATH")
def test_installed_console_script(tmp_path):
    out = subprocess.run(
        ["textlens", "predict", "A dull mess."], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["label"] == "NEGATIVE"
