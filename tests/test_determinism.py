"""The determinism check's rules, on hand-made notebooks (the real check runs in test_busy_machine and make bench)."""

from __future__ import annotations

import nbformat

from coursekit.determinism import differences, glued, is_timing


PREFIX = "application/papermill.record/"  # what myst_nb.glue writes in an executed notebook


def _nb(values: dict[str, str]) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("glue(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={PREFIX + "text/plain": v},
                                           metadata={"scrapbook": {"name": k, "mime_prefix": PREFIX}})
                    for k, v in values.items()]
    cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="not glue"))
    return nbformat.v4.new_notebook(cells=[cell])


def test_glued_values_are_read_by_name():
    assert glued(_nb({"acc": "0.91", "epoch_s": "1.2"})) == {"acc": "0.91", "epoch_s": "1.2"}


def test_timing_names_are_told_apart_by_suffix():
    assert all(is_timing(n) for n in ["epoch_s", "lat_ms", "call_us", "tokens_per_s", "speedup_timed", "mfu_percent",
                                      "matmul_peak_gflops"])
    assert not any(is_timing(n) for n in ["accuracy", "n_steps", "loss_ratio", "steps"])


def test_a_changed_number_is_reported_and_a_changed_timing_is_not():
    a = glued(_nb({"acc": "0.91", "epoch_s": "1.2", "gone": "3"}))
    b = glued(_nb({"acc": "0.92", "epoch_s": "9.9"}))
    assert differences(a, b) == ["acc: '0.91' then '0.92'", "gone: '3' then None"]
    assert differences(a, a) == []


def test_real_glue_outputs_are_read(tmp_path):
    """An executed cell that calls myst_nb.glue, read back: the value, not a placeholder."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from myst_nb import glue\nglue('acc', 0.912, display=False)\nglue('epoch_s', 1.5, display=False)")])
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    assert glued(nb) == {"acc": "0.912", "epoch_s": "1.5"}
