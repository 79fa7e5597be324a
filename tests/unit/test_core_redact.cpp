// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/redact.hpp"

using namespace tsmqtt;

TEST_CASE("a secret is masked where it stands as a whole value", "[redact]") {
    const std::string secret = "thingspeak";
    CHECK(redact_secret("password thingspeak (env)", secret) == "password ****ak (env)");
    CHECK(redact_secret("channels/1/publish/thingspeak", secret) == "channels/1/publish/****ak");
    CHECK(redact_secret("'thingspeak'.", secret) == "'****ak'.");
    CHECK(redact_secret("thingspeak", secret) == "****ak");
    CHECK(redact_secret("a=thingspeak&b=thingspeak", secret) == "a=****ak&b=****ak");
}

TEST_CASE("text that merely contains a secret is left as it is", "[redact]") {
    const std::string secret = "thingspeak";
    CHECK(redact_secret("host mqtt3.thingspeak.com", secret) == "host mqtt3.thingspeak.com");
    CHECK(redact_secret("thingspeak.com", secret) == "thingspeak.com");
    CHECK(redact_secret("mythingspeak", secret) == "mythingspeak");
    CHECK(redact_secret("thingspeak-2", secret) == "thingspeak-2");
    CHECK(redact_secret("x", "") == "x");
}

TEST_CASE("the user-info of any URL is masked", "[redact]") {
    CHECK(mask_url_userinfo("invalid --url 'mqtt://alice:pw@h:1/x': why") ==
          "invalid --url 'mqtt://****@h:1/x': why");
    CHECK(mask_url_userinfo("ws://bob@h/mqtt and tcp://h:1") == "ws://****@h/mqtt and tcp://h:1");
    CHECK(mask_url_userinfo("tcp://h:1/a@b") == "tcp://h:1/a@b");
    CHECK(mask_url_userinfo("no url @ all ://") == "no url @ all ://");
}

TEST_CASE("redact masks every registered secret and URL user-info", "[redact]") {
    Settings settings;
    settings.password = "Pa55word-xyzAB";
    settings.write_key = "WRITEKEY12345678";
    CHECK(redact("tcp://u:Pa55word-xyzAB@h topic x/WRITEKEY12345678 pw Pa55word-xyzAB", settings) ==
          "tcp://****@h topic x/****78 pw ****AB");
}
