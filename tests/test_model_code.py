"""Chapters 12-14 show the course's GPT in full (their notebooks are standalone); coursekit/lm.py trains and ships
it. Each chapter's definition must be the same program as lm.py's: compared as Python syntax trees with docstrings
and type annotations removed (comments and layout may differ, code may not)."""

from __future__ import annotations

import ast
import re

import pytest

from .repo import ROOT

SHARED = ("normal", "causal_attention", "CausalSelfAttention", "Block", "TokenAndPositionEmbedding", "build_gpt",
          "count_params", "make_optimizer", "compile_gpt")
CHAPTERS = ("12_gpt", "13_finetuning", "14_llm_serving")
REQUIRED = {"12_gpt": SHARED, "13_finetuning": SHARED[:6], "14_llm_serving": SHARED[:6]}


class _Strip(ast.NodeTransformer):
    def _body(self, node):
        self.generic_visit(node)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        return node

    visit_ClassDef = _body

    def visit_FunctionDef(self, node):  # also drop the return annotation
        node.returns = None
        return self._body(node)

    def visit_arg(self, node):
        node.annotation = None
        return node

    def visit_AnnAssign(self, node):
        return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno) if node.value else None


def definitions(code: str) -> dict[str, str]:
    """Top-level function and class definitions, normalised."""
    out = {}
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = ast.dump(_Strip().visit(node), include_attributes=False)
    return out


def chapter_definitions(name: str) -> dict[str, str]:
    """Every code cell's top-level definitions (cell options and IPython magics are not Python)."""
    text = (ROOT / "chapters" / f"{name}.md").read_text()
    out: dict[str, str] = {}
    for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S):
        cell = re.sub(r"\A---\n.*?\n---\n", "", cell, flags=re.S)  # a YAML options block
        lines = [l for l in cell.splitlines() if not re.match(r"\s*(%|!|:\w+:)", l)]
        out.update(definitions("\n".join(lines)))
    return out


LM = definitions((ROOT / "coursekit" / "lm.py").read_text())


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_model_code_is_the_shipped_models_code(chapter):
    if not (ROOT / "chapters" / f"{chapter}.md").exists():
        pytest.skip(f"chapters/{chapter}.md is not written yet")
    defs = chapter_definitions(chapter)
    missing = [n for n in REQUIRED[chapter] if n not in defs]
    assert not missing, f"{chapter} does not define {missing} (the model code it shows must be lm.py's)"
    differ = [n for n in SHARED if n in defs and defs[n] != LM[n]]
    assert not differ, f"{chapter}: {differ} differ from coursekit/lm.py (compare the two definitions)"


def test_the_comparison_sees_a_changed_line():
    code = (ROOT / "coursekit" / "lm.py").read_text()
    assert "ops.arange(t)[None, :] > ops.arange(t)[:, None]" in code
    changed = definitions(code.replace("ops.arange(t)[None, :] > ops.arange(t)[:, None]",
                                       "ops.arange(t)[None, :] >= ops.arange(t)[:, None]"))  # masks the diagonal too
    assert [n for n in SHARED if changed[n] != LM[n]] == ["causal_attention"]
    assert definitions('def f(x: int) -> int:\n    """doc"""\n    return x  # c\n') == definitions("def f(x):\n    return x\n")
