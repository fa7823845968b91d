"""papermill's kernel client is ready once both channels answered its own request, without a wait for silence."""

from __future__ import annotations

import asyncio
from collections import deque
from queue import Empty

import pytest

from fazhi_analysis.report.kernel_client import ReadyClient


class _Channel:
    """A channel that hands out queued messages; on an empty queue it says Empty, or ``chatter`` without end."""

    def __init__(self, chatter: dict | None = None) -> None:
        self.queue: deque[dict] = deque()
        self.chatter, self.sent = chatter, []

    def send(self, msg: dict) -> None:
        self.sent.append(msg)

    async def get_msg(self, timeout: float | None = None) -> dict:
        await asyncio.sleep(0)  # as a socket's poll: the event loop may cancel the wait here
        if self.queue:
            return self.queue.popleft()
        if self.chatter is not None:
            return self.chatter
        raise Empty


def _of(msg_id: str, kind: str) -> dict:
    return {"parent_header": {"msg_id": msg_id}, "msg_type": kind, "content": {"protocol_version": "5.3"}}


class _Kernel:
    """Answers each kernel_info request on the shell channel; publishes its status on IOPub from the
    ``connected_from``-th request on (before that the subscription is not connected yet)."""

    def __init__(self, client: ReadyClient, *, connected_from: int = 0, alive: bool = True) -> None:
        self.shell, self.iopub = client._shell_channel, client._iopub_channel
        self.connected_from, self.alive, self.requests = connected_from, alive, 0
        send = self.shell.send
        self.shell.send = lambda msg: (send(msg), self.answer(msg["header"]["msg_id"]))

    def answer(self, msg_id: str) -> None:
        if not self.alive:
            return
        if self.requests >= self.connected_from:
            self.iopub.queue.extend([_of(msg_id, "status"), _of(msg_id, "status")])
        self.shell.queue.append(_of(msg_id, "kernel_info_reply"))
        self.requests += 1


def _client(*, chatter: dict | None = None) -> ReadyClient:
    client = ReadyClient()
    client._shell_channel, client._iopub_channel = _Channel(), _Channel(chatter)
    return client


def test_it_is_ready_while_iopub_still_carries_other_clients_messages() -> None:
    # jupyter_client's wait_for_ready reads IOPub until it is quiet for 0.2 s: with this chatter, never.
    client = _client(chatter=_of("someone-else", "stream"))
    kernel = _Kernel(client)
    asyncio.run(asyncio.wait_for(client.wait_for_ready(timeout=5), timeout=5))
    assert kernel.requests == 1


def test_it_asks_again_until_iopub_delivers_a_message_of_its_own_request() -> None:
    client = _client()
    kernel = _Kernel(client, connected_from=2)  # the first two requests' statuses were published before it subscribed
    client._shell_channel.queue.append(_of("an-earlier-request", "execute_reply"))  # skipped: not its request
    asyncio.run(client.wait_for_ready(timeout=5))
    assert kernel.requests == 3
    assert len(client._shell_channel.sent) == 3


def test_a_kernel_that_never_answers_is_an_error_after_the_timeout() -> None:
    client = _client()
    _Kernel(client, alive=False)
    with pytest.raises(RuntimeError, match="didn't respond"):
        asyncio.run(client.wait_for_ready(timeout=0.3))


def test_a_kernel_that_died_is_an_error_at_once(monkeypatch) -> None:
    client = _client()
    _Kernel(client, alive=False)

    async def dead() -> bool:
        return False

    monkeypatch.setattr(client, "_async_is_alive", dead)
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(client.wait_for_ready(timeout=None))
