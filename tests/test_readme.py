"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re

from assistant.settings import PROJECT_ROOT, Settings


def readme_commands() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_has_exactly_two_commands() -> None:
    install_and_run, install_and_test = readme_commands()
    assert "policyqa" in install_and_run
    assert install_and_test.endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_every_setting_is_documented() -> None:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"POLICYQA_{name.upper()}" in text, name
