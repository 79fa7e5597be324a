# SPDX-License-Identifier: Apache-2.0
"""A publish flood keeps every thread of tsmqtt on one CPU once its window of undelivered
messages has filled (ARCHITECTURE.md, "Paho's first-connect waits", last paragraph), unless
TSMQTT_FLOOD_ONE_CPU=0. Read from the threads' affinity while the publisher still runs."""
import os
import subprocess

import pytest

FLOOD = 5000  # well over the window of 1 024 messages in flight (src/paho/paho_session.hpp)


def thread_cpus(pid):
    return [os.sched_getaffinity(int(tid)) for tid in os.listdir(f"/proc/{pid}/task")]


@pytest.mark.parametrize("pinned", [True, False])
def test_a_publish_flood_runs_on_one_cpu_unless_told_otherwise(tsmqtt, pinned):
    everywhere = os.sched_getaffinity(0)
    extra = {} if pinned else {"TSMQTT_FLOOD_ONE_CPU": "0"}
    topic = f"flood/{'pinned' if pinned else 'free'}"
    watcher = tsmqtt.subscriber("--topic", topic, "--qos", "1", "--count", str(FLOOD), user="admin")
    pub = tsmqtt.start("publish", "--topic", topic, "--qos", "1", "--stdin", user="admin",
                       env=tsmqtt.env("admin", **extra), stdin=subprocess.PIPE)
    pub.proc.stdin.write(b"".join(b"%d\n" % i for i in range(FLOOD)))
    pub.proc.stdin.flush()
    assert watcher.wait_exit(timeout=120) == 0, watcher.stderr  # the whole flood went through
    cpus = thread_cpus(pub.proc.pid)
    if pinned:
        assert len(cpus[0]) == 1 and all(c == cpus[0] for c in cpus), cpus
    else:
        assert all(c == everywhere for c in cpus), cpus
    pub.proc.stdin.close()
    assert pub.wait_exit(timeout=60) == 0, pub.stderr
    assert f"{FLOOD} sent" in pub.stderr
