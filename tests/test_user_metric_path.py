"""The whole path of an analyst's own metric: declare it in a notebook kernel, declare it again,
compute it on the build, promote it to a project file, build, and read it back from the store."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pandas as pd
import papermill

from partner_analysis import KpiStore
from partner_analysis.kpis import REGISTRY
from partner_analysis.versions import current_build

DECLARATION = textwrap.dedent("""\
    from partner_analysis import define_metric
    define_metric("enterprise_sourced_revenue", label="Sourced revenue from enterprise accounts",
                  source="won_deals", where={"attribution": "sourced", "segment": "enterprise"},
                  measure="sum:amount")
""")


def _notebook() -> nbformat.NotebookNode:
    cells = [
        "import time, warnings\nwarnings.simplefilter('always')",
        DECLARATION.replace("segment\": \"enterprise\"", "segment\": \"smb\""),  # a first try
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n" + textwrap.indent(DECLARATION, "    ") +
        "notes = [str(w.message) for w in seen]",
        "from partner_analysis import KpiStore\n"
        "started = time.perf_counter()\n"
        "rows = KpiStore('data/processed').kpi('enterprise_sourced_revenue', program=False)\n"
        "seconds = time.perf_counter() - started\n"
        "rows.to_parquet('kernel_rows.parquet')\n"
        "import json; json.dump({'notes': notes, 'seconds': seconds}, open('kernel.json', 'w'))",
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_declare_redeclare_compute_promote_build_read_back(demo_raw_dir, demo_store_dir, tmp_path):
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "data" / "processed").symlink_to(demo_store_dir, target_is_directory=True)
    notebook = project / "notebooks" / "my_metric.ipynb"
    nbformat.write(_notebook(), notebook)

    # 1-3. In a kernel started in notebooks/: declare, declare again (a note, not an error), compute.
    papermill.execute_notebook(str(notebook), str(project / "notebooks" / "ran.ipynb"),
                               cwd=str(project / "notebooks"), kernel_name="python3", progress_bar=False)
    kernel = json.loads((project / "notebooks" / "kernel.json").read_text())
    assert kernel["notes"] == ["metric 'enterprise_sourced_revenue' declared again: "
                               "the new definition replaces the earlier one"]
    in_kernel = pd.read_parquet(project / "notebooks" / "kernel_rows.parquet")
    assert len(in_kernel) > 0 and in_kernel["value"].sum() > 0

    # 4. Promote: the declaration goes to a project file listed in the settings.
    (project / "metrics").mkdir()
    (project / "metrics" / "enterprise.py").write_text(DECLARATION)
    (project / "partner-analysis.yml").write_text("metrics: [metrics/enterprise.py]\n")

    # 5. Build from the command line, in a fresh process, into a new folder.
    processed = project / "built"
    cli = [str(Path(sys.executable).with_name("partner-analysis"))]  # the console script, as a user runs it
    run = subprocess.run([*cli, "build", "--raw", str(demo_raw_dir), "--processed", str(processed),
                          "--config", str(project / "partner-analysis.yml")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    glossary = subprocess.run([*cli, "glossary", "--out", str(project / "reports"),
                               "--config", str(project / "partner-analysis.yml")], capture_output=True, text=True)
    assert glossary.returncode == 0, glossary.stderr
    assert "Sourced revenue from enterprise accounts (`enterprise_sourced_revenue`)" in \
        (project / "reports" / "glossary.md").read_text()

    # 6. Read back: the store's rows (not recomputed: this process never declared the metric).
    assert "enterprise_sourced_revenue" not in REGISTRY
    store = KpiStore(processed)
    assert store.spec("enterprise_sourced_revenue").origin == "user"
    assert json.loads((current_build(processed) / "build.json").read_text())["user_metrics"]["enterprise_sourced_revenue"]["file"] \
        .endswith("enterprise.py")
    built = store.kpi("enterprise_sourced_revenue", program=False)
    columns = ["period", "partner_id", "value", "numerator", "denominator", "n"]
    pd.testing.assert_frame_equal(built[columns].reset_index(drop=True), in_kernel[columns].reset_index(drop=True),
                                  check_dtype=False)
