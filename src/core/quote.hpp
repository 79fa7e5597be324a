// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a diagnostic quotes of the input or of the network is bounded: a megabyte of payload
// must not become a megabyte of stderr.
#include <cstddef>
#include <string>
#include <string_view>

namespace tsmqtt {

inline constexpr std::size_t kMaxQuotedBytes = 200;
// A whole diagnostic line, the net under every quote that was not bounded where it was made.
inline constexpr std::size_t kMaxDiagnosticBytes = 1000;

// text itself when it is at most kMaxQuotedBytes long; else its first bytes, cut where a
// UTF-8 character begins, then "…".
std::string bounded(std::string_view text, std::size_t limit = kMaxQuotedBytes);

}  // namespace tsmqtt
