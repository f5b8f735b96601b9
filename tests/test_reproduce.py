"""The pages' plain PyTorch / scikit-learn scripts (``experiments/``, ``core.reproduce``, ``ui.reproduce``).

Every registered section's script is written at the page's default state and at its other tested state,
then run in a subprocess whose working directory is a temporary folder and whose import path does not hold
the project (``python -I``): it must exit 0 (its own assertions compare its figures with the page's, within
the tolerances it states) and print its figures and the line that says they match."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from core.reproduce import TEMPLATES, literal, script, sections
from ui.reproduce import at_state, registry

ALLOWED_IMPORTS = {"numpy", "torch", "sklearn", "scipy", "pandas"} | {
    "math",
    "itertools",
    "collections",
    "warnings",
}
MATCHED = "matches the page's figures"
REGISTERED = sorted(registry())
STATES = [(p, s, "default") for p, s in REGISTERED] + [
    (p, s, "other") for p, s in REGISTERED if registry()[(p, s)].other is not None
]


def test_every_template_is_registered_and_every_page_has_one():
    assert set(sections()) == set(REGISTERED)
    pages = {page for page, _ in REGISTERED}
    other = {page for page, section in REGISTERED if registry()[(page, section)].other is not None}
    assert other == pages  # one other state per page at least


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.py")), ids=lambda p: p.stem)
def test_templates_import_only_the_libraries_a_learner_has(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module
            names.add(node.module.split(".")[0])
    assert names <= ALLOWED_IMPORTS, names - ALLOWED_IMPORTS
    assigned = [
        n.targets[0].id for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
    ]
    assert assigned[:2] == ["PARAMS", "EXPECTED"]  # the two literals first, where a reader looks


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1.5, -0.0, 1e-300, 3], "c": (1,), "d": None, "e": True, "f": {"g": "x"}},
        {"long": list(range(60)), "nested": {"k": [(0.1, 0.2)] * 12}},
        {"s": '"""; import os; os.system("echo hi") #\n\\', "zh": "二〇二六年十一月"},
    ],
)
def test_literals_read_back_equal(value):
    text = literal(value)
    assert ast.literal_eval(text) == value
    assert all(len(line) <= 110 for line in text.splitlines())


def test_literals_refuse_what_is_not_plain_data():
    for bad in [{"x": float("nan")}, {"x": float("inf")}, {1: 2}, {"x": object()}]:
        with pytest.raises((ValueError, TypeError)):
            literal(bad)


def test_a_hostile_text_stays_inside_the_literal():
    page, section = REGISTERED[0]
    hostile = '"""\nimport os\nos.system("touch pwned")\n"""'
    code = script(page, section, {"text": hostile}, {"x": hostile})
    tree = ast.parse(code)
    params = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "PARAMS")
    assert ast.literal_eval(params.value) == {"text": hostile}
    assert not any(isinstance(n, ast.Expr) and "touch" in ast.unparse(n) for n in tree.body)


@pytest.mark.slow
@pytest.mark.parametrize("page, section, which", STATES, ids=lambda v: str(v))
def test_script_runs_alone_and_matches_the_page(page, section, which, tmp_path):
    code = at_state(page, section, which)
    name = f"{page}__{section}.py"
    (tmp_path / name).write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", name], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert MATCHED in done.stdout
    assert len(done.stdout.splitlines()) >= 3  # the figures, not only the verdict


# --- the pages show exactly the scripts the export writes (AppTest, the default state) ----------------------

PAGE_STATES = {  # the state a page test starts from (shorter runs where the page's tests use them)
    "optimizers": {"ams_steps": 300, "wd_steps": 500},
}


def opened(page: str, state: dict | None = None) -> dict:
    """``state`` with every script expander of ``page`` open (a closed one sends no script)."""
    return {**(state or {}), **{f"reproduce_open_{p}_{s}": True for p, s in REGISTERED if p == page}}


#: sections a page draws only once a learner picks them (one of the optimizers page's comparisons)
HIDDEN_AT_DEFAULT = {("optimizers", "amsgrad")}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", sorted({page for page, _ in REGISTERED}))
def test_page_shows_the_exported_script(page, lang):
    from tests.apptest import open_page
    from ui.i18n import load_strings

    at = open_page(f"app_pages/{page}.py", lang, state=opened(page, PAGE_STATES.get(page)))
    shown = [c.value.strip() for c in at.code]  # st.code drops the final newline
    title = load_strings(lang)["common.reproduce_title"]
    drawn = [(p, s) for p, s in REGISTERED if p == page and (p, s) not in HIDDEN_AT_DEFAULT]
    assert sum(e.label == title for e in at.expander) == len(drawn)
    for p, section in drawn:
        if p == page:
            assert at_state(page, section).strip() in shown, (
                f"{page}/{section}: the page's script is not the export's"
            )


@pytest.mark.slow
def test_a_comparison_picked_by_a_link_shows_its_script():
    """The optimizers page's AMSGrad comparison, opened by its link at its default inputs."""
    from tests.apptest import open_page

    state = opened("optimizers", {"wd_steps": 500})
    at = open_page("app_pages/optimizers.py", "en", state=state, form="amsgrad")
    assert at_state("optimizers", "amsgrad").strip() in [c.value.strip() for c in at.code]


@pytest.mark.slow
def test_a_closed_script_expander_sends_no_script():
    """The scripts are sent only once their expander is opened: the first visit draws none of them."""
    from tests.apptest import open_page
    from ui.i18n import load_strings

    at = open_page("app_pages/losses.py", "en")
    title = load_strings("en")["common.reproduce_title"]
    assert sum(e.label == title for e in at.expander) == sum(p == "losses" for p, _ in REGISTERED)
    assert not [c for c in at.code if "EXPECTED" in c.value]


@pytest.mark.slow
def test_an_open_script_stays_open_across_a_language_switch():
    from tests.apptest import open_page

    at = open_page("app_pages/losses.py", "en", state={"reproduce_open_losses_svm": True})
    assert [c for c in at.code if "EXPECTED" in c.value] != []
    at.sidebar.radio(key="lang").set_value("zh").run()
    scripts = [c.value for c in at.code if "EXPECTED" in c.value]
    assert scripts and at_state("losses", "svm").splitlines()[0] in scripts[0]
    at.expander(key="reproduce_open_losses_svm@zh")  # the Chinese page's own expander
