"""The oldest TensorFlow and Keras each notebook runs on, derived from what its code uses.

Every chapter's and exercise's setup cell states `REQUIRED = {"tensorflow": ..., "keras": ...}` and stops at once,
with the one `pip install` line to run and "restart the runtime", on an older install (a learner on an old Colab
image would otherwise meet an AttributeError halfway through). `FEATURES` maps what a notebook's code uses to the
first Keras release that has it; each row was read off the released Keras wheels' sources (3.0.0 … 3.15.0):

- `gradient_accumulation_steps` in `BaseOptimizer.__init__`: from 3.1.0;
- `Model.quantize` with the `QUANTIZATION_MODES` tuple ("int8", "float8"): from 3.3.0; LoRA on conv layers: 3.3.0;
- `keras.ops.dot_product_attention` (with `is_causal`): from 3.6.0 (absent from 3.5.0);
- `enable_lora(rank, lora_alpha=...)`: from 3.10.0;
- the "int4" quantization mode: from 3.11.0; "gptq" and `keras.distillation`: from 3.12.0; "awq": 3.15.0.

TensorFlow 2.16 is the first release whose `tf.keras` is Keras 3; every notebook needs at least that.
"""

from __future__ import annotations

import re

BASE = {"tensorflow": "2.16", "keras": "3.0"}
FEATURES: list[tuple[str, str, str]] = [  # (regex on the notebook's code, package, minimum version)
    (r"gradient_accumulation_steps", "keras", "3.1"),
    (r"\.quantize\(", "keras", "3.3"),
    (r"dot_product_attention", "keras", "3.6"),
    (r"lora_alpha", "keras", "3.10"),
    (r"""["']int4["']""", "keras", "3.11"),
    (r"""["']gptq["']|keras\.distillation|from keras import distillation""", "keras", "3.12"),
    (r"""["']awq["']""", "keras", "3.15"),
]
REQUIRED_LINE = re.compile(r"^REQUIRED = (\{[^}\n]*\})", re.M)


def release(text: str) -> tuple[int, ...]:
    """'3.12' -> (3, 12); '2.21.0rc1' -> (2, 21, 0)."""
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def derived_minimums(code: str) -> dict[str, str]:
    """The minimum versions the notebook's code needs, from `BASE` and every matching `FEATURES` row."""
    need = dict(BASE)
    for pattern, pkg, minimum in FEATURES:
        if re.search(pattern, code) and release(minimum) > release(need.get(pkg, "0")):
            need[pkg] = minimum
    return need


def stated_minimums(setup_cell: str) -> dict[str, str] | None:
    """The `REQUIRED = {...}` dict a setup cell states, or None."""
    import ast

    m = REQUIRED_LINE.search(setup_cell)
    return ast.literal_eval(m.group(1)) if m else None


GUARD = """\
# The oldest versions this notebook runs on (derived from what it uses; the course's tests check them).
REQUIRED = {required}
import re
from importlib.metadata import PackageNotFoundError, version


def _release(text):
    return tuple(int(x) for x in re.findall(r"\\d+", text)[:3])


_too_old = []
for _pkg, _min in REQUIRED.items():
    try:
        _have = version(_pkg)
    except PackageNotFoundError:
        _have = "not installed"
    if _have == "not installed" or _release(_have) < _release(_min):
        _too_old.append(f"{{_pkg}} {{_have}} (needs {{_min}} or newer)")
if _too_old:
    _fix = "pip install -q " + " ".join(f'"{{p}}>={{m}}"' for p, m in REQUIRED.items())
    raise SystemExit(
        "This notebook needs newer packages: " + "; ".join(_too_old) + ".\\n"
        f"Run  {{_fix}}  (in Colab, in a cell: !{{_fix}}), then restart the runtime "
        "(Colab: Runtime > Restart session) and run the notebook again."
    )
"""


def guard(required: dict[str, str]) -> str:
    return GUARD.format(required=repr(required).replace("'", '"'))
