// SPDX-License-Identifier: Apache-2.0
// ThingSpeak device credential files (mqtt_secrets.h or plain text). Bad input is an
// Error(config); no error message may carry the password. Two checks: a known token added
// as the password (header and plain form, before and after the input) never shows up in a
// message; and the file's own password, when a message holds it, must be fixed wording
// (the message stays the same when the password is replaced), not an echo.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "profile/credentials.hpp"

namespace {

using tsmqtt::DeviceCredentials;
using tsmqtt::Error;
using tsmqtt::ExitCode;

// No fixed wording can hold this by chance.
constexpr std::string_view kToken = "Zk7+Qw/tOk3n#9xV";

const std::string kHeaderIds =
    "\n#define SECRET_MQTT_USERNAME \"fuzz-user\"\n#define SECRET_MQTT_CLIENT_ID \"fuzz-client\"\n";
const std::string kPlainIds = "\nusername = fuzz-user\nclientId = fuzz-client\n";

std::string header_password(std::string_view password) {
    return "\n#define SECRET_MQTT_PASSWORD \"" + std::string(password) + "\"\n";
}

std::string plain_password(std::string_view password) {
    return "\npassword = " + std::string(password) + "\n";
}

struct Outcome {
    std::optional<DeviceCredentials> credentials;
    std::string error;
};

Outcome parse(const std::string& text) {
    try {
        auto credentials = tsmqtt::parse_device_credentials(text);
        FUZZ_CHECK(!credentials.username.empty() && !credentials.client_id.empty() &&
                       !credentials.password.empty(),
                   "text", text);
        return {std::move(credentials), {}};
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::config && *error.what() != '\0', "text", text);
        return {std::nullopt, error.what()};
    }
}

bool holds(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

void check_token_never_shown(const std::string& text) {
    for (const auto& variant : {text + header_password(kToken), text + plain_password(kToken),
                                header_password(kToken) + text, plain_password(kToken) + text}) {
        const auto outcome = parse(variant);
        FUZZ_CHECK(!holds(outcome.error, kToken), "text", variant, "error", outcome.error);
    }
}

// The password a failing file holds, found by completing it with a username and client ID.
std::optional<std::pair<std::string, bool /*header*/>> password_in(const std::string& text) {
    if (const auto outcome = parse(text + kHeaderIds); outcome.credentials) {
        return std::pair{outcome.credentials->password, true};
    }
    if (const auto outcome = parse(text + kPlainIds); outcome.credentials) {
        return std::pair{outcome.credentials->password, false};
    }
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(tsmqtt_fuzz::as_text(data, size));
    check_token_never_shown(text);

    const auto outcome = parse(text);
    if (outcome.credentials) return 0;
    const auto found = password_in(text);
    if (!found || found->first.size() <= 3 || !holds(outcome.error, found->first)) return 0;
    const auto& [password, header] = *found;
    const auto replaced = parse(text + (header ? header_password(kToken) : plain_password(kToken)));
    FUZZ_CHECK(holds(replaced.error, password), "text", text, "password", password, "error",
               outcome.error);
    return 0;
}
