# SPDX-License-Identifier: Apache-2.0
"""Helpers for the subscribe suites: inject messages straight into topics as the admin user,
build feed entries as ThingSpeak sends them, run tsmqtt on a pseudo-terminal, and check
receive times. Everything waits on conditions with deadlines, never on a bare sleep."""

import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import termios
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

from fake_broker import read_packet, remaining_length
from harness import ADMIN, TSMQTT, wait_for

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
NULL_ENTRY = {"channel_id": None, "created_at": None, "entry_id": None,
              **{f"field{i}": None for i in range(1, 9)},
              "latitude": None, "longitude": None, "elevation": None, "status": None}
CSV_CHANNEL_HEADER = ("created_at,channel_id,entry_id,field1,field2,field3,field4,field5,field6,field7,field8,"
                      "latitude,longitude,elevation,status")


def inject(broker, topic, payload, retain=False, qos=0):
    """Publishes payload (bytes or str) on topic as the admin user, bypassing the relay."""
    if isinstance(payload, str):
        payload = payload.encode()
    # -s refuses empty input: -n sends the empty (null) message instead.
    cmd = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.ports["tcp"]), "-u", ADMIN[0], "-P", ADMIN[1],
           "-t", topic, "-q", str(qos), "-s" if payload else "-n"]
    if retain:
        cmd.append("-r")
    subprocess.run(cmd, input=payload, check=True, capture_output=True, timeout=10)


def publish_entry(broker, channel, form):
    """An entry for the relay, as a device publishes it: form-encoded on channels/ID/publish."""
    inject(broker, f"channels/{channel}/publish", form)


def feed_json(**values):
    """A channel-feed message as ThingSpeak sends it: every key present, values strings or null."""
    entry = dict(NULL_ENTRY)
    entry.update(values)
    return json.dumps(entry, separators=(",", ":"))


def expected_entry(channel, entry_id, created_at, topic=None, **values):
    """tsmqtt's JSON line for a channel-feed entry."""
    entry = dict(NULL_ENTRY, channel_id=channel, entry_id=entry_id, created_at=created_at)
    entry.update(values)
    entry["topic"] = topic or f"channels/{channel}/subscribe"
    return entry


def utc_now():
    return datetime.now(timezone.utc).replace(microsecond=0)


def received_in(text, start, end):
    """True when text is an ISO 8601 UTC time between start and end (datetimes, inclusive)."""
    if not ISO_UTC.fullmatch(text):
        return False
    when = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return start <= when <= end


def until_output(proc, send, predicate, timeout=10, what="output", every=0.25):
    """Calls send() now and every `every` seconds until a line of proc's stdout satisfies
    predicate: for subscribers started without -v, where nothing says they have subscribed."""
    last = [0.0]

    def check():
        if any(predicate(line) for line in list(proc.out)):
            return True
        if proc.proc.poll() is not None:
            raise AssertionError(f"{what}: exited with {proc.proc.returncode}; stdout={proc.out!r} "
                                 f"stderr={proc.err!r}")
        if time.monotonic() - last[0] >= every:
            send()
            last[0] = time.monotonic()
        return False

    return wait_for(check, timeout, f"{what}; stdout={proc.out!r} stderr={proc.err!r}")


def until_shown(terminal, send, predicate, timeout=10, what="terminal output", every=0.25):
    """until_output for a PtyProcess: predicate is given all the bytes shown so far."""
    last = [0.0]

    def check():
        terminal.pump()
        if predicate(bytes(terminal.data)):
            return True
        if time.monotonic() - last[0] >= every:
            send()
            last[0] = time.monotonic()
        return False

    return wait_for(check, timeout, f"{what}; terminal={bytes(terminal.data)!r}")


def until_exit(proc, send, timeout=15, what="exit", every=0.25):
    """Calls send() every `every` seconds until proc (a Popen) has exited; returns its status."""
    last = [0.0]

    def check():
        if proc.poll() is not None:
            return True
        if time.monotonic() - last[0] >= every:
            send()
            last[0] = time.monotonic()
        return False

    wait_for(check, timeout, what)
    return proc.returncode


class PtyProcess:
    """tsmqtt with stdout (and, if asked, stderr) on a pseudo-terminal that is its controlling
    terminal, so that writing Ctrl-C to the terminal interrupts it; stdin from /dev/null.
    Everything written to the terminal is collected as raw bytes; stderr, when not on the
    terminal, is collected line by line."""

    def __init__(self, args, env, stderr_on_pty=False):
        self.master, slave = pty.openpty()

        def controlling_terminal():
            os.setsid()
            fcntl.ioctl(1, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([TSMQTT, *args], stdin=subprocess.DEVNULL, stdout=slave,
                                     stderr=slave if stderr_on_pty else subprocess.PIPE, env=env,
                                     preexec_fn=controlling_terminal)
        os.close(slave)
        self.data = bytearray()
        self.err = []
        self._reader = None
        if not stderr_on_pty:
            self._reader = threading.Thread(target=self._read_stderr, daemon=True)
            self._reader.start()

    def _read_stderr(self):
        for line in iter(self.proc.stderr.readline, b""):
            self.err.append(line.decode("utf-8", errors="replace").rstrip("\n"))

    def wait_stderr(self, text, timeout=10):
        return wait_for(lambda: any(text in line for line in list(self.err)), timeout,
                        f"stderr to say {text!r}; stderr={self.err!r} exit={self.proc.poll()}")

    def type(self, data):
        os.write(self.master, data)

    def pump(self):
        while True:
            ready, _, _ = select.select([self.master], [], [], 0)
            if not ready:
                return
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the terminal's last writer has gone
                return
            if not chunk:
                return
            self.data.extend(chunk)

    def wait_data(self, predicate, timeout=10, what="terminal output"):
        def check():
            self.pump()
            return predicate(bytes(self.data))
        return wait_for(check, timeout, f"{what}; terminal={bytes(self.data)!r}")

    def wait_exit(self, timeout=20):
        def done():
            self.pump()
            return self.proc.poll() is not None
        wait_for(done, timeout, f"exit; terminal={bytes(self.data)!r} stderr={self.err!r}")
        self.pump()
        if self._reader:
            self._reader.join(timeout=5)
        return self.proc.returncode

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()
        os.close(self.master)


class ScriptedBroker:
    """A minimal MQTT 3.1.1 server on a free loopback port that plays one script per incoming
    connection, for what a real broker cannot be made to do on cue (e.g. drop the connection
    between a SUBSCRIBE and its SUBACK). A script is a list of steps: "connack", "suback"
    (reads the SUBSCRIBE, answers it), "read-subscribe" (reads it, does not answer),
    ("publish", topic, payload), "close", "hold" (keep the connection until the test ends),
    "puback" (reads a PUBLISH of QoS 1 or 2 and answers it with a PUBACK, as RabbitMQ's MQTT
    plugin answers QoS 2), ("suback", code) (answers the SUBSCRIBE with that code for each
    filter, e.g. 0x80 for a refusal)."""

    def __init__(self, scripts):
        self.scripts = list(scripts)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.subscriptions = []  # the topic filters of each SUBSCRIBE, in order
        self.published = 0  # the PUBLISH packets "puback" read
        self.closed = threading.Event()
        self._sockets = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _read_until(self, conn, packet_type):
        while True:
            kind, body = read_packet(conn)
            if kind >> 4 == 12:  # PINGREQ
                conn.sendall(b"\xd0\x00")
            if kind >> 4 == packet_type:
                return body

    def _subscribe_filters(self, body):
        filters, i = [], 2
        while i < len(body):
            n = int.from_bytes(body[i:i + 2], "big")
            filters.append(body[i + 2:i + 2 + n].decode())
            i += 2 + n + 1
        self.subscriptions.append(filters)
        return filters

    def _serve(self):
        while not self.closed.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self._sockets.append(conn)
            script = self.scripts.pop(0) if self.scripts else ["close"]
            self.connections += 1
            try:
                self._read_until(conn, 1)  # CONNECT
                for step in script:
                    if step == "connack":
                        conn.sendall(b"\x20\x02\x00\x00")
                    elif step in ("suback", "read-subscribe") or step[0] == "suback":
                        body = self._read_until(conn, 8)
                        filters = self._subscribe_filters(body)
                        code = bytes([step[1]]) if step[0] == "suback" else b"\x00"
                        if step != "read-subscribe":
                            conn.sendall(b"\x90" + remaining_length(2 + len(filters)) + body[:2]
                                         + code * len(filters))
                    elif step == "puback":
                        body = self._read_until(conn, 3)
                        self.published += 1
                        start = 2 + int.from_bytes(body[:2], "big")
                        conn.sendall(b"\x40\x02" + body[start:start + 2])
                    elif step == "close":
                        conn.close()
                        break
                    elif step == "hold":
                        break
                    else:
                        _, topic, payload = step
                        topic = topic.encode()
                        body = len(topic).to_bytes(2, "big") + topic + payload
                        conn.sendall(b"\x30" + remaining_length(len(body)) + body)
            except (ConnectionError, OSError):
                conn.close()

    def close(self):
        self.closed.set()
        self.server.close()
        for conn in self._sockets:
            try:
                conn.close()
            except OSError:
                pass


def sub(tsmqtt, *args, user="admin", **kw):
    """A subscriber known to be subscribed (it runs with -v: stderr carries notes)."""
    return tsmqtt.subscriber(*args, user=user, **kw)


def warnings(proc):
    """stderr lines after -v's notes, which end with the "subscribed to" lines."""
    lines = list(proc.err)
    notes = [i for i, line in enumerate(lines) if line.startswith("tsmqtt: subscribed to ")]
    return lines[notes[-1] + 1:] if notes else lines


def form(**values):
    return urlencode(values)
