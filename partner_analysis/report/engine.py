"""A papermill engine that runs notebooks in an already running :class:`~.kernel.KernelSession`.

Papermill still does what it is for (parameters injected after the ``parameters`` cell, cell
timing and status metadata, errors recorded in the executed notebook); only the kernel is
reused instead of started per notebook.
"""
from __future__ import annotations

from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "partner-analysis-session"


class SessionEngine(Engine):
    """Execute a managed notebook in the kernel of the ``session`` keyword argument."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, session=None, execution_timeout=None, **kwargs):
        client = PapermillNotebookClient(nb_man, km=session.km, kernel_name=kernel_name, timeout=execution_timeout,
                                         interrupt_on_timeout=False, raise_on_iopub_timeout=True)
        client.kc = session.async_client()  # the client does not own the kernel: it neither starts nor stops it
        try:
            # what nbclient does for a client it starts itself: a reply on the shell channel and IOPub
            # flushed, so that no output of the first cell is published before the client listens
            run_sync(client.kc.wait_for_ready)(timeout=client.startup_timeout)
            return client.execute()
        finally:
            client.kc.stop_channels()


papermill_engines.register(ENGINE_NAME, SessionEngine)
