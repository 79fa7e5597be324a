# SPDX-License-Identifier: Apache-2.0
"""README.md's commands, run verbatim, so the README can never rot.

Every command line of README.md's ```sh blocks is extracted and run with `bash -c` exactly as
written; a command the test does not know (a README change) fails the test until it is mapped
here. The one mapping is where ThingSpeak and the user's machine are stood in for:

| README                              | here                                                        |
|-------------------------------------|-------------------------------------------------------------|
| mqtt3.thingspeak.com (TLS, 8883)    | the test's mosquitto (TLS listener) with the ThingSpeak relay for channel 1587079; after each `tsmqtt profile import NAME ...` the test adds `url` and `cafile` for it to that profile (as if the default host were here) |
| the device's mqtt_secrets.h, in ~   | written by the test into a private HOME (admin user, so the broker's ACL allows 1587079) |
| `crontab -e`                        | not run (it opens an editor); the cron line after it is run as cron runs it: its command, after the five time fields, by /bin/sh with HOME and a plain PATH |
| vcgencmd, read_temp, read_humidity, sensor-tool, logger | PATH shims that print a reading (logger records its message in ~/logger.log) |
| `while sleep 15`                    | a `sleep` shim that returns at once the first time and fails after, ending the loop after one reading |
| `watch ... --history readings.csv`  | run in a tmux terminal of the test's own, in HOME, where the test first writes readings.csv as the CSV recipe below would (a header and one past entry); fed entries until the latest value shows, then `q` |
| commands that run until stopped     | started, fed entries through the relay until their output shows, then SIGINT |
| `mqtt://localhost` (port 1883)      | a mosquitto allowing anonymous clients on 127.0.0.1:1883 inside a network namespace of the test's own (unshare), where that port is always free; the commands run in it with nsenter |

The blocks that build the project itself (./scripts/demo, ./scripts/check) are CI's, not run here.
"""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from harness import ADMIN, MOSQUITTO, TSMQTT, Process, clean_env, start_relay, wait_for
from subscribe_support import CSV_CHANNEL_HEADER, publish_entry
from tmux_screen import TmuxScreen

README = Path(__file__).resolve().parents[2] / "README.md"
CHANNEL = 1587079
NOT_RUN = {"./scripts/demo", "./scripts/check", "crontab -e"}


def readme_commands():
    """(block number, command) for each command line of README's sh blocks, in order."""
    commands, block, inside = [], 0, False
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```sh" and not inside
            block += inside
            continue
        command = line.strip()
        if inside and command and not command.startswith("#"):
            commands.append((block, command))
    return commands


def is_not_run(command):
    return any(command == word or command.startswith(word + " ") for word in NOT_RUN)


SHIMS = {
    "vcgencmd": "echo \"temp=48.3'C\"",
    "read_temp": "echo 21.5",
    "read_humidity": "echo 40",
    "sensor-tool": "echo 22.5,unused,ok",
    "logger": 'echo "$*" >> "$HOME/logger.log"',
    "sleep": '[ -e "$HOME/.slept" ] && exit 1; touch "$HOME/.slept"',
    "tsmqtt": f'exec "{os.path.abspath(TSMQTT)}" "$@"',
}


class Readme:
    """A private HOME with the device's credentials, the shims on PATH, and the broker's ports."""

    def __init__(self, broker, tsmqtt, tmp_path):
        self.broker, self.tsmqtt = broker, tsmqtt
        self.home = tmp_path / "home"
        self.home.mkdir(mode=0o700)
        shims = tmp_path / "bin"
        shims.mkdir()
        for name, body in SHIMS.items():
            path = shims / name
            path.write_text(f"#!/bin/sh\n{body}\n")
            path.chmod(0o755)
        self.path = f"{shims}:/usr/bin:/bin"
        (self.home / "mqtt_secrets.h").write_text(
            f'#define SECRET_MQTT_USERNAME "{ADMIN[0]}"\n#define SECRET_MQTT_CLIENT_ID "readme-device"\n'
            f'#define SECRET_MQTT_PASSWORD "{ADMIN[1]}"\n')
        self.profiles = self.home / ".config" / "tsmqtt" / "profiles.toml"

    def env(self, **extra):
        return clean_env(HOME=self.home, PATH=self.path, NO_COLOR="1", **extra)

    def run(self, command, env=None, shell="bash"):
        return subprocess.run([shell, "-c", command], capture_output=True, env=env or self.env(), cwd=self.home,
                              timeout=60)

    def start(self, command, env=None):
        return Process(["bash", "-c", command], env=env or self.env(), cwd=self.home)

    def point_profile_at_broker(self, name):
        text = self.profiles.read_text()
        header = f"[profiles.{name}]\n"
        assert header in text, text
        mapped = (f'url = "{self.broker.url("tls")}"\n'
                  f'cafile = "{self.broker.pki["ca"]}"\n')
        self.profiles.write_text(text.replace(header, header + mapped))

    def watcher(self):
        """What reached ThingSpeak's publish topic, seen by a subscriber of the test's own."""
        return self.tsmqtt.subscriber("--topic", f"channels/{CHANNEL}/publish", "--format", "payload",
                                      "--count", "1", "--timeout", "30", user="admin")


def stop(proc, code=130):
    os.killpg(proc.proc.pid, signal.SIGINT)
    try:
        assert proc.wait_exit(timeout=15) in (code, 128 + signal.SIGINT), proc.stderr
    finally:
        proc.kill()


def feed_until(broker, proc, seen, what, **values):
    """Entries through the relay, one every half second, until the running command shows one."""
    deadline = time.monotonic() + 30
    sent = 0
    while not seen():
        assert proc.proc.poll() is None, f"{what} ended early: {proc.stderr}"
        assert time.monotonic() < deadline, f"no output from {what}: {proc.out} {proc.stderr}"
        if "created_at" in values:  # the relay, as ThingSpeak, keeps one entry per stamp
            values["created_at"] = values["created_at"][:-3] + f"{31 + sent % 29:02d}Z"
        sent += 1
        publish_entry(broker, CHANNEL, "&".join(f"{k}={v}" for k, v in values.items()))
        try:
            wait_for(seen, timeout=0.5, what=what)
        except AssertionError:
            pass


@pytest.fixture(scope="module")
def relay_1587079(broker):
    relay = start_relay(broker, "--channel", str(CHANNEL))
    yield relay
    relay.signal(signal.SIGTERM)
    relay.wait_exit()


@pytest.fixture
def namespace_broker(tmp_path):
    """mosquitto on 127.0.0.1:1883 in a network namespace of its own; yields `nsenter` args."""
    holder = subprocess.Popen(["unshare", "--net", "sh", "-c", "ip link set lo up && exec sleep 600"],
                              start_new_session=True)
    enter = ["nsenter", "-t", str(holder.pid), "-n"]
    conf = tmp_path / "anonymous.conf"
    conf.write_text("listener 1883 127.0.0.1\nallow_anonymous true\n")
    broker = None
    try:
        # Until unshare has made its namespace, nsenter would enter this one.
        wait_for(lambda: os.readlink(f"/proc/{holder.pid}/ns/net") != os.readlink("/proc/self/ns/net"),
                 what="the network namespace")
        wait_for(lambda: b"UP" in subprocess.run([*enter, "ip", "link", "show", "lo"], capture_output=True).stdout,
                 what="the namespace's loopback")
        broker = subprocess.Popen([*enter, MOSQUITTO, "-c", str(conf)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(lambda: subprocess.run([*enter, "python3", "-c",
                                         "import socket; socket.create_connection(('127.0.0.1', 1883), 1)"],
                                        capture_output=True).returncode == 0, what="mosquitto in the namespace")
        yield enter
    finally:
        for proc in (broker, holder):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_every_readme_command_is_known_to_this_test():
    commands = [command for _, command in readme_commands()]
    assert commands, "no sh blocks found in README.md"
    unknown = [c for c in commands if not is_not_run(c) and c not in KNOWN]
    assert not unknown, f"README commands this test does not run (map them here): {unknown}"
    missing = [c for c in KNOWN if c not in commands]
    assert not missing, f"commands this test runs that README.md no longer has: {missing}"


def test_the_thingspeak_recipes_work_verbatim(broker, relay_1587079, tsmqtt, tmp_path):
    readme = Readme(broker, tsmqtt, tmp_path)
    for _, command in readme_commands():
        if not is_not_run(command) and KNOWN.get(command) is not raw_recipe:
            KNOWN[command](readme, command)


def test_the_raw_mqtt_recipes_work_verbatim(broker, tsmqtt, tmp_path, namespace_broker):
    readme = Readme(broker, tsmqtt, tmp_path)
    readme.enter = namespace_broker
    for _, command in readme_commands():
        if KNOWN.get(command) is raw_recipe:
            raw_recipe(readme, command)


# --- what each command does, and how it is checked --------------------------------------------

def profile_import(readme, command):
    result = readme.run(command)
    assert result.returncode == 0, result.stderr
    readme.point_profile_at_broker(command.split()[3])


def publish(expected, stamped=False):
    """A publish that must reach the channel's topic as `expected` (a stream adds the time each
    entry was read as created_at)."""
    def check(readme, command):
        watcher = readme.watcher()
        result = readme.run(command)
        assert result.returncode == 0, result.stderr
        assert watcher.wait_exit() == 0, watcher.stderr
        stamp = r"(&created_at=[^&]+)?" if stamped else ""
        assert re.fullmatch(re.escape(expected) + stamp, watcher.out[0]), watcher.out
    return check


def cron_line(readme, command):
    # m h dom mon dow command: cron hands the command to /bin/sh.
    job = command.split(None, 5)[5]
    watcher = readme.watcher()
    result = readme.run(job, env=clean_env(HOME=readme.home, PATH=readme.path), shell="/bin/sh")
    assert result.returncode == 0 and result.stderr == b"", result.stderr
    assert not (readme.home / "logger.log").exists(), (readme.home / "logger.log").read_text()
    assert watcher.wait_exit() == 0, watcher.stderr
    # Through the outbox, an entry carries the time it was read.
    assert re.fullmatch(r"field1=48\.3&created_at=20\d\d-[^&]+Z", watcher.out[0]), watcher.out


def tail_until_stopped(check_output, lines=1, **values):
    def check(readme, command):
        proc = readme.start(command)
        try:
            feed_until(readme.broker, proc, lambda: len(proc.out) >= lines, command, **values)
            check_output(command, proc.out)
        finally:
            stop(proc)
    return check


def matches_readme_example(command, lines):
    example = next(c for _, c in readme_commands_with_comments() if c.startswith("# 2021-"))
    pattern = re.escape(example[2:]).replace("797", r"\d+").replace("05:35:31Z", r"05:35:\d\dZ")
    assert re.fullmatch(pattern, lines[0]), (example, lines)


def readme_commands_with_comments():
    inside, found = False, []
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```sh" and not inside
        elif inside and line.strip():
            found.append((None, line.strip()))
    return found


def csv_count_into_file(readme, command):
    proc = readme.start(command)
    try:
        path = readme.home / "readings.csv"
        rows = lambda: path.exists() and path.read_text().count("\n") >= 101  # noqa: E731
        deadline = time.monotonic() + 60
        while proc.proc.poll() is None and time.monotonic() < deadline:
            for _ in range(10):
                publish_entry(readme.broker, CHANNEL, "field1=19.5")
            try:
                wait_for(lambda: proc.proc.poll() is not None, timeout=0.5, what=command)
            except AssertionError:
                pass
        assert proc.wait_exit(timeout=10) == 0, proc.stderr
        assert rows()
        lines = path.read_text().splitlines()
        assert lines[0].startswith("created_at,channel_id,entry_id,field1,") and len(lines) == 101
        assert all(",1587079," in line and ",19.5," in line for line in lines[1:])
    finally:
        proc.kill()


def watch_recipe(readme, command):
    (readme.home / "readings.csv").write_text(
        CSV_CHANNEL_HEADER + "\n2021-12-11T05:35:31Z,1587079,796,19.5,47,,,,,,,,,,\n")
    screen = TmuxScreen(readme.env())
    try:
        screen.type(f"cd {readme.home} && {command}; echo \"exited $?\"")
        screen.wait(lambda text: "Temperature" in text and "Humidity" in text, what="the labelled panels")
        deadline = time.monotonic() + 30
        while "23.25" not in screen.text():
            assert time.monotonic() < deadline, screen.text()
            publish_entry(readme.broker, CHANNEL, "field1=23.25&field2=41")
            try:
                screen.wait_text("23.25", timeout=1)
            except AssertionError:
                pass
        screen.keys("q")
        screen.wait_text("exited 0")
    finally:
        screen.close()


def raw_recipe(readme, command):
    if " publish " in command:
        result = subprocess.run([*readme.enter, "bash", "-c", command], capture_output=True, env=readme.env(),
                                cwd=readme.home, timeout=30)
        assert result.returncode == 0, result.stderr
        return
    proc = Process([*readme.enter, "bash", "-c", command], env=readme.env(), cwd=readme.home)
    try:
        proc.wait_stdout(lambda line: '"payload":"21.5"' in line, timeout=20, what="the retained message")
        # Sent at QoS 1, received at the subscription's QoS 0.
        assert '"topic":"sensors/kitchen","qos":0,"retain":true' in proc.out[0], proc.out
    finally:
        stop(proc)


KNOWN = {
    "tsmqtt profile import home mqtt_secrets.h -c 1587079   # the device credentials ThingSpeak gave you":
        profile_import,
    "tsmqtt publish field1=23.5 field2=40 --status ok       # one channel-feed entry, over TLS":
        publish("field1=23.5&field2=40&status=ok"),
    "tsmqtt subscribe                                        # tail the channel":
        tail_until_stopped(lambda command, lines: lines[0].endswith("  field1=7"), field1="7"),
    "tsmqtt profile import sensor ~/mqtt_secrets.h -c 1587079": profile_import,
    "*/5 * * * * tsmqtt -q publish --outbox --profile sensor field1=\"$(vcgencmd measure_temp | tr -dc 0-9.)\" "
    "|| logger \"tsmqtt exit $?\"": cron_line,
    "while sleep 15; do echo \"$(read_temp),$(read_humidity)\"; done | tsmqtt publish --stdin --interval 15":
        publish("field1=21.5&field2=40", stamped=True),
    "sensor-tool | tsmqtt publish --stdin --columns field1,-,status   # map CSV columns, skip one":
        publish("field1=22.5&status=ok", stamped=True),
    "tsmqtt subscribe -c 1587079 --label 1=Temperature --label 2=Humidity":
        tail_until_stopped(matches_readme_example, field1="21.5", field2="40", created_at="2021-12-11T05:35:31Z"),
    "tsmqtt watch -c 1587079 --label 1=Temperature --label 2=Humidity --history readings.csv": watch_recipe,
    "tsmqtt subscribe -c 1587079 --format json | jq --unbuffered -r '.field1'":
        tail_until_stopped(lambda command, lines: lines[0] == "21.5", field1="21.5"),
    "tsmqtt subscribe -c 1587079 --format csv --count 100 > readings.csv": csv_count_into_file,
    "tsmqtt subscribe -c 1587079 --field all --format csv        # received_at,channel_id,field,value":
        tail_until_stopped(lambda command, lines: lines[0] == command.split("# ")[1]
                           and re.fullmatch(r"\S+Z,1587079,3,5", lines[1]), lines=2, field3="5"),
    "tsmqtt publish --url mqtt://localhost --topic sensors/kitchen -m 21.5 --qos 1 --retain": raw_recipe,
    "tsmqtt subscribe --url mqtt://localhost --topic 'sensors/#' --format json": raw_recipe,
}
