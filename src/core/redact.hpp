#pragma once
// Secrets never reach an output: every text shown to the user that may hold one (a topic
// with a write key, a URL) goes through redact().
#include <string>
#include <string_view>

#include "core/settings.hpp"

namespace tsmqtt {

std::string redact(std::string_view text, const Settings& settings);
std::string redact_secret(std::string_view text, const std::string& secret);

}  // namespace tsmqtt
