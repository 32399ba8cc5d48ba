"""The README's two commands stay the ones CI runs."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    return [line.strip() for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("    ")][:2]


def test_ci_runs_the_readme_test_command_verbatim():
    run_command, test_command = readme_commands()
    assert "demo" in run_command and "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()
