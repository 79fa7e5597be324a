# SPDX-License-Identifier: Apache-2.0
"""The harness itself: nothing a test starts outlives the test (harness.reap, run by the autouse
fixtures in conftest.py), whether the test forgot it, started it in its own session, or it
started children of its own. The second test reads what the first one left."""
import subprocess

from harness import Process, wait_for

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
