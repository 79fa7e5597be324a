// SPDX-License-Identifier: Apache-2.0
#pragma once
// Secrets never reach an output: every text shown to the user that may hold one (a topic
// with a write key, a URL) goes through redact().
#include <string>
#include <string_view>

#include "core/settings.hpp"

namespace tsmqtt {

// Masks each secret of `settings` where it stands as a whole value, and the user-info of any
// URL in the text.
std::string redact(std::string_view text, const Settings& settings);
// Masks `secret` where it stands as a whole value: not where it is only part of a longer word
// or host name (a password "thingspeak" leaves "mqtt3.thingspeak.com" alone, since masking
// there would print the rest of the host and so reveal the password).
std::string redact_secret(std::string_view text, const std::string& secret);
// "mqtt://alice:pw@host" -> "mqtt://****@host", wherever a URL stands in the text.
std::string mask_url_userinfo(std::string_view text);

}  // namespace tsmqtt
