# SPDX-License-Identifier: Apache-2.0
import os
import subprocess

import pytest

import harness

from harness import ADMIN, DEVICES, TSMQTT, Broker, Process, clean_env, start_relay  # noqa: F401

TRANSPORTS = ["tcp", "tls", "ws", "wss"]


# Nothing a test, a test file or the session starts outlives it: each process is killed at the
# end of the scope of the fixture that started it (a test's own: at the end of the test).
@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef):
    harness.SCOPES.append(fixturedef.scope)
    try:
        yield
    finally:
        harness.SCOPES.pop()


@pytest.fixture(scope="session", autouse=True)
def reap_session_processes():
    yield
    harness.reap({"function", "class", "module", "package", "session"})


@pytest.fixture(scope="module", autouse=True)
def reap_file_processes():
    yield
    harness.reap({"function", "class", "module"})


@pytest.fixture(autouse=True)
def reap_test_processes():
    yield
    harness.reap({"function"})


@pytest.fixture(scope="session")
def broker():
    b = Broker()
    yield b
    b.close()


@pytest.fixture
def private_broker():
    """A broker of the test's own, for tests that stop or restart it."""
    b = Broker()
    yield b
    b.close()


@pytest.fixture(scope="session")
def relay(broker):
    r = start_relay(broker, "--write-key", "3003=LEGACYWRITEKEY1", "--read-key", "3003=LEGACYREADKEY1",
                    "--channel", "1001", "--channel", "2002", "--channel", "3003")
    yield r
    r.signal(15)
    r.wait_exit()


class Tsmqtt:
    """Runs the real tsmqtt binary with a private config file and the given broker."""

    def __init__(self, broker, tmp_path):
        self.broker = broker
        self.config = tmp_path / "profiles.toml"
        self.tmp = tmp_path

    def env(self, user="device1", password=None, **extra):
        env = clean_env(TSMQTT_CONFIG=self.config, NO_COLOR="1", **extra)
        if user is not None:
            env["TSMQTT_PASSWORD"] = password if password is not None else self.password(user)
        return env

    @staticmethod
    def password(user):
        if user == ADMIN[0]:
            return ADMIN[1]
        return DEVICES[user][0]

    def connection(self, transport="tcp", user="device1"):
        args = ["--url", self.broker.url(transport)]
        if transport in ("tls", "wss"):
            args += ["--cafile", self.broker.pki["ca"]]
        if user is not None:
            args += ["-u", user]
        return args

    def run(self, *args, input=None, env=None, timeout=30, transport="tcp", user="device1", connect=True):
        cmd = [TSMQTT, *args[:1], *(self.connection(transport, user) if connect else []), *args[1:]]
        return subprocess.run(cmd, input=input, capture_output=True, env=env or self.env(user), timeout=timeout)

    def start(self, *args, env=None, transport="tcp", user="device1", connect=True, stdin=subprocess.DEVNULL):
        cmd = [TSMQTT, *args[:1], *(self.connection(transport, user) if connect else []), *args[1:]]
        return Process(cmd, env=env or self.env(user), stdin=stdin)

    def subscriber(self, *args, transport="tcp", user="device1", env=None):
        """A tsmqtt subscribe that is known to be subscribed when this returns."""
        proc = self.start("subscribe", "-v", *args, transport=transport, user=user, env=env)
        proc.wait_stderr("subscribed to")
        return proc


@pytest.fixture
def tsmqtt(broker, tmp_path):
    return Tsmqtt(broker, tmp_path)


def pytest_sessionstart(session):
    # Skip (ctest SKIP_RETURN_CODE 77) only where the broker is missing, and never under CI.
    import shutil
    from harness import MOSQUITTO
    if not os.path.exists(MOSQUITTO) and not shutil.which("mosquitto"):
        if os.environ.get("CI"):
            pytest.exit("mosquitto is missing, and CI must not skip the broker tests", returncode=1)
        pytest.exit("mosquitto is missing: install the Debian package 'mosquitto' (skipping)", returncode=77)


# Secrets never reach an output: everything any tsmqtt process of this session printed is
# scanned for the passwords the broker knows, whatever the test was about.
SECRETS = [password for password, _ in harness.DEVICES.values()] + [ADMIN[1], harness.RELAY_USER[1],
                                                                     "LEGACYREADKEY1"]
_CAPTURED = []
_real_run = subprocess.run


def _recording_run(*args, **kwargs):
    result = _real_run(*args, **kwargs)
    cmd = args[0] if args else kwargs.get("args")
    if cmd and str(cmd[0]) == TSMQTT:
        _CAPTURED.append((cmd, result.stdout, result.stderr))
    return result


subprocess.run = _recording_run


def scan_for_secrets(captured):
    leaks = []
    for cmd, *outputs in captured:
        for output in outputs:
            if output is None:
                continue
            text = output if isinstance(output, str) else bytes(output).decode("utf-8", "replace")
            leaks += [(cmd, secret) for secret in SECRETS if secret in text]
    return leaks


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_output():
    yield
    captured = list(_CAPTURED)
    for proc in harness.STARTED:
        if proc.cmd and str(proc.cmd[0]) == TSMQTT:
            captured.append((proc.cmd, "\n".join(proc.out), "\n".join(proc.err)))
    leaks = scan_for_secrets(captured)
    assert not leaks, f"a password appeared in tsmqtt's output: {leaks[:3]}"
