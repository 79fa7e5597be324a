# SPDX-License-Identifier: Apache-2.0
"""What bounds a connection (subscribe's --timeout covers the connect and the SUBACK;
--connect-timeout is the whole connect over every transport) and the client-ID takeover hint,
given only with evidence (docs/cli-contract.md, "The client-ID takeover hint")."""
import socket
import subprocess
import time

import pytest

from harness import TSMQTT, Process, free_port
from subscribe_support import ScriptedBroker


def test_timeout_covers_a_suback_that_never_comes(tsmqtt):
    broker = ScriptedBroker([["connack", "read-subscribe", "hold"]])
    try:
        started = time.monotonic()
        proc = Process([TSMQTT, "subscribe", "--url", f"tcp://127.0.0.1:{broker.port}", "-t", "never/acked",
                        "--count", "1", "--timeout", "5"], env=tsmqtt.env(None))
        assert proc.wait_exit(timeout=15) == 6, proc.stderr
        assert 4.5 <= time.monotonic() - started < 9
        assert broker.subscriptions == [["never/acked"]]
        assert proc.err == ["tsmqtt: --timeout elapsed while subscribing (the broker did not answer)"], proc.err
    finally:
        broker.close()


@pytest.mark.parametrize("scheme", ["tcp", "ws"])
def test_connect_timeout_is_the_whole_connect(tsmqtt, scheme):
    """A server that takes the connection and never answers: 3 s, not 3 s per step."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    try:
        started = time.monotonic()
        result = subprocess.run([TSMQTT, "subscribe", "--url", f"{scheme}://127.0.0.1:{server.getsockname()[1]}",
                                 "-t", "x", "--connect-timeout", "3"], capture_output=True, env=tsmqtt.env(None),
                                timeout=20)
        took = time.monotonic() - started
        assert result.returncode == 3, result.stderr
        assert b"did not answer within 3 s (--connect-timeout)" in result.stderr
        assert 2.5 <= took < 5, took
    finally:
        server.close()


@pytest.mark.parametrize("version", ["3.1.1", "5"])
def test_a_publisher_and_subscriber_sharing_a_client_id_are_told(tsmqtt, version):
    """mosquitto 2.0.11 closes the older connection without a DISCONNECT, under 5 too: the
    evidence is the loss right after each reconnect, twice in a row."""
    client = f"shared-{free_port()}"
    sub = tsmqtt.subscriber("-t", "takeover/x", "-i", client, "--mqtt-version", version, user="admin")
    publisher = tsmqtt.start("publish", "-t", "takeover/x", "--stdin", "-i", client, "--mqtt-version", version,
                             user="admin", stdin=subprocess.PIPE)
    hint = f"is another client using the client ID '{client}'?"
    sub.wait_stderr(hint, timeout=60)
    line = next(l for l in sub.err if hint in l)
    assert "a second MQTT device, or -i ID" in line
    publisher.kill()
    sub.kill()


def test_no_takeover_hint_for_a_broker_restart(tsmqtt, private_broker):
    from conftest import Tsmqtt
    own = Tsmqtt(private_broker, tsmqtt.tmp)
    for version in ("3.1.1", "5"):
        sub = own.subscriber("-t", "restart/x", "-i", f"alone-{version}", "--mqtt-version", version, user="admin")
        private_broker.restart()
        sub.wait_stderr("subscribed again", timeout=40)
        assert not any("client ID" in l for l in sub.err), sub.err
        sub.kill()
