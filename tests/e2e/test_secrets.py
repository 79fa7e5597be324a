# SPDX-License-Identifier: Apache-2.0
"""No secret in any output at any verbosity: every command of the stories, at -vvv, with the
password, write key and read key given every way tsmqtt accepts them."""
import subprocess

from conftest import scan_for_secrets, SECRETS
from harness import TSMQTT

WRITE_KEY = "WRITEKEYSECRET77"
READ_KEY = "READKEYSECRET88"


def test_no_secret_appears_anywhere_at_highest_verbosity(tsmqtt, broker, relay, tmp_path):
    password = tsmqtt.password("device1")
    password_file = tmp_path / "pw"
    password_file.write_text(password + "\n")
    secrets_h = tmp_path / "mqtt_secrets.h"
    secrets_h.write_text(f'#define SECRET_MQTT_USERNAME "device1"\n#define SECRET_MQTT_CLIENT_ID "dev-1"\n'
                         f'#define SECRET_MQTT_PASSWORD "{password}"\n')
    env = tsmqtt.env(user=None)
    env_pw = tsmqtt.env("device1", TSMQTT_WRITE_KEY=WRITE_KEY, TSMQTT_READ_KEY=READ_KEY)
    url = ["--url", broker.url("tls"), "--cafile", broker.pki["ca"], "-u", "device1"]
    commands = [
        (["publish", "-vvv", *url, "--password-file", str(password_file), "-c", "1001", "field1=1"], None, env),
        (["publish", "-vvv", *url, "--password-file", "-", "-c", "1001", "field1=2"], password.encode(), env),
        (["publish", "-vvv", *url, "-c", "1001", "field1=3", "--dry-run"], None, env_pw),
        (["publish", "-vvv", *url, "-c", "1001", "--write-key", WRITE_KEY, "field1=4", "--dry-run"], None, env_pw),
        (["subscribe", "-vvv", *url, "-c", "1001", "--read-key", READ_KEY, "--dry-run"], None, env_pw),
        (["subscribe", "-vvv", *url, "-c", "1001", "--count", "1", "--timeout", "2"], None, env_pw),
        (["publish", "-vvv", "--url", broker.url("tls"), "-u", "device1", "-c", "1001", "field1=5"], None, env_pw),
        (["publish", "-vvv", *url, "-c", "1001", "field1=6"], None,
         tsmqtt.env("device1", password=password + "-wrong")),
        (["profile", "import", "dev", str(secrets_h), "--url", broker.url("tls"), "--cafile", broker.pki["ca"],
          "-c", "1001", "--write-key", WRITE_KEY, "--read-key", READ_KEY], None, env),
        (["profile", "show", "dev"], None, env),
        (["profile", "list"], None, env),
        (["publish", "-vvv", "--profile", "dev", "field1=7"], None, env),
        (["publish", "-vvv", "--profile", "dev", "field1=8", "--dry-run"], None, env),
        (["subscribe", "-vvv", "--profile", "dev", "--dry-run"], None, env),
    ]
    captured = []
    for args, stdin, run_env in commands:
        result = subprocess.run([TSMQTT, *args], input=stdin, capture_output=True, env=run_env, timeout=30)
        captured.append((args, result.stdout, result.stderr))
        assert result.returncode in (0, 4, 5, 6), (args, result.stderr)
    assert len(captured) == len(commands)
    wrong = password + "-wrong"
    for args, out, err in captured:
        text = (out + err).decode(errors="replace")
        for secret in SECRETS + [WRITE_KEY, READ_KEY, wrong]:
            assert secret not in text, (args, secret)
    assert scan_for_secrets(captured) == []
