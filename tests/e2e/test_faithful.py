"""Faithful and bounded: a JSON number read by publish --stdin goes out as the line wrote it."""
import json


def test_stdin_json_numbers_are_sent_as_written(tsmqtt):
    watcher = tsmqtt.subscriber("--topic", "channels/1001/publish", "--format", "json", "--count", "1",
                                "--timeout", "20", user="admin")
    line = b'{"field1": 1e2, "field2": 3.14159265358979323846, "field3": 18446744073709551616, "field4": -0}\n'
    result = tsmqtt.run("publish", "-c", "1001", "--stdin", "--interval", "0", input=line)
    assert result.returncode == 0, result.stderr
    assert watcher.wait_exit() == 0, watcher.stderr
    payload = json.loads(watcher.out[0])["payload"]
    sent = "field1=1e2&field2=3.14159265358979323846&field3=18446744073709551616&field4=-0"
    # A stream may stamp the entry with the time it was read (created_at, last in the form).
    assert payload == sent or payload.startswith(sent + "&created_at="), payload
