"""The tutorial notebooks (``notebooks/*.ipynb``) run top to bottom without an error.

Each notebook is executed afresh with nbclient in a ``python3`` kernel, with ``notebooks/`` as
the working directory, as a reader would run it; the stored copy is not modified.  The stored
copies must also carry their outputs (they are meant to be read on a code host) and stay small.
``notebooks/_build.py`` writes and executes them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

# kernel start-up noise of the Jupyter stack on some Python versions (not sigconv's to fix)
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning:jupyter_core.*"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning:nbclient.*")]

NB_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))
MAX_BYTES = 400 * 1024


def test_notebooks_exist():
    assert NOTEBOOKS, f"no notebooks found in {NB_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_with_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "no code cells"
    missing = [i for i, c in enumerate(code) if c.source.strip() and c.execution_count is None]
    assert not missing, f"code cells {missing} were stored without being executed"
    errors = [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"stored outputs hold an error: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs), "no figure stored"
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size / 1024:.0f} KB"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(NB_DIR)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:  # the message holds the traceback
        pytest.fail(f"{path.name}: a cell raised\n{exc}", pytrace=False)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
