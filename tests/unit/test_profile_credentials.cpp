// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "profile/credentials.hpp"

using namespace tsmqtt;

namespace {

const std::string kUser = "MjEaGhYvNjANIQkpFCMoDTA";
const std::string kPassword = "k8+Zp/qW3xYvR7tLmN2sQ0a=";

std::string credentials_error(const std::string& text) {
    try {
        parse_device_credentials(text);
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::config);
        const std::string message = error.what();
        CHECK(message.find(kPassword) == std::string::npos);
        CHECK(message.find("secret-pw") == std::string::npos);
        return message;
    }
    FAIL("accepted: " << text);
    return {};
}

void check_parsed(const std::string& text, const std::string& client_id = kUser) {
    INFO(text);
    const auto credentials = parse_device_credentials(text);
    CHECK(credentials.username == kUser);
    CHECK(credentials.client_id == client_id);
    CHECK(credentials.password == kPassword);
}

}  // namespace

TEST_CASE("the Arduino mqtt_secrets.h form", "[credentials]") {
    check_parsed("#define SECRET_MQTT_USERNAME \"" + kUser +
                 "\"\n#define SECRET_MQTT_CLIENT_ID \"" + kUser +
                 "\"\n#define SECRET_MQTT_PASSWORD \"" + kPassword + "\"\n");
}

TEST_CASE("the header form tolerates spacing, tabs, CRLF and comments", "[credentials]") {
    check_parsed(
        "// ThingSpeak device credentials\r\n"
        "/* generated\r\n   by ThingSpeak */\r\n"
        "  #  define\tSECRET_MQTT_USERNAME   \t\"" +
            kUser +
            "\"   // the user\r\n"
            "#define SECRET_MQTT_CLIENT_ID \"CLIENT\"/* the client */\r\n"
            "// #define SECRET_MQTT_PASSWORD \"old-password\"\r\n"
            "#define SECRET_MQTT_PASSWORD \"" +
            kPassword +
            "\"\r\n"
            "#define SECRET_WIFI_NAME \"wifi\"\r\n",
        "CLIENT");
}

TEST_CASE("a '//' inside a header string is part of the value", "[credentials]") {
    const auto credentials = parse_device_credentials(
        "#define SECRET_MQTT_USERNAME \"u\"\n#define SECRET_MQTT_CLIENT_ID \"c\"\n"
        "#define SECRET_MQTT_PASSWORD \"a//b/*c*/\\\"d\"\n");
    CHECK(credentials.password == "a//b/*c*/\"d");
}

TEST_CASE("the plain-text form with every spelling of the keys", "[credentials]") {
    const std::vector<std::string> texts{
        "username = " + kUser + "\nclientId = " + kUser + "\npassword = " + kPassword + "\n",
        "MQTT Username: " + kUser + "\nMQTT Client ID: " + kUser + "\nMQTT Password: " + kPassword +
            "\n",
        "Username: " + kUser + "\nClient ID: " + kUser + "\nPassword: " + kPassword + "\n",
        "USER_NAME=" + kUser + "\nCLIENT_ID=" + kUser + "\nPASSWORD=" + kPassword + "\n",
        "User Name = \"" + kUser + "\"\r\nclient id = '" + kUser + "'\r\n\r\npassword = \"" +
            kPassword + "\"\r\n",
        "\t username\t=\t" + kUser + "  \n\nclientid :" + kUser +
            "\n  Password   =   " + kPassword + "   \n",
        "Channel = 12345\nusername = " + kUser + "\n# a comment\nclientId = " + kUser +
            "\nmqtt_host = h\npassword = " + kPassword,
        "{\n  \"username\": \"" + kUser + "\",\n  \"clientId\": \"" + kUser +
            "\",\n  \"password\": \"" + kPassword + "\"\n}\n",
    };
    for (const auto& text : texts) check_parsed(text);
}

TEST_CASE("a plain-text password keeps '=', ':', '#' and '//'", "[credentials]") {
    const auto credentials =
        parse_device_credentials("username = u\nclientId = c\npassword = a=b:c#d//e\n");
    CHECK(credentials.password == "a=b:c#d//e");
}

TEST_CASE("nothing recognisable is a configuration error", "[credentials]") {
    for (const auto* text :
         {"", "\n\n", "hello world\n", "ssid = home\nchannel: 5\n", "#define WIFI \"x\"\n"}) {
        INFO(text);
        CHECK_THAT(credentials_error(text),
                   Catch::Contains("no ThingSpeak device credentials found"));
    }
}

TEST_CASE("missing pieces are named together, and the client ID is never guessed",
          "[credentials]") {
    auto message = credentials_error("username = " + kUser + "\n");
    CHECK(
        message ==
        "credentials lack the client ID and password (expected clientId = ... and password = ...)");

    message = credentials_error("#define SECRET_MQTT_USERNAME \"" + kUser +
                                "\"\n#define SECRET_MQTT_PASSWORD \"" + kPassword + "\"\n");
    CHECK(message == "credentials lack the client ID (expected SECRET_MQTT_CLIENT_ID)");

    message = credentials_error("password = " + kPassword + "\n");
    CHECK_THAT(message, Catch::Contains("the username and client ID"));

    message = credentials_error("username = u\nclientId = c\npassword =\n");
    CHECK_THAT(message, Catch::Contains("lack the password"));
}

TEST_CASE("the password never appears in a message", "[credentials]") {
    for (const auto& text :
         {std::string("password = secret-pw\n"), std::string("password: \"secret-pw\"\nuser = x\n"),
          std::string("#define SECRET_MQTT_PASSWORD \"secret-pw\"\n")}) {
        INFO(text);
        CHECK_THAT(credentials_error(text), Catch::Contains("lack"));
    }
}
