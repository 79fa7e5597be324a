# SPDX-License-Identifier: Apache-2.0
"""publish: channel feeds, field feeds, legacy topics, raw MQTT, stdin streams, nothing lost."""
import json
import re
import subprocess

import pytest

from harness import Process, clean_env


def raw_watcher(tsmqtt, topic, count, timeout=30):
    """An admin subscriber that sees exactly what tsmqtt sent (before the relay)."""
    return tsmqtt.subscriber("--topic", topic, "--format", "json", "--count", str(count), "--timeout", str(timeout),
                             user="admin")


def payloads(proc):
    return [json.loads(line)["payload"] for line in proc.out]


def unstamped(entries):
    """Stream entries carry the time they were read as created_at; the rest is compared."""
    assert all(re.search(r"&created_at=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\dZ$", e) for e in entries), entries
    return [re.sub(r"&created_at=[^&]*$", "", e) for e in entries]


def test_entry_with_every_parameter_is_form_encoded_in_stable_order(tsmqtt):
    watcher = raw_watcher(tsmqtt, "channels/1001/publish", 1)
    result = tsmqtt.run("publish", "-c", "1001", "field2=a&b=c", "8=1+1", "field1=two words",
                        "--status", "24°C ok/bad?", "--lat", "-33.86", "--long", "151.2", "--elevation", "58",
                        "--created-at", "2021-12-11T05:35:31Z")
    assert result.returncode == 0, result.stderr
    assert watcher.wait_exit() == 0, watcher.stderr
    assert payloads(watcher) == [
        "field1=two+words&field2=a%26b%3Dc&field8=1%2B1&lat=-33.86&long=151.2&elevation=58"
        "&status=24%C2%B0C+ok%2Fbad%3F&created_at=2021-12-11T05%3A35%3A31Z"]


def test_relay_decodes_what_tsmqtt_encoded(tsmqtt, relay):
    sub = tsmqtt.subscriber("-c", "1001", "--format", "json", "--count", "1", "--timeout", "20")
    assert tsmqtt.run("publish", "-c", "1001", "field1=a&b=c+d", "--status", "Grüße 100%").returncode == 0
    assert sub.wait_exit() == 0
    entry = json.loads(sub.out[0])
    assert entry["field1"] == "a&b=c+d"
    assert entry["status"] == "Grüße 100%"


def test_field_feed_publishes_the_raw_value(tsmqtt):
    watcher = raw_watcher(tsmqtt, "channels/1001/publish/#", 1)
    assert tsmqtt.run("publish", "-c", "1001", "--field", "3", "45.5 °C").returncode == 0
    assert watcher.wait_exit() == 0
    message = json.loads(watcher.out[0])
    assert message["topic"] == "channels/1001/publish/fields/field3"
    assert message["payload"] == "45.5 °C"


def test_legacy_write_key_goes_into_the_topic(tsmqtt, relay):
    sub = tsmqtt.subscriber("-c", "3003", "--read-key", "LEGACYREADKEY1", "--format", "json", "--count", "2",
                            "--timeout", "20", user="admin")
    env = tsmqtt.env("admin", TSMQTT_WRITE_KEY="LEGACYWRITEKEY1")
    assert tsmqtt.run("publish", "-c", "3003", "field1=5", user="admin", env=env).returncode == 0
    assert tsmqtt.run("publish", "-c", "3003", "--write-key", "LEGACYWRITEKEY1", "--field", "2", "6",
                      user="admin").returncode == 0
    assert sub.wait_exit() == 0, sub.stderr
    entries = [json.loads(line) for line in sub.out]
    assert [e["topic"] for e in entries] == ["channels/3003/subscribe/json/****Y1"] * 2  # the read key is masked
    assert entries[0]["field1"] == "5" and entries[1]["field2"] == "6"


def test_raw_mode_with_qos_1_and_retain(tsmqtt):
    result = tsmqtt.run("publish", "--topic", "raw/retained", "-m", "kept", "--qos", "1", "--retain", user="admin")
    assert result.returncode == 0, result.stderr
    late = tsmqtt.run("subscribe", "--topic", "raw/retained", "--qos", "1", "--format", "json", "--count", "1",
                      "--timeout", "10", user="admin")
    assert late.returncode == 0, late.stderr
    message = json.loads(late.stdout)
    assert message == {**message, "topic": "raw/retained", "payload": "kept", "qos": 1, "retain": True}
    tsmqtt.run("publish", "--topic", "raw/retained", "--stdin-whole", "--retain", input=b"", user="admin")


def test_raw_file_and_stdin_whole_keep_every_byte(tsmqtt, tmp_path):
    data = bytes(range(256)) + b"\nline two\n"
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    watcher = raw_watcher(tsmqtt, "raw/blob", 2)
    assert tsmqtt.run("publish", "--topic", "raw/blob", "--file", str(path), user="admin").returncode == 0
    assert tsmqtt.run("publish", "--topic", "raw/blob", "--stdin-whole", input=data, user="admin").returncode == 0
    assert watcher.wait_exit() == 0
    import base64
    for line in watcher.out:
        assert base64.b64decode(json.loads(line)["payload_base64"]) == data


def test_line_mode_accepts_csv_form_and_json_with_columns(tsmqtt):
    watcher = raw_watcher(tsmqtt, "channels/1001/publish", 4)
    lines = ('21.5,ok,40\n'
             '\n'
             'field1=22&status=fine%21\n'
             '{"field1": 23.5, "status": "json", "field3": null}\n'
             '24,"quoted, text",41')  # the last line has no newline and still counts
    result = tsmqtt.run("publish", "-c", "1001", "--stdin", "--interval", "0", "--columns", "field1,status,field2",
                        input=lines.encode())
    assert result.returncode == 0, result.stderr
    assert watcher.wait_exit() == 0
    assert unstamped(payloads(watcher)) == ["field1=21.5&field2=40&status=ok", "field1=22&status=fine%21",
                                 "field1=23.5&status=json", "field1=24&field2=41&status=quoted%2C+text"]
    assert b"4 sent, 0 skipped, 0 not sent" in result.stderr


def test_bad_lines_are_reported_with_their_number_and_skipped(tsmqtt):
    watcher = raw_watcher(tsmqtt, "channels/1001/publish", 2)
    result = tsmqtt.run("publish", "-c", "1001", "--stdin", "--interval", "0",
                        input=b"1\nlat=300\n{\"field1\": [1]}\n2\n")
    assert result.returncode == 2, result.stderr  # the rest was sent, the invalid lines were not
    assert watcher.wait_exit() == 0
    assert unstamped(payloads(watcher)) == ["field1=1", "field1=2"]
    err = result.stderr.decode()
    assert "stdin line 2 skipped: invalid lat '300': expected a number from -90 to 90" in err
    assert "stdin line 3 skipped: value of 'field1' is not a string, number or boolean" in err
    assert "2 sent, 2 skipped, 0 not sent" in err


def test_strict_makes_a_bad_line_fatal(tsmqtt):
    result = tsmqtt.run("publish", "-c", "1001", "--stdin", "--strict", input=b"1\nfield9=2\n3\n")
    assert result.returncode == 2
    assert result.stderr.decode().strip().endswith("stdin line 2: unknown parameter 'field9': expected field1..field8 "
                                                    "(or 1..8), lat, long, elevation, status or created_at")


def test_lines_are_sent_as_they_arrive(tsmqtt):
    """A sensor loop never closes stdin: each line must go out at once."""
    watcher = raw_watcher(tsmqtt, "channels/1001/publish", 2)
    pub = tsmqtt.start("publish", "-c", "1001", "--stdin", "--interval", "0", stdin=subprocess.PIPE)
    pub.proc.stdin.write(b"11\n")
    pub.proc.stdin.flush()
    watcher.wait_stdout(lambda l: "field1=11" in l, what="the first line to arrive before EOF")
    assert pub.proc.poll() is None
    pub.proc.stdin.write(b"12\n")
    pub.proc.stdin.close()
    assert pub.wait_exit() == 0
    assert watcher.wait_exit() == 0
    assert unstamped(payloads(watcher)) == ["field1=11", "field1=12"]


def test_interval_paces_updates_so_the_rate_limit_drops_none(tsmqtt, broker, tmp_path):
    """The relay drops updates to channel 4004 closer than 1 s apart, as ThingSpeak does."""
    from harness import start_relay
    relay = start_relay(broker, "--interval", "4004=1", "--channel", "4004")
    try:
        sub = tsmqtt.subscriber("-c", "4004", "--format", "csv", "--no-header", "--count", "3", "--timeout", "30",
                                user="admin")
        paced = tsmqtt.run("publish", "-c", "4004", "--stdin", "--interval", "1.1", input=b"1\n2\n3\n", user="admin")
        assert paced.returncode == 0
        assert sub.wait_exit() == 0, sub.stderr
        assert [row.split(",")[3] for row in sub.out] == ["1", "2", "3"]
        # Unpaced (--interval 0) the same lines come too fast: the relay keeps only the first of them.
        sub = tsmqtt.subscriber("-c", "4004", "--format", "csv", "--no-header", "--timeout", "3", user="admin")
        tsmqtt.run("publish", "-c", "4004", "--stdin", "--interval", "0", input=b"4\n5\n6\n", user="admin")
        assert sub.wait_exit() == 6
        assert len(sub.out) < 3
    finally:
        relay.kill()


def test_100000_lines_are_all_delivered(tsmqtt, broker):
    count = 100_000
    # stdbuf: mosquitto_sub's stdout is block-buffered into a pipe, and -d's SUBACK line must come at once.
    sub = subprocess.Popen(["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.ports["tcp"]), "-u", "admin",
                            "-P", tsmqtt.password("admin"), "-t", "bulk/lines", "-C", str(count), "-W", "120", "-d"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # -d reports the SUBACK: wait for it so nothing is published before the subscription exists.
    for line in sub.stdout:
        if line.startswith(b"Subscribed (mid"):
            break
    data = b"".join(b"%d\n" % i for i in range(count))
    result = tsmqtt.run("publish", "--topic", "bulk/lines", "--stdin", input=data, user="admin", timeout=120)
    assert result.returncode == 0, result.stderr
    out, _ = sub.communicate(timeout=120)
    received = [line for line in out.split(b"\n")[:-1] if not line.startswith(b"Client ")]
    assert len(received) == count
    assert received[0] == b"0" and received[-1] == b"%d" % (count - 1)
    assert b"100000 sent, 0 skipped, 0 not sent" in result.stderr


VALIDATION = [
    (["-c", "0", "field1=1"], "invalid --channel '0': expected a positive whole number"),
    (["-c", "abc", "field1=1"], "invalid --channel 'abc'"),
    (["-c", "1001", "field9=1"], "unknown parameter 'field9'"),
    (["-c", "1001", "9=1"], "unknown parameter '9'"),
    (["-c", "1001", "temperature=1"], "unknown parameter 'temperature'"),
    (["-c", "1001", "field1"], "'field1' is not NAME=VALUE"),
    (["-c", "1001", "field1=" + "x" * 256], "invalid field1: value is 256 bytes long: ThingSpeak allows at most 255"),
    (["-c", "1001", "--lat", "91"], "invalid lat '91': expected a number from -90 to 90"),
    (["-c", "1001", "--long", "-181"], "invalid long '-181': expected a number from -180 to 180"),
    (["-c", "1001", "--elevation", "high"], "invalid elevation 'high': expected a number of metres"),
    (["-c", "1001", "--created-at", "yesterday"], "invalid created_at 'yesterday': expected ISO 8601"),
    (["-c", "1001"], "nothing to publish"),
    (["-c", "1001", "--field", "9", "1"], "invalid field '9': expected a field number from 1 to 8"),
    (["-c", "1001", "--field", "1", "x" * 300], "300 bytes long"),
    (["-c", "1001", "field1=1", "--qos", "1"], "--qos 1: ThingSpeak accepts QoS 0 only"),
    (["-c", "1001", "field1=1", "--retain"], "--retain: ThingSpeak refuses retained messages"),
    (["-c", "1001", "field1=1", "--mqtt-version", "5"], "ThingSpeak speaks MQTT 3.1.1 only"),
    (["-c", "1001", "field1=1", "--topic", "x"], "-c CHANNEL and --topic exclude each other"),
    (["-c", "1001"] + [f"field{i}=" + "&" * 255 for i in range(1, 5)],
     "message is 3091 bytes long: ThingSpeak allows at most 3000"),
    (["--topic", "a/#", "-m", "x"], "invalid --topic 'a/#'"),
    (["--topic", "a", "-m", "x", "--file", "f"], "exactly one of -m MESSAGE, --file F, --stdin or --stdin-whole"),
    (["--topic", "a", "-m", "x", "--qos", "3"], "--qos"),
    (["-c", "1001", "--stdin", "--columns", "field1,bogus"], "unknown name 'bogus'"),
    (["-c", "1001", "field1=1", "--interval", "-1"], "invalid --interval"),
]


@pytest.mark.parametrize("args,words", VALIDATION, ids=[w[:40] for _, w in VALIDATION])
def test_validation_errors_exit_2_before_connecting(tsmqtt, args, words):
    # The broker URL points at a closed port: a validation error must come before any connect.
    env = tsmqtt.env()
    result = subprocess.run([tsmqtt_bin(), "publish", "--url", "tcp://127.0.0.1:1", *args], capture_output=True,
                            env=env, timeout=10)
    assert result.returncode == 2, result.stderr
    err = result.stderr.decode()
    assert words in err
    assert err.count("\n") == 1 and err.startswith("tsmqtt: ")


def tsmqtt_bin():
    from harness import TSMQTT
    return TSMQTT


def test_dry_run_prints_everything_and_connects_to_nothing(tsmqtt):
    env = tsmqtt.env(TSMQTT_WRITE_KEY="WRITEKEY123456")
    result = subprocess.run([tsmqtt_bin(), "publish", "--dry-run", "--url", "mqtts://127.0.0.1:1", "-u", "device1",
                             "-i", "my-device", "-c", "1001", "field1=1", "--status", "a b"],
                            capture_output=True, env=env, timeout=10)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "endpoint ssl://127.0.0.1:1" in out
    assert "client-id my-device (command line)" in out
    assert "publish channels/1001/publish/****56 qos 0: field1=1&status=a+b" in out
    assert "WRITEKEY123456" not in out + result.stderr.decode()
    assert tsmqtt.password("device1") not in out


def test_dry_run_of_a_stream_shows_each_message(tsmqtt):
    result = subprocess.run([tsmqtt_bin(), "publish", "--dry-run", "-c", "7", "--stdin"], input=b"1,2\nlat=5\n",
                            capture_output=True, env=tsmqtt.env(), timeout=10)
    assert result.returncode == 0
    lines = [l for l in result.stdout.decode().splitlines() if l.startswith("publish ")]
    assert [re.sub(r"&created_at=\S*$", "", l) for l in lines] == ["publish channels/7/publish qos 0: field1=1&field2=2",
                                                                  "publish channels/7/publish qos 0: lat=5"]


def test_a_csv_header_row_names_the_columns(tsmqtt):
    watcher = raw_watcher(tsmqtt, "channels/1001/publish", 2)
    result = tsmqtt.run("publish", "-c", "1001", "--stdin", "--interval", "0", "-v",
                        input=b"status,field2\nok,5\nfine,6\n")
    assert result.returncode == 0, result.stderr
    assert watcher.wait_exit() == 0
    assert unstamped(payloads(watcher)) == ["field2=5&status=ok", "field2=6&status=fine"]
    assert b"stdin line 1 is a CSV header row: it names the columns" in result.stderr


def test_verbose_publish_says_thingspeak_acknowledges_nothing(tsmqtt):
    result = tsmqtt.run("publish", "-c", "1001", "field1=1", "-v")
    assert result.returncode == 0
    assert b"QoS 0: ThingSpeak acknowledges nothing" in result.stderr


def test_progress_line_on_a_terminal(tsmqtt, tmp_path):
    """stderr on a terminal shows a live progress line; -q silences it and the summary."""
    import os
    import pty
    data = b"".join(b"%d\n" % i for i in range(3000))
    for quiet in (False, True):
        leader, follower = pty.openpty()
        args = ["--topic", "progress/x", "--stdin"] + (["-q"] if quiet else [])
        proc = subprocess.Popen([tsmqtt_bin(), "publish", *tsmqtt.connection("tcp", "admin"), *args],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=follower,
                                env=tsmqtt.env("admin"))
        os.close(follower)
        proc.communicate(data, timeout=60)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        os.close(leader)
        assert proc.returncode == 0
        if quiet:
            assert seen == b""
        else:
            # Shown as each thousand is confirmed, which the broker does in batches.
            assert re.search(rb"\r\x1b\[K[12]\d{3} sent, 0 skipped\r", seen), seen
            assert b"3000 sent, 0 skipped, 0 not sent" in seen
