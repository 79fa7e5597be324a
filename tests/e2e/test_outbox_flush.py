# SPDX-License-Identifier: Apache-2.0
"""`tsmqtt outbox flush` and the outbox under stress, against a real mosquitto and the
ThingSpeak relay: kill -9 at random moments, cron runs while the broker is down, concurrent
publishers and a flush on one outbox, signals, and files the outbox cannot use."""
import json
import os
import random
import re
import signal
import subprocess

import pytest

from harness import ADMIN, Broker, Process, clean_env, start_relay, wait_for, TSMQTT

CHANNEL = "5005"
MARKER_CHANNEL = "6006"


@pytest.fixture
def broker():
    b = Broker()
    yield b
    b.close()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "outbox.db")


def env_for(broker, db, **extra):
    return clean_env(TSMQTT_PASSWORD=ADMIN[1], TSMQTT_CONFIG=os.path.join(broker.folder, "none.toml"),
                     TSMQTT_OUTBOX_FILE=db, **extra)


def tsmqtt(broker, db, *args, url=None, timeout=60, input=None, env=None):
    """One run of `tsmqtt COMMAND [SUBCOMMAND] --url ... -u admin ARGS`."""
    words = 2 if args[0] == "outbox" else 1
    return subprocess.run([TSMQTT, *args[:words], "--url", url or broker.url("tcp"), "-u", ADMIN[0],
                           *args[words:]],
                          capture_output=True, env=env or env_for(broker, db), timeout=timeout, input=input)


def flush(broker, db, *args, **kw):
    return tsmqtt(broker, db, "outbox", "flush", *args, **kw)


def start(broker, db, *args):
    return Process([TSMQTT, *args[:1], "--url", broker.url("tcp"), "-u", ADMIN[0], *args[1:]],
                   env=env_for(broker, db), stdin=subprocess.PIPE)


def feed(proc, lines):
    proc.proc.stdin.write(b"".join(b"%s\n" % str(line).encode() for line in lines))
    proc.proc.stdin.flush()


def status(db):
    result = subprocess.run([TSMQTT, "outbox", "status", "--format", "json", "--outbox-file", db],
                            capture_output=True, env=clean_env(), timeout=20)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def lines_of(result):
    return result.stderr.decode().splitlines()


def channel_watcher(broker, *channels, count=100000, timeout=120):
    args = [a for c in channels for a in ("-c", c)]
    watcher = Process([TSMQTT, "subscribe", "--url", broker.url("tcp"), "-u", ADMIN[0], *args, "--format", "json",
                       "--count", str(count), "--timeout", str(timeout), "-v"],
                      env=clean_env(TSMQTT_PASSWORD=ADMIN[1], TSMQTT_CONFIG=os.path.join(broker.folder, "none.toml")))
    watcher.wait_stderr("subscribed to")
    return watcher


def entries(watcher, channel=CHANNEL):
    return [e for e in (json.loads(l) for l in list(watcher.out)) if str(e["channel_id"]) == channel]


def test_flush_delivers_what_waits_in_order_and_leaves_nothing(broker, db):
    url = broker.url("tcp")
    broker.stop()
    for message in "abc":
        queued = tsmqtt(broker, db, "publish", "--outbox", "--topic", "flush/x", "--qos", "1", "-m", message, url=url)
        assert queued.returncode == 0, queued.stderr
    down = flush(broker, db, url=url)
    assert down.returncode == 3, down.stderr
    assert len(lines_of(down)) == 1, down.stderr
    assert re.fullmatch(r"tsmqtt: cannot reach 127\.0\.0\.1:\d+: .*; 3 waiting, oldest \d+ s in the outbox",
                        lines_of(down)[0]), down.stderr
    assert status(db)["waiting"] == 3

    broker.start()
    sub = Process(["stdbuf", "-oL", "mosquitto_sub", "-p", str(broker.ports["tcp"]), "-u", ADMIN[0], "-P", ADMIN[1],
                   "-t", "flush/x", "-q", "1", "-C", "3", "-W", "30", "-d"])
    sub.wait_stdout(lambda l: l.startswith("Subscribed"), what="the SUBACK")
    done = flush(broker, db, url=url)
    assert done.returncode == 0, done.stderr
    assert lines_of(done) == ["tsmqtt: 3 sent, 0 skipped, 0 not sent, 0 queued in the outbox"]
    assert sub.wait_exit(timeout=30) == 0
    assert [l for l in sub.out if not l.startswith(("Client ", "Subscribed"))] == ["a", "b", "c"]
    assert status(db)["waiting"] == 0
    again = flush(broker, db, url=url)
    assert again.returncode == 0 and lines_of(again) == [f"tsmqtt: nothing waits for {url} in {db}"], again.stderr


def test_flush_dry_run_shows_what_would_go_and_keeps_it(broker, db):
    url = broker.url("tcp")
    broker.stop()
    assert tsmqtt(broker, db, "publish", "--outbox", "--topic", "dry/x", "-m", "kept", url=url).returncode == 0
    dry = flush(broker, db, "--dry-run", url=url)
    assert dry.returncode == 0, dry.stderr
    assert "kept" in dry.stdout.decode() and "dry/x" in dry.stdout.decode()
    assert status(db)["waiting"] == 1


def test_a_flush_timeout_leaves_the_paced_rest_waiting_with_exit_6(broker, db, tmp_path):
    relay = start_relay(broker, "--channel", CHANNEL)
    try:
        url = broker.url("tcp")
        broker.stop()
        for value in (1, 2):
            assert tsmqtt(broker, db, "publish", "--outbox", "-c", CHANNEL, f"field1={value}", url=url).returncode == 0
        broker.start()
        relay.kill()
        relay = start_relay(broker, "--channel", CHANNEL)
        watcher = channel_watcher(broker, CHANNEL, count=1)
        # The default interval of a ThingSpeak channel, 15 s: the second entry must wait.
        result = flush(broker, db, "--timeout", "2", url=url)
        assert result.returncode == 6, result.stderr
        assert re.fullmatch(r"tsmqtt: --timeout 2 s elapsed; 1 waiting, oldest \d+ s", lines_of(result)[-1])
        assert watcher.wait_exit(timeout=20) == 0
        assert [e["field1"] for e in entries(watcher)] == ["1"]
        assert status(db)["waiting"] == 1
    finally:
        relay.kill()


def test_kill_9_at_random_moments_then_flush_delivers_every_line_once_in_order(broker, db):
    relay = start_relay(broker, "--channel", CHANNEL, "--channel", MARKER_CHANNEL)
    rng = random.Random(14)
    total, runs = 2000, 20
    lines = [f"{i},{i % 7}" for i in range(total)]
    watcher = channel_watcher(broker, CHANNEL, MARKER_CHANNEL, timeout=300)
    try:
        def in_channel():
            return [e["field1"] for e in entries(watcher)]

        delivered_by_flush = 0
        for run in range(runs + 1):
            start_at = len(in_channel())
            pub = start(broker, db, "publish", "-c", CHANNEL, "--stdin", "--outbox", "--interval", "0")
            upto = total if run == runs else (run + 1) * total // runs
            feed(pub, lines[start_at:upto])
            if run < runs:
                wait_for(lambda: pub.proc.poll() is None, what="the publisher to run")
                # A random moment: starting, reading, committing, sending or idle.
                try:
                    pub.proc.wait(timeout=rng.uniform(0.0, 0.3))
                except subprocess.TimeoutExpired:
                    pass
                os.kill(pub.proc.pid, signal.SIGKILL)
                pub.wait_exit()
            else:
                pub.proc.stdin.close()
                assert pub.wait_exit(timeout=60) == 0, pub.err
            flushed = flush(broker, db, "--interval", "0")
            assert flushed.returncode == 0, flushed.stderr
            if sent := re.search(r"^tsmqtt: (\d+) sent", flushed.stderr.decode(), re.M):
                delivered_by_flush += int(sent.group(1))
            # A marker through the same relay after the flush: what came before it is all there is.
            marker = tsmqtt(broker, db, "publish", "-c", MARKER_CHANNEL, f"field1=m{run}")
            assert marker.returncode == 0, marker.stderr
            wait_for(lambda: f"m{run}" in [e["field1"] for e in entries(watcher, MARKER_CHANNEL)], timeout=30,
                     what=f"marker {run}")
            got = in_channel()
            # What was accepted is a prefix of what was fed, each line once, in order.
            assert got == [str(i) for i in range(len(got))], (run, got[start_at - 2:])
            assert status(db)["waiting"] == 0
        assert in_channel() == [str(i) for i in range(total)]
        assert delivered_by_flush > 0  # some kills left accepted lines for the flush
        stamps = [e["created_at"] for e in entries(watcher)]
        assert len(set(stamps)) == total
    finally:
        relay.kill()


def test_cron_runs_with_a_profile_queue_while_the_broker_is_down_and_the_next_delivers_paced(broker, db, tmp_path):
    config = tmp_path / "profiles.toml"
    password = tmp_path / "password"
    password.write_text(ADMIN[1])
    url = broker.url("tcp")
    env = clean_env(TSMQTT_CONFIG=config, TSMQTT_OUTBOX_FILE=db)
    added = subprocess.run([TSMQTT, "profile", "add", "cron", "--url", url, "-u", ADMIN[0], "--password-file",
                            str(password), "-c", CHANNEL, "--outbox", "--interval", "1.5"],
                           capture_output=True, env=env, timeout=20)
    assert added.returncode == 0, added.stderr
    shown = subprocess.run([TSMQTT, "profile", "show", "cron"], capture_output=True, env=env, timeout=20)
    assert "interval = 1.5" in shown.stdout.decode() and "outbox = true" in shown.stdout.decode(), shown.stdout
    relay = start_relay(broker, "--channel", CHANNEL, "--interval", f"{CHANNEL}=1")
    try:
        broker.stop()
        run = lambda value: subprocess.run([TSMQTT, "publish", "--profile", "cron", f"field1={value}"],
                                           capture_output=True, env=env, timeout=60)
        for value in range(1, 5):
            result = run(value)
            assert result.returncode == 0, result.stderr
            assert re.fullmatch(rf"tsmqtt: 1 queued in the outbox \(cannot reach 127\.0\.0\.1:\d+: .*\); "
                                rf"{value} waiting, oldest \d+ s", lines_of(result)[-1]), result.stderr
        broker.start()
        relay.kill()
        relay = start_relay(broker, "--channel", CHANNEL, "--interval", f"{CHANNEL}=1")
        watcher = channel_watcher(broker, CHANNEL, count=5)
        fifth = run(5)
        assert fifth.returncode == 0, fifth.stderr
        # The relay drops an entry that comes within 1 s of the one before: all five came paced.
        assert watcher.wait_exit(timeout=30) == 0, watcher.err
        got = entries(watcher)
        assert [e["field1"] for e in got] == ["1", "2", "3", "4", "5"]
        assert len({e["created_at"] for e in got}) == 5  # each stamped when it was read
        after = subprocess.run([TSMQTT, "outbox", "status"], capture_output=True, env=env, timeout=20)
        assert "0 waiting" in after.stdout.decode().splitlines()
    finally:
        relay.kill()


def test_two_publishers_and_a_flush_at_once_deliver_each_message_once(broker, db):
    per_publisher = 300
    url = broker.url("tcp")
    broker.stop()
    # Something waits before they start, so that the flush has work from its first moment.
    assert tsmqtt(broker, db, "publish", "--outbox", "--topic", "many/x", "--qos", "1",
                  *[a for i in range(50) for a in ("-m", f"early-{i}")], url=url).returncode == 0
    broker.start()
    sub = Process(["stdbuf", "-oL", "mosquitto_sub", "-p", str(broker.ports["tcp"]), "-u", ADMIN[0], "-P", ADMIN[1],
                   "-t", "many/x", "-q", "1", "-d"])
    sub.wait_stdout(lambda l: l.startswith("Subscribed"), what="the SUBACK")
    publishers = [start(broker, db, "publish", "--outbox", "--topic", "many/x", "--qos", "1", "--stdin")
                  for _ in range(2)]
    flusher = Process([TSMQTT, "outbox", "flush", "--url", url, "-u", ADMIN[0]], env=env_for(broker, db))
    for name, pub in zip("AB", publishers):
        feed(pub, [f"{name}-{i}" for i in range(per_publisher)])
    for pub in publishers:
        pub.proc.stdin.close()
    for pub in publishers:
        assert pub.wait_exit(timeout=60) == 0, pub.err
    assert flusher.wait_exit(timeout=60) == 0, flusher.err
    # Whatever a process left queued for the one that held the lease, a last flush delivers.
    last = flush(broker, db)
    assert last.returncode == 0, last.stderr
    expected = [f"early-{i}" for i in range(50)] + [f"{n}-{i}" for n in "AB" for i in range(per_publisher)]
    payloads = lambda: [l for l in list(sub.out) if not l.startswith(("Client ", "Subscribed"))]
    wait_for(lambda: len(payloads()) >= len(expected), timeout=30, what="every message at the subscriber")
    got = payloads()
    assert sorted(got) == sorted(expected)  # nothing twice, nothing lost
    for name in "AB":
        mine = [p for p in got if p.startswith(f"{name}-")]
        assert mine == [f"{name}-{i}" for i in range(per_publisher)]  # each publisher's in order
    assert status(db)["waiting"] == 0


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_a_paced_stream_leaves_the_rest_in_the_outbox_for_flush(broker, db, sig, code):
    relay = start_relay(broker, "--channel", CHANNEL)
    try:
        watcher = channel_watcher(broker, CHANNEL, count=4)
        pub = start(broker, db, "publish", "-c", CHANNEL, "--stdin", "--outbox", "-v", "--flush-timeout", "1")
        feed(pub, ["1", "2", "3", "4"])
        pub.wait_stderr("3 waiting for --interval; the next goes in 15 s", timeout=15)
        pub.signal(sig)
        assert pub.wait_exit(timeout=15) == code
        assert "tsmqtt: 1 sent, 0 skipped, 0 not sent, 3 queued in the outbox; the last entry waited 0 s" in pub.err
        assert status(db)["waiting"] == 3
        flushed = flush(broker, db, "--interval", "0")
        assert flushed.returncode == 0, flushed.stderr
        assert watcher.wait_exit(timeout=20) == 0, watcher.err
        assert [e["field1"] for e in entries(watcher)] == ["1", "2", "3", "4"]
        assert status(db)["waiting"] == 0
    finally:
        relay.kill()


def test_a_full_outbox_refuses_with_one_line_and_exit_1_keeping_what_waits(broker, db):
    url = broker.url("tcp")
    broker.stop()
    for message in "ab":
        result = tsmqtt(broker, db, "publish", "--outbox", "--outbox-max", "2", "--topic", "full/x", "-m", message,
                        url=url)
        assert result.returncode == 0, result.stderr
    before = subprocess.run([TSMQTT, "outbox", "list", "--format", "json", "--outbox-file", db],
                            capture_output=True, env=clean_env(), timeout=20).stdout
    content = open(db, "rb").read()
    refused = tsmqtt(broker, db, "publish", "--outbox", "--outbox-max", "2", "--topic", "full/x", "-m", "c", url=url)
    assert refused.returncode == 1, refused.stderr
    assert lines_of(refused) == [f"tsmqtt: outbox {db} is full: 2 messages wait (--outbox-max 2); not accepted"]
    assert open(db, "rb").read() == content
    after = subprocess.run([TSMQTT, "outbox", "list", "--format", "json", "--outbox-file", db],
                           capture_output=True, env=clean_env(), timeout=20).stdout
    assert after == before and len(after.splitlines()) == 2


def unusable(tmp_path, kind):
    path = tmp_path / f"{kind}.db"
    if kind == "corrupt":
        path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    elif kind == "read-only":
        assert subprocess.run([TSMQTT, "outbox", "status", "--outbox-file", str(path)], capture_output=True,
                              env=clean_env(), timeout=20).returncode == 0
        os.chmod(path, 0o400)
    else:
        path.mkdir()
    return path


@pytest.mark.parametrize("kind,what", [("corrupt", "corrupt"), ("read-only", "read-only"), ("folder", "folder")])
def test_publish_and_flush_refuse_an_outbox_they_cannot_use_leaving_it_unchanged(broker, tmp_path, kind, what):
    path = unusable(tmp_path, kind)
    content = None if kind == "folder" else path.read_bytes()
    for args in (["publish", "--outbox", "--topic", "bad/x", "-m", "1"], ["outbox", "flush"]):
        result = tsmqtt(broker, str(path), *args)
        assert result.returncode == 7, (args, result.stderr)
        assert len(lines_of(result)) == 1, result.stderr
        assert str(path) in lines_of(result)[0] and what in lines_of(result)[0], result.stderr
    if content is not None:
        assert path.read_bytes() == content
    else:
        assert path.is_dir() and not any(path.iterdir())


def test_a_profile_interval_paces_a_stream_and_its_outbox_setting_holds_for_a_flush(broker, db, tmp_path):
    config = tmp_path / "profiles.toml"
    password = tmp_path / "password"
    password.write_text(ADMIN[1])
    env = clean_env(TSMQTT_CONFIG=config, TSMQTT_OUTBOX_FILE=db)
    added = subprocess.run([TSMQTT, "profile", "add", "paced", "--url", broker.url("tcp"), "-u", ADMIN[0],
                            "--password-file", str(password), "-c", CHANNEL, "--interval", "1"],
                           capture_output=True, env=env, timeout=20)
    assert added.returncode == 0, added.stderr
    relay = start_relay(broker, "--channel", CHANNEL, "--interval", f"{CHANNEL}=0.8")
    try:
        watcher = channel_watcher(broker, CHANNEL, count=3)
        pub = Process([TSMQTT, "publish", "--profile", "paced", "--stdin", "-v"], env=env, stdin=subprocess.PIPE)
        feed(pub, [1, 2, 3])
        pub.proc.stdin.close()
        assert pub.wait_exit(timeout=30) == 0, pub.err
        assert any("interval 1 s (profile 'paced'" in l for l in pub.err), pub.err
        assert any("the next goes in 1 s" in l for l in pub.err), pub.err
        # The relay drops an entry within 0.8 s of the one before: all three came paced.
        assert watcher.wait_exit(timeout=20) == 0, watcher.err
        assert [e["field1"] for e in entries(watcher)] == ["1", "2", "3"]
        assert status(db)["waiting"] == 0  # no outbox in this profile: nothing was written there
    finally:
        relay.kill()
