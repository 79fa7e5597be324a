# SPDX-License-Identifier: Apache-2.0
"""Not one reading lost: a hung broker, signals, a broker that comes late, pacing and the outbox,
each against a real mosquitto (and the ThingSpeak relay where a channel's view matters)."""
import json
import os
import re
import signal
import subprocess

import pytest

from harness import ADMIN, Broker, Process, clean_env, free_port, start_relay, wait_for, TSMQTT

CHANNEL = "5005"


def env_for(broker, **extra):
    return clean_env(TSMQTT_PASSWORD=ADMIN[1], TSMQTT_CONFIG=os.path.join(broker.folder, "none.toml"), **extra)


def publisher(broker, *args, url=None):
    return Process([TSMQTT, "publish", "--url", url or broker.url("tcp"), "-u", ADMIN[0], *args],
                   env=env_for(broker), stdin=subprocess.PIPE)


def feed(proc, lines):
    proc.proc.stdin.write(b"".join(b"%s\n" % str(line).encode() for line in lines))
    proc.proc.stdin.flush()


def summary(proc):
    return [l for l in proc.err if re.search(r"\d+ sent, \d+ skipped, \d+ not sent", l)]


def channel_watcher(broker, count, timeout=60):
    """The channel as ThingSpeak keeps it: the relay's feed, one JSON entry per line."""
    return Process([TSMQTT, "subscribe", "--url", broker.url("tcp"), "-u", ADMIN[0], "-c", CHANNEL,
                    "--format", "json", "--count", str(count), "--timeout", str(timeout), "-v"],
                   env=env_for(broker))


def raw_watcher(broker, topic, count, timeout=60):
    return Process([TSMQTT, "subscribe", "--url", broker.url("tcp"), "-u", ADMIN[0], "--topic", topic, "--qos", "1",
                    "--format", "json", "--count", str(count), "--timeout", str(timeout), "-v"],
                   env=env_for(broker))


@pytest.fixture
def broker():
    b = Broker()
    yield b
    b.close()


@pytest.mark.parametrize("mode", ["thingspeak", "raw-qos1"])
def test_a_hung_broker_loses_nothing_and_the_counts_are_true(broker, mode):
    relay = start_relay(broker, "--channel", CHANNEL) if mode == "thingspeak" else None
    try:
        total = 30
        if mode == "thingspeak":
            watcher = channel_watcher(broker, total)
            args = ["-c", CHANNEL, "--interval", "0"]
        else:
            watcher = raw_watcher(broker, "hung/raw", 10 * total)  # at least once: copies may come
            args = ["--topic", "hung/raw", "--qos", "1"]
        watcher.wait_stderr("subscribed to")
        pub = publisher(broker, *args, "--stdin", "--keepalive", "2", "--flush-timeout", "40")
        feed(pub, range(0, 10))
        wait_for(lambda: len(watcher.out) >= 10, timeout=20, what="the first 10 lines")
        os.kill(broker.process.pid, signal.SIGSTOP)
        try:
            feed(pub, range(10, 20))  # written into the hung connection, or read while it is down
            pub.wait_stderr("connection to the broker lost", timeout=20)
            feed(pub, range(20, 25))
        finally:
            os.kill(broker.process.pid, signal.SIGCONT)
        pub.wait_stderr("reconnected to the broker", timeout=60)
        feed(pub, range(25, total))
        pub.proc.stdin.close()
        assert pub.wait_exit(timeout=60) == 0, pub.err
        if mode == "thingspeak":
            assert watcher.wait_exit(timeout=60) == 0, watcher.err
            values = [json.loads(l)["field1"] for l in watcher.out]
            assert values == [str(i) for i in range(total)]  # each exactly once, in order
        else:
            values = lambda: set(json.loads(l)["payload"] for l in list(watcher.out))
            wait_for(lambda: values() == {str(i) for i in range(total)}, timeout=30, what="every line once at least")
        assert summary(pub) == [f"tsmqtt: {total} sent, 0 skipped, 0 not sent"]
    finally:
        if relay:
            relay.kill()


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_a_paced_stream_counts_every_line_and_keeps_the_unsent(broker, tmp_path, sig, code):
    unsent = tmp_path / "unsent.txt"
    watcher = raw_watcher(broker, f"channels/{CHANNEL}/publish", 1)
    watcher.wait_stderr("subscribed to")
    # The default pacing of a ThingSpeak stream (15 s): the first goes, the others wait.
    pub = publisher(broker, "-c", CHANNEL, "--stdin", "-v", "--flush-timeout", "1", "--unsent", str(unsent))
    feed(pub, ["1", "2", "oops=1", "3"])
    pub.wait_stderr("2 waiting for --interval; the next goes in 15 s", timeout=15)
    assert watcher.wait_exit() == 0
    pub.signal(sig)
    assert pub.wait_exit(timeout=15) == code
    assert summary(pub) == ["tsmqtt: 1 sent, 1 skipped, 2 not sent; the last entry waited 0 s"]
    assert unsent.read_text() == "2\n3\n"


def test_a_second_signal_ends_the_flush_at_once_and_counts_the_unsent(broker, tmp_path):
    """The broker hangs (SIGSTOP) with two lines written into the connection: the first Ctrl-C
    would wait the whole --flush-timeout for them; a second one ends the wait."""
    unsent = tmp_path / "unsent.txt"
    watcher = raw_watcher(broker, "hurry/x", 1)
    watcher.wait_stderr("subscribed to")
    pub = publisher(broker, "--topic", "hurry/x", "--qos", "1", "--stdin", "--flush-timeout", "300",
                    "--unsent", str(unsent))
    feed(pub, ["1"])
    assert watcher.wait_exit() == 0
    os.kill(broker.process.pid, signal.SIGSTOP)
    try:
        feed(pub, ["2", "3"])
        pub.signal(signal.SIGINT)
        pub.wait_stderr("interrupted: sending what was read for up to 300 s (--flush-timeout); "
                        "interrupt again to stop now")
        pub.signal(signal.SIGINT)
        assert pub.wait_exit(timeout=30) == 130, pub.err
    finally:
        os.kill(broker.process.pid, signal.SIGCONT)
    assert summary(pub) == ["tsmqtt: 1 sent, 0 skipped, 2 not sent"]
    assert unsent.read_text() == "2\n3\n"


def test_a_stream_started_before_its_broker_delivers_everything(tmp_path):
    port = free_port()
    broker = None
    pub = Process([TSMQTT, "publish", "--url", f"mqtt://127.0.0.1:{port}", "--topic", "late/x", "--stdin",
                   "--qos", "1"], env=clean_env(TSMQTT_CONFIG=str(tmp_path / "none.toml")), stdin=subprocess.PIPE)
    try:
        feed(pub, range(5))
        pub.wait_stderr("trying again (every 1 s, doubling to 60 s), reading input meanwhile")
        feed(pub, range(5, 10))
        conf = tmp_path / "m.conf"
        log = tmp_path / "m.log"
        conf.write_text(f"user root\nlistener {port} 127.0.0.1\nallow_anonymous true\nlog_dest file {log}\nlog_type all\n")
        wait_for(lambda: pub.proc.poll() is None, what="tsmqtt to keep trying")
        broker = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        pub.wait_stderr("connected to the broker", timeout=30)
        pub.proc.stdin.close()
        assert pub.wait_exit(timeout=30) == 0, pub.err
        assert summary(pub) == ["tsmqtt: 10 sent, 0 skipped, 0 not sent"]
        # No subscriber can be there before the broker: its log is the witness.
        received = re.findall(r"Received PUBLISH from \S+ \(d\d, q1, r0, m(\d+), 'late/x'", log.read_text())
        assert len(received) == 10
    finally:
        if broker:
            broker.kill()
            broker.wait()


def test_no_reconnect_ends_a_stream_at_the_first_loss(broker):
    pub = publisher(broker, "--topic", "once/x", "--stdin", "--no-reconnect", "--flush-timeout", "30")
    feed(pub, ["1"])
    wait_for(lambda: "Sending UNSUBACK to tsmqtt" in broker.read_log(), what="the first line's confirmation")
    broker.stop()
    assert pub.wait_exit(timeout=10) == 3
    assert "reconnecting" not in "\n".join(pub.err)
    assert summary(pub) == ["tsmqtt: 1 sent, 0 skipped, 0 not sent"]
    assert pub.err[-1] == "tsmqtt: connection to the broker lost (--no-reconnect)"


def test_interval_zero_turns_pacing_off(broker):
    relay = start_relay(broker, "--channel", CHANNEL)
    try:
        watcher = channel_watcher(broker, 3)
        watcher.wait_stderr("subscribed to")
        pub = publisher(broker, "-c", CHANNEL, "--stdin", "--interval", "0")
        feed(pub, ["1", "2", "3"])
        pub.proc.stdin.close()
        assert pub.wait_exit() == 0, pub.err
        assert watcher.wait_exit() == 0
        entries = [json.loads(l) for l in watcher.out]
        assert [e["field1"] for e in entries] == ["1", "2", "3"]
        stamps = [e["created_at"] for e in entries]
        assert len(set(stamps)) == 3  # stamped when read, never twice the same
    finally:
        relay.kill()


def test_an_outbox_one_shot_queues_while_the_broker_is_down_and_the_next_run_delivers(broker, tmp_path):
    db = str(tmp_path / "outbox.db")
    url = broker.url("tcp")
    broker.stop()
    run = lambda *args: subprocess.run([TSMQTT, "publish", "--url", url, "-u", ADMIN[0], "--outbox",
                                        "--outbox-file", db, "--topic", "cron/x", "--qos", "1", *args],
                                       capture_output=True, env=env_for(broker), timeout=30)
    first = run("-m", "a")
    assert first.returncode == 0, first.stderr
    assert re.search(r"1 queued in the outbox \(cannot reach 127\.0\.0\.1:\d+: .*\); 1 waiting, oldest \d+ s",
                     first.stderr.decode()), first.stderr
    assert run("-m", "b").returncode == 0
    broker.start()
    sub = Process(["stdbuf", "-oL", "mosquitto_sub", "-p", str(broker.ports["tcp"]), "-u", ADMIN[0], "-P", ADMIN[1], "-t", "cron/x",
                   "-q", "1", "-C", "3", "-W", "30", "-d"])
    sub.wait_stdout(lambda l: l.startswith("Subscribed"), what="the SUBACK")
    third = run("-m", "c")
    assert third.returncode == 0, third.stderr
    assert sub.wait_exit(timeout=30) == 0
    assert [l for l in sub.out if not l.startswith(("Client ", "Subscribed"))] == ["a", "b", "c"]
    status = subprocess.run([TSMQTT, "outbox", "status", "--outbox-file", db], capture_output=True,
                            env=env_for(broker), timeout=10)
    assert "0 waiting" in status.stdout.decode()
