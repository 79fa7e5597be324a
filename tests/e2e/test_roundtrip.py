# SPDX-License-Identifier: Apache-2.0
"""The walking skeleton: publish -> relay -> subscribe over every transport, with auth and ACLs."""
import json

import pytest

from conftest import TRANSPORTS


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_channel_entry_round_trip(tsmqtt, relay, transport):
    sub = tsmqtt.subscriber("-c", "1001", "--format", "json", "--count", "1", "--timeout", "20", transport=transport)
    pub = tsmqtt.run("publish", "-c", "1001", f"field1={transport}-21.5", "field3=7", "--status", "ok",
                     transport=transport)
    assert pub.returncode == 0, pub.stderr
    assert sub.wait_exit() == 0, sub.stderr
    entry = json.loads(sub.out[-1])
    assert entry["channel_id"] == 1001
    assert entry["field1"] == f"{transport}-21.5"
    assert entry["field3"] == "7"
    assert entry["status"] == "ok"
    assert entry["field2"] is None
    assert isinstance(entry["entry_id"], int)
    assert entry["topic"] == "channels/1001/subscribe"


def test_wrong_password_is_refused_with_exit_5(tsmqtt):
    result = tsmqtt.run("publish", "-c", "1001", "field1=1", env=tsmqtt.env("device1", password="wrong-password"))
    assert result.returncode == 5
    # mosquitto answers a bad password with CONNACK 5 (not authorized) under MQTT 3.1.1.
    assert b"refused the connection: not authorized (check the username and password" in result.stderr
    assert b"wrong-password" not in result.stderr
    assert result.stderr.count(b"\n") == 1


def test_acl_violation_is_refused(tsmqtt, relay):
    # device1 may only use channel 1001: its publish to 2002 never arrives, the next one to 1001 does.
    watcher = tsmqtt.subscriber("--topic", "channels/+/subscribe", "--format", "json", "--count", "1",
                                "--timeout", "20", user="admin")
    denied = tsmqtt.run("publish", "-c", "2002", "field1=denied")
    allowed = tsmqtt.run("publish", "-c", "1001", "field1=allowed")
    assert denied.returncode == 0 and allowed.returncode == 0
    assert watcher.wait_exit() == 0, watcher.stderr
    message = json.loads(watcher.out[-1])
    assert message["topic"] == "channels/1001/subscribe"
    assert json.loads(message["payload"])["field1"] == "allowed"


def test_acl_keeps_another_channel_from_a_subscriber(tsmqtt, relay):
    # mosquitto grants the subscription but delivers nothing the ACL denies: device1 must not
    # see channel 2002, whose own device does see the entry.
    intruder = tsmqtt.subscriber("-c", "2002", "--format", "csv", "--no-header", "--timeout", "4")
    owner = tsmqtt.subscriber("-c", "2002", "--format", "csv", "--no-header", "--count", "1", "--timeout", "20",
                              user="device2")
    assert tsmqtt.run("publish", "-c", "2002", "field1=private", user="device2").returncode == 0
    assert owner.wait_exit() == 0, owner.stderr
    assert owner.out[0].split(",")[3] == "private"
    assert intruder.wait_exit() == 6
    assert intruder.out == []
