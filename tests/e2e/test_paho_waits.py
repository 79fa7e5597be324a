# SPDX-License-Identifier: Apache-2.0
"""Paho's first-connect waits (ARCHITECTURE.md, "Paho's first-connect waits"): tsmqtt's own
connect() and usleep() shorten them under a verified Paho C, stay dormant under any other, and
say what they did on stderr when TSMQTT_PAHO_WAITS_REPORT is set. Counted, never timed: these
tests fail when the shortcut stops taking effect, whatever the machine's speed."""
import json
import os
import socket
import threading
import time

import pytest

from conftest import TRANSPORTS

# ctest passes the build's TSMQTT_PAHO_WAITS option (tests/e2e/CMakeLists.txt); on by default.
BUILT = os.environ.get("TSMQTT_PAHO_WAITS_BUILT", "ON").upper() not in ("OFF", "0", "FALSE", "NO")
CONNECT_SHORTENED = "tsmqtt: paho waits: connect() completed at once"
SLEEP_SHORTENED = "tsmqtt: paho waits: a 100 ms sleep made 1 ms"
# Longer than Paho's first 10 ms poll for the CONNACK, whatever the load.
CONNACK_DELAY = 0.5


class SlowConnack:
    """A TCP proxy to the broker that holds the broker's first bytes (the CONNACK) back for
    CONNACK_DELAY: Paho's receive thread then always finds nothing to read at first and goes
    to its 100 ms sleep, which is what the shortcut shortens."""

    def __init__(self, port):
        self.upstream = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            broker = socket.create_connection(("127.0.0.1", self.upstream))
            self.sockets += [client, broker]
            threading.Thread(target=self._pump, args=(client, broker, 0), daemon=True).start()
            threading.Thread(target=self._pump, args=(broker, client, CONNACK_DELAY), daemon=True).start()

    @staticmethod
    def _pump(source, target, delay):
        try:
            while data := source.recv(65536):
                if delay:
                    time.sleep(delay)  # the delay is the stimulus, not a wait for a condition
                    delay = 0
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        for s in self.sockets:
            s.close()


@pytest.fixture
def slow_connack(broker):
    proxy = SlowConnack(broker.ports["tcp"])
    yield proxy
    proxy.close()


def publish(tsmqtt, url, **env):
    return tsmqtt.run("publish", "--url", url, "-u", "admin", "--topic", "waits/x", "-m", "1", "--qos", "1",
                      connect=False, env=tsmqtt.env("admin", TSMQTT_PAHO_WAITS_REPORT="1", **env))


def report_lines(result):
    return [l for l in result.stderr.decode().splitlines() if l.startswith("tsmqtt: paho waits:")]


def test_both_waits_of_the_first_connect_are_shortened(tsmqtt, slow_connack):
    result = publish(tsmqtt, f"tcp://127.0.0.1:{slow_connack.port}")
    assert result.returncode == 0, result.stderr  # QoS 1: the broker acknowledged it
    lines = report_lines(result)
    if not BUILT:
        assert lines == []
        return
    assert lines[0] == "tsmqtt: paho waits: active (Paho C 1.3.11)", lines
    assert lines.count(CONNECT_SHORTENED) == 1, lines
    assert lines.count(SLEEP_SHORTENED) >= 1, lines


def test_the_report_is_silent_unless_asked_for(tsmqtt, broker):
    result = tsmqtt.run("publish", "--topic", "waits/x", "-m", "1", user="admin")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_under_an_unverified_paho_version_they_are_dormant_and_all_works(tsmqtt, transport):
    env = tsmqtt.env("admin", TSMQTT_PAHO_WAITS_REPORT="1", TSMQTT_PAHO_WAITS_VERSION="1.4.0")
    sub = tsmqtt.subscriber("--topic", "waits/dormant", "--count", "1", "--timeout", "20", "--format", "json",
                            transport=transport, user="admin", env=env)
    pub = tsmqtt.run("publish", "--topic", "waits/dormant", "-m", f"dormant-{transport}", "--qos", "1",
                     transport=transport, user="admin", env=env)
    assert pub.returncode == 0, pub.stderr
    assert sub.wait_exit() == 0, sub.stderr
    assert [json.loads(l)["payload"] for l in sub.out] == [f"dormant-{transport}"]
    expected = ["tsmqtt: paho waits: dormant (Paho C 1.4.0)"] if BUILT else []
    assert report_lines(pub) == expected
    assert [l for l in sub.err if l.startswith("tsmqtt: paho waits:")] == expected
