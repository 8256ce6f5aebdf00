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


# ---- the cron lines of the README and docs/deploy.md -----------------------------------------
CRON_BLOCK = re.compile(r"^[ \t]*```cron\n(.*?)^[ \t]*```", flags=re.MULTILINE | re.DOTALL)
MANAGE = re.compile(r"manage\.py\s+(.*)")
# Cron has no terminal: a command that asks a person first must be told not to ask.
NO_QUESTION = {"yes": True, "interactive": False}


def documented_cron_commands() -> list[tuple[str, str, list[str]]]:
    """(document, command name, arguments) of every `manage.py …` line in a ```cron block."""
    import shlex

    found = []
    for name in ("README.md", "docs/deploy.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        for block in CRON_BLOCK.findall(text):
            for line in block.splitlines():
                if line.lstrip().startswith("#") or not (match := MANAGE.search(line)):
                    continue
                words = []
                for word in shlex.split(match.group(1), comments=True):
                    if word in {"&&", "||", ";", "|", ">", ">>", "2>&1"}:
                        break
                    words.append(word)
                found.append((name, words[0], words[1:]))
    return found


def test_the_docs_have_the_cron_lines_this_test_reads():
    commands = {(doc, command) for doc, command, _args in documented_cron_commands()}
    for doc in ("README.md", "docs/deploy.md"):
        assert {(doc, "open_campaigns"), (doc, "rollover_term"), (doc, "send_reminders")} <= commands


def test_every_documented_cron_line_names_a_command_whose_arguments_parse_and_asks_nothing():
    from django.core.management import get_commands, load_command_class

    commands = get_commands()
    for doc, name, args in documented_cron_commands():
        assert name in commands, f"{doc}: cron runs `manage.py {name}`, which does not exist"
        parser = load_command_class(commands[name], name).create_parser("manage.py", name)
        options = vars(parser.parse_args(args))  # a wrong argument raises CommandError, naming it
        for dest, value in NO_QUESTION.items():
            if dest in options:
                assert options[dest] == value, f"{doc}: `manage.py {name} {' '.join(args)}` would wait for an answer"
