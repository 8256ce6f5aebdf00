"""Every environment variable the settings read is documented: in .env.example and in the README.

A setting added to config/settings.py without its line in both places fails here, naming it.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# os.environ.get("X"…), os.environ["X"], env_bool("X"…), env_list("X"…), env_int("X"…)
READ = re.compile(
    r'(?:os\.environ\.get|env_bool|env_list|env_int)\(\s*"([A-Z][A-Z0-9_]*)"'
    r'|os\.environ\[\s*"([A-Z][A-Z0-9_]*)"\s*\]'
)


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return {a or b for a, b in READ.findall(source)}


def test_the_settings_read_their_variables_in_the_ways_this_test_knows():
    found = variables_read_by_settings()
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "TIME_ZONE"} <= found
    assert len(found) >= 20


def test_every_variable_has_a_line_in_env_example():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    missing = sorted(variables_read_by_settings() - listed)
    assert not missing, f".env.example lacks: {', '.join(missing)}"


def test_every_variable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(name for name in variables_read_by_settings() if f"`{name}`" not in readme)
    assert not missing, f"README.md's configuration table lacks: {', '.join(missing)}"
