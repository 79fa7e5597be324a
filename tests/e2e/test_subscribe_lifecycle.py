# SPDX-License-Identifier: Apache-2.0
"""subscribe's life cycle: --count and --timeout, usage errors before connecting, signals, and
broker restarts or silent brokers while it runs."""
import json
import re
import signal
import subprocess

import pytest

from conftest import Tsmqtt
from harness import TSMQTT, Process, start_relay, wait_for
from subscribe_support import ScriptedBroker, feed_json, form, inject, publish_entry, sub, until_output, warnings


# --- --count and --timeout -------------------------------------------------------------------

def test_timeout_without_updates_is_exit_6_and_silent(tsmqtt):
    result = tsmqtt.run("subscribe", "-c", "5111", "--timeout", "0.5", user="admin")
    assert result.returncode == 6
    assert result.stdout == b"" and result.stderr == b""


def test_timeout_before_count_is_exit_6_after_what_came(tsmqtt, broker):
    proc = sub(tsmqtt, "-c", "5112", "--format", "csv", "--no-header", "--count", "3", "--timeout", "3")
    inject(broker, "channels/5112/subscribe", feed_json(channel_id=5112, entry_id=1, field1="only"))
    assert proc.wait_exit() == 6
    assert proc.out == [",5112,1,only,,,,,,,,,,,"]
    assert warnings(proc) == ["tsmqtt: --timeout elapsed"]  # a -v note


def test_count_ends_the_run_at_once(tsmqtt, broker):
    proc = sub(tsmqtt, "-c", "5113", "--format", "json", "-n", "2", "--timeout", "30")
    for entry_id in (1, 2, 3):
        inject(broker, "channels/5113/subscribe", feed_json(channel_id=5113, entry_id=entry_id))
    # Well before the 30 s timeout: the second update ends it, the third is never written.
    assert proc.wait_exit(timeout=10) == 0
    assert [json.loads(line)["entry_id"] for line in proc.out] == [1, 2]


def test_a_huge_timeout_is_no_timeout_at_all(tsmqtt, broker):
    """--timeout in seconds times 1000 overflowed: 1e10 s (or 1e30) used to expire at once."""
    procs = [sub(tsmqtt, "-c", "5126", "--count", "1", "--timeout", t) for t in ("1e10", "1e30")]
    inject(broker, "channels/5126/subscribe", feed_json(channel_id=5126, entry_id=1, field1="x"))
    for proc in procs:
        assert proc.wait_exit() == 0, proc.stderr
        assert proc.out[0].endswith("5126  #1  field1=x")


USAGE = [
    (["-c", "5101", "--timeout", "-1"], "invalid --timeout"),
    (["-c", "5101", "--format", "xml"], "invalid --format 'xml': expected text, csv, payload or json"),
    (["-c", "5101", "--color", "sometimes"], "--color: expected auto, always or never, not 'sometimes'"),
    (["-c", "5101", "--label", "9=x"], "9=x"),
    (["-c", "5101", "--label", "1"], "N=NAME"),
    (["-c", "5101", "--field", "9"], "invalid field '9'"),
    (["-c", "0"], "invalid channel ID '0'"),
    (["-c", "5101", "--topic", "a"], "--channel excludes --topic"),
    (["--field", "1", "--topic", "a"], "--field excludes --topic"),
    (["-c", "5101", "--qos", "1"], "ThingSpeak delivers QoS 0 only"),
    (["--topic", ""], "invalid --topic ''"),
    (["--topic", "a/#/b"], "invalid --topic 'a/#/b': # is the last level"),
    (["--topic", "a/b+"], "invalid --topic 'a/b+': + and # stand alone in their level"),
    (["--topic", "ok/+", "--topic", "x#"], "invalid --topic 'x#'"),
    (["-c", "5101", "--count", "-1"], "--count: expected a whole number, 0 or more, not '-1'"),
    (["-c", "5101", "--count", "1.5"], "--count"),
    ([], "no channel"),
]


@pytest.mark.parametrize("args,words", USAGE, ids=[w[:30] for _, w in USAGE])
def test_usage_errors_exit_2_before_connecting(tsmqtt, args, words):
    result = subprocess.run([TSMQTT, "subscribe", "--url", "tcp://127.0.0.1:1", *args], capture_output=True,
                            env=tsmqtt.env(), timeout=10)
    assert result.returncode == 2, result.stderr
    err = result.stderr.decode()
    assert words in err
    assert err.startswith("tsmqtt: ") and err.count("\n") == 1
    assert result.stdout == b""


# --- signals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_ends_a_running_subscriber_cleanly(tsmqtt, broker, sig, code):
    proc = tsmqtt.start("subscribe", "-c", "5124", "--format", "csv", "--no-header", user="admin")
    until_output(proc, lambda: inject(broker, "channels/5124/subscribe", feed_json(channel_id=5124, entry_id=1)),
                 lambda l: l == ",5124,1,,,,,,,,,,,,", what="an update")
    proc.signal(sig)
    assert proc.wait_exit(timeout=5) == code
    assert proc.err == []
    assert set(proc.out) == {",5124,1,,,,,,,,,,,,"}


def test_a_signal_while_connecting_ends_cleanly(tsmqtt):
    """A broker that accepts TCP but never answers: the connect wait must see the signal."""
    import socket
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        proc = Process([TSMQTT, "subscribe", "--url", f"tcp://127.0.0.1:{port}", "-c", "5125", "-u", "admin",
                        "--connect-timeout", "30"], env=tsmqtt.env("admin"))
        conn, _ = silent.accept()
        with conn:
            proc.signal(signal.SIGTERM)
            assert proc.wait_exit(timeout=5) == 143
    assert proc.out == []
    assert all("interrupted" in line for line in proc.err), proc.err


# --- broker restarts -------------------------------------------------------------------------

def test_a_subscription_survives_a_broker_restart(private_broker, tmp_path):
    relay = start_relay(private_broker, "--channel", "6001")
    tool = Tsmqtt(private_broker, tmp_path)
    procs = []
    try:
        keeps = tool.subscriber("-c", "6001", "--format", "csv", "--no-header", user="admin")
        procs.append(keeps)
        quits = tool.subscriber("-c", "6001", "--format", "csv", "--no-header", "--no-reconnect", user="admin")
        procs.append(quits)
        publish_entry(private_broker, 6001, form(field1="before"))
        for proc in (keeps, quits):
            proc.wait_stdout(lambda l: ",before," in l, what="the entry before the restart")

        private_broker.restart()
        assert quits.wait_exit() == 3
        assert quits.err[-1].startswith("tsmqtt: connection lost"), quits.err
        assert len(quits.out) == 1 and re.fullmatch(r"[^,]+Z,6001,1,before,,,,,,,,,,,", quits.out[0])

        keeps.wait_stderr("lost")
        keeps.wait_stderr("reconnected", timeout=20)
        # The relay reconnects by itself too; entries published before it has are lost (QoS 0).
        until_output(keeps, lambda: publish_entry(private_broker, 6001, form(field1="after")),
                     lambda l: ",after," in l, timeout=20, what="an entry after the restart")
        assert keeps.proc.poll() is None
        stderr = warnings(keeps)
        lost = [l for l in stderr if "lost" in l]
        back = [l for l in stderr if "reconnected" in l]
        assert len(lost) == 1 and "reconnecting" in lost[0], stderr
        assert len(back) == 1 and "subscribed again" in back[0], stderr
        assert stderr == lost + back

        # With the broker gone for good, a signal still ends the reconnecting subscriber cleanly.
        private_broker.stop()
        wait_for(lambda: sum("lost" in l for l in keeps.err) == 2, 10, f"a second loss; stderr={keeps.err!r}")
        keeps.signal(signal.SIGTERM)
        assert keeps.wait_exit(timeout=5) == 143
    finally:
        relay.kill()
        for proc in procs:
            proc.kill()


def test_a_reconnect_lost_again_before_the_suback_keeps_trying(tsmqtt):
    """The connection drops once the subscription is up, and the first reconnect drops before the
    broker answers the new SUBSCRIBE: tsmqtt must say so and subscribe on the next reconnect,
    not give up (exit 1) in the middle of its own recovery."""
    entry = feed_json(channel_id=5301, entry_id=1, field1="back")
    broker = ScriptedBroker([["connack", "suback", "close"],
                             ["connack", "read-subscribe", "close"],
                             ["connack", "suback", ("publish", "channels/5301/subscribe", entry.encode()), "hold"]])
    try:
        proc = Process([TSMQTT, "subscribe", "--url", f"tcp://127.0.0.1:{broker.port}", "-c", "5301",
                        "--format", "csv", "--no-header", "--count", "1", "--timeout", "30"], env=tsmqtt.env(None))
        assert proc.wait_exit() == 0, proc.stderr
        assert proc.out == [",5301,1,back,,,,,,,,,,,"]
        assert broker.subscriptions == [["channels/5301/subscribe"]] * 3
        assert any("but subscribe failed: the connection was lost before the broker answered" in line
                   for line in proc.err), proc.err
        assert proc.err[-1] == "tsmqtt: reconnected to the broker and subscribed again", proc.err
    finally:
        broker.close()


def test_a_subscribe_never_answered_is_interrupted_by_a_signal(tsmqtt):
    broker = ScriptedBroker([["connack", "read-subscribe", "hold"]])
    try:
        proc = Process([TSMQTT, "subscribe", "--url", f"tcp://127.0.0.1:{broker.port}", "-c", "5302"],
                       env=tsmqtt.env(None))
        wait_for(lambda: broker.subscriptions, 10, "the SUBSCRIBE")
        proc.signal(signal.SIGINT)
        assert proc.wait_exit(timeout=5) == 130
        assert proc.out == []
        assert proc.err == ["tsmqtt: interrupted while subscribing"]
    finally:
        broker.close()
