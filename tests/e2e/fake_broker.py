# SPDX-License-Identifier: Apache-2.0
"""A fake MQTT 3.1.1 broker that records what a client sends: the fields of each CONNECT
(client ID, username, whether a password came and which), each PUBLISH and each SUBSCRIBE.
It answers as a broker must (CONNACK, PUBACK/PUBREC/PUBCOMP, SUBACK, UNSUBACK, PINGRESP), so
tsmqtt runs to its end, and can refuse a CONNECT or send messages after a SUBACK. It proves
what a real broker cannot show: which credentials reached it. Threads in the test process,
closed by the fixture that made it; every wait has a deadline."""

import socket
import threading
from dataclasses import dataclass, field

from harness import wait_for


@dataclass
class Connect:
    protocol: str
    level: int
    clean: bool
    keepalive: int
    client_id: str
    username: object = None  # None: the username flag was off
    password: object = None  # None: the password flag was off; else the bytes sent


@dataclass
class Published:
    topic: str
    payload: bytes
    qos: int
    retain: bool


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_packet(conn):
    header = read_exact(conn, 1)[0]
    length, shift = 0, 0
    while True:
        byte = read_exact(conn, 1)[0]
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return header, read_exact(conn, length)


def remaining_length(n):
    out = bytearray()
    while True:
        byte = n % 128
        n //= 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(header, body=b""):
    return bytes([header]) + remaining_length(len(body)) + body


class Reader:
    """MQTT's length-prefixed strings and big-endian integers, in order."""

    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, n):
        part = self.data[self.at:self.at + n]
        self.at += n
        return part

    def u16(self):
        return int.from_bytes(self.take(2), "big")

    def binary(self):
        return self.take(self.u16())

    def text(self):
        return self.binary().decode("utf-8", "replace")


def parse_connect(body):
    r = Reader(body)
    protocol, level, flags, keepalive = r.text(), r.take(1)[0], r.take(1)[0], r.u16()
    connect = Connect(protocol, level, bool(flags & 0x02), keepalive, r.text())
    if flags & 0x04:  # a Will: topic and message
        r.binary()
        r.binary()
    if flags & 0x80:
        connect.username = r.text()
    if flags & 0x40:
        connect.password = r.binary()
    return connect


class FakeBroker:
    """connack: the CONNACK code to answer (0 accepts). after_suback: (topic, payload bytes)
    or (topic, payload bytes, retain) messages sent, QoS 0, once a SUBSCRIBE is answered.
    answer_unsubscribe=False: UNSUBSCRIBE goes unanswered, as from a broker that hangs after
    the SUBACK (the UNSUBACK is what confirms a QoS 0 message to tsmqtt)."""

    def __init__(self, connack=0, after_suback=(), answer_unsubscribe=True):
        self.connack = connack
        self.after_suback = [m if len(m) == 3 else (*m, False) for m in after_suback]
        self.answer_unsubscribe = answer_unsubscribe
        self.connects = []
        self.published = []
        self.subscribed = []
        self.disconnects = 0
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(8)
        self.port = self._server.getsockname()[1]
        self._closed = threading.Event()
        self._conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self):
        return f"mqtt://127.0.0.1:{self.port}"

    def _accept(self):
        while not self._closed.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            while True:
                header, body = read_packet(conn)
                if not self._answer(conn, header >> 4, header, body):
                    break
        except (ConnectionError, OSError, IndexError):
            pass
        finally:
            conn.close()

    def _answer(self, conn, kind, header, body):
        """Answers one packet; False once the connection is to end."""
        if kind == 1:  # CONNECT
            self.connects.append(parse_connect(body))
            conn.sendall(packet(0x20, bytes([0, self.connack])))
            return self.connack == 0
        if kind == 3:  # PUBLISH
            qos, r = (header >> 1) & 3, Reader(body)
            topic = r.text()
            packet_id = r.take(2) if qos else b""
            self.published.append(Published(topic, body[r.at:], qos, bool(header & 1)))
            if qos == 1:
                conn.sendall(packet(0x40, packet_id))
            elif qos == 2:
                conn.sendall(packet(0x50, packet_id))
        elif kind == 6:  # PUBREL
            conn.sendall(packet(0x70, body[:2]))
        elif kind == 8:  # SUBSCRIBE
            r, filters = Reader(body), []
            packet_id = r.take(2)
            while r.at < len(body):
                filters.append((r.text(), r.take(1)[0]))
            self.subscribed.append(filters)
            conn.sendall(packet(0x90, packet_id + bytes(qos for _, qos in filters)))
            for topic, payload, retain in self.after_suback:
                name = topic.encode()
                conn.sendall(packet(0x31 if retain else 0x30, len(name).to_bytes(2, "big") + name + payload))
        elif kind == 10:  # UNSUBSCRIBE
            if self.answer_unsubscribe:
                conn.sendall(packet(0xB0, body[:2]))
        elif kind == 12:  # PINGREQ
            conn.sendall(packet(0xD0))
        elif kind == 14:  # DISCONNECT
            self.disconnects += 1
            return False
        return True

    def wait_connects(self, n=1, timeout=10):
        return wait_for(lambda: len(self.connects) >= n, timeout, f"{n} CONNECT(s); got {self.connects!r}")

    def close(self):
        self._closed.set()
        self._server.close()
        for conn in self._conns:
            try:
                conn.close()
            except OSError:
                pass
