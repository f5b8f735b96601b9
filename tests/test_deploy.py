"""What a fresh machine and Streamlit Community Cloud read: README commands, requirements, config."""

import re
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from scripts.readme_commands import readme_commands

ROOT = Path(__file__).resolve().parent.parent
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def _requirements(name: str) -> list[str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_readme_shows_the_install_and_test_commands_the_checks_run():
    # scripts/fresh_machine_check.sh and .ci/run run whatever these sections say; keep them this simple.
    assert readme_commands() == {
        "install": "pip install -r requirements.txt",
        "test": "pip install -r requirements-dev.txt && python -m pytest",
    }


def test_ci_runs_the_fresh_machine_check():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^bash scripts/fresh_machine_check\.sh$", ci, re.M)
    assert re.search(r"^ruff check \.$", ci, re.M) and re.search(r"^ruff format --check \.$", ci, re.M)


def test_requirements_pin_every_package_and_take_torch_from_the_cpu_index():
    lines = _requirements("requirements.txt")
    assert f"--extra-index-url {CPU_INDEX}" in lines
    packages = [line for line in lines if not line.startswith("-")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[A-Za-z0-9_.+]+", line) for line in packages), packages
    assert "torch==2.13.0" in packages


def test_torch_pin_matches_the_cpu_build_and_prefers_it():
    # What pip does with the two candidates of torch==2.13.0: PyPI's 2.13.0 and the CPU index's 2.13.0+cpu.
    assert Version("2.13.0+cpu") in SpecifierSet("==2.13.0")
    assert max(Version("2.13.0"), Version("2.13.0+cpu")) == Version("2.13.0+cpu")


def test_dev_requirements_build_on_the_app_requirements():
    assert _requirements("requirements-dev.txt")[0] == "-r requirements.txt"


def test_streamlit_config_for_a_public_deployment():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # 100-200 MB score files must upload (the limit is in MB; 200 MB files need a limit above 200).
    assert config["server"]["maxUploadSize"] > 200
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False


def test_screenshots_and_server_logs_stay_out_of_git():
    assert "artifacts/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
