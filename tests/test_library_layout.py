"""The library stays readable: no function in ``clustering/`` over 50 lines.

A long function is split into named steps (estimator classes may be long; their
methods may not). Counted from the ``def`` line to the last line, docstring
included.
"""

import ast
from pathlib import Path

import clustering

LIBRARY = Path(clustering.__file__).resolve().parent
MAX_LINES = 50


def function_lengths(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (f"{path.name}:{node.lineno} {node.name}", node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_no_function_in_the_library_is_over_fifty_lines():
    modules = sorted(LIBRARY.glob("*.py"))
    assert len(modules) > 5  # the library itself was found
    too_long = [
        (name, length)
        for module in modules
        for name, length in function_lengths(module)
        if length > MAX_LINES
    ]
    assert too_long == []
