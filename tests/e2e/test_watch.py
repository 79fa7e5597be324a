# SPDX-License-Identifier: Apache-2.0
"""tsmqtt watch in a real terminal (tmux) against mosquitto and the relay: panels, labels,
statistics and chart glyphs as entries arrive; keys; resizes; a broker restart; history;
hostile text; and the refusals (no terminal, no broker)."""
import os
import re
import signal
import subprocess
from datetime import timedelta

import pytest

from conftest import Tsmqtt
from harness import TSMQTT, free_port, start_relay
from subscribe_support import CSV_CHANNEL_HEADER, feed_json, inject, publish_entry, utc_now
from tmux_screen import BRAILLE, TmuxScreen


@pytest.fixture
def screens():
    """Starts tmux servers; kills every one at the end, pass or fail."""
    started = []

    def start(env, width=120, height=40):
        screen = TmuxScreen(env, width, height)
        started.append(screen)
        return screen
    yield start
    for screen in started:
        screen.close()


def watch(screen, tool, *args, user="admin", stderr=None):
    screen.run([TSMQTT, "watch", *tool.connection("tcp", user), *args], stderr=stderr)


def chart_glyphs(text):
    return sum(1 for c in text if c in BRAILLE)


def entry(channel, **fields):
    return feed_json(channel_id=channel, **{k: str(v) for k, v in fields.items()})


def test_labels_latest_value_and_statistics_follow_the_entries(broker, tmp_path, screens):
    relay = start_relay(broker, "--channel", "7101")
    try:
        tool = Tsmqtt(broker, tmp_path)
        screen = screens(tool.env("admin"))
        watch(screen, tool, "-c", "7101", "--label", "1=Temperature", "--label", "2=Humidity")
        screen.wait_text("connected")
        publish_entry(broker, 7101, "field1=21.5&field2=40")
        text = screen.wait_text("Temperature  21.5")
        assert "Humidity  40" in text
        assert "min 21.5  max 21.5  mean 21.5" in text
        assert " 1 entry, " in text and "channel 7101" in text
    finally:
        relay.signal(15)
        relay.wait_exit()
    for value in (30, 5):
        inject(broker, "channels/7101/subscribe", entry(7101, field1=value))
    text = screen.wait_text("min 5  max 30")
    assert chart_glyphs(text) > 0, text


def test_span_keys_pause_panels_zoom_and_help(broker, tmp_path, screens):
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"))
    watch(screen, tool, "-c", "7102")
    screen.wait_text("connected")
    inject(broker, "channels/7102/subscribe", entry(7102, field1=1, field2=2))
    screen.wait_text("field2  2")
    assert "span 1h" in screen.lines()[0]
    screen.keys("+")
    screen.wait(lambda t: "span 3h" in t.split("\n")[0] and "-3h" in t, what="a 3h span")
    screen.keys("-", "-")
    screen.wait(lambda t: "span 30m" in t.split("\n")[0] and "-30m" in t, what="a 30m span")
    screen.keys("Space")
    screen.wait(lambda t: "PAUSED" in t.split("\n")[0], what="paused")
    screen.keys("Space")
    screen.wait(lambda t: "PAUSED" not in t, what="running again")
    screen.keys("Tab", "Enter")
    screen.wait(lambda t: "field2  2" in t and "field1  1" not in t, what="field2 alone")
    screen.keys("Enter")
    screen.wait_text("field1  1")
    screen.keys("?")
    screen.wait(lambda t: "pause or resume" in t and "wider or narrower span" in t, what="the keys")
    screen.keys("?")
    screen.wait(lambda t: "pause or resume" not in t, what="the keys hidden")


def test_a_resize_redraws_without_leftovers_and_small_windows_get_the_note(broker, tmp_path, screens):
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"), 120, 40)
    watch(screen, tool, "-c", "7103", "--label", "1=Temperature")
    screen.wait_text("connected")
    inject(broker, "channels/7103/subscribe", entry(7103, field1=3, status="running"))
    screen.wait_text("Temperature  3")
    big = screen.lines()
    assert big[0].rstrip().endswith("span 1h") and len(big[0].rstrip()) > 100, big[0]
    screen.resize(80, 24)

    def redrawn(text):
        lines = text.split("\n")
        return (len(lines[0].rstrip()) <= 80 and lines[0].rstrip().endswith("span 1h")
                and lines[23].startswith(" status: running") and lines[22].rstrip().endswith("now"))
    text = screen.wait(redrawn, what="the 80x24 layout")
    assert text.count("status: running") == 1 and text.count("Temperature") == 1, text
    assert screen.size() == "80x24"
    screen.resize(79, 24)
    text = screen.wait_text("window too small: needs at least 80x24")
    assert "Temperature" not in text and "status" not in text
    screen.resize(100, 20)
    screen.wait_text("window too small: needs at least 80x24")
    screen.resize(80, 24)
    screen.wait(lambda t: "Temperature  3" in t and "too small" not in t, what="the panels back")


def test_a_broker_restart_shows_in_the_header_and_the_chart_goes_on(private_broker, tmp_path, screens):
    tool = Tsmqtt(private_broker, tmp_path)
    screen = screens(tool.env("admin"))
    watch(screen, tool, "-c", "7104")
    screen.wait_text("connected")
    inject(private_broker, "channels/7104/subscribe", entry(7104, field1=10))
    screen.wait_text("field1  10")
    private_broker.stop()
    screen.wait(lambda t: "reconnecting" in t.split("\n")[0] and "lost" in t.split("\n")[1],
                what="the loss in the header")
    private_broker.start()
    screen.wait(lambda t: "reconnected" in t.split("\n")[0], timeout=40, what="the reconnect in the header")
    inject(private_broker, "channels/7104/subscribe", entry(7104, field1=20))
    text = screen.wait_text("field1  20")
    assert "min 10  max 20" in text and "2 entries" in text
    assert chart_glyphs(text) > 0


def test_history_is_charted_before_any_live_entry(broker, tmp_path, screens):
    now = utc_now()
    rows = [CSV_CHANNEL_HEADER]
    for minutes, value in ((50, 12), (40, 18), (30, 15), (20, 11)):
        at = (now - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(f"{at},7105,{minutes},{value},,,,,,,,,,,\"from the file, quoted\"")
    history = tmp_path / "readings.csv"
    history.write_text("\n".join(rows) + "\n")
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"))
    watch(screen, tool, "-c", "7105", "--history", history, "--label", "1=Level")
    text = screen.wait_text("Level  11")
    assert "0 entries (+4 from history)" in text
    assert "min 11  max 18  mean 14" in text
    assert "status: from the file, quoted" in text
    assert chart_glyphs(text) > 0


def test_a_bad_history_file_is_one_line_and_exit_2(broker, tmp_path, screens):
    bad = tmp_path / "bad.csv"
    bad.write_text("when,what\n1,2\n")
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"))
    watch(screen, tool, "-c", "7106", "--history", bad)
    text = screen.wait_text("exited 2")
    assert "tsmqtt: --history: line 1 is not the header row of subscribe --format csv" in text


@pytest.mark.parametrize("key", ["q", "Escape", "C-c"])
def test_quitting_exits_0_and_restores_the_shell_screen(broker, tmp_path, screens, key):
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"), 100, 30)
    screen.type("echo before-watch-marker")
    screen.wait_text("before-watch-marker\n")
    watch(screen, tool, "-c", "7107")
    screen.wait(lambda t: "connected" in t and "before-watch-marker" not in t, what="the watch screen")
    screen.keys(key)
    text = screen.wait_text("exited 0")
    assert "before-watch-marker" in text, text
    assert "span 1h" not in text and "? keys" not in text, text


def test_sigterm_restores_the_terminal_and_exits_143(broker, tmp_path, screens):
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"), 100, 30)
    watch(screen, tool, "-c", "7108")
    screen.wait_text("connected")
    os.kill(screen.program_pid(), signal.SIGTERM)
    text = screen.wait_text("exited 143")
    assert "span 1h" not in text


def test_escape_sequences_from_the_network_cannot_change_the_terminal(broker, tmp_path, screens):
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"))
    watch(screen, tool, "--topic", "evil/#")
    screen.wait_text("connected")
    title = screen.title()
    inject(broker, "evil/one", b"\x1b]2;pwned\x07\x1b[2J\x1b[31mred")
    inject(broker, "evil/two", b"7")
    text = screen.wait_text("evil/two  7")
    assert "\\x1B]2;pwned\\x07\\x1B[2J\\x1B[31mred" in text, text
    assert "evil/one" in text
    assert screen.title() == title and "pwned" not in screen.title()
    assert "connected" in text.split("\n")[0]  # the screen was not cleared by the payload


def test_watch_into_a_file_exits_2(broker, tmp_path):
    tool = Tsmqtt(broker, tmp_path)
    with open(tmp_path / "out", "wb") as out:
        result = subprocess.run([TSMQTT, "watch", *tool.connection("tcp", "admin"), "-c", "7109"], stdout=out,
                                stderr=subprocess.PIPE, env=tool.env("admin"), timeout=20)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "tsmqtt: watch needs a terminal; use subscribe"
    assert (tmp_path / "out").read_bytes() == b""


def test_a_first_connection_that_fails_exits_3_at_once(broker, tmp_path, screens):
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"))
    screen.run([TSMQTT, "watch", "--url", f"tcp://127.0.0.1:{free_port()}", "-c", "7110"])
    text = screen.wait_text("exited 3", timeout=20)
    assert "tsmqtt: " in text


def test_bad_options_exit_2_before_connecting(broker, tmp_path, screens):
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"))
    watch(screen, tool, "-c", "7111", "--span", "2w")
    text = screen.wait_text("exited 2")
    assert "invalid --span '2w'" in text


def test_verbose_reports_the_connection_on_stderr_before_the_screen(broker, tmp_path, screens):
    tool = Tsmqtt(broker, tmp_path)
    screen = screens(tool.env("admin"))
    report = tmp_path / "stderr.txt"
    watch(screen, tool, "-c", "7112", "--field", "3", "-v", stderr=report)
    screen.wait_text("connected")
    inject(broker, "channels/7112/subscribe/fields/field3", b"4.5")
    screen.wait_text("field3  4.5")
    screen.keys("q")
    screen.wait_text("exited 0")
    lines = report.read_text().splitlines()
    assert f"tsmqtt: endpoint {broker.url('tcp')}" in lines, lines
    assert "tsmqtt: connected" in lines, lines
    assert any(line.startswith("tsmqtt: client-id ") for line in lines), lines
    assert tool.password("admin") not in report.read_text()
    # Once the screen is up, nothing more goes to stderr: the header says it.
    assert lines[-1] == "tsmqtt: subscribed to channels/7112/subscribe/fields/field3", lines


def test_dry_run_prints_what_it_would_connect_to_and_needs_no_terminal(broker, tmp_path):
    tool = Tsmqtt(broker, tmp_path)
    url = f"tcp://127.0.0.1:{free_port()}"  # nothing listens: a dry run connects to nothing
    result = subprocess.run([TSMQTT, "watch", "--url", url, "-u", "admin", "-c", "7113", "--field", "2",
                             "--dry-run"], capture_output=True, env=tool.env("admin"), timeout=20)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    lines = result.stdout.decode().splitlines()
    assert f"endpoint {url}" in lines, lines
    assert lines[-1] == "subscribe channels/7113/subscribe/fields/field2 qos 0", lines
    assert tool.password("admin") not in result.stdout.decode()
    bad = subprocess.run([TSMQTT, "watch", "--url", url, "-c", "7113", "--span", "2w", "--dry-run"],
                         capture_output=True, env=tool.env("admin"), timeout=20)
    assert bad.returncode == 2
    assert bad.stderr.decode().startswith("tsmqtt: invalid --span '2w'")


@pytest.mark.parametrize("color", [None, "never", "always"])
def test_colour_follows_no_color_and_the_color_option(broker, tmp_path, screens, color):
    tool = Tsmqtt(broker, tmp_path)
    env = tool.env("admin")  # NO_COLOR=1, as in every test
    screen = screens(env)
    watch(screen, tool, "-c", "7114", *(["--color", color] if color else []))
    screen.wait_text("connected")
    for value in (1, 9, 4):
        inject(broker, "channels/7114/subscribe", entry(7114, field1=value))
    screen.wait(lambda t: "min 1  max 9" in t and chart_glyphs(t) > 0, what="a chart")
    styled = screen.styled()
    colours = re.findall(r"\x1b\[[0-9;]*3[0-7]m", styled)  # a foreground colour
    if color == "always":
        assert colours, styled
    else:
        assert not colours, styled
        assert re.search(r"\x1b\[(?:[0-9]+;)*7m", styled), styled  # the header keeps reverse video
