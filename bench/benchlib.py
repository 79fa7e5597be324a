# SPDX-License-Identifier: Apache-2.0
"""bench/run's building blocks: starting, timing and stopping processes, and a private mosquitto
on loopback (TCP and TLS with a throwaway CA). Kept apart from the cases so each file has one job."""

import os
import select
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from loopback import free_port, port_open  # noqa: E402  (the ports the e2e harness uses too)
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
TIME = "/usr/bin/time"
DEADLINE = 120.0  # seconds any single run may take before it counts as a failure


class BenchError(Exception):
    pass


# --- processes -------------------------------------------------------------------------------

def spawn(argv, stdin=None, stdout=None, stderr=None, env=None):
    """posix_spawn with the files opened in the child: the cheapest start Python offers, and
    the same for both tools."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, stdin or os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, stderr or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    return os.posix_spawnp(argv[0], argv, env if env is not None else os.environ, file_actions=actions)


def wait(pid, timeout=DEADLINE):
    """Waits for pid to end; returns (exit status, perf_counter time of the exit). Kills it and
    raises BenchError after timeout seconds."""
    fd = os.pidfd_open(pid)
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(timeout * 1000):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise BenchError(f"still running after {timeout:.0f} s: killed")
        ended = time.perf_counter()
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), ended


def kill(pid):
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def run_timed(argv, **kw):
    started = time.perf_counter()
    pid = spawn(argv, **kw)
    code, ended = wait(pid)
    return code, ended - started


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def check_exit(code, what, stderr_path=None):
    if code != 0:
        detail = read(stderr_path).strip() if stderr_path else ""
        raise BenchError(f"{what} exited {code}" + (f": {detail[-600:]}" if detail else ""))


def wait_for(condition, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.001)
    raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")


def ms(seconds):
    return statistics.median(seconds) * 1000


# --- the broker ------------------------------------------------------------------------------

class Broker:
    """mosquitto on 127.0.0.1: TCP and TLS listeners, anonymous, subscriptions logged so a
    run can wait until its subscriber is known to be subscribed."""

    def __init__(self, folder):
        self.folder = folder
        self.tcp, self.tls = free_port(), free_port()
        self.log = os.path.join(folder, "mosquitto.log")
        self.ca = os.path.join(folder, "ca.crt")
        self._make_pki()
        conf = os.path.join(folder, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"""user root
per_listener_settings false
allow_anonymous true
log_dest file {self.log}
log_type error
log_type warning
log_type subscribe
max_queued_messages 0
listener {self.tcp} 127.0.0.1
listener {self.tls} 127.0.0.1
cafile {self.ca}
certfile {folder}/server.crt
keyfile {folder}/server.key
""")
        self.process = subprocess.Popen([MOSQUITTO, "-c", conf], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        wait_for(lambda: self.process.poll() is not None or (port_open(self.tcp) and port_open(self.tls)),
                 "mosquitto to listen")
        if self.process.poll() is not None:
            raise BenchError("mosquitto failed to start: " + self.process.stderr.read().decode(errors="replace")
                             + read(self.log))

    def _make_pki(self):
        def openssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=self.folder)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tsmqtt bench CA",
                "-keyout", "ca.key", "-out", "ca.crt")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
                "-out", "server.csr")
        with open(os.path.join(self.folder, "server.ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                    "extendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "server.ext")

    def subscribed(self, client_id):
        """True once the broker has logged a subscription by client_id."""
        return f" {client_id} 0 " in read(self.log)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()
