// SPDX-License-Identifier: Apache-2.0
#pragma once
// The concrete formatters behind make_formatter, one file each.
#include <memory>
#include <string>
#include <variant>

#include "format/formatter.hpp"

namespace tsmqtt {

// A formatter that writes each kind of update with a write(std::string&, const X&) of its own
// (made a friend): one line per update, ending in "\n".
template <class Writer>
class LineFormatter : public Formatter {
  public:
    std::string format(const Update& update) const final {
        std::string out;
        out.reserve(128);
        std::visit([&](const auto& u) { static_cast<const Writer&>(*this).write(out, u); }, update);
        out += '\n';
        return out;
    }
};

std::unique_ptr<Formatter> make_text_formatter(const FormatOptions& options);
std::unique_ptr<Formatter> make_csv_formatter(const FormatOptions& options);
std::unique_ptr<Formatter> make_json_formatter();
std::unique_ptr<Formatter> make_payload_formatter(const FormatOptions& options);
std::unique_ptr<Formatter> make_template_formatter(const FormatOptions& options);

}  // namespace tsmqtt
