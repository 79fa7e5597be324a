# SPDX-License-Identifier: Apache-2.0
"""A corpus of hostile input: arguments, stdin lines, credential files, profile files and
broker messages. Each one gets one clear line naming the problem and the documented exit
status: never a crash, a hang, a stack trace, or a silent loss."""
import json
import os
import subprocess

import pytest

from harness import TSMQTT

BIG = "x" * 100_000

# (id, arguments after `tsmqtt`, exit status, words of the message)
ARGUMENTS = [
    ("no subcommand", [], 2, "no command given"),
    ("unknown subcommand", ["frobnicate"], 2, "frobnicate"),
    ("unknown option", ["publish", "--bogus"], 2, "--bogus"),
    ("option without value", ["publish", "-c"], 2, "-c"),
    ("port zero", ["publish", "-p", "0", "-c", "1", "field1=1"], 2, "invalid --port '0'"),
    ("port too big", ["publish", "-p", "70000", "-c", "1", "field1=1"], 2, "invalid --port '70000'"),
    ("port not a number", ["publish", "-p", "http", "-c", "1", "field1=1"], 2, "invalid --port 'http'"),
    ("transport udp", ["publish", "-T", "udp", "-c", "1", "field1=1"], 2, "invalid --transport 'udp'"),
    ("url scheme", ["publish", "--url", "http://h", "-c", "1", "field1=1"], 2, "unknown scheme 'http'"),
    ("url password", ["publish", "--url", "tcp://u:p@h", "-c", "1", "field1=1"], 2, "a password in the URL"),
    ("url no host", ["publish", "--url", "tcp://:1883", "-c", "1", "field1=1"], 2, "missing or invalid host"),
    ("url bad ipv6", ["publish", "--url", "tcp://[::1", "-c", "1", "field1=1"], 2, "unclosed '['"),
    ("keepalive negative", ["publish", "--keepalive", "-1", "-c", "1", "field1=1"], 2, "--keepalive"),
    ("connect timeout zero", ["publish", "--connect-timeout", "0", "-c", "1", "field1=1"], 2, "--connect-timeout"),
    ("mqtt version 4", ["publish", "--mqtt-version", "4", "--topic", "t", "-m", "x"], 2, "--mqtt-version"),
    ("ws path without slash", ["publish", "--ws-path", "mqtt", "-c", "1", "field1=1"], 2, "--ws-path"),
    ("channel negative", ["publish", "-c", "-5", "field1=1"], 2, "-5"),
    ("channel huge", ["publish", "-c", "99999999999999999999999", "field1=1"], 2, "invalid --channel"),
    ("field 0", ["publish", "-c", "1", "field0=1"], 2, "unknown parameter 'field0'"),
    ("field value invalid utf-8", ["publish", "-c", "1", "field1=\udcff"], 2, "not valid UTF-8"),
    ("field value 100 kB", ["publish", "-c", "1", "field1=" + BIG], 2, "100000 bytes long"),
    ("status 256 bytes", ["publish", "-c", "1", "--status", "s" * 256], 2, "256 bytes long"),
    ("lat overflow", ["publish", "-c", "1", "--lat", "1e400"], 2, "invalid lat"),
    ("long nan", ["publish", "-c", "1", "--long", "nan"], 2, "invalid long"),
    ("created_at 30 February", ["publish", "-c", "1", "--created-at", "2021-02-30T00:00:00Z"], 2, "invalid created_at"),
    ("field feed one argument", ["publish", "-c", "1", "--field", "1"], 2, "--field"),
    ("empty topic", ["publish", "--topic", "", "-m", "x"], 2, "invalid --topic ''"),
    ("publish wildcard", ["publish", "--topic", "a/+/b", "-m", "x"], 2, "invalid --topic 'a/+/b'"),
    ("subscribe format xml", ["subscribe", "-c", "1", "--format", "xml"], 2, "invalid --format 'xml'"),
    ("subscribe color", ["subscribe", "-c", "1", "--color", "sometimes"], 2, "--color: expected auto, always or never, not 'sometimes'"),
    ("subscribe field 9", ["subscribe", "-c", "1", "--field", "9"], 2, "invalid field '9'"),
    ("subscribe count word", ["subscribe", "-c", "1", "--count", "many"], 2, "--count"),
    ("subscribe timeout negative", ["subscribe", "-c", "1", "--timeout", "-5"], 2, "invalid --timeout"),
    ("subscribe label 9", ["subscribe", "-c", "1", "--label", "9=x"], 2, "invalid --label '9=x'"),
    ("subscribe label empty", ["subscribe", "-c", "1", "--label", "1="], 2, "invalid --label '1='"),
    ("subscribe channel and topic", ["subscribe", "-c", "1", "--topic", "x"], 2, "--channel excludes --topic"),
    ("subscribe no channel", ["subscribe"], 2, "no channel"),
    ("subscribe thingspeak qos 1", ["subscribe", "-c", "1", "--qos", "1"], 2, "ThingSpeak delivers QoS 0 only"),
    ("password file missing", ["publish", "--password-file", "/nonexistent/pw", "-c", "1", "field1=1"], 7,
     "cannot read password file '/nonexistent/pw'"),
    ("password file is a folder", ["publish", "--password-file", "/", "-c", "1", "field1=1"], 7, "password file '/'"),
    ("unknown profile", ["publish", "--profile", "nosuch", "-c", "1", "field1=1"], 7, "unknown profile 'nosuch'"),
    ("ask password without terminal", ["publish", "--ask-password", "-c", "1", "field1=1"], 7,
     "--ask-password needs a terminal"),
    ("profile show unknown", ["profile", "show", "nosuch"], 7, "unknown profile 'nosuch'"),
    ("profile bad name", ["profile", "add", "bad name!", "--host", "h"], 2, "bad name!"),
    ("profile import missing file", ["profile", "import", "p", "/nonexistent/secrets.h"], 7,
     "cannot read credentials file"),
]


@pytest.mark.parametrize("args,code,words", [a[1:] for a in ARGUMENTS], ids=[a[0] for a in ARGUMENTS])
def test_bad_arguments(tsmqtt, args, code, words):
    args = [a.encode("utf-8", "surrogateescape") if isinstance(a, str) else a for a in args]
    # A session of its own: no controlling terminal, as under cron (--ask-password must refuse).
    result = subprocess.run([TSMQTT, *args], capture_output=True, env=tsmqtt.env(user=None), timeout=20,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    err = result.stderr.decode(errors="replace")
    assert result.returncode == code, err
    assert words in err
    assert err.count("\n") == 1 and err.startswith("tsmqtt: "), err
    assert result.stdout == b""


# (id, one stdin line, words) — each under --strict: exit 2 naming line 2 (line 1 is good).
LINES = [
    ("invalid utf-8", b"\xff\xfe", "not valid UTF-8"),
    ("truncated json", b"{", "invalid JSON"),
    ("json overflow", b'{"field1": 1e999}', "invalid JSON"),
    ("json nested", b'{"field1": {"a": 1}}', "not a string, number or boolean"),
    ("json array", b"[1, 2]", "invalid"),
    ("json unknown key", b'{"humidity": 1}', "unknown parameter 'humidity'"),
    ("bad percent escape", b"field1=%G0", "bad %-escape"),
    ("unterminated quote", b'"never closed,1', "unterminated quote"),
    ("too many columns", b"1,2,3,4,5,6,7,8,9", "9 values but only 8 columns"),
    ("lat out of range", b"lat=91", "invalid lat '91'"),
    ("created_at nonsense", b"created_at=never", "invalid created_at 'never'"),
    ("megabyte line", b"7" * 1_000_000, "1000000 bytes long"),
    ("only separators", b",,,,", "no values"),
    ("form without value pair", b"field1=1&oops", "'oops' is not name=value"),
]


@pytest.mark.parametrize("line,words", [l[1:] for l in LINES], ids=[l[0] for l in LINES])
def test_bad_stdin_lines(tsmqtt, line, words):
    if line == b"[1, 2]":
        # Not JSON (no brace) nor a form line: two CSV cells, valid text. Checked as accepted.
        result = subprocess.run([TSMQTT, "publish", "--dry-run", "-c", "1", "--stdin", "--strict"],
                                input=b"1\n" + line + b"\n", capture_output=True, env=tsmqtt.env(user=None), timeout=20)
        assert result.returncode == 0
        assert b"field1=%5B1&field2=2%5D" in result.stdout
        return
    result = subprocess.run([TSMQTT, "publish", "--dry-run", "-c", "1", "--stdin", "--strict"],
                            input=b"1\n" + line + b"\n3\n", capture_output=True, env=tsmqtt.env(user=None), timeout=20)
    err = result.stderr.decode(errors="replace")
    assert result.returncode == 2, err
    assert err.startswith("tsmqtt: stdin line 2: ") and words in err
    assert err.count("\n") == 1


# (id, file content, words) for `profile import`: exit 7.
CREDENTIALS = [
    ("empty", b"", "no ThingSpeak device credentials found"),
    ("binary", bytes(range(256)) * 4, "no ThingSpeak device credentials found"),
    ("only username", b'#define SECRET_MQTT_USERNAME "abc"\n', "client ID and password"),
    ("plain text without password", b"username = a\nclientId = b\n", "password"),
    ("empty values", b"username =\nclientId =\npassword =\n", "credentials"),
]


@pytest.mark.parametrize("content,words", [c[1:] for c in CREDENTIALS], ids=[c[0] for c in CREDENTIALS])
def test_bad_credential_files(tsmqtt, tmp_path, content, words):
    path = tmp_path / "secrets.h"
    path.write_bytes(content)
    result = subprocess.run([TSMQTT, "profile", "import", "dev", str(path)], capture_output=True,
                            env=tsmqtt.env(user=None), timeout=20)
    err = result.stderr.decode(errors="replace")
    assert result.returncode == 7, err
    assert words in err and err.count("\n") == 1
    assert not tsmqtt.config.exists()


# (id, profiles.toml content, mode, words): exit 7 when the file is used.
PROFILE_FILES = [
    ("readable by others", 'default = "a"\n[profiles.a]\nhost = "h"\n', 0o644, "chmod 600"),
    ("not toml", "this is = = not toml\n", 0o600, ":1"),
    ("profiles not a table", "profiles = 5\n", 0o600, "profiles"),
    ("unknown key", '[profiles.a]\ncolour = "red"\n', 0o600, "colour"),
    ("bad port", '[profiles.a]\nport = "abc"\n', 0o600, "invalid --port 'abc'"),
    ("default names nothing", 'default = "ghost"\n', 0o600, "unknown profile 'ghost'"),
]


@pytest.mark.parametrize("content,mode,words", [p[1:] for p in PROFILE_FILES], ids=[p[0] for p in PROFILE_FILES])
def test_bad_profile_files(tsmqtt, content, mode, words):
    tsmqtt.config.write_text(content)
    os.chmod(tsmqtt.config, mode)
    result = subprocess.run([TSMQTT, "publish", "--profile", "a", "--dry-run", "-c", "1", "field1=1"]
                            if "ghost" not in content else [TSMQTT, "publish", "--dry-run", "-c", "1", "field1=1"],
                            capture_output=True, env=tsmqtt.env(user=None), timeout=20)
    err = result.stderr.decode(errors="replace")
    assert result.returncode == 7, err
    assert words in err and err.count("\n") == 1
    assert tsmqtt.config.read_text() == content  # never rewritten


# Broker messages injected into a channel feed: each is reported and skipped; the run goes on.
MESSAGES = [
    ("not json", b"{not json", "not JSON"),
    ("array", b"[1,2]", "array"),
    ("string", b'"just a string"', "not a JSON object"),
    ("negative entry id", b'{"entry_id": -1}', "entry_id"),
    ("channel id word", b'{"channel_id": "abc"}', "channel_id"),
    ("object value", b'{"field1": {"x": 1}}', "field1"),
    ("deep nesting", b"[" * 100_000, "array"),
    ("deep nesting in a value", b'{"field1":' + b"[" * 100_000, "field1 is an array"),
    ("megabyte of x", b"x" * 1_000_000, "not JSON"),
    ("invalid utf-8", b'{"field1": "\xff\xfe"}', "not JSON"),
    ("truncated", b'{"field1": "1"', "not JSON"),
    ("empty", b"", "not JSON"),
]


def test_hostile_broker_messages_are_reported_and_skipped(tsmqtt, broker):
    sub = tsmqtt.subscriber("-c", "1001", "--format", "json", "--count", "1", "--timeout", "60")
    for _, payload, _ in MESSAGES:
        result = subprocess.run([TSMQTT, "publish", "--url", broker.url("tcp"), "-u", "admin", "--topic",
                                 "channels/1001/subscribe", "--stdin-whole"], input=payload, capture_output=True,
                                env=tsmqtt.env("admin"), timeout=20)
        assert result.returncode == 0, result.stderr
    good = b'{"channel_id":1001,"entry_id":5,"field1":"\\u001b[31mred\\u001b[0m"}'
    subprocess.run([TSMQTT, "publish", "--url", broker.url("tcp"), "-u", "admin", "--topic",
                    "channels/1001/subscribe", "--stdin-whole"], input=good, env=tsmqtt.env("admin"), timeout=20,
                   check=True)
    assert sub.wait_exit() == 0, sub.stderr
    entry = json.loads(sub.out[-1])
    assert entry["entry_id"] == 5 and entry["field1"] == "\x1b[31mred\x1b[0m"
    skipped = [l for l in sub.err if "skipped a malformed message on 'channels/1001/subscribe'" in l]
    assert len(skipped) == len(MESSAGES), sub.err
    for (name, _, words), line in zip(MESSAGES, skipped):
        assert words in line, (name, line)
        assert len(line) < 400, (name, "the message must not echo a huge payload")
