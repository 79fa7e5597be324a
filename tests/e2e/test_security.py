# SPDX-License-Identifier: Apache-2.0
"""Security defects of issue 13, each with the reproduction that found it: closed standard
descriptors, passwords in URLs, masking of whole values only, --insecure under -q, --ask-password
without a terminal, a TLS server that demands a client certificate."""
import os
import subprocess

import pytest

from harness import ADMIN, TSMQTT, Broker, Process, clean_env, wait_for

URL_SECRET = "S3cretInUrl77"


def admin_env(tmp_path, **extra):
    return clean_env(TSMQTT_CONFIG=tmp_path / "profiles.toml", NO_COLOR="1", TSMQTT_PASSWORD=ADMIN[1], **extra)


def admin_args(broker, transport="tcp"):
    return ["--url", broker.url(transport), "-u", ADMIN[0]]


def run(args, env, timeout=30, **kw):
    return subprocess.run([TSMQTT, *args], capture_output=True, env=env, timeout=timeout, **kw)


def one_line(result):
    err = result.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("tsmqtt: "), err
    return err


# Item 2: a descriptor 0-2 closed at start is opened on /dev/null, never taken by the socket.

def fd_target(pid, fd):
    try:
        return os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        return None


def has_socket(pid):
    try:
        return any(fd_target(pid, fd) and fd_target(pid, fd).startswith("socket:")
                   for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def closing(fd):
    return lambda: os.close(fd)


@pytest.mark.parametrize("closed", [1, 2])
def test_closed_stdout_or_stderr_is_dev_null_not_the_socket(broker, tmp_path, closed):
    topic = f"sec/fd{closed}"
    sub = Process([TSMQTT, "subscribe", "-v", *admin_args(broker), "-t", topic, "--count", "1"],
                  env=admin_env(tmp_path), preexec_fn=closing(closed))
    try:
        wait_for(lambda: has_socket(sub.proc.pid), timeout=10, what="the subscriber's socket")
        assert fd_target(sub.proc.pid, closed) == "/dev/null"
        # Subscribed once the broker lists the session; publish until the one message arrives.
        wait_for(lambda: run(["publish", *admin_args(broker), "-t", topic, "-m", "1"], admin_env(tmp_path))
                 and sub.proc.poll() is not None, timeout=15, what="the subscriber to get a message", interval=0.3)
        assert sub.wait_exit() == 0
    finally:
        sub.kill()


def test_closed_stdin_publish_exits_at_once(broker, tmp_path):
    result = run(["publish", *admin_args(broker), "-t", "sec/fd0", "-m", "1"], admin_env(tmp_path),
                 timeout=10, stdin=None, preexec_fn=closing(0))
    assert result.returncode == 0, result.stderr


# Items 3 and 4: no password in a URL, user-info masked, whole values masked only.

@pytest.mark.parametrize("where", ["option", "environment"])
def test_password_in_url_is_refused_and_never_echoed(broker, tmp_path, where):
    url = f"mqtt://alice:{URL_SECRET}@127.0.0.1:{broker.ports['tcp']}"
    env = admin_env(tmp_path, **({"TSMQTT_URL": url} if where == "environment" else {}))
    args = ["publish", *(["--url", url] if where == "option" else []), "-t", "x", "-m", "1"]
    result = run(args, env)
    assert result.returncode == 2
    line = one_line(result)
    assert "--password-file" in line and URL_SECRET not in line + result.stdout.decode()
    assert "alice" not in line


def test_password_in_a_profile_url_is_refused_and_masked_in_profile_show(broker, tmp_path):
    config = tmp_path / "profiles.toml"
    config.write_text(f'[profiles.home]\nurl = "mqtt://alice:{URL_SECRET}@127.0.0.1:{broker.ports["tcp"]}"\n')
    config.chmod(0o600)
    env = admin_env(tmp_path)
    result = run(["publish", "--profile", "home", "-t", "x", "-m", "1"], env)
    assert result.returncode == 7  # like any bad value in a profile file: a configuration error
    assert URL_SECRET not in one_line(result)
    shown = run(["profile", "show", "home"], env)
    assert shown.returncode == 0
    out = shown.stdout.decode()
    assert f"url = mqtt://****@127.0.0.1:{broker.ports['tcp']}" in out and URL_SECRET not in out


def test_a_password_that_is_part_of_the_host_name_does_not_change_it(tmp_path):
    env = clean_env(TSMQTT_CONFIG=tmp_path / "profiles.toml", TSMQTT_PASSWORD="thingspeak")
    result = run(["publish", "-v", "--dry-run", "-t", "x", "-m", "1"], env)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "host mqtt3.thingspeak.com" in out and "endpoint ssl://mqtt3.thingspeak.com:8883" in out
    assert "password ****ak" in out
    assert "****" not in out.replace("password ****ak", "")


def test_a_secret_standing_as_a_value_is_masked_everywhere(tmp_path):
    env = clean_env(TSMQTT_CONFIG=tmp_path / "profiles.toml", TSMQTT_WRITE_KEY="thingspeak")
    result = run(["publish", "--dry-run", "-c", "1001", "field1=1"], env)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "channels/1001/publish/****ak" in out and "mqtt3.thingspeak.com" in out


# Item 8: the loud warning of --insecure; --ask-password without a terminal.

def test_insecure_warns_even_under_quiet(broker, tmp_path):
    result = run(["publish", "-q", "--insecure", *admin_args(broker, "tls"), "-t", "sec/insecure", "-m", "1"],
                 admin_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "WARNING: --insecure" in one_line(result)


def test_ask_password_without_a_terminal_is_a_config_error(broker, tmp_path):
    env = clean_env(TSMQTT_CONFIG=tmp_path / "profiles.toml")
    result = run(["publish", "--ask-password", "--url", broker.url("tcp"), "-u", ADMIN[0], "-t", "x", "-m", "1"],
                 env, start_new_session=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 7
    assert "--ask-password needs a terminal" in one_line(result)


# Item 8: a TLS server that demands a client certificate.

class ClientCertBroker(Broker):
    def config(self):
        tls = f"cafile {self.pki['ca']}\n"
        # Only the TLS listener (the first that names the CA) demands a client certificate.
        return super().config().replace(tls, tls + "require_certificate true\n", 1)


@pytest.fixture(scope="module")
def client_cert_broker():
    b = ClientCertBroker()
    yield b
    b.close()


def test_missing_client_certificate_is_named(client_cert_broker, tmp_path):
    result = run(["publish", *admin_args(client_cert_broker, "tls"), "--cafile", client_cert_broker.pki["ca"],
                  "--connect-timeout", "5", "-t", "x", "-m", "1"], admin_env(tmp_path))
    assert result.returncode == 4
    line = one_line(result)
    assert "client certificate" in line and "--cert" in line, line


# Items 5-7: the profile file and password files are checked as ssh checks a key; the store is
# locked around read-modify-rename.

def profile_env(config):
    return clean_env(TSMQTT_CONFIG=config, NO_COLOR="1")


def private_profile(path):
    path.write_text('[profiles.home]\nhost = "127.0.0.1"\n')
    path.chmod(0o600)
    return path


def test_profile_file_of_another_user_is_refused(tmp_path):
    config = private_profile(tmp_path / "profiles.toml")
    os.chown(config, 65534, 65534)
    result = run(["profile", "list"], profile_env(config))
    assert result.returncode == 7
    assert "belongs to another user" in one_line(result)


def test_profile_file_in_a_folder_others_can_write_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    config = private_profile(shared / "profiles.toml")
    result = run(["publish", "--dry-run", "-t", "x", "-m", "1"], profile_env(config))
    assert result.returncode == 7
    assert "in a folder others can write" in one_line(result)


@pytest.mark.parametrize("command", [["profile", "list"], ["publish", "--dry-run", "-t", "x", "-m", "1"]])
def test_fifo_as_profile_file_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "profiles.toml"
    os.mkfifo(fifo, 0o600)
    result = run(command, profile_env(fifo), timeout=10)
    assert result.returncode == 7
    assert "is a FIFO, not a regular file" in one_line(result)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_password_file_that_is_not_a_regular_file_is_refused_at_once(tmp_path, kind):
    path = {"fifo": tmp_path / "pw", "device": "/dev/zero", "folder": str(tmp_path)}[kind]
    if kind == "fifo":
        os.mkfifo(path, 0o600)
    for command in (["publish", "--dry-run", "-t", "x", "-m", "1"], ["profile", "add", "p"]):
        result = run([*command, "--password-file", str(path)], profile_env(tmp_path / "profiles.toml"), timeout=10)
        assert result.returncode == 7, (command, result.stderr)
        assert "not a regular file" in one_line(result)


def test_a_huge_password_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "pw"
    big.write_bytes(b"x" * 10_000_000)
    result = run(["publish", "--dry-run", "-t", "x", "-m", "1", "--password-file", str(big)],
                 profile_env(tmp_path / "profiles.toml"))
    assert result.returncode == 7
    assert "too long (more than 4096 bytes)" in one_line(result)


def test_twenty_concurrent_profile_adds_all_land(tmp_path):
    config = tmp_path / "profiles.toml"
    env = profile_env(config)
    procs = [subprocess.Popen([TSMQTT, "profile", "add", f"p{i}", "--url", "tcp://127.0.0.1:1883"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
             for i in range(20)]
    try:
        codes = [p.wait(timeout=60) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, 9)
                p.wait()
        for p in procs:
            p.stdout.close()
            p.stderr.close()
    assert codes == [0] * 20
    listed = run(["profile", "list"], env).stdout.decode().split("\n")
    names = {line.split()[0] for line in listed if line}
    assert names == {f"p{i}" for i in range(20)}


# Item 8: --cafile replaces the system store (OpenSSL's SSL_CERT_FILE stands in for it here).

def test_cafile_replaces_the_system_store(broker, tmp_path):
    env = admin_env(tmp_path, SSL_CERT_FILE=broker.pki["ca"])
    args = ["publish", *admin_args(broker, "tls"), "--connect-timeout", "5", "-t", "sec/ca", "-m", "1"]
    assert run(args, env).returncode == 0  # the system store alone trusts the broker's CA
    result = run([*args, "--cafile", broker.pki["other_ca"]], env)
    assert result.returncode == 4
    assert "signed by an unknown CA" in one_line(result)


def test_a_url_user_name_is_the_username(broker, tmp_path):
    url = f"mqtt://{ADMIN[0]}@127.0.0.1:{broker.ports['tcp']}"
    result = run(["publish", "-v", "--url", url, "-t", "sec/user", "-m", "1"], admin_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"username {ADMIN[0]} (command line (url))" in result.stderr.decode()
