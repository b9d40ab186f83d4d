"""The shape of every pair: the rules that make `diff tf1_style/X.py tf2_style/X.py` readable."""
import ast
import pathlib
import re

import pytest

from tf1to2 import examples

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAMES = list(examples.EXAMPLES)
# Pairs whose two sides both run; a guide-only entry (runnable=False: an Estimator, gone from
# today's TensorFlow) has only its TF2 side, its test and its page.
RUNNABLE = [name for name, example in examples.EXAMPLES.items() if example.runnable]
# Functions only the TF2 side has: the name map from TF1 variable names to Keras variables.
TF2_ONLY = {"tf1_names"}


def module(side, name):
    return ast.parse((ROOT / side / f"{name}.py").read_text())


def public_functions(tree):
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]


@pytest.mark.parametrize("name", NAMES)
def test_every_example_has_its_four_files(name):
    for path in (f"tf1_style/{name}.py", f"tf2_style/{name}.py",
                 f"equivalence_tests/test_{name}.py", f"docs/{name}.md"):
        if path.startswith("tf1_style") and name not in RUNNABLE:
            assert not (ROOT / path).exists(), f"{name} is guide-only but has {path}"
            continue
        assert (ROOT / path).is_file(), f"{path} is missing"


@pytest.mark.parametrize("name", RUNNABLE)
def test_tf1_side_opens_with_compat_v1_import(name):
    tree = module("tf1_style", name)
    assert ast.get_docstring(tree), "the module docstring says what it computes and its source"
    first_import = next(node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))
    assert ast.unparse(first_import) == "import tensorflow.compat.v1 as tf"


@pytest.mark.parametrize("name", NAMES)
def test_tf2_side_uses_keras_3_not_tf_keras_or_compat(name):
    source = (ROOT / "tf2_style" / f"{name}.py").read_text()
    assert ast.get_docstring(ast.parse(source))
    assert not re.search(r"\btf\.keras\b|compat\.v1|tf_keras", source)


@pytest.mark.parametrize("name", RUNNABLE)
def test_both_sides_have_the_same_public_functions_in_the_same_order(name):
    tf1_functions = public_functions(module("tf1_style", name))
    tf2_functions = [f for f in public_functions(module("tf2_style", name)) if f not in TF2_ONLY]
    assert tf1_functions == tf2_functions
    assert "trace" in tf1_functions


@pytest.mark.parametrize("name", NAMES)
def test_docs_include_both_files_and_every_include_exists(name):
    page = (ROOT / "docs" / f"{name}.md").read_text()
    includes = re.findall(r'--8<-- "([^"]+)"', page)
    assert f"tf2_style/{name}.py" in includes
    assert f"tf1_style/{name}.py" in includes or name not in RUNNABLE
    for include in includes:
        assert (ROOT / include.split(":")[0]).is_file(), f"docs/{name}.md includes {include}"


@pytest.mark.parametrize("name", NAMES)
def test_guide_links_its_files_for_readers_on_github(name):
    """Line 3 of each guide links its files relative to docs/, so they open on GitHub."""
    lines = (ROOT / "docs" / f"{name}.md").read_text().splitlines()
    assert len(lines) > 2 and lines[2].startswith("Files: "), f"docs/{name}.md: no files line"
    links = re.findall(r"\]\(([^)]+)\)", lines[2])
    for path in (f"tf1_style/{name}.py", f"tf2_style/{name}.py",
                 f"equivalence_tests/test_{name}.py"):
        if (ROOT / path).exists():
            assert f"../{path}" in links, f"docs/{name}.md does not link {path}"
    for link in links:
        assert (ROOT / "docs" / link).resolve().is_file(), f"docs/{name}.md links {link}"


@pytest.mark.parametrize("name", NAMES)
def test_every_example_plants_mistakes(name):
    tests = (ROOT / "equivalence_tests" / f"test_{name}.py").read_text()
    assert re.search(r"def test_planted_\w+_is_caught", tests)


def test_no_file_disables_eager_execution():
    for path in ROOT.glob("*_style/*.py"):
        assert not re.search(r"disable_(eager_execution|v2_behavior)\(", path.read_text()), path
    for path in ROOT.glob("tf1to2/**/*.py"):
        assert not re.search(r"disable_(eager_execution|v2_behavior)\(", path.read_text()), path


def test_docs_index_links_every_example():
    index = (ROOT / "docs" / "index.md").read_text()
    for name in NAMES:
        assert f"({name}.md)" in index, f"docs/index.md does not link {name}.md"
