// SPDX-License-Identifier: Apache-2.0
#pragma once
// The concrete formatters behind make_formatter, one file each.
#include <memory>

#include "format/formatter.hpp"

namespace tsmqtt {

std::unique_ptr<Formatter> make_text_formatter(const FormatOptions& options);
std::unique_ptr<Formatter> make_csv_formatter(const FormatOptions& options);
std::unique_ptr<Formatter> make_json_formatter();
std::unique_ptr<Formatter> make_payload_formatter(const FormatOptions& options);
std::unique_ptr<Formatter> make_template_formatter(const FormatOptions& options);

}  // namespace tsmqtt
