# SPDX-License-Identifier: Apache-2.0
"""The outbox file and the `tsmqtt outbox` command: refused files (one line, exit 7, the file
unchanged), and what status, list and clear show of what waits."""

import csv
import io
import json
import os
import sqlite3
import subprocess
import time

import pytest

import harness
from harness import TSMQTT, clean_env

CONFIG_EXIT = 7


def outbox(*args, env=None, timeout=30):
    return subprocess.run([TSMQTT, "outbox", *args], capture_output=True, env=env or clean_env(),
                          timeout=timeout)


def one_line(result):
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def store(tmp_path):
    """An outbox made by tsmqtt itself, then given messages as a publish would leave them."""
    path = tmp_path / "state" / "outbox.db"
    assert outbox("status", "--outbox-file", str(path)).returncode == 0
    now_ms = int(time.time() * 1000)
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO messages (destination, topic, payload, qos, retain, properties, channel, created_at,"
            " accepted_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)",
            [("ssl://mqtt3.thingspeak.com:8883", "channels/1001/publish", b"field1=1", 0, 0, 1001,
              "2026-12-02T01:00:00Z", now_ms - 3 * 3600 * 1000),
             ("ssl://mqtt3.thingspeak.com:8883", "channels/1001/publish", b"field1=2", 0, 0, 1001,
              "2026-12-02T01:00:15Z", now_ms - 3600 * 1000),
             ("mqtt://127.0.0.1:1883", "raw/t", b"a,\"b\"\n\x1b[31mred", 1, 1, None, "", now_ms)])
        db.execute("UPDATE tally SET waiting = waiting + 3")
    db.close()
    return path


def test_status_says_what_waits_per_broker_and_channel(store):
    result = outbox("status", "--outbox-file", str(store))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert "3 waiting" in lines
    assert f"file: {store}" in lines
    assert any(l.startswith("  ssl://mqtt3.thingspeak.com:8883  channel 1001: 2 waiting, oldest ")
               and l.endswith("(3 h ago)") for l in lines), lines
    assert any(l.startswith("  mqtt://127.0.0.1:1883: 1 waiting") for l in lines), lines

    status = json.loads(outbox("status", "--format", "json", "--outbox-file", str(store)).stdout)
    assert status["waiting"] == 3
    assert status["file"] == str(store)
    assert status["size_bytes"] > 0
    assert [(d["destination"], d["channel"], d["waiting"]) for d in status["destinations"]] == [
        ("ssl://mqtt3.thingspeak.com:8883", 1001, 2), ("mqtt://127.0.0.1:1883", None, 1)]


def test_list_in_order_in_each_format(store):
    text = outbox("list", "--outbox-file", str(store))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.decode().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("channels/1001/publish  qos 0  field1=1")
    # One line per message, its controls escaped: nothing steers the terminal.
    assert lines[2].endswith("raw/t  qos 1 retain  a,\"b\"\\x0A\\x1B[31mred"), lines[2]

    rows = list(csv.DictReader(io.StringIO(outbox("list", "-F", "csv", "--outbox-file", str(store)).stdout.decode())))
    assert [r["payload"] for r in rows] == ["field1=1", "field1=2", "a,\"b\"\n\x1b[31mred"]
    assert rows[0]["channel"] == "1001" and rows[2]["channel"] == ""
    assert rows[1]["created_at"] == "2026-12-02T01:00:15Z"

    limited = outbox("list", "--format", "json", "--limit", "2", "--outbox-file", str(store))
    entries = [json.loads(l) for l in limited.stdout.decode().splitlines()]
    assert [e["payload"] for e in entries] == ["field1=1", "field1=2"]
    assert entries[0]["id"] < entries[1]["id"]
    assert entries[0]["destination"] == "ssl://mqtt3.thingspeak.com:8883"


def test_clear_needs_yes(store):
    refused = outbox("clear", "--outbox-file", str(store))
    assert refused.returncode == 2
    assert "--yes" in one_line(refused)
    assert "3 waiting" in outbox("status", "--outbox-file", str(store)).stdout.decode().splitlines()

    cleared = outbox("clear", "--yes", "--outbox-file", str(store))
    assert cleared.returncode == 0, cleared.stderr
    assert "dropped 3 waiting messages" in one_line(cleared)
    assert "0 waiting" in outbox("status", "--outbox-file", str(store)).stdout.decode().splitlines()


def test_the_file_comes_from_the_environment(tmp_path):
    named = tmp_path / "named.db"
    result = outbox("status", env=clean_env(TSMQTT_OUTBOX_FILE=named))
    assert result.returncode == 0, result.stderr
    assert f"file: {named}" in result.stdout.decode().splitlines()
    state = tmp_path / "xdg"
    result = outbox("status", env=clean_env(XDG_STATE_HOME=state))
    assert f"file: {state}/tsmqtt/outbox.db" in result.stdout.decode().splitlines()
    assert os.stat(state / "tsmqtt").st_mode & 0o777 == 0o700
    assert os.stat(state / "tsmqtt" / "outbox.db").st_mode & 0o777 == 0o600


def refused(path, *, what, env=None):
    """Every outbox command refuses the file with one line naming it, exit 7."""
    for args in (["status"], ["list"], ["clear", "--yes"]):
        result = outbox(*args, "--outbox-file", str(path), env=env, timeout=20)
        assert result.returncode == CONFIG_EXIT, (args, result.stderr)
        line = one_line(result)
        assert str(path) in line and what in line, line


def test_a_corrupt_file_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "outbox.db"
    content = b"SQLite format 3\x00" + bytes(range(256)) * 16
    path.write_bytes(content)
    refused(path, what="corrupt")
    assert path.read_bytes() == content


def test_a_damaged_outbox_is_refused_and_left_unchanged(store):
    with open(store, "r+b") as f:  # the pages after the header, overwritten
        f.seek(100)
        f.write(b"\xff" * 4000)
    content = store.read_bytes()
    refused(store, what="corrupt")
    assert store.read_bytes() == content


def test_a_read_only_file_is_refused_and_left_unchanged(store):
    content = store.read_bytes()
    os.chmod(store, 0o400)
    refused(store, what="read-only")
    assert store.read_bytes() == content


def test_an_unreadable_file_is_refused(store):
    os.chmod(store, 0o200)
    refused(store, what="cannot be read")


def test_a_folder_a_fifo_or_a_device_in_its_place_is_refused_at_once(tmp_path):
    (tmp_path / "folder").mkdir()
    refused(tmp_path / "folder", what="folder")
    os.mkfifo(tmp_path / "fifo")
    refused(tmp_path / "fifo", what="FIFO")  # never opened: opening a FIFO would wait
    refused("/dev/null", what="device")


def test_a_store_locked_too_long_is_refused_and_left_unchanged(store):
    holder = sqlite3.connect(store, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process's write, that never ends
        started = time.monotonic()
        result = outbox("clear", "--yes", "--outbox-file", str(store), timeout=30)
        assert result.returncode == CONFIG_EXIT, result.stderr
        assert "locked by another process" in one_line(result)
        assert time.monotonic() - started >= 4  # it waited for the lock before giving up
    finally:
        holder.close()
    assert "3 waiting" in outbox("status", "--outbox-file", str(store)).stdout.decode().splitlines()


def test_a_database_that_is_not_an_outbox_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()
    content = path.read_bytes()
    refused(path, what="not a tsmqtt outbox")
    assert path.read_bytes() == content
