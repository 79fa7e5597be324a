// SPDX-License-Identifier: Apache-2.0
#pragma once
// Binary payloads are shown as base64 so CSV and JSON output stays text.
#include <string>
#include <string_view>

namespace tsmqtt {

// RFC 4648 base64 with the standard alphabet and '=' padding.
void append_base64(std::string& out, std::string_view bytes);

}  // namespace tsmqtt
