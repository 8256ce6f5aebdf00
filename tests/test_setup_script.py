"""scripts/setup.sh finds a Python >= 3.12: $PYTHON, then PATH newest first, then pyenv's versions.

The script is sourced (it then only defines its functions) in a bash whose PATH holds fake
interpreters: each says whether it is recent enough and, asked for sys.executable, its own path.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parent.parent / "scripts" / "setup.sh"
BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")

FAKE = """#!/bin/sh
case "$2" in
*executable*) echo "$0" ;;
*) exit {code} ;;
esac
"""


def fake_python(directory: Path, name: str, recent: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(FAKE.format(code=0 if recent else 1))
    path.chmod(0o755)
    return path


def find_python(tmp_path: Path) -> subprocess.CompletedProcess:
    """Runs setup.sh's find_python with only tmp_path/bin (and the tools it calls) on PATH."""
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for tool in ("find", "sort", "seq"):
        (tools / tool).symlink_to(shutil.which(tool))
    env = {"PATH": f"{tmp_path / 'bin'}:{tools}", "PYENV_ROOT": str(tmp_path / "pyenv"), "HOME": str(tmp_path)}
    return subprocess.run(
        [BASH, "-c", f'source "{SETUP}"; find_python'], env=env, capture_output=True, text=True, timeout=30
    )


def test_the_newest_python_on_path_wins_up_to_3_19(tmp_path):
    for name in ("python3", "python3.12", "python3.13", "python3.14", "python3.19"):
        fake_python(tmp_path / "bin", name)
    fake_python(tmp_path / "pyenv" / "versions" / "3.13.0" / "bin", "python3")
    result = find_python(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "bin" / "python3.19")


def test_a_broken_or_old_interpreter_is_passed_over(tmp_path):
    fake_python(tmp_path / "bin", "python3.15", recent=False)
    fake_python(tmp_path / "bin", "python3.14")
    fake_python(tmp_path / "bin", "python3", recent=False)
    assert find_python(tmp_path).stdout.strip() == str(tmp_path / "bin" / "python3.14")


def test_pyenv_versions_come_after_path_newest_first(tmp_path):
    fake_python(tmp_path / "bin", "python3", recent=False)
    for version in ("3.11.7", "3.12.1", "3.14.2"):
        fake_python(tmp_path / "pyenv" / "versions" / version / "bin", "python3", recent=version != "3.11.7")
    result = find_python(tmp_path)
    assert result.stdout.strip() == str(tmp_path / "pyenv" / "versions" / "3.14.2" / "bin" / "python3")


def test_no_python_is_a_clear_error(tmp_path):
    fake_python(tmp_path / "bin", "python3", recent=False)
    result = find_python(tmp_path)
    assert result.returncode == 1
    assert "no Python >= 3.12 found (tried python3.19 … python3.12 and python3 on PATH" in result.stderr
    assert "pyenv install 3.13" in result.stderr and "make setup PYTHON=" in result.stderr


def test_sourcing_the_script_runs_nothing(tmp_path):
    result = subprocess.run(
        [BASH, "-c", f'source "{SETUP}"; echo sourced'],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout == "sourced\n" and result.stderr == ""
    assert not (tmp_path / ".venv").exists()


# ---- constraints.txt: every indirect version fixed ------------------------------------------------
ROOT = SETUP.parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s#;]+)", flags=re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return {re.sub(r"[-_.]+", "-", package).lower(): version for package, version in PIN.findall(text)}


def test_constraints_pin_every_direct_requirement_at_the_same_version():
    constraints = pins("constraints.txt")
    direct = pins("requirements.txt") | pins("requirements-dev.txt")
    assert len(constraints) > len(direct) >= 20
    differ = {name: (pin, constraints.get(name)) for name, pin in direct.items() if constraints.get(name) != pin}
    assert not differ, f"requirements pin ≠ constraints.txt (regenerate it, see its header): {differ}"


def test_setup_reinstalls_when_the_requirements_or_the_constraints_change(tmp_path):
    for name in ("requirements.txt", "requirements-dev.txt", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    fake_python(tmp_path / "venv" / "bin", "python")

    def stamp() -> str:
        script = f'source "{SETUP}"; VENV=venv; requirements_hash'
        run = subprocess.run([BASH, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=30)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    before = stamp()
    assert before == stamp()
    for name in ("requirements.txt", "requirements-dev.txt", "constraints.txt"):
        with (tmp_path / name).open("a") as file:
            file.write("# changed\n")
        after = stamp()
        assert after != before, f"setup.sh would not reinstall after {name} changed"
        before = after
