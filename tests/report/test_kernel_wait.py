"""The report kernel client waits for messages in slices: a reply whose wake-up was lost is still read."""
from __future__ import annotations

import asyncio
import time
from queue import Empty

import pytest

from partner_analysis.report import kernel


class _Socket:
    """A socket whose message is there from ``ready_at`` on, but whose first wait is never woken
    (the lost edge-triggered wake-up): only a new wait sees it."""

    def __init__(self, ready_at: float):
        self.ready_at, self.waits = ready_at, []

    async def poll(self, timeout_ms):
        self.waits.append(timeout_ms)
        if len(self.waits) > 1 and time.monotonic() >= self.ready_at:
            return 1
        await asyncio.sleep(timeout_ms / 1000 if timeout_ms is not None else 3600)
        return 0


def _channel(socket):
    channel = kernel._SlicedWaitChannel.__new__(kernel._SlicedWaitChannel)
    channel.socket = socket

    async def recv():
        return {"msg_type": "execute_reply"}
    channel._recv = recv
    return channel


def test_a_reply_whose_wake_up_was_lost_is_read_within_a_slice():
    socket = _Socket(ready_at=time.monotonic())
    started = time.monotonic()
    msg = asyncio.run(_channel(socket).get_msg(timeout=None))
    assert msg["msg_type"] == "execute_reply"
    assert time.monotonic() - started < 3 * kernel.WAIT_SLICE
    assert socket.waits[0] == int(kernel.WAIT_SLICE * 1000)


def test_a_timeout_is_still_kept():
    socket = _Socket(ready_at=float("inf"))
    started = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(_channel(socket).get_msg(timeout=1.2))
    assert 1.2 <= time.monotonic() - started < 1.2 + kernel.WAIT_SLICE + 0.5
