// SPDX-License-Identifier: Apache-2.0
#pragma once
// Small appenders the formatters share; they write into one string per update.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/iso8601.hpp"
#include "core/update.hpp"

namespace tsmqtt {

inline void append_uint(std::string& out, std::uint64_t value) {
    char digits[20];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr);
}

// The same as escape_for_terminal and csv_field, without a temporary string.
void append_escaped_for_terminal(std::string& out, std::string_view text);
void append_csv_field(std::string& out, std::string_view text);

}  // namespace tsmqtt
