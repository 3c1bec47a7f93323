"""The code's shape, checked where a linter cannot: imports inside functions are only for
start-up time, and the command line starts without the heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("journey", "ingestion", "feedback", "assistant", "api")
# Libraries that take a second or more to import, or are optional extras: imported where used.
HEAVY = {
    "alembic", "bs4", "chromadb", "langchain_core", "langchain_openai", "llama_cpp", "onnx",
    "onnxruntime", "py3langid", "pypdf", "sentence_transformers", "sklearn", "sqlalchemy",
    "torch", "transformers", "vaderSentiment",
}  # fmt: skip


def function_level_imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # for the type checker only
            if in_function and isinstance(child, ast.Import):
                found.extend((child.lineno, alias.name) for alias in child.names)
            elif in_function and isinstance(child, ast.ImportFrom):
                found.append((child.lineno, child.module or "."))
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, nested)

    visit(ast.parse(path.read_text()), False)
    return found


def test_below_the_shell_only_heavy_libraries_are_imported_inside_functions() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for layer in LAYERS
        for path in sorted((ROOT / layer).rglob("*.py"))
        for line, module in function_level_imports(path)
        if module.split(".")[0] not in HEAVY
    ]
    assert not wrong, "import these at the top of the module:\n" + "\n".join(wrong)


def test_the_finder_sees_imports_in_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import json\nif TYPE_CHECKING:\n    import torch\n"
        "def f():\n    import re\n    class C:\n        from os import path\n"
    )
    assert function_level_imports(module) == [(5, "re"), (7, "os")]


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, app.cli; print(' '.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not {name.split(".")[0] for name in loaded} & (HEAVY - {"sqlalchemy"})
