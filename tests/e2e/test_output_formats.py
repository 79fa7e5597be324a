# SPDX-License-Identifier: Apache-2.0
"""subscribe --format payload and --template STR: byte-exact output, binary payloads included;
a template is checked before connecting."""
import re
import subprocess

import pytest

from harness import TSMQTT, free_port
from subscribe_support import feed_json, inject


def sub(tsmqtt, *args):
    return tsmqtt.subscriber(*args, "--count", "3", "--timeout", "20", user="admin")


BINARY = b"\x00\xff\xfe\x1b[2J\r\tbin"


def test_format_payload_prints_each_payload_alone_byte_for_byte(tsmqtt, broker):
    proc = sub(tsmqtt, "--topic", "fmt/payload/#", "--format", "payload")
    inject(broker, "fmt/payload/a", "21.5 °C")
    inject(broker, "fmt/payload/b", BINARY)
    inject(broker, "fmt/payload/c", b"")
    assert proc.wait_exit() == 0, proc.stderr
    assert bytes(proc.raw_out) == "21.5 °C\n".encode() + BINARY + b"\n" + b"\n"


def test_template_renders_named_fields_byte_for_byte(tsmqtt, broker):
    proc = sub(tsmqtt, "--topic", "fmt/tpl/#", "--qos", "1", "--template", "{topic}|{qos}|{retain}|{payload}|{{x}}")
    inject(broker, "fmt/tpl/text", "hello, world")
    inject(broker, "fmt/tpl/bin", BINARY, qos=1)
    inject(broker, "fmt/tpl/empty", b"")
    assert proc.wait_exit() == 0, proc.stderr
    assert bytes(proc.raw_out) == (b"fmt/tpl/text|0|false|hello, world|{x}\n"
                                   b"fmt/tpl/bin|1|false|" + BINARY + b"|{x}\n"
                                   b"fmt/tpl/empty|0|false||{x}\n")


def test_template_shows_a_retained_message_as_retained(tsmqtt, broker):
    inject(broker, "fmt/kept", "old", retain=True)
    try:
        result = tsmqtt.run("subscribe", "--topic", "fmt/kept", "--template", "{retain} {received_at} {payload}",
                            "--count", "1", "--timeout", "10", user="admin")
        assert result.returncode == 0, result.stderr
        assert re.fullmatch(rb"true \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ old\n", result.stdout), result.stdout
    finally:
        inject(broker, "fmt/kept", b"", retain=True)


def test_template_of_a_channel_feed(tsmqtt, broker):
    proc = tsmqtt.subscriber("-c", "5190", "--template", "{channel_id} #{entry_id} {created_at} {field1}/{field2} {status}",
                             "--count", "1", "--timeout", "20", user="admin")
    inject(broker, "channels/5190/subscribe",
           feed_json(channel_id=5190, entry_id=7, created_at="2021-12-11T05:35:31Z", field1="21.5", status="ok"))
    assert proc.wait_exit() == 0, proc.stderr
    assert bytes(proc.raw_out) == b"5190 #7 2021-12-11T05:35:31Z 21.5/ ok\n"


@pytest.mark.parametrize("template,words", [
    ("{topic} {colour}", "unknown field {colour}; valid: {topic} {payload} {received_at} {qos} {retain}"),
    ("{}", "unknown field {}"),
    ("{topic", "invalid --template '{topic'"),
])
def test_a_bad_template_is_exit_2_before_connecting(tsmqtt, template, words):
    # Nothing listens on this port: a connection attempt would be exit 3.
    result = subprocess.run([TSMQTT, "subscribe", "--url", f"tcp://127.0.0.1:{free_port()}", "-t", "x",
                             "--template", template], capture_output=True, env=tsmqtt.env(), timeout=10)
    assert result.returncode == 2, result.stderr
    err = result.stderr.decode()
    assert err.count("\n") == 1 and words in err, err


def test_template_and_format_together_are_refused(tsmqtt):
    result = subprocess.run([TSMQTT, "subscribe", "--url", f"tcp://127.0.0.1:{free_port()}", "-t", "x",
                             "--template", "{payload}", "--format", "json"], capture_output=True, env=tsmqtt.env(),
                            timeout=10)
    assert result.returncode == 2
    assert b"--template" in result.stderr and b"--format" in result.stderr
