# SPDX-License-Identifier: Apache-2.0
"""subscribe on a terminal: whatever arrives over the network, no escape sequence reaches the
terminal raw; colour follows --color, NO_COLOR and TERM; Ctrl-C ends it cleanly."""
import json
import re
import subprocess

import pytest

from conftest import Tsmqtt
from harness import ADMIN, TSMQTT
from subscribe_support import PtyProcess, feed_json, inject, until_shown

# SGR red, an OSC that sets the window title (ended by BEL), a C1 CSI as UTF-8 (U+009B) and as
# a lone byte (invalid UTF-8), and a backslash, which must stay distinguishable from the escapes.
HOSTILE = b"\x1b[31mred\x1b]0;title\x07 c1:\xc2\x9b2J lone:\x9b2J back\\slash"
HOSTILE_SHOWN = b"\\x1B[31mred\\x1B]0;title\\x07 c1:\\xC2\\x9B2J lone:\\x9B2J back\\\\slash"
# The same in a feed entry: JSON strings are UTF-8, so the lone byte cannot be there.
HOSTILE_TEXT = "\x1b[31mred\x1b]0;title\x07 c1:\x9b2J back\\slash"
HOSTILE_TEXT_SHOWN = b"\\x1B[31mred\\x1B]0;title\\x07 c1:\\xC2\\x9B2J back\\\\slash"
OUR_SGR = re.compile(rb"\x1b\[(?:2|36|0)m")


@pytest.fixture
def terminal(broker, tmp_path):
    """Starts tsmqtt subscribe on a pseudo-terminal; closes every one at the end."""
    tool = Tsmqtt(broker, tmp_path)
    started = []

    def start(*args, env_update=None, drop=(), stderr_on_pty=False, connect=True):
        env = tool.env("admin", TERM="xterm-256color")
        for name in drop:
            env.pop(name, None)
        env.update(env_update or {})
        prefix = ["subscribe", *(tool.connection("tcp", "admin") if connect else [])]
        proc = PtyProcess([*prefix, *args], env, stderr_on_pty=stderr_on_pty)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.close()


def lines(data):
    return data.split(b"\r\n")  # the terminal turns "\n" into "\r\n"


def test_hostile_bytes_are_shown_escaped_in_text(terminal, broker):
    channel = terminal("-v", "-c", "5201", "--count", "1", "--timeout", "20")
    fields = terminal("-v", "-c", "5201", "--field", "all", "--count", "1", "--timeout", "20")
    raw = terminal("-v", "--topic", "ptysub/#", "--count", "1", "--timeout", "20")
    for proc in (channel, fields, raw):
        proc.wait_stderr("subscribed to")
    inject(broker, "channels/5201/subscribe", feed_json(channel_id=5201, entry_id=3, created_at="2021-12-11T05:35:31Z",
                                                        status=HOSTILE_TEXT))
    inject(broker, "channels/5201/subscribe/fields/field2", HOSTILE)
    inject(broker, "ptysub/x", HOSTILE)
    for proc in (channel, fields, raw):
        assert proc.wait_exit() == 0, proc.err
        assert b"\x1b" not in proc.data and b"\x9b" not in proc.data and b"\x07" not in proc.data, proc.data
    assert bytes(channel.data) == b"2021-12-11T05:35:31Z  5201  #3  status=" + HOSTILE_TEXT_SHOWN + b"\r\n"
    assert re.fullmatch(rb"\S+Z  5201  field2=" + re.escape(HOSTILE_SHOWN) + rb"\r\n", bytes(fields.data))
    assert re.fullmatch(rb"\S+Z  ptysub/x  " + re.escape(HOSTILE_SHOWN) + rb"\r\n", bytes(raw.data))


def test_hostile_bytes_are_neutralised_in_csv_and_json(terminal, broker):
    csv = terminal("-v", "-c", "5202", "--field", "all", "--format", "csv", "--no-header", "--count", "1",
                   "--timeout", "20")
    js = terminal("-v", "-c", "5202", "--format", "json", "--count", "1", "--timeout", "20")
    raw = terminal("-v", "--topic", "ptysub/json", "--format", "json", "--count", "1", "--timeout", "20")
    for proc in (csv, js, raw):
        proc.wait_stderr("subscribed to")
    inject(broker, "channels/5202/subscribe/fields/field1", HOSTILE)
    inject(broker, "channels/5202/subscribe", feed_json(channel_id=5202, entry_id=1, status=HOSTILE_TEXT))
    inject(broker, "ptysub/json", HOSTILE_TEXT.encode())  # valid UTF-8: written as "payload"
    for proc in (csv, js, raw):
        assert proc.wait_exit() == 0, proc.err
        assert b"\x1b" not in proc.data and b"\x07" not in proc.data and b"\xc2\x9b" not in proc.data, proc.data
    assert re.fullmatch(rb"\S+Z,5202,1," + re.escape(HOSTILE_SHOWN) + rb"\r\n", bytes(csv.data))
    # JSON stays valid JSON and means exactly what was sent; controls are written as \u escapes.
    entry = json.loads(lines(bytes(js.data))[0])
    assert entry["status"] == HOSTILE_TEXT
    assert b"\\u001b[31m" in js.data and b"\\u009b" in js.data
    message = json.loads(lines(bytes(raw.data))[0])
    assert message["payload"] == HOSTILE_TEXT
    assert b"\\u001b]0;title\\u0007" in raw.data


@pytest.mark.parametrize("args,env_update,drop,coloured", [
    ([], {}, ["NO_COLOR"], True),                       # auto on a terminal
    ([], {"NO_COLOR": "1"}, [], False),
    ([], {"NO_COLOR": ""}, [], True),                   # an empty NO_COLOR does not count
    ([], {"TERM": "dumb"}, ["NO_COLOR"], False),
    (["--color", "never"], {}, ["NO_COLOR"], False),
    (["--color", "always"], {"TERM": "dumb", "NO_COLOR": "1"}, [], True),
])
def test_colour_on_a_terminal(terminal, broker, args, env_update, drop, coloured):
    proc = terminal("-v", "-c", "5203", *args, "--count", "1", "--timeout", "20", env_update=env_update, drop=drop)
    proc.wait_stderr("subscribed to")
    inject(broker, "channels/5203/subscribe", feed_json(channel_id=5203, entry_id=5, created_at="2021-12-11T05:35:31Z",
                                                        field2="21", status=HOSTILE_TEXT))
    assert proc.wait_exit() == 0, proc.err
    data = bytes(proc.data)
    expected = b"2021-12-11T05:35:31Z  5203  #5  field2=21  status=" + HOSTILE_TEXT_SHOWN + b"\r\n"
    if coloured:
        assert data == (b"\x1b[2m2021-12-11T05:35:31Z\x1b[0m  5203  #5  \x1b[36mfield2\x1b[0m=21  "
                        b"\x1b[36mstatus\x1b[0m=" + HOSTILE_TEXT_SHOWN + b"\r\n")
        # Colour is ours alone: the sender's escape sequences stay escaped.
        assert b"\x1b" not in OUR_SGR.sub(b"", data)
    else:
        assert data == expected


def test_readme_recipe_tails_a_channel_in_a_terminal(terminal, broker, tmp_path):
    """README: `tsmqtt subscribe -c 1587079 --label 1=Temperature --label 2=Humidity`, with the
    connection in a default profile, typed into a terminal and ended with Ctrl-C."""
    tool = Tsmqtt(broker, tmp_path)
    add = subprocess.run([TSMQTT, "profile", "add", "local", "--url", broker.url("tcp"), "-u", ADMIN[0]],
                         capture_output=True, env=tool.env("admin"), timeout=10)
    assert add.returncode == 0, add.stderr
    proc = terminal("-c", "1587079", "--label", "1=Temperature", "--label", "2=Humidity", drop=["NO_COLOR"],
                    stderr_on_pty=True, connect=False)

    until_shown(proc, lambda: inject(broker, "channels/1587079/subscribe",
                                     feed_json(channel_id=1587079, entry_id=797, created_at="2021-12-11T05:35:31Z",
                                               field1="21.5", field2="40")),
                lambda data: b"\r\n" in data, what="the entry")
    proc.type(b"\x03")  # Ctrl-C
    assert proc.wait_exit(timeout=5) == 130
    first = lines(bytes(proc.data))[0]
    assert OUR_SGR.sub(b"", first) == b"2021-12-11T05:35:31Z  1587079  #797  Temperature=21.5  Humidity=40"
    assert OUR_SGR.search(first)  # a terminal gets colour
    # Nothing but updates and the terminal's own echo of ^C: no error text on Ctrl-C.
    rest = OUR_SGR.sub(b"", bytes(proc.data)).replace(b"^C", b"")
    assert all(line == b"" or line.startswith(b"2021-12-11T05:35:31Z  1587079  #797") for line in lines(rest)), rest
