# SPDX-License-Identifier: Apache-2.0
"""MQTT 5 message properties both ways (as mosquitto_sub sees them, and in subscribe's JSON), retain
in text output, a message expiry kept by the broker, subscription options, the retained-message
tools and shared subscriptions, against mosquitto."""
import json
import time

import pytest

from fake_broker import FakeBroker
from harness import ADMIN, Process, free_port, wait_for
from subscribe_support import inject

V5 = ("--mqtt-version", "5")
PROPERTIES = ("--user-property", "room=kitchen", "--user-property", "unit=°C a=b", "--content-type",
              "application/json; charset=utf-8", "--correlation-data", "req 42", "--response-topic", "reply/here")


def mosquitto_sub(broker, *args):
    """mosquitto_sub as an MQTT 5 client of the admin user, subscribed when this returns (-d
    prints the SUBACK; stdbuf makes its stdout line-buffered on a pipe)."""
    proc = Process(["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.ports["tcp"]), "-u", ADMIN[0],
                    "-P", ADMIN[1], "-V", "mqttv5", "-d", *args])
    proc.wait_stdout(lambda l: "SUBACK" in l, what="mosquitto_sub's SUBACK")
    return proc


def test_publish_properties_reach_mosquitto_sub_exactly_as_given(tsmqtt, broker):
    sub = mosquitto_sub(broker, "-t", "props/x", "-C", "1", "-F", "::%P|%C|%D|%R|%E")
    result = tsmqtt.run("publish", "-t", "props/x", "-m", "21.5", *V5, *PROPERTIES, "--message-expiry", "300",
                        user="admin")
    assert result.returncode == 0, result.stderr
    assert sub.wait_exit() == 0
    line = next(l for l in sub.out if l.startswith("::"))
    props, content_type, correlation, response, expiry = line[2:].split("|")
    assert props == "room:kitchen unit:°C a=b"
    assert (content_type, correlation, response) == ("application/json; charset=utf-8", "req 42", "reply/here")
    assert 0 < int(expiry) <= 300


def test_subscribe_json_shows_the_properties_of_a_message(tsmqtt):
    sub = tsmqtt.subscriber("-t", "props/json", *V5, "-n", "2", "-F", "json", user="admin")
    with_props = tsmqtt.run("publish", "-t", "props/json", "-m", "a", *V5, *PROPERTIES, "--message-expiry", "300",
                            user="admin")
    plain = tsmqtt.run("publish", "-t", "props/json", "-m", "b", *V5, user="admin")
    assert with_props.returncode == 0 and plain.returncode == 0
    assert sub.wait_exit() == 0, sub.stderr
    first, second = (json.loads(l) for l in sub.out)
    assert first["user_properties"] == [["room", "kitchen"], ["unit", "°C a=b"]]
    assert first["content_type"] == "application/json; charset=utf-8"
    assert first["response_topic"] == "reply/here"
    assert first["correlation_data"] == "cmVxIDQy"  # base64 of "req 42"
    assert 0 < first["message_expiry"] <= 300
    assert set(second) == {"received_at", "topic", "qos", "retain", "payload"}


def test_text_output_shows_retain(tsmqtt, broker):
    inject(broker, "text/kept", "old", retain=True)
    try:
        sub = tsmqtt.subscriber("-t", "text/kept", "-n", "2", user="admin")
        inject(broker, "text/kept", "new")
        assert sub.wait_exit() == 0, sub.stderr
        assert sub.out[0].split("  ")[1:] == ["text/kept", "retain", "old"], sub.out
        assert sub.out[1].split("  ")[1:] == ["text/kept", "new"], sub.out
    finally:
        inject(broker, "text/kept", b"", retain=True)


def test_a_message_expiry_is_honoured_for_a_persistent_session(tsmqtt):
    client = f"expiry-{free_port()}"
    session = ("-i", client, "--session-expiry", "60", *V5)
    away = tsmqtt.run("subscribe", "-t", "expiry/x", "--qos", "1", *session, "-W", "0.5", user="admin")
    assert away.returncode == 6, away.stderr
    short = tsmqtt.run("publish", "-t", "expiry/x", "-m", "short-lived", "--qos", "1", "--message-expiry", "1",
                       *V5, user="admin")
    lasting = tsmqtt.run("publish", "-t", "expiry/x", "-m", "lasting", "--qos", "1", "--message-expiry", "300",
                         *V5, user="admin")
    assert short.returncode == 0 and lasting.returncode == 0
    expired_at = time.monotonic() + 2.0
    wait_for(lambda: time.monotonic() >= expired_at, timeout=5, what="the 1 s message expiry to pass")
    back = tsmqtt.run("subscribe", "-t", "expiry/x", "--qos", "1", *session, "-n", "1", "-W", "10", "-F", "json",
                      user="admin")
    assert back.returncode == 0, back.stderr
    lines = back.stdout.decode().splitlines()
    assert [json.loads(l)["payload"] for l in lines] == ["lasting"]
    assert json.loads(lines[0])["message_expiry"] <= 300


def test_retain_handling_2_sends_no_retained_messages(tsmqtt, broker):
    inject(broker, "rh/x", "stale", retain=True)
    try:
        sub = tsmqtt.subscriber("-t", "rh/x", *V5, "--retain-handling", "2", "-n", "1", "-F", "payload",
                                user="admin")
        inject(broker, "rh/x", "live")
        assert sub.wait_exit() == 0, sub.stderr
        assert sub.out == ["live"]
    finally:
        inject(broker, "rh/x", b"", retain=True)


@pytest.mark.parametrize("as_published", [False, True])
def test_retain_as_published_keeps_the_flag_of_a_live_message(tsmqtt, broker, as_published):
    topic = f"rap/{as_published}"
    flag = ("--retain-as-published",) if as_published else ()
    sub = tsmqtt.subscriber("-t", topic, *V5, *flag, "-n", "1", "--template", "{retain}", user="admin")
    try:
        inject(broker, topic, "kept", retain=True)
        assert sub.wait_exit() == 0, sub.stderr
        assert sub.out == ["true" if as_published else "false"]
    finally:
        inject(broker, topic, b"", retain=True)


def test_no_local_keeps_a_clients_own_clearing_away(tsmqtt, broker):
    # --remove-retained publishes the clearing message itself: with --no-local it never comes back,
    # so --retained-only waits for a live message from someone else.
    inject(broker, "nl/a", "kept", retain=True)
    proc = tsmqtt.start("subscribe", "-t", "nl/#", *V5, "--no-local", "--remove-retained", "--retained-only",
                        "-F", "payload", "-W", "20", user="admin")
    proc.wait_stdout(lambda l: l == "kept", what="the retained message")
    inject(broker, "nl/b", "live")
    assert proc.wait_exit() == 0, proc.stderr
    assert proc.out == ["kept"]


def retained_tree(broker, prefix, count=3):
    for i in range(count):
        inject(broker, f"{prefix}/{i}", f"r{i}", retain=True)


def test_retained_only_prints_the_retained_and_exits_at_the_first_live_one(tsmqtt, broker):
    retained_tree(broker, "ro")
    try:
        proc = tsmqtt.start("subscribe", "-t", "ro/#", "--retained-only", "-F", "payload", "-W", "20", user="admin")
        proc.wait_stdout(lambda l: l == "r2", what="the retained messages")
        inject(broker, "ro/live", "live")
        assert proc.wait_exit() == 0, proc.stderr
        assert sorted(proc.out) == ["r0", "r1", "r2"]
    finally:
        for i in range(3):
            inject(broker, f"ro/{i}", b"", retain=True)


def test_no_retained_skips_the_stale_ones(tsmqtt, broker):
    retained_tree(broker, "nr")
    try:
        sub = tsmqtt.subscriber("-t", "nr/#", "--no-retained", "-n", "1", "-F", "payload", user="admin")
        inject(broker, "nr/live", "live")
        assert sub.wait_exit() == 0, sub.stderr
        assert sub.out == ["live"]
    finally:
        for i in range(3):
            inject(broker, f"nr/{i}", b"", retain=True)


@pytest.mark.parametrize("version", ["3.1.1", "5"])
def test_remove_retained_clears_a_tree_and_exits(tsmqtt, broker, version):
    prefix = f"clear/{version}"
    retained_tree(broker, prefix, 5)
    result = tsmqtt.run("subscribe", "-t", f"{prefix}/#", "--remove-retained", "--retained-only", "-F", "payload",
                        "--mqtt-version", version, "-W", "20", user="admin")
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.decode().split()) == [f"r{i}" for i in range(5)]
    after = tsmqtt.run("subscribe", "-t", f"{prefix}/#", "-W", "1", user="admin")
    assert after.returncode == 6 and after.stdout == b"", after.stdout


def test_a_clearing_the_broker_never_confirms_is_exit_1(tsmqtt):
    """The broker sends two retained messages and a live one, takes the clearings and never
    answers the UNSUBSCRIBE that would confirm them: the run does not claim the tree cleared."""
    fake = FakeBroker(after_suback=[("hung/a", b"r0", True), ("hung/b", b"r1", True), ("hung/c", b"live")],
                      answer_unsubscribe=False)
    try:
        result = tsmqtt.run("subscribe", "--url", fake.url(), "-t", "hung/#", "--remove-retained",
                            "--retained-only", "-F", "payload", "-W", "3", connect=False)
        assert result.returncode == 1, result.stderr
        assert result.stdout.decode().split() == ["r0", "r1"]
        assert result.stderr.decode().strip().splitlines()[-1].endswith(
            "2 retained messages may not have been cleared: the broker did not confirm the clearing")
        wait_for(lambda: len(fake.published) == 2, timeout=5, what="both clearings at the broker")
        assert [(p.topic, p.payload, p.retain) for p in fake.published] == [("hung/a", b"", True), ("hung/b", b"", True)]
    finally:
        fake.close()


def test_two_shared_subscribers_split_1000_messages(tsmqtt):
    subs = [tsmqtt.subscriber("-t", "$share/g/shared/x", "--qos", "1", "-F", "json", *V5, user="admin")
            for _ in range(2)]
    lines = "".join(f"{i}\n" for i in range(1000)).encode()
    result = tsmqtt.run("publish", "-t", "shared/x", "--stdin", "--qos", "1", input=lines, user="admin", timeout=60)
    assert result.returncode == 0, result.stderr
    wait_for(lambda: sum(len(s.out) for s in subs) >= 1000, timeout=30, what="1000 messages between the two")
    received = [json.loads(l) for s in subs for l in s.out]
    assert sorted(int(u["payload"]) for u in received) == list(range(1000))  # none lost, none twice
    assert all(u["topic"] == "shared/x" for u in received)  # the real topic, not the $share filter
    assert all(len(s.out) > 0 for s in subs), [len(s.out) for s in subs]
    for s in subs:
        s.signal(2)
        assert s.wait_exit() == 130
