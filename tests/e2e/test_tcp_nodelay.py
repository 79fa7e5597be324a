# SPDX-License-Identifier: Apache-2.0
"""Nagle's algorithm is off on the broker connection (src/paho/tcp_nodelay.hpp), on every
transport and again after a reconnect: without it the probe that confirms a QoS 0 message
waited for the broker's delayed ACK, and a one-shot publish took 45 ms instead of 3. Seen in
the system calls (strace), never timed."""
import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import TRANSPORTS, Tsmqtt
from harness import TSMQTT, Process, wait_for

STRACE = shutil.which("strace") or "/usr/bin/strace"


def traced(log, *cmd):
    """strace of each thread into its own file (log.PID), so no call is split in two, with
    timestamps to order the calls of different threads."""
    return [STRACE, "-ff", "-ttt", "-qq", "-o", str(log), "-e", "trace=connect,setsockopt,writev", "-s", "64", *cmd]


def calls(log):
    """Every traced call of every thread as (time, line), in time order."""
    lines = []
    for path in log.parent.glob(log.name + ".*"):
        for line in path.read_text().splitlines():
            stamp, _, call = line.partition(" ")
            lines.append((float(stamp), call))
    return [call for _, call in sorted(lines)]


def traced_pid(log):
    """The traced program's own process: the first of the files."""
    wait_for(lambda: list(log.parent.glob(log.name + ".*")), what="strace to start")
    return min(int(p.suffix[1:]) for p in log.parent.glob(log.name + ".*"))


def broker_fds(lines, port):
    """The descriptor of each connect() to the broker's port, in order."""
    return [m.group(1) for line in lines
            if (m := re.match(rf"connect\((\d+), \{{sa_family=AF_INET, sin_port=htons\({port}\)", line))]


def nodelay_at(lines, fd):
    return [i for i, line in enumerate(lines)
            if re.match(rf"setsockopt\({fd}, SOL_TCP, TCP_NODELAY, \[1\], 4\) = 0", line)]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_one_shot_publish_turns_nagle_off_before_its_probe(tsmqtt, broker, tmp_path, transport):
    log = tmp_path / "strace.log"
    cmd = [TSMQTT, "publish", *tsmqtt.connection(transport, "admin"), "-t", "nodelay/x", "-m", "1"]
    result = subprocess.run(traced(log, *cmd), capture_output=True, env=tsmqtt.env("admin"), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b"", result.stderr
    lines = calls(log)
    fds = broker_fds(lines, broker.ports[transport])
    assert len(fds) == 1, lines
    set_at = nodelay_at(lines, fds[0])
    # The probe (an UNSUBSCRIBE of tsmqtt/probe/<client ID>) goes out in the clear over TCP only.
    probe_at = [i for i, line in enumerate(lines) if "tsmqtt/probe/" in line]
    assert set_at, lines
    if transport == "tcp":
        assert probe_at and set_at[0] < probe_at[0], lines


def test_a_reconnect_turns_nagle_off_on_its_new_socket(private_broker, tmp_path):
    tool = Tsmqtt(private_broker, tmp_path)
    log = tmp_path / "strace.log"
    cmd = [TSMQTT, "subscribe", "-v", *tool.connection("tcp", "admin"), "-t", "nodelay/#"]
    sub = Process(traced(log, *cmd), env=tool.env("admin"))
    sub.wait_stderr("subscribed to", timeout=30)
    private_broker.restart()
    sub.wait_stderr("subscribed again", timeout=40)
    os.kill(traced_pid(log), signal.SIGINT)
    assert sub.wait_exit() == 130, sub.err
    lines = calls(log)
    fds = broker_fds(lines, private_broker.ports["tcp"])
    assert len(fds) >= 2, lines  # the first connect and the reconnect
    reconnected = max(i for i, line in enumerate(lines) if line.startswith(f"connect({fds[-1]},"))
    assert [i for i in nodelay_at(lines, fds[-1]) if i > reconnected], lines
