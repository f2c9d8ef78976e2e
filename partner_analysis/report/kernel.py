"""A Jupyter kernel started once and reused for report after report.

Starting a kernel and importing pandas, matplotlib and seaborn costs seconds; a report on the
precomputed KPI store costs a fraction of that. A :class:`KernelSession` starts one kernel of
this very Python (whatever kernelspecs the machine has), imports the heavy modules once, and
between reports puts the kernel back to its starting state (:mod:`.fresh`). It is shut down
with its session, and a kernel whose parent dies exits by itself (ipykernel's parent poller).
Notebooks run through :class:`ReportKernelClient`, whose waits re-check the socket every half second.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

from jupyter_client import KernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from traitlets import Type

KERNEL_NAME = "python3"
WARM_UP = ("import pandas, numpy, matplotlib, matplotlib.pyplot, seaborn, partner_analysis, "
           "partner_analysis.report.fresh as _pa_fresh\n_pa_fresh.snapshot()")
RESET = "import partner_analysis.report.fresh as _pa_fresh\n_pa_fresh.restore()"


class _ThisPython(KernelSpecManager):
    """The kernelspec of the running interpreter, so reports use this environment's packages."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name="Python 3", language="python")


#: Longest single wait for a kernel message (seconds); see :class:`_SlicedWaitChannel`.
WAIT_SLICE = 0.5


class _SlicedWaitChannel(AsyncZMQSocketChannel):
    """A channel that waits for a message at most :data:`WAIT_SLICE` seconds at a time.

    nbclient sends on the shell socket (an Output widget's state, on every output it captures)
    while it waits on that socket for the cell's reply; a send can consume the socket's
    edge-triggered wake-up, and the reply then sits unread until the wait times out (10 minutes
    for a report cell, never without a timeout). Each new wait checks the socket itself, so
    waiting in slices bounds that to half a second."""

    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = WAIT_SLICE if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await super().get_msg(timeout=min(WAIT_SLICE, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class ReportKernelClient(AsyncKernelClient):
    """The asynchronous client a report runs with: its shell and IOPub waits are sliced."""

    shell_channel_class = Type(_SlicedWaitChannel)
    iopub_channel_class = Type(_SlicedWaitChannel)


class KernelError(RuntimeError):
    """The kernel did not start or could not be reset."""


class KernelSession:
    """One kernel for many reports: started warm, reset between reports, restarted after a failure."""

    def __init__(self, startup_timeout: float = 60.0):
        self.startup_timeout = startup_timeout
        self._folder = tempfile.TemporaryDirectory(prefix="pa-kernel-")
        self.km: KernelManager | None = None
        self.kc = None
        self.start()

    def start(self) -> None:
        """Start the kernel (Unix sockets in a private folder, loopback TCP on Windows) and import the
        heavy modules."""
        if os.name == "nt":  # no Unix sockets: loopback TCP
            self.km = KernelManager(kernel_spec_manager=_ThisPython(), kernel_name=KERNEL_NAME)
        else:
            self.km = KernelManager(kernel_spec_manager=_ThisPython(), kernel_name=KERNEL_NAME, transport="ipc",
                                    ip=str(Path(self._folder.name) / "kernel"))
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)
        self.run(WARM_UP, self.startup_timeout)

    def run(self, code: str, timeout: float = 60.0) -> None:
        """Run code quietly in the kernel; raises :class:`KernelError` when it fails."""
        reply = self.kc.execute_interactive(code, silent=True, store_history=False, timeout=timeout,
                                            output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise KernelError(f"kernel code failed: {content.get('ename')}: {content.get('evalue')}")

    def async_client(self) -> ReportKernelClient:
        """A new asynchronous client of this kernel with its channels open, for one notebook run
        (nbclient polls replies and outputs concurrently, which a blocking client cannot); the
        caller stops its channels."""
        client = ReportKernelClient()
        client.load_connection_info(self.km.get_connection_info())  # its own Session: shared ones drop
        client.start_channels()                                      # each other's messages as replays
        return client

    def reset(self) -> None:
        """Back to the starting state (empty namespace, default plot settings)."""
        self.run(RESET)

    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def restart(self) -> None:
        """A new kernel in place of one that died, hung or could not be reset."""
        self.shutdown()
        self.start()

    def shutdown(self) -> None:
        """Stop the kernel and its channels; safe to call twice."""
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
            self.km.cleanup_resources()
            self.km = None

    def close(self) -> None:
        """Shut down and remove the socket folder."""
        self.shutdown()
        self._folder.cleanup()
