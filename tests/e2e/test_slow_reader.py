# SPDX-License-Identifier: Apache-2.0
"""subscribe with a reader that falls behind: tsmqtt holds messages back (the broker keeps them)
rather than buffering them all in its own memory, and loses none once the reader catches up."""
import os
import subprocess
import threading

from harness import ADMIN, TSMQTT, wait_for

MESSAGES = 20_000
SIZE = 1_000  # bytes per payload: 20 MB in all, held back while nobody reads


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {key} in /proc/{pid}/status")


def test_a_paused_reader_holds_messages_back_and_loses_none(tsmqtt, broker):
    topic = "slow/reader"
    read_end, write_end = os.pipe()
    # ASan keeps freed memory in quarantine, which would count as growth; a plain build ignores this.
    asan = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=1"]))
    env = tsmqtt.env("admin", ASAN_OPTIONS=asan)
    sub = subprocess.Popen([TSMQTT, "subscribe", "-v", *tsmqtt.connection("tcp", "admin"), "-t", topic, "--qos", "1"],
                           stdout=write_end, stderr=subprocess.PIPE, env=env, start_new_session=True)
    os.close(write_end)
    err = []
    threading.Thread(target=lambda: err.extend(l.decode(errors="replace") for l in sub.stderr), daemon=True).start()
    reader = None
    try:
        wait_for(lambda: any("subscribed to" in l for l in err) or sub.poll() is not None, timeout=15,
                 what=f"the subscriber to subscribe; stderr={err!r}")
        assert sub.poll() is None, err
        subscribed_kb = status_kb(sub.pid, "VmRSS")

        # Nobody reads the pipe while all 20 MB are published: tsmqtt's writes block on it.
        payloads = [f"{i:08d}".ljust(SIZE, "x") for i in range(MESSAGES)]
        publish = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.ports["tcp"]),
                                  "-u", ADMIN[0], "-P", ADMIN[1], "-t", topic, "-q", "1", "-l"],
                                 input="\n".join(payloads).encode() + b"\n", capture_output=True, timeout=120)
        assert publish.returncode == 0, publish.stderr

        received = []
        reader = threading.Thread(target=lambda: received.extend(os.fdopen(read_end, "rb")), daemon=True)
        reader.start()
        wait_for(lambda: len(received) >= MESSAGES, timeout=120,
                 what=f"all {MESSAGES} messages; got {len(received)}; stderr={err!r}")
        growth_kb = status_kb(sub.pid, "VmHWM") - subscribed_kb
    finally:
        sub.terminate()
        sub.wait(timeout=20)
        if reader is None:
            os.close(read_end)
    # Text lines: time, topic, payload.
    assert [line.split()[-1].decode() for line in received[:MESSAGES]] == payloads
    assert len(received) == MESSAGES
    # Held in full, the 20 MB would be 20 MB and more (22 MB measured, each message being copied
    # on its way in); held back, the queue stays within its limit of 256 messages: 0.6 MB of
    # growth measured, up to 8 MB under AddressSanitizer, whose allocator pads and keeps more.
    assert growth_kb < 12_000, f"tsmqtt grew by {growth_kb} KB while its reader was paused"
