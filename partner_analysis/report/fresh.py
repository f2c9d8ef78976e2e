"""Put a reused kernel back to the state it started in, between two reports.

Runs inside the kernel. :func:`snapshot` is called once after start-up (after the heavy imports);
:func:`restore` before every report: the user namespace is emptied, open figures closed, and
matplotlib's settings and the warning filters set back to the snapshot, so that a report rendered
in a batch equals the same report rendered alone and nothing of one report reaches the next.
Imported modules stay loaded: that is what makes the next report fast.
"""
from __future__ import annotations

import copy
import warnings

_SAVED: dict = {}


def snapshot() -> None:
    """Remember matplotlib's settings and the warning filters as they are now."""
    import matplotlib

    _SAVED["rc"] = copy.deepcopy(dict(matplotlib.rcParams))
    _SAVED["filters"] = list(warnings.filters)


def restore() -> None:
    """Empty the user namespace, close figures, and restore what :func:`snapshot` saved."""
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("reset", "-f")
    plt.close("all")
    if "rc" in _SAVED:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated keys in a full copy of rcParams
            matplotlib.rcParams.update(_SAVED["rc"])
        warnings.filters[:] = _SAVED["filters"]
