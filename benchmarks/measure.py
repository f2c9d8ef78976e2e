"""Run a step in a fresh Python process and report its wall time and peak memory.

Each step gets its own process so that its peak resident memory is its own, not the
high-water mark of an earlier step.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

_REPORT = textwrap.dedent("""
    import json as _json, resource as _resource, time as _time
    _t0 = _time.perf_counter()
    {setup}
    _t1 = _time.perf_counter()
    _u1 = _resource.getrusage(_resource.RUSAGE_SELF)
    {body}
    _seconds = _time.perf_counter() - _t1
    _u2 = _resource.getrusage(_resource.RUSAGE_SELF)
    print("@@MEASURE@@" + _json.dumps({{"seconds": _seconds, "setup_seconds": _t1 - _t0,
        "user_seconds": _u2.ru_utime - _u1.ru_utime, "system_seconds": _u2.ru_stime - _u1.ru_stime,
        "page_faults": _u2.ru_minflt - _u1.ru_minflt,
        "peak_gib": _u2.ru_maxrss / 1024 ** 2, "extra": globals().get("EXTRA", {{}})}}))
""")


def measure(body: str, setup: str = "") -> dict:
    """Run ``setup`` then ``body`` (Python source) in a child process; return the seconds of
    ``body``, of ``setup`` (``setup_seconds``: imports, say, kept out of the figure), the CPU
    seconds of ``body`` in user code and in the kernel (all threads), its page faults, peak GiB
    and ``EXTRA``."""
    code = _REPORT.format(setup=textwrap.dedent(setup).strip() or "pass", body=textwrap.dedent(body))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"step failed:\n{proc.stderr[-4000:]}")
    line = next(l for l in proc.stdout.splitlines() if l.startswith("@@MEASURE@@"))
    return json.loads(line.removeprefix("@@MEASURE@@"))


def print_table(rows: list[tuple[str, dict]]) -> None:
    """Steps with seconds and peak memory, aligned."""
    print(f"{'step':<44}{'seconds':>10}{'peak GiB':>10}")
    for name, m in rows:
        print(f"{name:<44}{m['seconds']:>10.1f}{m['peak_gib']:>10.2f}")
