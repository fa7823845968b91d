"""jupyter_client's view of the warm kernel: a manager that adopts a running kernel process.

Imported only once the kernel process runs (:mod:`fazhi_analysis.kernel`), so that loading
jupyter_client overlaps the kernel's start-up instead of delaying it.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Type


class WarmClient(AsyncKernelClient):
    """A client whose IOPub channel is subscribed long before it is used.

    The stock :meth:`wait_for_ready` proves IOPub connected by draining it until it stays quiet
    for 0.2 s, which every papermill run would pay; this client's IOPub channel was subscribed when
    the kernel was adopted, so waiting for the ``kernel_info`` reply is enough.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Wait until the kernel answers a ``kernel_info`` request (``RuntimeError`` after ``timeout`` s)."""
        limit = 60.0 if timeout is None else timeout
        try:
            await self.reply_to(self.kernel_info(), limit)
        except Empty:
            raise RuntimeError(f"Kernel didn't respond in {limit:.0f} seconds") from None

    async def reply_to(self, request: str, timeout: float) -> dict[str, Any]:
        """The shell reply to ``request`` (other replies are dropped); ``queue.Empty`` after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            reply = await self.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.0))
            if reply["parent_header"].get("msg_id") == request:
                return reply


class LaunchedKernelManager(AsyncKernelManager):
    """The manager of a kernel process launched elsewhere, handing out one :class:`WarmClient`.

    papermill (through nbclient) sees a running kernel (``has_kernel``), so it starts none; liveness
    and interrupts go to the process through a :class:`LocalProvisioner`. The client is connected
    at adoption, so that its IOPub subscription is in place long before papermill uses it.
    """

    client_factory = Type(WarmClient, klass=AsyncKernelClient)

    def __init__(self, process: subprocess.Popen, connection_file: str, **kwargs: Any) -> None:
        super().__init__(connection_file=connection_file, **kwargs)
        self.load_connection_file()
        provisioner = LocalProvisioner(kernel_id=secrets.token_hex(8), kernel_spec=None, parent=self)
        provisioner.process, provisioner.pid = process, process.pid
        provisioner.pgid = os.getpgid(process.pid)
        self.provisioner = provisioner
        self._client: WarmClient = super().client()
        # Shell and IOPub now (their sockets connect on first use); nbclient starts the heartbeat's
        # thread, stdin and control when it starts the channels, which it does once.
        self._client.start_channels(stdin=False, hb=False, control=False)

    def client(self, **kwargs: Any) -> WarmClient:
        """The one client of this kernel, its shell and IOPub channels already connected."""
        return self._client
