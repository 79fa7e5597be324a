# SPDX-License-Identifier: Apache-2.0
"""The harness itself: nothing a test starts outlives the test (harness.reap, run by the autouse
fixtures in conftest.py), whether the test forgot it, started it in its own session, or it
started children of its own. The second test reads what the first one left. Ports: never one
handed out twice, and a broker whose port another process took starts on new ones."""
import socket
import subprocess

import harness
from harness import Broker, Process, free_port, port_open, wait_for

LEFT = {}


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_a_test_leaves_processes_running():
    LEFT["own session"] = Process(["sleep", "600"]).proc.pid
    LEFT["the runner's group"] = subprocess.Popen(["sleep", "600"]).pid
    parent = subprocess.Popen(["sh", "-c", "sleep 600 & echo $!"], stdout=subprocess.PIPE, start_new_session=True)
    LEFT["a child of its own"] = int(parent.stdout.readline())
    parent.stdout.close()
    assert all(alive(pid) for pid in LEFT.values()), LEFT


def test_they_are_gone_once_it_ended():
    assert len(LEFT) == 3  # the first test ran
    for what, pid in LEFT.items():
        wait_for(lambda: not alive(pid), timeout=10, what=f"the process started in {what} to end")


def test_free_port_never_hands_out_a_port_twice():
    ports = [free_port() for _ in range(2000)]
    assert len(set(ports)) == len(ports)


def test_a_broker_whose_port_was_taken_starts_on_new_ports(monkeypatch):
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen(1)
    taken = squatter.getsockname()[1]
    handed = iter([taken])  # the first port handed to the broker is one another process holds
    monkeypatch.setattr(harness, "free_port", lambda: next(handed, None) or free_port())
    try:
        broker = Broker()
    finally:
        squatter.close()
    try:
        assert taken not in broker.ports.values()
        assert broker.process.poll() is None and all(port_open(p) for p in broker.ports.values())
    finally:
        broker.close()
