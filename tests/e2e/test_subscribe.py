# SPDX-License-Identifier: Apache-2.0
"""subscribe: channel feeds, field feeds and raw topics as text, CSV and JSON Lines; closed
pipes, colour, labels and malformed messages. (--count, --timeout, usage errors, signals and
broker restarts are in test_subscribe_lifecycle.py.)

Entries go through a relay of this file's own (channels 5101-5199, read by the admin user) so
that each test's channel starts at entry 1; odd messages are injected straight into the
subscribe topics as the admin user."""
import base64
import json
import os
import re
import shutil
import signal
import subprocess

import pytest

from harness import ADMIN, TSMQTT, Process, start_relay
from subscribe_support import (CSV_CHANNEL_HEADER, expected_entry, feed_json, form, inject, publish_entry, received_in,
                               sub, until_exit, until_output, utc_now, warnings)

RELAY_CHANNELS = range(5101, 5131)


@pytest.fixture(scope="module")
def relay5(broker):
    args = []
    for channel in RELAY_CHANNELS:
        args += ["--channel", str(channel)]
    r = start_relay(broker, *args)
    yield r
    r.signal(signal.SIGTERM)
    r.wait_exit()


# --- channel feed ----------------------------------------------------------------------------

def test_channel_feed_in_text_csv_and_json(tsmqtt, relay5, broker):
    common = ("-c", "5101", "--count", "2", "--timeout", "20")
    text = sub(tsmqtt, *common)
    csv = sub(tsmqtt, *common, "--format", "csv")
    js = sub(tsmqtt, *common, "-F", "json")
    publish_entry(broker, 5101, form(field1="21.5", field3="7", status='hot, "very"\nlate',
                                     created_at="2021-12-11T05:35:31Z"))
    publish_entry(broker, 5101, form(field2="-3", lat="42.36", long="-71.06", elevation="120",
                                     created_at="2021-12-11T05:35:46Z"))
    for proc in (text, csv, js):
        assert proc.wait_exit() == 0, proc.stderr
        assert warnings(proc) == []
    # Text is for people: only present values, in order, one line per update (a line break in a
    # value is shown as \x0A), the rest verbatim when not on a terminal.
    assert text.out == ["2021-12-11T05:35:31Z  5101  #1  field1=21.5  field3=7  status=hot, \"very\"\\x0Alate",
                        "2021-12-11T05:35:46Z  5101  #2  field2=-3  lat=42.36  long=-71.06  elev=120"]
    # CSV: RFC 4180, quoted only where needed (comma, quote, line break), empty for null.
    assert csv.raw_out.decode() == (
        CSV_CHANNEL_HEADER + "\n"
        '2021-12-11T05:35:31Z,5101,1,21.5,,7,,,,,,,,,"hot, ""very""\nlate"\n'
        "2021-12-11T05:35:46Z,5101,2,,-3,,,,,,,42.36,-71.06,120,\n")
    # JSON Lines: every key, ids as integers, values as strings, the topic last.
    lines = js.raw_out.decode().splitlines()
    assert [json.loads(line) for line in lines] == [
        expected_entry(5101, 1, "2021-12-11T05:35:31Z", field1="21.5", field3="7", status='hot, "very"\nlate'),
        expected_entry(5101, 2, "2021-12-11T05:35:46Z", field2="-3", latitude="42.36", longitude="-71.06",
                       elevation="120")]
    assert list(json.loads(lines[0]).keys())[-1] == "topic"


def test_feed_messages_in_every_shape_thingspeak_sends(tsmqtt, broker):
    """Values as strings, numbers or null; disabled fields left out; ids as strings."""
    proc = sub(tsmqtt, "-c", "5102", "--format", "json", "--count", "3", "--timeout", "20")
    topic = "channels/5102/subscribe"
    inject(broker, topic, feed_json(channel_id=5102, entry_id=797, created_at="2021-12-11T05:35:31Z", field2="21"))
    inject(broker, topic, '{"channel_id":5102,"entry_id":798,"created_at":"2021-12-11T05:35:32Z",'
                          '"field1":24.9,"field2":-3,"field3":1e3,"latitude":null,"unknown":{"x":[1]}}')
    inject(broker, topic, '{"channel_id":"5102","entry_id":"799","field4":"ok"}')
    assert proc.wait_exit() == 0, proc.stderr
    assert warnings(proc) == []
    assert [json.loads(line) for line in proc.out] == [
        expected_entry(5102, 797, "2021-12-11T05:35:31Z", field2="21"),
        expected_entry(5102, 798, "2021-12-11T05:35:32Z", field1="24.9", field2="-3", field3="1e3"),
        expected_entry(5102, 799, None, field4="ok")]


def test_an_entry_without_ids_or_time_still_makes_a_line(tsmqtt, broker):
    before = utc_now()
    text = sub(tsmqtt, "-c", "5103", "--count", "1", "--timeout", "20")
    csv = sub(tsmqtt, "-c", "5103", "--format", "csv", "--no-header", "--count", "1", "--timeout", "20")
    inject(broker, "channels/5103/subscribe", '{"field1":"1"}')
    assert text.wait_exit() == 0 and csv.wait_exit() == 0
    # The channel comes from the topic; the receive time stands in for created_at in text.
    when, rest = text.out[0].split("  ", 1)
    assert received_in(when, before, utc_now())
    assert rest == "5103  #-  field1=1"
    assert csv.out == [",5103,,1,,,,,,,,,,,"]


# --- field feed ------------------------------------------------------------------------------

def test_field_feed_in_text_csv_and_json(tsmqtt, relay5, broker):
    before = utc_now()
    one = sub(tsmqtt, "-c", "5104", "--field", "3", "--count", "1", "--timeout", "20")
    csv = sub(tsmqtt, "-c", "5104", "--field", "all", "--format", "csv", "--count", "2", "--timeout", "20")
    js = sub(tsmqtt, "-c", "5104", "--field", "all", "--format", "json", "--count", "2", "--timeout", "20")
    publish_entry(broker, 5104, form(field1="10", field3="30, warm", status="ignored by field feeds"))
    for proc in (one, csv, js):
        assert proc.wait_exit() == 0, proc.stderr
        assert warnings(proc) == []
    after = utc_now()

    when, rest = one.out[0].split("  ", 1)
    assert received_in(when, before, after)
    assert rest == "5104  field3=30, warm"

    assert csv.out[0] == "received_at,channel_id,field,value"
    rows = [row.split(",", 1) for row in csv.out[1:]]
    assert all(received_in(t, before, after) for t, _ in rows)
    assert [rest for _, rest in rows] == ["5104,1,10", '5104,3,"30, warm"']

    objects = [json.loads(line) for line in js.out]
    assert all(received_in(o.pop("received_at"), before, after) for o in objects)
    assert objects == [
        {"channel_id": 5104, "field": 1, "value": "10", "topic": "channels/5104/subscribe/fields/field1"},
        {"channel_id": 5104, "field": 3, "value": "30, warm", "topic": "channels/5104/subscribe/fields/field3"}]


def test_several_fields_of_several_channels(tsmqtt, relay5, broker):
    proc = sub(tsmqtt, "-c", "5105", "-c", "5106", "--field", "2", "--field", "field4", "--format", "csv",
               "--no-header", "--count", "4", "--timeout", "20")
    assert sorted(l.split("subscribed to ")[1] for l in proc.err if "subscribed to" in l) == [
        "channels/5105/subscribe/fields/field2", "channels/5105/subscribe/fields/field4",
        "channels/5106/subscribe/fields/field2", "channels/5106/subscribe/fields/field4"]
    publish_entry(broker, 5105, form(field1="a", field2="b", field4="d"))
    proc.wait_stdout(lambda l: l.endswith(",5105,4,d"), what="channel 5105's field4")
    publish_entry(broker, 5106, form(field2="x", field3="y", field4="z"))
    assert proc.wait_exit() == 0, proc.stderr
    assert [row.split(",", 1)[1] for row in proc.out] == ["5105,2,b", "5105,4,d", "5106,2,x", "5106,4,z"]


def test_several_channels_feeds(tsmqtt, relay5, broker):
    proc = sub(tsmqtt, "-c", "5107", "-c", "5108", "--format", "csv", "--count", "3", "--timeout", "20")
    publish_entry(broker, 5107, form(field1="1", created_at="2022-01-01T00:00:01Z"))
    proc.wait_stdout(lambda l: l.startswith("2022-01-01T00:00:01Z,5107,1,"), what="5107's first entry")
    publish_entry(broker, 5108, form(field1="2", created_at="2022-01-01T00:00:02Z"))
    proc.wait_stdout(lambda l: l.startswith("2022-01-01T00:00:02Z,5108,1,"), what="5108's first entry")
    publish_entry(broker, 5107, form(field1="3", created_at="2022-01-01T00:00:03Z"))
    assert proc.wait_exit() == 0, proc.stderr
    assert proc.out == [CSV_CHANNEL_HEADER,
                        "2022-01-01T00:00:01Z,5107,1,1,,,,,,,,,,,",
                        "2022-01-01T00:00:02Z,5108,1,2,,,,,,,,,,,",
                        "2022-01-01T00:00:03Z,5107,2,3,,,,,,,,,,,"]


def test_overlapping_field_options_do_not_duplicate_updates(tsmqtt, relay5, broker):
    """--field 1 --field all (and a channel given twice) must not print each value twice."""
    proc = sub(tsmqtt, "-c", "5109", "-c", "5109", "--field", "1", "--field", "all", "--field", "1",
               "--format", "csv", "--no-header", "--timeout", "20")
    assert [l for l in proc.err if "subscribed to" in l] == ["tsmqtt: subscribed to channels/5109/subscribe/fields/+"]
    publish_entry(broker, 5109, form(field1="1", field2="2"))
    proc.wait_stdout(lambda l: l.endswith(",5109,2,2"), what="field2")
    publish_entry(broker, 5109, form(field3="end"))
    proc.wait_stdout(lambda l: l.endswith(",5109,3,end"), what="field3")
    proc.signal(signal.SIGINT)
    assert proc.wait_exit() == 130
    assert [row.split(",", 1)[1] for row in proc.out] == ["5109,1,1", "5109,2,2", "5109,3,end"]


def test_a_message_on_an_unexpected_topic_is_skipped_not_mixed_in(tsmqtt, broker):
    """--field all subscribes to fields/+: a stray fields/field9 or fields/status must not put a
    raw row of other columns under the field header."""
    proc = sub(tsmqtt, "-c", "5110", "--field", "all", "--format", "csv", "--count", "1", "--timeout", "20")
    inject(broker, "channels/5110/subscribe/fields/field9", "9")
    inject(broker, "channels/5110/subscribe/fields/status", "x")
    inject(broker, "channels/5110/subscribe/fields/field2", "2")
    assert proc.wait_exit() == 0, proc.stderr
    assert proc.out[0] == "received_at,channel_id,field,value"
    assert [row.split(",", 1)[1] for row in proc.out[1:]] == ["5110,2,2"]
    stray = warnings(proc)
    assert len(stray) == 2, proc.stderr
    assert "'channels/5110/subscribe/fields/field9'" in stray[0]
    assert "'channels/5110/subscribe/fields/status'" in stray[1]


def test_legacy_field_feeds_with_a_read_key(tsmqtt, relay, broker):
    """The legacy broker's field topics end in the read key; the key is masked in every output."""
    proc = sub(tsmqtt, "-c", "3003", "--read-key", "LEGACYREADKEY1", "--field", "all", "--format", "json",
               "--count", "2", "--timeout", "20", "-v")
    inject(broker, "channels/3003/publish/LEGACYWRITEKEY1", form(field1="5", field2="6"))
    assert proc.wait_exit() == 0, proc.stderr
    objects = [json.loads(line) for line in proc.out]
    assert [(o["channel_id"], o["field"], o["value"], o["topic"]) for o in objects] == [
        (3003, 1, "5", "channels/3003/subscribe/fields/field1/****Y1"),
        (3003, 2, "6", "channels/3003/subscribe/fields/field2/****Y1")]
    assert "LEGACYREADKEY1" not in proc.stderr + proc.stdout
    assert "subscribed to channels/3003/subscribe/fields/+/" in proc.stderr


def test_a_flood_of_updates_is_printed_in_full_and_in_order(tsmqtt, broker):
    count = 5000
    proc = sub(tsmqtt, "--topic", "rawsub/flood", "--format", "csv", "--no-header", "--count", str(count),
               "--timeout", "60")
    lines = b"".join(b"%d\n" % i for i in range(count))
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.ports["tcp"]), "-u", ADMIN[0], "-P", ADMIN[1],
                    "-t", "rawsub/flood", "-l"], input=lines, check=True, capture_output=True, timeout=60)
    assert proc.wait_exit(timeout=60) == 0, proc.stderr
    assert [row.rsplit(",", 1)[1] for row in proc.out] == [str(i) for i in range(count)]


def test_wrong_credentials_are_exit_5(tsmqtt):
    result = tsmqtt.run("sub", "-c", "1001", "--timeout", "5", env=tsmqtt.env("device1", password="wrong-password"))
    assert result.returncode == 5
    assert result.stdout == b""
    assert b"refused the connection" in result.stderr and result.stderr.count(b"\n") == 1


# --- raw topics ------------------------------------------------------------------------------

BINARY = bytes([0x00, 0xFF, 0xFE, 0x80, 0x0A, 0x1B]) + b"tail"


def test_raw_topics_in_text_csv_and_json_with_a_binary_payload(tsmqtt, broker):
    before = utc_now()
    common = ("--topic", "rawsub/a/#", "--topic", "rawsub/b", "--count", "3", "--timeout", "20")
    text = sub(tsmqtt, *common)
    csv = sub(tsmqtt, *common, "--format", "csv")
    js = sub(tsmqtt, *common, "--format", "json")
    inject(broker, "rawsub/a/x", "hello, world")
    inject(broker, "rawsub/b", BINARY)
    inject(broker, "rawsub/a/y/z", 'say "hi"\n{"json": true}')
    for proc in (text, csv, js):
        assert proc.wait_exit() == 0, proc.stderr
        assert warnings(proc) == []
    after = utc_now()

    # Text on a pipe passes the payload through untouched but for line breaks: one update, one line.
    stamps = re.findall(rb"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)  ", bytes(text.raw_out), re.M)
    assert len(stamps) == 3 and all(received_in(s.decode(), before, after) for s in stamps)
    assert re.sub(rb"^\S+  ", b"", bytes(text.raw_out), flags=re.M) == (
        b"rawsub/a/x  hello, world\nrawsub/b  " + BINARY.replace(b"\n", b"\\x0A").replace(b"\r", b"\\x0D")
        + b'\nrawsub/a/y/z  say "hi"\\x0A{"json": true}\n')

    # CSV: a payload that is not UTF-8 becomes base64:..., so the file stays text.
    assert csv.out[0] == "received_at,topic,qos,retain,payload"
    rows = csv.raw_out.decode().split("\n", 1)[1]
    assert re.sub(r"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,", "", rows) == (
        'rawsub/a/x,0,false,"hello, world"\n'
        f"rawsub/b,0,false,base64:{base64.b64encode(BINARY).decode()}\n"
        'rawsub/a/y/z,0,false,"say ""hi""\n{""json"": true}"\n')

    objects = [json.loads(line) for line in js.raw_out.decode().splitlines()]
    assert all(received_in(o.pop("received_at"), before, after) for o in objects)
    assert objects == [
        {"topic": "rawsub/a/x", "qos": 0, "retain": False, "payload": "hello, world"},
        {"topic": "rawsub/b", "qos": 0, "retain": False, "payload_base64": base64.b64encode(BINARY).decode()},
        {"topic": "rawsub/a/y/z", "qos": 0, "retain": False, "payload": 'say "hi"\n{"json": true}'}]
    assert base64.b64decode(objects[1]["payload_base64"]) == BINARY


def test_raw_topic_with_qos_and_a_retained_message(tsmqtt, broker):
    inject(broker, "rawsub/retained", "kept", retain=True, qos=1)
    try:
        result = tsmqtt.run("subscribe", "--topic", "rawsub/retained", "--qos", "2", "--format", "csv",
                            "--no-header", "--count", "1", "--timeout", "10", user="admin")
        assert result.returncode == 0, result.stderr
        assert result.stderr == b""
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,rawsub/retained,1,true,kept\n", result.stdout.decode())
    finally:
        inject(broker, "rawsub/retained", b"", retain=True)


# --- pipes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,first", [("text", r"2021-12-11T05:\d\d:\d\dZ  5114  #\d+  field1=\d+"),
                                       ("csv", re.escape(CSV_CHANNEL_HEADER)),
                                       ("json", r'\{"channel_id":5114,.*"topic":"channels/5114/subscribe"\}')])
def test_head_closing_the_pipe_ends_tsmqtt_with_status_0_and_no_noise(tsmqtt, relay5, broker, fmt, first):
    # $? is the pipeline's status under pipefail; PIPESTATUS has each command's own.
    cmd = (f'set -o pipefail; "$TSMQTT" subscribe --url "$URL" -u admin -c 5114 --format {fmt} --timeout 30 '
           f'| head -n 1; status=("$?" "${{PIPESTATUS[@]}}"); echo "status=${{status[*]}}"; exit "${{status[0]}}"')
    env = tsmqtt.env("admin", TSMQTT=TSMQTT, URL=broker.url("tcp"))
    pipeline = subprocess.Popen(["bash", "-c", cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    n = [0]

    def send():
        # Each its own created_at: the relay, as ThingSpeak, keeps one entry per stamp.
        n[0] += 1
        stamp = f"2021-12-11T05:{n[0] // 60 % 60:02d}:{n[0] % 60:02d}Z"
        publish_entry(broker, 5114, form(field1=str(n[0]), created_at=stamp))

    status = until_exit(pipeline, send, what="the pipeline to end once head has its line")
    out, err = pipeline.communicate()
    lines = out.decode().splitlines()
    assert err == b""
    assert lines[-1] == "status=0 0 0"
    assert status == 0
    assert len(lines) == 2 and re.fullmatch(first, lines[0]), lines


def test_readme_recipe_pipes_json_into_jq(tsmqtt, relay5, broker):
    """README: `tsmqtt subscribe -c 1587079 --format json | jq --unbuffered -r '.field1'`, with a
    default profile holding the connection (as the README's own first recipe sets up)."""
    env = tsmqtt.env("admin")
    add = subprocess.run([TSMQTT, "profile", "add", "local", "--url", broker.url("tcp"), "-u", ADMIN[0]],
                         capture_output=True, env=env, timeout=10)
    assert add.returncode == 0, add.stderr
    env["PATH"] = os.path.dirname(os.path.abspath(shutil.which(TSMQTT))) + os.pathsep + env["PATH"]
    recipe = Process(["bash", "-c", "tsmqtt subscribe -c 5115 --format json | jq --unbuffered -r '.field1'"],
                     env=env)
    until_output(recipe, lambda: publish_entry(broker, 5115, form(field1="21.5", field2="40")),
                 lambda l: l == "21.5", what="jq to print field1")
    # Ctrl-C in a terminal signals the whole pipeline.
    os.killpg(recipe.proc.pid, signal.SIGINT)
    recipe.wait_exit()
    assert set(recipe.out) == {"21.5"}
    assert recipe.err == []


def test_readme_recipe_csv_count_into_a_file(tsmqtt, relay5, broker, tmp_path):
    env = tsmqtt.env("admin")
    assert subprocess.run([TSMQTT, "profile", "add", "local", "--url", broker.url("tcp"), "-u", ADMIN[0]],
                          capture_output=True, env=env, timeout=10).returncode == 0
    target = tmp_path / "readings.csv"
    recipe = subprocess.Popen(["bash", "-c", f"{TSMQTT} subscribe -c 5116 --format csv --count 2 > {target}"],
                              env=env, stderr=subprocess.PIPE)
    n = [0]

    def send():
        n[0] += 1
        publish_entry(broker, 5116, form(field1=str(n[0]), created_at=f"2021-12-11T05:35:{n[0]:02}Z"))

    assert until_exit(recipe, send) == 0
    assert recipe.stderr.read() == b""
    rows = target.read_text().splitlines()
    assert rows[0] == CSV_CHANNEL_HEADER and len(rows) == 3
    assert all(re.fullmatch(r"2021-12-11T05:35:\d\dZ,5116,\d+,\d+,,,,,,,,,,,", row) for row in rows[1:])


# --- text options: labels, colour, header ----------------------------------------------------

def test_labels_name_fields_in_text_and_csv_headers(tsmqtt, relay5, broker):
    labels = ("--label", "1=Temperature", "--label", "field2=Humidity")
    text = sub(tsmqtt, "-c", "5117", *labels, "--count", "1", "--timeout", "20")
    fields = sub(tsmqtt, "-c", "5117", "--field", "all", *labels, "--count", "2", "--timeout", "20")
    csv = sub(tsmqtt, "-c", "5117", *labels, "--format", "csv", "--count", "1", "--timeout", "20")
    js = sub(tsmqtt, "-c", "5117", *labels, "--format", "json", "--count", "1", "--timeout", "20")
    publish_entry(broker, 5117, form(field1="21.5", field2="40", created_at="2021-12-11T05:35:31Z"))
    for proc in (text, fields, csv, js):
        assert proc.wait_exit() == 0, proc.stderr
    # The README's example line, with this channel and entry.
    assert text.out == ["2021-12-11T05:35:31Z  5117  #1  Temperature=21.5  Humidity=40"]
    assert [line.split("  ", 1)[1] for line in fields.out] == ["5117  Temperature=21.5", "5117  Humidity=40"]
    # CSV: the labels are the column names; JSON keeps ThingSpeak's keys.
    assert csv.out == [CSV_CHANNEL_HEADER.replace("field1,field2", "Temperature,Humidity"),
                       "2021-12-11T05:35:31Z,5117,1,21.5,40,,,,,,,,,,"]
    entry = json.loads(js.out[0])
    assert entry["field1"] == "21.5" and entry["field2"] == "40" and "Temperature" not in entry


def test_labels_can_come_from_a_profile(tsmqtt, broker):
    env = tsmqtt.env("admin")
    add = subprocess.run([TSMQTT, "profile", "add", "local", "--url", broker.url("tcp"), "-u", ADMIN[0],
                          "-c", "5118", "--label", "3=Wind"], capture_output=True, env=env, timeout=10)
    assert add.returncode == 0, add.stderr
    proc = Process([TSMQTT, "subscribe", "-v", "--count", "1", "--timeout", "20"], env=env)
    proc.wait_stderr("subscribed to channels/5118/subscribe")
    inject(broker, "channels/5118/subscribe", feed_json(channel_id=5118, entry_id=4, field3="12"))
    assert proc.wait_exit() == 0, proc.stderr
    assert proc.out[0].endswith("  5118  #4  Wind=12")


SGR = re.compile(rb"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("args,extra_env,coloured", [
    ([], {}, False),                                 # auto, and stdout is a pipe
    (["--color", "always"], {}, True),
    (["--color", "always"], {"NO_COLOR": "1"}, True),  # an explicit option beats the environment
    (["--color", "never"], {}, False),
    (["--color", "auto"], {"TERM": "xterm-256color"}, False),
])
def test_colour_on_a_pipe(tsmqtt, broker, args, extra_env, coloured):
    env = tsmqtt.env("admin")
    env.pop("NO_COLOR", None)
    env.update(extra_env)
    proc = sub(tsmqtt, "-c", "5119", *args, "--count", "1", "--timeout", "20", env=env)
    inject(broker, "channels/5119/subscribe", feed_json(channel_id=5119, entry_id=1, created_at="2021-12-11T05:35:31Z",
                                                        field2="21"))
    assert proc.wait_exit() == 0, proc.stderr
    raw = bytes(proc.raw_out)
    assert bool(SGR.search(raw)) == coloured
    assert SGR.sub(b"", raw) == b"2021-12-11T05:35:31Z  5119  #1  field2=21\n"
    if coloured:
        assert raw == b"\x1b[2m2021-12-11T05:35:31Z\x1b[0m  5119  #1  \x1b[36mfield2\x1b[0m=21\n"


def test_colour_never_touches_csv_or_json(tsmqtt, broker):
    env = tsmqtt.env("admin")
    csv = sub(tsmqtt, "-c", "5120", "--color", "always", "--format", "csv", "--count", "1", "--timeout", "20",
              env=env)
    js = sub(tsmqtt, "-c", "5120", "--color", "always", "--format", "json", "--count", "1", "--timeout", "20",
             env=env)
    inject(broker, "channels/5120/subscribe", feed_json(channel_id=5120, entry_id=1, field1="1"))
    for proc in (csv, js):
        assert proc.wait_exit() == 0, proc.stderr
        assert b"\x1b" not in proc.raw_out


def test_no_header_leaves_csv_rows_only(tsmqtt, broker):
    procs = [sub(tsmqtt, *args, "--format", "csv", "--no-header", "--count", "1", "--timeout", "20")
             for args in (("-c", "5121"), ("-c", "5121", "--field", "all"), ("--topic", "channels/5121/#"))]
    with_header = sub(tsmqtt, "--topic", "channels/5121/#", "--format", "csv", "--count", "1", "--timeout", "20")
    inject(broker, "channels/5121/subscribe/fields/field5", "55")
    inject(broker, "channels/5121/subscribe", feed_json(channel_id=5121, entry_id=9, field5="55"))
    for proc in procs + [with_header]:
        assert proc.wait_exit() == 0, proc.stderr
    channel, field, raw = (p.out for p in procs)
    assert channel == [",5121,9,,,,,55,,,,,,,"]
    assert len(field) == 1 and field[0].endswith(",5121,5,55")
    assert len(raw) == 1 and raw[0].endswith(",channels/5121/subscribe/fields/field5,0,false,55")
    assert with_header.out[0] == "received_at,topic,qos,retain,payload"


# --- malformed messages ----------------------------------------------------------------------

MALFORMED = [
    ("{not json", "not JSON"),
    ("[1, 2, 3]", "not a JSON object but an array"),
    ('"a string"', "not a JSON object"),
    ("", "not JSON"),
    ('{"entry_id": "abc"}', "entry_id is not a non-negative integer"),
    ('{"channel_id": -5}', "channel_id is not a non-negative integer"),
    ('{"field1": {"nested": 1}}', "field1 is an object"),
    ('{"status": [1]}', "status is an array"),
    ('{"entry_id": 1.5}', "entry_id is not a non-negative integer"),
    ('{"field1": "1"} trailing', "not JSON"),
    ("x" * 100_000, "not JSON"),
    ('{"a":' * 1000, "nested deeper than"),
]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_malformed_messages_are_reported_and_skipped(tsmqtt, broker, fmt):
    channel = 5122 if fmt == "json" else 5123
    topic = f"channels/{channel}/subscribe"
    proc = sub(tsmqtt, "-c", str(channel), "--format", fmt, "--no-header", "--count", "2", "--timeout", "30")
    inject(broker, topic, feed_json(channel_id=channel, entry_id=1, field1="before"))
    for payload, _ in MALFORMED:
        inject(broker, topic, payload)
    inject(broker, topic, feed_json(channel_id=channel, entry_id=2, field1="after"))
    assert proc.wait_exit() == 0, proc.stderr
    if fmt == "json":
        assert [json.loads(line)["field1"] for line in proc.out] == ["before", "after"]
    else:
        assert proc.out == [f",{channel},1,before,,,,,,,,,,,", f",{channel},2,after,,,,,,,,,,,"]
    problems = warnings(proc)
    assert len(problems) == len(MALFORMED), proc.stderr
    for line, (_, reason) in zip(problems, MALFORMED):
        assert line.startswith(f"tsmqtt: skipped a malformed message on '{topic}': "), line
        assert reason in line, line
        assert len(line) < 200, line  # never an echo of the payload
