"""The README's two commands, CI and the packaged data stay in step."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (REPO_DIR / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


@pytest.fixture
def source_tree():
    if not (REPO_DIR / "README.md").is_file() or not (REPO_DIR / ".ci" / "run").is_file():
        pytest.skip("not running from a source checkout")
    return REPO_DIR


def test_readme_opens_with_setup_and_test_commands(source_tree):
    main_job, tests = readme_commands()
    assert main_job.startswith("python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/impactrisk ")
    assert tests == "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/pytest"


def test_ci_runs_the_readme_test_command_verbatim(source_tree):
    main_job, tests = readme_commands()
    ci = (source_tree / ".ci" / "run").read_text().splitlines()
    assert tests in ci
    # ... and the README's main job from the installed wheel.
    job_args = main_job.split(".venv/bin/impactrisk ", 1)[1]
    assert any(line.endswith(f'/impactrisk" {job_args}') for line in ci)


def test_readme_examples_run(source_tree):
    result = doctest.testfile(str(source_tree / "README.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_module_docstring_examples_run():
    import impactrisk.api

    result = doctest.testmod(impactrisk.api, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_bundled_history_is_packaged():
    from impactrisk.io.datafiles import DEFAULT_TLE_FILE, default_tle_path

    path = default_tle_path()
    assert path.name == DEFAULT_TLE_FILE
    assert (path.parent / "README.md").is_file()
    assert len(path.read_text().splitlines()) == 4092
