// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one UTF-8 decoder: payload validation and the escapers must agree on what is valid.
#include <cstddef>
#include <string_view>

namespace tsmqtt {

// The length (1-4) of the well-formed UTF-8 sequence starting at text[pos], or 0 when the
// bytes there are not UTF-8 (overlong forms, surrogates, > U+10FFFF, truncated, stray bytes).
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos);

// Whole-text check built on the same decoder, so a payload judged UTF-8 here is written
// unchanged by the escapers.
bool is_valid_utf8(std::string_view text);

}  // namespace tsmqtt
