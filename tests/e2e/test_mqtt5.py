# SPDX-License-Identifier: Apache-2.0
"""--mqtt-version 5 and the raw-mode options of publish and subscribe (docs/cli-contract.md, "MQTT 5
and raw-mode parity with mosquitto_pub/sub"), against mosquitto: refusals with their reason codes,
a QoS 1 stream as fast under 5 as under 3.1.1, Will messages, persistent sessions, and what -c
refuses."""
import json
import re
import subprocess

import pytest

from harness import free_port
from subscribe_support import inject

V5 = ("--mqtt-version", "5")


def test_a_v5_round_trip_at_qos_1(tsmqtt):
    sub = tsmqtt.subscriber("--topic", "v5/rt", "--qos", "1", *V5, "-n", "1", "-F", "json", user="admin")
    result = tsmqtt.run("publish", "-t", "v5/rt", "-m", "hello 5", "--qos", "1", *V5, user="admin")
    assert result.returncode == 0, result.stderr
    assert sub.wait_exit() == 0, sub.stderr
    assert json.loads(sub.out[0])["payload"] == "hello 5"


@pytest.mark.parametrize("command", [["publish", "-t", "v5/no", "-m", "x"], ["subscribe", "-t", "v5/no"]])
def test_a_v5_connack_refusal_names_its_reason_code(tsmqtt, command):
    result = tsmqtt.run(*command, *V5, env=tsmqtt.env(password="wrong-password"))
    assert result.returncode == 5, result.stderr
    err = result.stderr.decode()
    assert err.count("\n") == 1, err
    assert re.search(r"refused the connection: 13[45] \(0x8[67]\) (bad user name or password|not authorized)",
                     err), err


RAW_OPTIONS = [("--will-topic", "w"), ("--no-clean",), ("--session-expiry", "60"), ("--user-property", "a=b"),
               ("--content-type", "text/plain"), ("--message-expiry", "5"), ("--response-topic", "r"),
               ("--correlation-data", "c"), ("--will-retain",)]
SUB_RAW_OPTIONS = [("--no-local",), ("--retain-as-published",), ("--retain-handling", "2"), ("--retained-only",),
                   ("--no-retained",), ("--remove-retained",), ("--no-clean",), ("--will-topic", "w")]


@pytest.mark.parametrize("option", RAW_OPTIONS, ids=lambda o: o[0])
def test_publish_refuses_each_raw_option_with_a_channel(tsmqtt, option):
    result = tsmqtt.run("publish", "-c", "1001", "field1=1", "-i", "fixed-id", *option)
    assert result.returncode == 2, result.stderr
    err = result.stderr.decode()
    assert err.startswith(f"tsmqtt: {option[0]}: ThingSpeak") and "use --topic" in err, err


@pytest.mark.parametrize("option", SUB_RAW_OPTIONS + [("--mqtt-version", "5")], ids=lambda o: o[0])
def test_subscribe_refuses_each_raw_option_with_a_channel(tsmqtt, option):
    result = tsmqtt.run("subscribe", "-c", "1001", "-i", "fixed-id", *option)
    assert result.returncode == 2, result.stderr
    err = result.stderr.decode()
    assert f"{option[0]}" in err and "ThingSpeak" in err and "use --topic" in err, err


@pytest.mark.parametrize("option", [("--user-property", "a=b"), ("--session-expiry", "5"), ("--no-local",)],
                         ids=lambda o: o[0])
def test_an_mqtt5_option_under_3_1_1_says_to_add_the_version(tsmqtt, option):
    command = "subscribe" if option[0] == "--no-local" else "publish"
    rest = ["-t", "a"] if command == "subscribe" else ["-t", "a", "-m", "x"]
    result = tsmqtt.run(command, *rest, "-i", "fixed-id", *option)
    assert result.returncode == 2, result.stderr
    assert f"{option[0]} is MQTT 5: add --mqtt-version 5" in result.stderr.decode()


def test_a_persistent_session_needs_a_fixed_client_id(tsmqtt):
    result = tsmqtt.run("subscribe", "-t", "a", "--no-clean")
    assert result.returncode == 2
    assert "give a fixed -i ID" in result.stderr.decode()


@pytest.mark.parametrize("version", ["3.1.1", "5"])
def test_a_qos_1_stream_of_2000_lines_all_arrives(tsmqtt, version):
    """MQTT 5 once stalled about a second per broker receive window (docs/platform.md)."""
    sub = tsmqtt.subscriber("--topic", f"v5/stream/{version}", "--qos", "1", "-n", "2000", "-F", "payload",
                            user="admin")
    lines = "".join(f"{i}\n" for i in range(1, 2001)).encode()
    result = tsmqtt.run("publish", "-t", f"v5/stream/{version}", "--stdin", "--qos", "1", "--mqtt-version",
                        version, input=lines, user="admin", timeout=60)
    assert result.returncode == 0, result.stderr
    assert b"2000 sent, 0 skipped, 0 not sent" in result.stderr
    assert sub.wait_exit(timeout=30) == 0, sub.stderr
    assert sub.out == [str(i) for i in range(1, 2001)]


@pytest.mark.parametrize("version", ["3.1.1", "5"])
def test_a_will_reaches_a_subscriber_when_the_publisher_is_killed(tsmqtt, version):
    sub = tsmqtt.subscriber("--topic", f"will/{version}", "--qos", "1", "-n", "1", "-F", "json", user="admin")
    publisher = tsmqtt.start("publish", "-v", "-t", "will/alive", "--stdin", "--mqtt-version", version,
                             "--will-topic", f"will/{version}", "--will-payload", "publisher gone",
                             "--will-qos", "1", user="admin", stdin=subprocess.PIPE)
    publisher.wait_stderr("connected")
    assert sub.out == []  # a clean life says nothing
    publisher.kill()  # SIGKILL: no DISCONNECT, so the broker publishes the Will
    assert sub.wait_exit() == 0, sub.stderr
    update = json.loads(sub.out[0])
    assert update["payload"] == "publisher gone" and update["qos"] == 1, update


def test_a_retained_will_stays_for_later_subscribers(tsmqtt, broker):
    publisher = tsmqtt.start("publish", "-v", "-t", "will/alive", "--stdin", "--will-topic", "will/kept",
                             "--will-payload", "kept", "--will-retain", user="admin", stdin=subprocess.PIPE)
    publisher.wait_stderr("connected")
    publisher.kill()
    try:
        result = tsmqtt.run("subscribe", "-t", "will/kept", "-n", "1", "-W", "10", "--template",
                            "{retain} {payload}", user="admin")
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"true kept\n"
    finally:
        inject(broker, "will/kept", b"", retain=True)


@pytest.mark.parametrize("persistence", [("--no-clean",), ("--no-clean", *V5), ("--session-expiry", "60", *V5)],
                         ids=["3.1.1 --no-clean", "5 --no-clean", "5 --session-expiry"])
def test_a_persistent_session_receives_what_was_published_while_away(tsmqtt, broker, persistence):
    client = f"persist-{free_port()}"
    topic = f"persist/{client}"
    first = tsmqtt.run("subscribe", "-t", topic, "--qos", "1", "-i", client, *persistence, "-W", "0.5",
                       user="admin")
    assert first.returncode == 6, first.stderr  # subscribed, then away
    for i in range(3):
        inject(broker, topic, f"while away {i}", qos=1)
    back = tsmqtt.run("subscribe", "-t", topic, "--qos", "1", "-i", client, *persistence, "-n", "3", "-W", "10",
                      "-F", "payload", user="admin")
    assert back.returncode == 0, back.stderr
    assert back.stdout == b"while away 0\nwhile away 1\nwhile away 2\n"


def test_a_clean_session_receives_nothing_published_while_away(tsmqtt, broker):
    client = f"clean-{free_port()}"
    assert tsmqtt.run("subscribe", "-t", "clean/x", "--qos", "1", "-i", client, "-W", "0.5",
                      user="admin").returncode == 6
    inject(broker, "clean/x", "missed", qos=1)
    back = tsmqtt.run("subscribe", "-t", "clean/x", "--qos", "1", "-i", client, "-W", "1", user="admin")
    assert back.returncode == 6 and back.stdout == b"", back.stdout


def test_unsubscribe_ends_what_a_persistent_session_keeps(tsmqtt, broker):
    client = f"unsub-{free_port()}"
    session = ("-i", client, "--no-clean")
    assert tsmqtt.run("subscribe", "-t", "unsub/x", "--qos", "1", *session, "-W", "0.5",
                      user="admin").returncode == 6
    result = tsmqtt.run("subscribe", "--unsubscribe", "unsub/x", *session, "-v", user="admin")
    assert result.returncode == 0, result.stderr
    assert b"unsubscribed from unsub/x" in result.stderr
    inject(broker, "unsub/x", "not kept", qos=1)
    back = tsmqtt.run("subscribe", "-t", "unsub/x", "--qos", "1", *session, "-W", "1", user="admin")
    assert back.returncode == 6 and back.stdout == b"", back.stdout
