"""The workflow core announces what happened and reads the features' facts through its registry: no module
under ideas/pipeline imports a feature package's operations or queries (its pure rules and models are fine)."""
import ast
from pathlib import Path

import ideas

PIPELINE = Path(ideas.__file__).parent / "pipeline"
FEATURES = ("review", "committee", "pilots", "discussion", "timeline", "similar", "spread", "notifications",
            "home", "admin")
FORBIDDEN = ("operations", "queries")


def imported(tree: ast.AST) -> set[str]:
    """Every module a file imports, at its top or inside a function, as dotted names."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def forbidden(name: str) -> bool:
    parts = name.split(".")
    return (len(parts) >= 3 and parts[0] == "ideas" and parts[1] in FEATURES
            and any(part in FORBIDDEN for part in parts[2:]))


def test_the_pipeline_imports_no_features_operations_or_queries():
    found = {f"{path.name}: {name}" for path in PIPELINE.rglob("*.py")
             for name in imported(ast.parse(path.read_text(), str(path))) if forbidden(name)}
    assert not found, sorted(found)


def test_the_check_sees_each_kind_of_import():
    tree = ast.parse("import ideas.committee.queries\nfrom ideas.review import operations\n"
                     "def f():\n    from ideas.pilots.queries import x\n")
    assert sorted(filter(forbidden, imported(tree))) == [
        "ideas.committee.queries", "ideas.pilots.queries", "ideas.pilots.queries.x", "ideas.review.operations"]
    assert not forbidden("ideas.review.rules") and not forbidden("ideas.pipeline.queries")
