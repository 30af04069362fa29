"""The installable package: the wheel holds textlens with its bundled model and nothing of the app; the
console script's entry point works from any directory, and installed from the wheel it exports a pack as HTML."""

from __future__ import annotations

import ast
import json
import os
import re
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
    pytest.importorskip("setuptools", reason="building the wheel needs setuptools (requirements-dev.txt has it)")
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
    for model in ("default", "emotion"):
        for data in ("adapter_config.json", "adapter_model.safetensors", "config.json", "README.md", "training.json"):
            assert f"textlens/bundled/{model}/{data}" in names
    assert {f"textlens/bundled/one_pass/{name}" for name in ("head.pt", "one_pass.json", "words.json")} <= set(names)
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


def test_cli_modules_import_only_the_standard_library_and_textlens():
    outside = _third_party_imports(ROOT / "textlens" / "cli", recursive=False)
    assert not outside, f"{outside}: the installed CLI has only the textlens package"


def test_the_installed_wheel_exports_a_pack_as_html(wheel, tmp_path):
    """A user's install: a fresh venv (torch and the rest seen from this interpreter, so nothing is downloaded),
    the wheel in it, and its console script run outside the repository with the packs in a temporary file."""
    venv, home = tmp_path / "venv", tmp_path / "elsewhere"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(TEXTLENS_DB=str(tmp_path / "packs.db"), HF_HUB_OFFLINE="1")

    def run(*argv: str | Path) -> subprocess.CompletedProcess:
        done = subprocess.run(argv, capture_output=True, text=True, cwd=home, env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        return done

    run(sys.executable, "-m", "venv", "--system-site-packages", venv)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    # --ignore-installed: into the venv even where this interpreter has textlens installed (say, editable).
    run(bin_dir / "python", "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", wheel.filename)
    where = Path(run(bin_dir / "python", "-c", "import textlens; print(textlens.__file__)").stdout.strip())
    assert where.resolve().is_relative_to(venv.resolve()), f"textlens came from {where}, not from the wheel"
    text, note = "A warm and funny film.", "<script>alert(1)</script> the ending"
    added = run(bin_dir / "textlens", "pack", "add", "by hand", text, "--note", note, "--verdict", "right-right")
    assert json.loads(added.stdout) == {"pack": "by hand", "case": 1, "target": "POSITIVE"}
    run(bin_dir / "textlens", "pack", "export", "by hand", "--format", "html", "--out", "x.html")
    html = (home / "x.html").read_text(encoding="utf-8")
    assert text in re.sub(r"<[^>]*>", "", html)  # the highlight wraps each word in a span
    assert "&lt;script&gt;alert(1)&lt;/script&gt; the ending" in html and "<script>alert" not in html
    assert [p.name for p in home.iterdir()] == ["x.html"]


def _third_party_imports(folder: Path = ROOT / "textlens", recursive: bool = True) -> dict[str, set[str]]:
    """Every top-level module the files in ``folder`` import (anywhere in a file), but the standard library and
    textlens: module -> the files importing it."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py") if recursive else folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top not in sys.stdlib_module_names | {"__future__", "textlens"}:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_wheels_requires_dist_names_every_module_the_package_imports(wheel):
    from importlib.metadata import packages_distributions

    metadata = wheel.read(next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    required: dict[str, str | None] = {}  # distribution -> the extra it comes with (None: always)
    for line in metadata.splitlines():
        if line.startswith("Requires-Dist: "):
            spec = line.removeprefix("Requires-Dist: ")
            name = _normal(re.match(r"[A-Za-z0-9_.-]+", spec).group())
            extra = re.search(r"extra == [\"']([^\"']+)", spec)
            required[name] = extra.group(1) if extra else None
    owners = packages_distributions()
    missing = {}
    for module, files in _third_party_imports().items():
        dists = {_normal(d) for d in owners.get(module, [module])}
        if not dists & set(required):
            missing[module] = sorted(files)
    assert not missing, f"imported by textlens but not in pyproject.toml's dependencies: {missing}"
    assert required["ray"] == "ray", "Ray is optional: the extra textlens[ray]"
    assert "psutil" not in required, "nothing in textlens imports psutil"


def test_the_bundled_one_pass_explainer_is_found_from_a_wheel_installed_anywhere(wheel, tmp_path):
    """`pip install --no-deps --target` into a folder the project never saw, run from another: the model's
    identity does not carry the install path, so the bundled head matches the bundled model there too."""
    target, home = tmp_path / "installed" / "here", tmp_path / "elsewhere"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(target), HF_HUB_OFFLINE="1", TEXTLENS_DB=str(tmp_path / "packs.db"))
    env.pop("TEXTLENS_ONE_PASS", None)
    pip = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target)]
    subprocess.run([*pip, wheel.filename], check=True, capture_output=True, timeout=300)
    code = "import textlens, sys; sys.argv[0] = 'textlens'; from textlens.cli.main import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "explain", "A gorgeous, witty, seductive movie.", "--method", "one-pass"],
        capture_output=True,
        text=True,
        cwd=home,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["method"] == "one-pass" and record["target"] == "POSITIVE"
    total = record["base_value"] + sum(w["value"] for w in record["words"])
    assert abs(total - record["scores"]["POSITIVE"]) < 1e-5  # additive, as every one-pass value is
    where = subprocess.run(
        [sys.executable, "-c", "import textlens; print(textlens.__file__)"],
        capture_output=True,
        text=True,
        cwd=home,
        env=env,
    )
    assert Path(where.stdout.strip()).resolve().is_relative_to(target.resolve())
    assert not any(home.iterdir())
