"""A papermill engine that reuses one warm kernel per process.

Starting a kernel and importing pandas, seaborn and this package take most
of a short report's run time.  :class:`WarmKernelEngine` keeps one kernel
alive per worker process and, before each notebook, clears the user
namespace (``%reset -f``) and closes every figure, so notebooks never see
each other's variables.  Imported modules stay loaded, and so do the
package's checksum-keyed table caches: the shared tables are read once per
worker, and a changed input file still changes the cache key.

The engine is registered with papermill under the name ``iid-warm`` (also as
an entry point, so ``papermill --engine iid-warm`` works) and is what
:func:`iid_research.render.runner.run_batch` uses.
"""

from __future__ import annotations

import os
import threading

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

# Clear the user namespace like ``%reset -f`` but without its full garbage collection, which
# takes ~0.6 s once the shared tables are loaded: names the user defined are deleted, IPython's
# own (``user_ns_hidden``) are kept, and every figure is closed.
_RESET_CODE = (
    "def _iid_reset():\n"
    "    ip = get_ipython()\n"
    "    hidden = ip.user_ns_hidden\n"
    "    for name in [n for n in ip.user_ns if not n.startswith('_') and n not in hidden]:\n"
    "        del ip.user_ns[name]\n"
    "    import matplotlib.pyplot as plt\n"
    "    plt.close('all')\n"
    "_iid_reset()\n"
    "del _iid_reset\n"
)

_lock = threading.Lock()
_kernels: dict = {}  # (pid, kernel_name, cwd) -> KernelManager


def _kernel_manager(kernel_name: str, cwd: str | None, start_timeout: int):
    from jupyter_client.manager import KernelManager

    key = (os.getpid(), kernel_name, cwd)
    entry = _kernels.get(key)
    if entry is not None and entry[0].is_alive():
        return entry
    if entry is not None:  # died: start a fresh one
        shutdown_kernels()
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel(cwd=cwd, extra_arguments=["--HistoryManager.enabled=False", "--IPKernelApp.log_level=ERROR"])
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=start_timeout)
    _kernels[key] = (km, kc)
    return km, kc


def _reset(kc, timeout: int = 60) -> None:
    reply = kc.execute_interactive(_RESET_CODE, timeout=timeout, store_history=False, output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"could not reset the warm kernel: {reply['content']}")


def shutdown_kernels() -> None:
    """Shut down every warm kernel this process started."""
    for key in [k for k in _kernels if k[0] == os.getpid()]:
        km, kc = _kernels.pop(key)
        try:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        except Exception:  # pragma: no cover - best effort at exit
            pass


class WarmKernelEngine(NBClientEngine):
    """papermill engine executing notebooks in a reused kernel with a clean namespace."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        """Execute ``nb_man``'s notebook in this process's warm kernel (started on first use).

        The user namespace is cleared and figures closed first; a kernel that
        died is replaced on the next call.  Arguments as papermill's
        ``NBClientEngine.execute_managed_notebook``.
        """
        cwd = kwargs.get("cwd")
        with _lock:
            km, kc = _kernel_manager(kernel_name, cwd, start_timeout)
            _reset(kc)
            client = PapermillNotebookClient(
                nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client.kc = kc  # reuse the connected client: no new channels per notebook
            save = nb_man.save
            nb_man.save = lambda **kwargs: None  # papermill saves after every cell; once at the end is enough
            try:
                return client.execute(cleanup_kc=False)
            finally:
                nb_man.save = save  # papermill's notebook_complete() writes the finished notebook
                if not km.is_alive():
                    shutdown_kernels()


papermill_engines.register("iid-warm", WarmKernelEngine)
