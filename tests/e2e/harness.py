# SPDX-License-Identifier: Apache-2.0
"""Test harness: a real mosquitto on free loopback ports (TCP, TLS, WebSocket, WebSocket+TLS)
with password auth and a ThingSpeak-like ACL, the ThingSpeak relay, and helpers that run the
real tsmqtt binary. Everything waits on conditions with deadlines, never on a bare sleep."""

import base64
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from loopback import free_port, port_open  # noqa: E402  (tests import them from here too)

TSMQTT = os.environ.get("TSMQTT_BIN", "tsmqtt")
RELAY = os.environ.get("TSMQTT_RELAY_BIN", "tsmqtt-relay")
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"

# Device users mimic ThingSpeak MQTT devices: each may publish to and read one channel.
DEVICES = {
    "device1": ("Pa55+word/device1+xyzAB", 1001),
    "device2": ("second-device-secret-99", 2002),
}
ADMIN = ("admin", "admin-secret-1234567")
RELAY_USER = ("relay", "relay-secret-7654321")


def first_start(broker):
    """Starts a broker that has not run yet. Another process (ctest runs suites side by side) may
    bind one of its ports between free_port() and the broker's own bind: a start that fails with
    "address already in use" is made again on new ports."""
    for attempt in range(3):
        try:
            broker.start()
            return
        except RuntimeError as e:
            if "address already in use" not in str(e).lower() or attempt == 2:
                raise
            broker.ports = {t: free_port() for t in broker.ports}


def wait_for(condition, timeout=10.0, what="condition", interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def make_pki(folder):
    """A throwaway CA and a server certificate for localhost and 127.0.0.1, plus a
    certificate signed by another CA and an expired one, for the TLS diagnosis tests."""
    pki = {}

    def path(name):
        return os.path.join(folder, name)

    def ca(name):
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN=tsmqtt test {name}", "-keyout", path(f"{name}.key"), "-out", path(f"{name}.crt")])
        return path(f"{name}.crt"), path(f"{name}.key")

    def server(name, ca_name, san, days="2", start=None):
        ext = path(f"{name}.ext")
        with open(ext, "w") as f:
            f.write(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n")
        run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
             "-keyout", path(f"{name}.key"), "-out", path(f"{name}.csr")])
        cmd = ["openssl", "x509", "-req", "-in", path(f"{name}.csr"), "-CA", path(f"{ca_name}.crt"),
               "-CAkey", path(f"{ca_name}.key"), "-CAcreateserial", "-out", path(f"{name}.crt"),
               "-days", days, "-extfile", ext]
        run(cmd)
        return path(f"{name}.crt"), path(f"{name}.key")

    pki["ca"], pki["ca_key"] = ca("ca")
    pki["other_ca"], _ = ca("other-ca")
    pki["server_crt"], pki["server_key"] = server("localhost", "ca", "DNS:localhost,IP:127.0.0.1,IP:::1")
    pki["wrong_host_crt"], pki["wrong_host_key"] = server("elsewhere.example", "ca", "DNS:elsewhere.example")
    pki["expired_crt"], pki["expired_key"] = expired_server(folder, pki)
    return pki


def expired_server(folder, pki):
    """A server certificate for localhost that expired in 2020 (openssl ca can back-date)."""
    def path(name):
        return os.path.join(folder, name)
    db = path("ca-db")
    os.makedirs(db, exist_ok=True)
    open(os.path.join(db, "index.txt"), "w").close()
    with open(os.path.join(db, "serial"), "w") as f:
        f.write("1000\n")
    cnf = path("ca.cnf")
    with open(cnf, "w") as f:
        f.write(f"[ca]\ndefault_ca = test\n[test]\ndir = {db}\ndatabase = {db}/index.txt\nserial = {db}/serial\n"
                f"new_certs_dir = {db}\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\n"
                f"[any]\ncommonName = supplied\n[ext]\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n")
    run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
         "-keyout", path("expired.key"), "-out", path("expired.csr")])
    run(["openssl", "ca", "-batch", "-config", cnf, "-extensions", "ext", "-cert", pki["ca"], "-keyfile", pki["ca_key"],
         "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-in", path("expired.csr"),
         "-out", path("expired.crt")])
    return path("expired.crt"), path("expired.key")


@dataclass
class Broker:
    """mosquitto 2.0 on 127.0.0.1 with one free port per transport."""
    name = "mosquitto"
    transports = ("tcp", "tls", "ws", "wss")
    folder: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="tsmqtt-e2e-"))
    ports: dict = field(default_factory=dict)
    process: subprocess.Popen = None
    extra_config: str = ""
    server_cert: str = "server"
    persistent: bool = False  # sessions and queued messages (QoS 0 too) survive a restart

    def __post_init__(self):
        os.chmod(self.folder, 0o755)
        self.pki = make_pki(self.folder)
        self.ports = {t: free_port() for t in ("tcp", "tls", "ws", "wss")}
        self.passwd = os.path.join(self.folder, "passwd")
        users = dict((u, p) for u, (p, _) in DEVICES.items())
        users[ADMIN[0]] = ADMIN[1]
        users[RELAY_USER[0]] = RELAY_USER[1]
        first = True
        for user, password in users.items():
            run(["mosquitto_passwd", "-b"] + (["-c"] if first else []) + [self.passwd, user, password])
            first = False
        self.acl = os.path.join(self.folder, "acl")
        with open(self.acl, "w") as f:
            f.write(f"user {ADMIN[0]}\ntopic readwrite #\n\n")
            f.write(f"user {RELAY_USER[0]}\ntopic readwrite channels/#\n\n")
            for user, (_, channel) in DEVICES.items():
                f.write(f"user {user}\ntopic write channels/{channel}/publish/#\n"
                        f"topic read channels/{channel}/subscribe/#\n\n")
        for name in os.listdir(self.folder):
            if os.path.isfile(os.path.join(self.folder, name)):
                os.chmod(os.path.join(self.folder, name), 0o644)
        self.log = os.path.join(self.folder, "mosquitto.log")
        first_start(self)

    def config(self):
        crt, key = {"server": (self.pki["server_crt"], self.pki["server_key"]),
                    "wrong_host": (self.pki["wrong_host_crt"], self.pki["wrong_host_key"]),
                    "expired": (self.pki["expired_crt"], self.pki["expired_key"])}[self.server_cert]
        tls = f"cafile {self.pki['ca']}\ncertfile {crt}\nkeyfile {key}\n"
        # socket_domain ipv4: a WebSocket listener binds every address otherwise
        # (docs/platform.md, mosquitto item 2).
        return (f"user root\nper_listener_settings false\nallow_anonymous false\n"
                f"password_file {self.passwd}\nacl_file {self.acl}\n"
                f"log_dest file {self.log}\nlog_type all\nmax_queued_messages 200000\n"
                + (f"persistence true\npersistence_location {self.folder}/\nqueue_qos0_messages true\n"
                   if self.persistent else "")
                + f"{self.extra_config}\n"
                f"listener {self.ports['tcp']} 127.0.0.1\n"
                f"listener {self.ports['tls']} 127.0.0.1\n{tls}"
                f"listener {self.ports['ws']} 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n"
                f"listener {self.ports['wss']} 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n{tls}")

    def start(self):
        conf = os.path.join(self.folder, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(self.config())
        self.process = subprocess.Popen([MOSQUITTO, "-c", conf], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        # A broker restarted by a test lives as long as the fixture that first started it (reap()).
        if not hasattr(self, "scope"):
            self.scope = self.process.scope
        self.process.scope = self.scope
        try:
            wait_for(lambda: self.process.poll() is not None or all(port_open(p) for p in self.ports.values()),
                     timeout=15, what="mosquitto to listen")
        except AssertionError:
            self.stop()
            raise
        if self.process.poll() is not None:
            raise RuntimeError("mosquitto failed to start: " + self.process.stderr.read().decode(errors="replace")
                               + self.read_log())

    def read_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()
        self.process = None
        wait_for(lambda: not any(port_open(p) for p in self.ports.values()), timeout=10,
                 what=f"{self.name} to close its ports")

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, transport, host="127.0.0.1"):
        scheme = {"tcp": "tcp", "tls": "mqtts", "ws": "ws", "wss": "wss"}[transport]
        path = "/mqtt" if transport in ("ws", "wss") else ""
        return f"{scheme}://{host}:{self.ports[transport]}{path}"


DYNSEC = next(iter(glob.glob("/usr/lib/*/mosquitto_dynamic_security.so")), "mosquitto_dynamic_security.so")


@dataclass
class DynsecBroker(Broker):
    """mosquitto with its dynamic-security plugin in place of password_file and acl_file: the
    same users, passwords and ACL (acl_rules()), but a subscription the ACL denies is refused
    with SUBACK 0x80, which acl_file never does (docs/platform.md, mosquitto item 9)."""
    name = "mosquitto-dynsec"

    def config(self):
        def client(user, password):
            salt = os.urandom(12)
            digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 101, 64)
            return {"username": user, "password": base64.b64encode(digest).decode(),
                    "salt": base64.b64encode(salt).decode(), "iterations": 101, "roles": [{"rolename": user}]}

        users = {u: p for u, (p, _) in DEVICES.items()}
        users.update([ADMIN, RELAY_USER])
        roles = {user: [] for user in users}
        for user, topic, read, write in acl_rules():
            if read:
                roles[user] += [{"acltype": "subscribePattern", "topic": topic, "allow": True},
                                {"acltype": "publishClientReceive", "topic": topic, "allow": True}]
            if write:
                roles[user].append({"acltype": "publishClientSend", "topic": topic, "allow": True})
        dynsec = os.path.join(self.folder, "dynsec.json")
        with open(dynsec, "w") as f:
            json.dump({"defaultACLAccess": {"publishClientSend": False, "publishClientReceive": False,
                                            "subscribe": False, "unsubscribe": True},
                       "clients": [client(u, p) for u, p in users.items()],
                       "roles": [{"rolename": u, "acls": acls} for u, acls in roles.items()], "groups": []}, f)
        return super().config().replace(f"password_file {self.passwd}\nacl_file {self.acl}\n",
                                        f"plugin {DYNSEC}\nplugin_opt_config_file {dynsec}\n")


AEDES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aedes")
NODE = shutil.which("node") or "/usr/bin/node"


def acl_rules():
    """The ACL both brokers enforce, as (user, filter, read, write): the admin may do anything,
    the relay anything under channels/, each device publish to and read its own channel."""
    rules = [(ADMIN[0], "#", True, True), (RELAY_USER[0], "channels/#", True, True)]
    for user, (_, channel) in DEVICES.items():
        rules += [(user, f"channels/{channel}/publish/#", False, True),
                  (user, f"channels/{channel}/subscribe/#", True, False)]
    return rules


class AedesBroker:
    """aedes 0.51 (MQTT 3.1.1 only, Node.js; tests/e2e/aedes/broker.js) on 127.0.0.1, TCP and
    WebSocket, with the same users, passwords and ACL as Broker. Same interface as Broker for
    those transports: url(), ports, stop(), start(), restart(), close()."""
    name = "aedes"
    transports = ("tcp", "ws")

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="tsmqtt-e2e-aedes-")
        self.ports = {t: free_port() for t in self.transports}
        self.process = None
        self.log = os.path.join(self.folder, "aedes.log")
        users = {u: p for u, (p, _) in DEVICES.items()}
        users.update([ADMIN, RELAY_USER])
        acl = {}
        for user, topic, read, write in acl_rules():
            acl.setdefault(user, []).append({"topic": topic, "read": read, "write": write})
        self.users, self.acl = users, acl
        self.config = os.path.join(self.folder, "aedes.json")
        first_start(self)

    def start(self):
        if not os.path.isdir(os.path.join(AEDES_DIR, "node_modules", "aedes")):
            raise RuntimeError(f"aedes is not installed: run 'npm ci' in {AEDES_DIR} (./scripts/check does)")
        with open(self.config, "w") as f:
            json.dump({"tcp": self.ports["tcp"], "ws": self.ports["ws"], "users": self.users, "acl": self.acl}, f)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([NODE, os.path.join(AEDES_DIR, "broker.js"), self.config],
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            start_new_session=True)
        if not hasattr(self, "scope"):
            self.scope = self.process.scope
        self.process.scope = self.scope
        try:
            wait_for(lambda: self.process.poll() is not None or
                     ("aedes ready" in self.read_log() and all(port_open(p) for p in self.ports.values())),
                     timeout=20, what="aedes to listen")
        except AssertionError:
            self.stop()
            raise
        if self.process.poll() is not None:
            raise RuntimeError("aedes failed to start: " + self.read_log())

    # Stopped, restarted and removed as mosquitto is; its log read the same way.
    read_log = Broker.read_log
    stop = Broker.stop
    restart = Broker.restart
    close = Broker.close

    def url(self, transport, host="127.0.0.1"):
        scheme = {"tcp": "tcp", "ws": "ws"}[transport]
        path = "/mqtt" if transport == "ws" else ""
        return f"{scheme}://{host}:{self.ports[transport]}{path}"


# Every tsmqtt process of the session, for the secrets scan (conftest.py).
STARTED = []


# Every process started here (subprocess.Popen, so subprocess.run and Process too), with the
# scope of the pytest fixture that started it ("function" for a test itself), so that
# conftest.py can kill what a test, a test file or the session leaves running: reap().
_SPAWNED = []
SCOPES = []  # the scopes of the fixtures being set up, innermost last (conftest.py)


class _RegisteredPopen(subprocess.Popen):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = SCOPES[-1] if SCOPES else "function"
        try:
            self.own_group = os.getpgid(self.pid) == self.pid
        except ProcessLookupError:
            self.own_group = False
        _SPAWNED.append(self)


subprocess.Popen = _RegisteredPopen


def reap(scopes):
    """Kills every process started in one of the scopes, with its process group when it has
    its own (never the test runner's), and waits for it."""
    for proc in [p for p in _SPAWNED if p.scope in scopes]:
        _SPAWNED.remove(proc)
        try:
            if proc.poll() is None and not proc.own_group and os.getpgid(proc.pid) == proc.pid:
                proc.own_group = True  # it made itself a group after it started (setsid)
            if proc.own_group:
                os.killpg(proc.pid, signal.SIGKILL)
            elif proc.poll() is None:
                proc.kill()
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


class Process:
    """A running command whose stdout and stderr lines are collected by threads."""

    def __init__(self, cmd, env=None, stdin=subprocess.DEVNULL, **kw):
        self.cmd = cmd
        STARTED.append(self)
        self.proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, start_new_session=True, **kw)
        self.out = []
        self.err = []
        self.raw_out = bytearray()
        self._threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.out, True), daemon=True),
                         threading.Thread(target=self._pump, args=(self.proc.stderr, self.err, False), daemon=True)]
        for t in self._threads:
            t.start()

    def _pump(self, stream, lines, keep_raw):
        for line in iter(stream.readline, b""):
            if keep_raw:
                self.raw_out.extend(line)
            lines.append(line.decode("utf-8", errors="replace").rstrip("\n"))

    def wait_stdout(self, predicate, timeout=10, what="output"):
        return wait_for(lambda: any(predicate(l) for l in list(self.out)), timeout,
                        f"{what}; stdout={self.out!r} stderr={self.err!r}")

    def wait_stderr(self, text, timeout=10):
        return wait_for(lambda: any(text in l for l in list(self.err)) or self.proc.poll() is not None and
                        any(text in l for l in list(self.err)), timeout,
                        f"stderr to say {text!r}; stderr={self.err!r} exit={self.proc.poll()}")

    def wait_exit(self, timeout=20):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.cmd} did not exit within {timeout}s; stdout={self.out!r} stderr={self.err!r}")
        for t in self._threads:
            t.join(timeout=5)
        return code

    def signal(self, sig):
        self.proc.send_signal(sig)

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    @property
    def stdout(self):
        return "\n".join(self.out)

    @property
    def stderr(self):
        return "\n".join(self.err)


def start_relay(broker, *extra):
    """The ThingSpeak relay, connected as the relay user; returns once it has subscribed."""
    password_file = os.path.join(broker.folder, "relay-password")
    with open(password_file, "w") as f:
        f.write(RELAY_USER[1])
    relay = Process([RELAY, "--url", broker.url("tcp"), "-u", RELAY_USER[0], "--password-file", password_file,
                     *extra], env=clean_env())
    relay.wait_stdout(lambda l: l == "relay ready", timeout=15, what="relay ready")
    return relay


def clean_env(**extra):
    """An environment without the developer's own tsmqtt settings, with a private config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSMQTT_") or k.endswith("_BIN")}
    env.update({k: str(v) for k, v in extra.items()})
    return env
