# SPDX-License-Identifier: Apache-2.0
"""profile: saved connections and credentials, imported from ThingSpeak files, used by publish
and subscribe through the password-protected broker, refused when unsafe or corrupt, and never
leaked: not in -vvv, not in `profile show`, not in --dry-run, not in an error."""
import itertools
import json
import os
import stat

import pytest

from harness import DEVICES, TSMQTT, Process, clean_env
from profile_support import (assert_no_secret, env_for, run, run_on_pty, write_secrets_header,
                             write_secrets_plain)

USER = "device1"
PASSWORD, CHANNEL = DEVICES[USER]
WRONG_PASSWORD = "not-the-device1-password"
WRITE_KEY = "PROFILEWRITEKEY9"
READ_KEY = "PROFILEREADKEY77"
SECRETS = (PASSWORD, WRITE_KEY, READ_KEY, WRONG_PASSWORD)


@pytest.fixture
def config(tmp_path):
    return tmp_path / "profiles.toml"


@pytest.fixture
def env(config):
    return env_for(config)


def add_profile(env, name, *options, input=None):
    result = run(["profile", "add", name, *options], env, input=input)
    assert result.code == 0, result.err
    return result


_password_files = itertools.count()


def password_file(tmp_path, password=PASSWORD):
    path = tmp_path / f"password-{next(_password_files)}"
    path.write_text(password + "\n")
    return str(path)


def device_profile(env, tmp_path, broker, *extra, name="dev", password=PASSWORD):
    """A profile holding everything publish and subscribe need for device1 on the local broker."""
    options = ["--url", broker.url("tcp"), "-u", USER, "-i", f"{name}-client", "-c", str(CHANNEL), *extra]
    if password is not None:
        options += ["--password-file", password_file(tmp_path, password)]
    return add_profile(env, name, *options)


def raw_watcher(tsmqtt, tmp_path, count=1):
    """An admin subscriber to what device1 publishes, with a profile file of its own, so the
    profiles under test (and their client IDs) stay out of it."""
    watch_env = tsmqtt.env("admin")
    watch_env["TSMQTT_CONFIG"] = str(tmp_path / "watcher" / "profiles.toml")
    return tsmqtt.subscriber("--topic", f"channels/{CHANNEL}/publish", "--format", "json", "--count", str(count),
                             "--timeout", "20", user="admin", env=watch_env)


def payloads(watcher):
    assert watcher.wait_exit() == 0, watcher.stderr
    return [json.loads(line)["payload"] for line in watcher.out]


def lines(text):
    return [line.removeprefix("tsmqtt: ") for line in text.splitlines()]


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


# --- import and use ---------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["mqtt_secrets.h", "plain text"])
def test_imported_credentials_publish_and_subscribe_through_the_broker(broker, relay, tmp_path, env, config,
                                                                      form):
    writer = write_secrets_header if form == "mqtt_secrets.h" else write_secrets_plain
    secrets = writer(tmp_path / "credentials", USER, "device1-imported", PASSWORD)
    imported = run(["profile", "import", "sensor", str(secrets), "--url", broker.url("tcp"), "-c", str(CHANNEL)], env)
    assert imported.code == 0, imported.err
    assert f"saved profile 'sensor' in {config} (default)" in imported.err
    assert mode_of(config) == 0o600
    assert_no_secret(imported, SECRETS, "import")

    # Only the profile says where, who and which channel: no connection option, no environment.
    sub = Process([TSMQTT, "subscribe", "-v", "--format", "json", "--count", "1", "--timeout", "20"], env=env)
    sub.wait_stderr("subscribed to channels/1001/subscribe")
    # The same device's client ID twice would make the broker drop the first connection.
    pub = run(["publish", "-i", "device1-publisher", f"field1={form}", "--status", "via profile"], env)
    assert pub.code == 0, pub.err
    assert sub.wait_exit() == 0, sub.stderr
    entry = json.loads(sub.out[0])
    assert (entry["channel_id"], entry["field1"], entry["status"]) == (CHANNEL, form, "via profile")

    said = lines(sub.stderr)
    assert "profile 'sensor' (default) from " + str(config) in said
    assert "client-id device1-imported (profile 'sensor')" in said
    assert "username device1 (profile 'sensor')" in said
    assert f"password ****{PASSWORD[-2:]} (profile 'sensor')" in said
    for output in (sub.stdout + sub.stderr, pub.all):
        assert PASSWORD not in output


@pytest.mark.parametrize("text,missing", [
    ('#define SECRET_MQTT_USERNAME "device1"\n#define SECRET_MQTT_CLIENT_ID "c"\n', "password"),
    (f"username = device1\npassword = {PASSWORD}\n", "client ID"),
    ("nothing useful here\n", "no ThingSpeak device credentials found"),
])
def test_import_of_incomplete_credentials_names_what_is_missing(tmp_path, env, config, text, missing):
    path = tmp_path / "mqtt_secrets.h"
    path.write_text(text)
    result = run(["profile", "import", "sensor", str(path)], env)
    assert result.code == 7
    assert missing in result.err and str(path) in result.err
    assert result.err.count("\n") == 1
    assert not config.exists()
    assert_no_secret(result, SECRETS, "import error")


# --- unsafe and corrupt files -----------------------------------------------------------------

@pytest.mark.parametrize("mode", [0o644, 0o640, 0o660, 0o604])
def test_a_profile_file_open_to_others_is_refused_with_the_chmod_that_fixes_it(tmp_path, env, config, broker,
                                                                               mode):
    device_profile(env, tmp_path, broker)
    os.chmod(config, mode)
    for args in (["profile", "list"], ["profile", "show", "dev"], ["profile", "add", "other", "-H", "h"],
                 ["publish", "--dry-run", "field1=1"], ["subscribe", "--dry-run"],
                 ["publish", "--dry-run", "-c", "5", "field1=1", "--url", "tcp://127.0.0.1:1"]):
        result = run(args, env)
        assert result.code == 7, (args, result.err)
        assert result.err.strip() == (f"tsmqtt: profile file {config} is "
                                      f"{'readable' if mode & 0o044 else 'writable'} by others "
                                      f"(mode {mode:04o}); run: chmod 600 {config}")
        assert result.out == ""
    assert mode_of(config) == mode
    assert "other" not in config.read_text()
    os.chmod(config, 0o600)
    assert run(["profile", "list"], env).out == "dev  (default)\n"


CORRUPT = [
    ('default = "home"\n\n[profiles.home]\nhost = "broker.example\nusername = "u"\n', 4),
    ('default = "home"\n\n[profiles.home]\nusername = "u"\nhots = "typo.example"\n', 5),
    ('[profiles.home]\nport = "1883"\n[profiles.home]\nport = "1884"\n', 3),
]


@pytest.mark.parametrize("text,line", CORRUPT, ids=["syntax", "unknown-key", "duplicate-table"])
def test_a_corrupt_file_names_the_line_and_survives_a_later_add_byte_for_byte(tmp_path, env, config, text, line):
    config.write_text(text)
    os.chmod(config, 0o600)
    before = config.read_bytes()
    for args in (["profile", "add", "work", "-H", "work.example", "-u", "me"], ["profile", "list"],
                 ["profile", "default", "home"], ["profile", "remove", "home"],
                 ["publish", "--dry-run", "-c", "1", "field1=1"]):
        result = run(args, env)
        assert result.code == 7, (args, result.err)
        assert f"{config}:{line}:" in result.err, result.err
        assert result.err.count("\n") == 1
    assert config.read_bytes() == before
    # no temp file left behind; the lock file of concurrent updates stays
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "profiles.toml.lock") == ["profiles.toml"]


# --- password sources -------------------------------------------------------------------------

def test_password_file_dash_reads_standard_input(tsmqtt, broker, tmp_path, env, config):
    device_profile(env, tmp_path, broker, password=None)
    watcher = raw_watcher(tsmqtt, tmp_path)
    result = run(["publish", "-v", "--password-file", "-", "field1=from-stdin"], env, input=(PASSWORD + "\n").encode())
    assert result.code == 0, result.err
    assert f"password ****{PASSWORD[-2:]} (--password-file - (standard input))" in lines(result.err)
    assert payloads(watcher) == ["field1=from-stdin"]
    assert_no_secret(result, SECRETS, "publish --password-file -")

    refused = run(["publish", "--password-file", "-", "field1=x"], env, input=WRONG_PASSWORD.encode())
    assert refused.code == 5, refused.err
    assert_no_secret(refused, SECRETS, "refused")

    both = run(["publish", "--password-file", "-", "--stdin"], env, input=b"1\n")
    assert both.code == 2
    assert "--password-file - and --stdin both want standard input" in both.err

    # profile add takes the same source and keeps the password in the profile file.
    add_profile(env, "piped", "-u", USER, "--password-file", "-", input=(PASSWORD + "\n").encode())
    shown = run(["profile", "show", "piped"], env)
    assert f"password = ****{PASSWORD[-2:]}" in shown.out.splitlines()
    assert f'password = "{PASSWORD}"' in config.read_text()
    assert_no_secret(shown, SECRETS, "show")


def test_tsmqtt_password_beats_the_profile_and_the_command_line_beats_both(tsmqtt, broker, tmp_path, env):
    device_profile(env, tmp_path, broker, password=WRONG_PASSWORD)
    watcher = raw_watcher(tsmqtt, tmp_path)

    from_profile = run(["publish", "field1=profile"], env)
    assert from_profile.code == 5, from_profile.err  # the profile's (wrong) password was used

    env_password = dict(env, TSMQTT_PASSWORD=PASSWORD)
    from_env = run(["publish", "-v", "field1=environment"], env_password)
    assert from_env.code == 0, from_env.err
    assert f"password ****{PASSWORD[-2:]} (environment TSMQTT_PASSWORD)" in lines(from_env.err)
    assert payloads(watcher) == ["field1=environment"]

    wrong_file = password_file(tmp_path, WRONG_PASSWORD)
    from_cli = run(["publish", "-v", "--password-file", wrong_file, "field1=cli"], env_password)
    assert from_cli.code == 5, from_cli.err
    assert f"password ****{WRONG_PASSWORD[-2:]} (--password-file {wrong_file})" in lines(from_cli.err)
    for result in (from_profile, from_env, from_cli):
        assert_no_secret(result, SECRETS, "password precedence")


def test_ask_password_prompts_on_the_terminal_without_echo_and_connects(tsmqtt, broker, tmp_path, env):
    device_profile(env, tmp_path, broker, password=None)
    watcher = raw_watcher(tsmqtt, tmp_path)
    session = run_on_pty(["publish", "-v", "--ask-password", "field1=typed"], env, PASSWORD.encode())
    transcript = session.transcript.decode(errors="replace")
    assert session.code == 0, transcript
    assert transcript.startswith("Password: ")
    assert PASSWORD not in transcript  # not echoed, not printed
    assert f"password ****{PASSWORD[-2:]} (--ask-password)" in transcript
    assert payloads(watcher) == ["field1=typed"]


def test_ask_password_without_a_terminal_is_a_config_error(tmp_path, env, broker):
    device_profile(env, tmp_path, broker, password=None)
    for args in (["publish", "--ask-password", "field1=1"], ["subscribe", "--ask-password", "--count", "1"],
                 ["profile", "add", "other", "--ask-password"]):
        result = run(args, env, input=(PASSWORD + "\n").encode())  # stdin is no terminal: never read
        assert result.code == 7, (args, result.err)
        assert result.err == ("tsmqtt: --ask-password needs a terminal to prompt on; use --password-file FILE "
                              "(- = stdin) or TSMQTT_PASSWORD\n")
        assert result.out == ""


# --- precedence -------------------------------------------------------------------------------

def test_dry_run_names_the_source_of_every_setting(tmp_path, env, config, broker):
    device_profile(env, tmp_path, broker, "--keepalive", "30", "--label", "1=Temperature")
    tcp = broker.ports["tcp"]

    plain = run(["publish", "--dry-run", "field1=1"], env)
    assert plain.code == 0, plain.err
    said = lines(plain.out)
    for line in (f"profile 'dev' (default) from {config}", f"endpoint tcp://127.0.0.1:{tcp}",
                 "transport tcp (profile 'dev' (url))", "host 127.0.0.1 (profile 'dev' (url))",
                 f"port {tcp} (profile 'dev' (url))", "client-id dev-client (profile 'dev')",
                 "keepalive 30 (profile 'dev')", "connect-timeout 10 (default)", "mqtt-version 3.1.1 (default)",
                 "channel 1001 (profile 'dev')", "publish channels/1001/publish qos 0: field1=1"):
        assert line in said, (line, said)

    # The host the profile names (any other would leave the profile out: test_credentials.py).
    with_env = dict(env, TSMQTT_HOST="127.0.0.1", TSMQTT_KEEPALIVE="40", TSMQTT_CHANNEL="2002",
                    TSMQTT_CLIENT_ID="env-client")
    overridden = run(["publish", "--dry-run", "field1=1"], with_env)
    said = lines(overridden.out)
    for line in (f"endpoint tcp://127.0.0.1:{tcp}", "host 127.0.0.1 (environment TSMQTT_HOST)",
                 f"port {tcp} (profile 'dev' (url))", "keepalive 40 (environment TSMQTT_KEEPALIVE)",
                 "client-id env-client (environment TSMQTT_CLIENT_ID)", "channel 2002 (environment TSMQTT_CHANNEL)",
                 "publish channels/2002/publish qos 0: field1=1"):
        assert line in said, (line, said)

    command_line = run(["publish", "--dry-run", "-H", "127.0.0.1", "--keepalive", "50", "-c", "3003",
                        "field1=1"], with_env)
    said = lines(command_line.out)
    for line in (f"endpoint tcp://127.0.0.1:{tcp}", "host 127.0.0.1 (command line)",
                 "keepalive 50 (command line)", "client-id env-client (environment TSMQTT_CLIENT_ID)",
                 "channel 3003 (command line)", "publish channels/3003/publish qos 0: field1=1"):
        assert line in said, (line, said)

    # A whole --url on the command line replaces the profile's endpoint, parts and sources.
    url = run(["subscribe", "--dry-run", "--url", "wss://127.0.0.1/ws"], env)
    said = lines(url.out)
    for line in ("endpoint wss://127.0.0.1:443/ws", "transport wss (command line (url))",
                 "host 127.0.0.1 (command line (url))", "port 443 (default for wss)",
                 "ws-path /ws (command line (url))", "subscribe channels/1001/subscribe qos 0"):
        assert line in said, (line, said)
    # Another host: the profile is not used at all, its channel and client ID included.
    other = run(["subscribe", "--dry-run", "-c", "5", "--url", "wss://cli.example/ws"], env)
    said = lines(other.out)
    assert said[0] == "profile 'dev' not used: it is for 127.0.0.1, not cli.example", said
    assert "channel 5 (command line)" in said and "username none" in said, said
    for result in (plain, overridden, command_line, url, other):
        assert result.code == 0, result.err
        assert_no_secret(result, SECRETS, "dry run")


def test_verbose_says_where_the_endpoint_came_from_and_the_winner_is_used(tmp_path, env, broker):
    # The profile points at a closed port: only an override can reach the broker.
    add_profile(env, "dev", "--url", "tcp://127.0.0.1:1", "-u", USER, "-c", str(CHANNEL),
                "--password-file", password_file(tmp_path))
    tcp = str(broker.ports["tcp"])

    unreachable = run(["publish", "-v", "field1=1"], env)
    assert unreachable.code == 3, unreachable.err
    assert "port 1 (profile 'dev' (url))" in lines(unreachable.err)

    from_env = run(["publish", "-v", "field1=1"], dict(env, TSMQTT_PORT=tcp))
    assert from_env.code == 0, from_env.err
    assert f"port {tcp} (environment TSMQTT_PORT)" in lines(from_env.err)
    assert "host 127.0.0.1 (profile 'dev' (url))" in lines(from_env.err)

    from_cli = run(["publish", "-v", "--port", tcp, "field1=1"], dict(env, TSMQTT_PORT="1"))
    assert from_cli.code == 0, from_cli.err
    assert f"port {tcp} (command line)" in lines(from_cli.err)

    # An invalid value names the variable it came from.
    bad = run(["publish", "field1=1"], dict(env, TSMQTT_PORT="eighty"))
    assert bad.code == 2
    assert bad.err == "tsmqtt: environment TSMQTT_PORT: invalid --port 'eighty': expected a number from 1 to 65535\n"


# --- managing profiles ------------------------------------------------------------------------

def test_list_marks_the_default_and_default_and_remove_change_it(tmp_path, env, config):
    assert run(["profile", "list"], env).out == ""
    add_profile(env, "alpha", "-H", "alpha.example")
    add_profile(env, "beta", "-H", "beta.example")
    add_profile(env, "gamma.2", "-H", "gamma.example", "--default")
    assert run(["profile", "list"], env).out == "alpha\nbeta\ngamma.2  (default)\n"

    made = run(["profile", "default", "beta"], env)
    assert made.code == 0 and "'beta' is now the default profile" in made.err
    assert run(["profile", "list"], env).out == "alpha\nbeta  (default)\ngamma.2\n"
    assert "host beta.example (profile 'beta')" in lines(run(["subscribe", "--dry-run", "-c", "1"], env).out)
    chosen = run(["subscribe", "--dry-run", "-c", "1"], dict(env, TSMQTT_PROFILE="alpha"))
    assert "profile 'alpha' (TSMQTT_PROFILE) from " + str(config) in lines(chosen.out)
    chosen = run(["subscribe", "--dry-run", "-c", "1", "--profile", "gamma.2"], dict(env, TSMQTT_PROFILE="alpha"))
    assert "host gamma.example (profile 'gamma.2')" in lines(chosen.out)

    removed = run(["profile", "remove", "beta"], env)
    assert removed.code == 0 and "removed profile 'beta'" in removed.err
    assert run(["profile", "list"], env).out == "alpha\ngamma.2\n"
    assert "profile none" in lines(run(["subscribe", "--dry-run", "-c", "1"], env).out)
    assert mode_of(config) == 0o600


def test_unknown_profiles_exit_7(tmp_path, env, config):
    add_profile(env, "home", "-H", "home.example")
    cases = [
        (["profile", "show", "nope"], "unknown profile 'nope'"),
        (["profile", "remove", "nope"], "unknown profile 'nope'"),
        (["profile", "default", "nope"], "unknown profile 'nope' (profiles: home)"),
        (["publish", "--profile", "nope", "--dry-run", "-c", "1", "field1=1"], "unknown profile 'nope'"),
        (["subscribe", "--profile", "nope", "--dry-run", "-c", "1"], "unknown profile 'nope'"),
    ]
    for args, words in cases:
        result = run(args, env)
        assert result.code == 7, (args, result.err)
        assert words in result.err and result.err.count("\n") == 1
    by_env = run(["subscribe", "--dry-run", "-c", "1"], dict(env, TSMQTT_PROFILE="nope"))
    assert by_env.code == 7 and "unknown profile 'nope' (from TSMQTT_PROFILE" in by_env.err
    assert run(["profile", "add", "bad/name"], env).code == 2


def test_profile_show_masks_every_secret_and_shows_the_rest(tmp_path, env, broker):
    device_profile(env, tmp_path, broker, "--write-key", WRITE_KEY, "--read-key", READ_KEY,
                   "--label", "2=Humidity")
    shown = run(["profile", "show", "dev"], env)
    assert shown.code == 0, shown.err
    assert shown.out.splitlines() == [
        "[dev]  (default)", f"url = {broker.url('tcp')}", "client-id = dev-client", "username = device1",
        f"password = ****{PASSWORD[-2:]}", "channel = 1001", f"write-key = ****{WRITE_KEY[-2:]}",
        f"read-key = ****{READ_KEY[-2:]}", "label 2 = Humidity"]
    assert_no_secret(shown, SECRETS, "show")


# --- where the file lives ---------------------------------------------------------------------

def fallback_env(**values):
    """No TSMQTT_CONFIG, XDG_CONFIG_HOME or HOME but those given."""
    env = {k: v for k, v in clean_env().items() if k not in ("XDG_CONFIG_HOME", "HOME")}
    env.update({k: str(v) for k, v in values.items()})
    return env


def test_the_file_lives_under_xdg_config_home_else_home_and_tsmqtt_config_wins(tmp_path):
    xdg, home = tmp_path / "xdg", tmp_path / "home"
    home.mkdir()

    assert run(["profile", "add", "x", "-H", "xdg.example"], fallback_env(XDG_CONFIG_HOME=xdg, HOME=home)).code == 0
    xdg_file = xdg / "tsmqtt" / "profiles.toml"
    assert mode_of(xdg_file) == 0o600 and mode_of(xdg_file.parent) == 0o700
    assert not (home / ".config").exists()

    # No XDG_CONFIG_HOME, or a relative one (the XDG spec says to ignore it): ~/.config.
    for env in (fallback_env(HOME=home), fallback_env(HOME=home, XDG_CONFIG_HOME="relative/dir")):
        assert run(["profile", "add", "h", "-H", "home.example"], env).code == 0
    home_file = home / ".config" / "tsmqtt" / "profiles.toml"
    assert mode_of(home_file) == 0o600 and mode_of(home_file.parent) == 0o700
    assert run(["profile", "list"], fallback_env(HOME=home)).out == "h  (default)\n"
    assert run(["profile", "list"], fallback_env(XDG_CONFIG_HOME=xdg, HOME=home)).out == "x  (default)\n"
    assert "host xdg.example (profile 'x')" in lines(
        run(["publish", "--dry-run", "-c", "1", "field1=1"], fallback_env(XDG_CONFIG_HOME=xdg, HOME=home)).out)

    own = tmp_path / "own" / "p.toml"
    assert run(["profile", "add", "c", "-H", "own.example"],
               fallback_env(TSMQTT_CONFIG=own, XDG_CONFIG_HOME=xdg, HOME=home)).code == 0
    assert mode_of(own) == 0o600
    assert run(["profile", "list"], fallback_env(XDG_CONFIG_HOME=xdg, HOME=home)).out == "x  (default)\n"


def test_without_home_a_command_needing_no_profile_still_runs(tmp_path):
    env = fallback_env()
    result = run(["publish", "--dry-run", "-c", "1", "field1=1"], env)
    assert result.code == 0, result.err
    assert "profile none" in lines(result.out)
    named = run(["publish", "--dry-run", "-c", "1", "field1=1"], fallback_env(TSMQTT_PROFILE="home"))
    assert named.code == 7
    assert "set HOME, XDG_CONFIG_HOME or TSMQTT_CONFIG" in named.err


# --- no secret in any output ------------------------------------------------------------------

def test_no_secret_reaches_any_output_at_any_verbosity(tsmqtt, broker, tmp_path, env):
    device_profile(env, tmp_path, broker, "--write-key", WRITE_KEY, "--read-key", READ_KEY)
    keys_env = dict(env, TSMQTT_WRITE_KEY=WRITE_KEY, TSMQTT_READ_KEY=READ_KEY)
    two_lines = password_file(tmp_path, PASSWORD + "\n" + PASSWORD)
    runs = {
        "show": run(["profile", "show", "dev"], env),
        "list": run(["profile", "list"], env),
        "publish -vvv": run(["publish", "-vvv", "field1=1"], env),
        "publish --field -vvv": run(["publish", "-vvv", "--field", "2", "5"], keys_env),
        "subscribe -vvv": run(["subscribe", "-vvv", "--timeout", "0.3"], env),
        "publish --dry-run -vvv": run(["publish", "--dry-run", "-vvv", "field1=1", "--status", "s"], env),
        "subscribe --dry-run -vvv": run(["subscribe", "--dry-run", "-vvv", "--field", "all"], keys_env),
        "env password --dry-run": run(["publish", "--dry-run", "-vvv", "field1=1"],
                                      dict(env, TSMQTT_PASSWORD=PASSWORD)),
        "refused -vvv": run(["publish", "-vvv", "-u", "device2", "field1=1"], env),
        "unreachable -vvv": run(["publish", "-vvv", "--port", "1", "field1=1"], env),
        "two-line password file": run(["publish", "-vvv", "--password-file", two_lines, "field1=1"], env),
        "profile add, bad password": run(["profile", "add", "bad", "--password-file", two_lines], env),
        "profile add, bad key": run(["profile", "add", "bad", "--write-key", WRITE_KEY + "/x"], env),
    }
    expected = {"publish -vvv": 0, "publish --field -vvv": 0, "subscribe -vvv": 6, "refused -vvv": 5,
                "unreachable -vvv": 3, "two-line password file": 7, "profile add, bad password": 7,
                "profile add, bad key": 2}
    for what, result in runs.items():
        assert result.code == expected.get(what, 0), (what, result.err)
        assert_no_secret(result, SECRETS, what)
    assert f"****{WRITE_KEY[-2:]}" in runs["publish --dry-run -vvv"].out
    assert f"publish channels/1001/publish/****{WRITE_KEY[-2:]} qos 0: field1=1&status=s" in \
        lines(runs["publish --dry-run -vvv"].out)
    assert f"subscribe channels/1001/subscribe/fields/+/****{READ_KEY[-2:]} qos 0" in \
        lines(runs["subscribe --dry-run -vvv"].out)
    assert f"password ****{PASSWORD[-2:]} (profile 'dev')" in lines(runs["publish -vvv"].err)
