"""papermill's client of a report's kernel: ready as soon as the kernel answers, without a wait for silence.

jupyter_client's ``wait_for_ready`` (which nbclient calls before every notebook) sends ``kernel_info``, takes
the reply and one IOPub message, and then reads IOPub until it stays quiet for 0.2 s, to drop what other
clients' requests left there. Nothing here needs that: nbclient reads only the messages of its own requests.
A kept kernel is already running when a report starts, so that wait was a fifth of a second of an idle core
in every report (the batch's utilisation trace dipped at each job). :class:`ReadyClient` is ready once IOPub
has delivered a message of its own ``kernel_info`` request: the subscription then receives all that follows.

Example (the :class:`~fazhi_analysis.report.session.Session`'s kernel manager makes it):
    >>> from traitlets.config import Config
    >>> Config({"KernelManager": {"client_class": "fazhi_analysis.report.kernel_client.ReadyClient"}})  # doctest: +SKIP
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient

__all__ = ["ReadyClient"]


_IOPUB_S = 0.2  # how long a message of the request may take on IOPub before it is asked again


class ReadyClient(AsyncKernelClient):
    """An asynchronous kernel client whose :meth:`wait_for_ready` ends as soon as both channels answered."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Wait until the kernel answered ``kernel_info`` on the shell channel and IOPub delivered a message of
        that request (asked again while IOPub is not yet connected).

        Raises:
            RuntimeError: The kernel died or did not answer within ``timeout`` seconds (as jupyter_client's).
        """
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while time.monotonic() < deadline:
            sent = self.kernel_info()
            reply = await _answer(self.shell_channel, sent, min(1.0, max(deadline - time.monotonic(), 0.0)))
            if reply is not None and await _answer(self.iopub_channel, sent, _IOPUB_S) is not None:
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


async def _answer(channel: Any, sent: str, seconds: float) -> dict | None:
    """The first message on ``channel`` that answers the request ``sent`` (on IOPub: its busy or idle status) within
    ``seconds``; those of earlier requests are skipped."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            message = await channel.get_msg(timeout=left)
        except Empty:
            return None
        if message["parent_header"].get("msg_id") == sent:
            return message
    return None
