// SPDX-License-Identifier: Apache-2.0
#pragma once
// Formatters turn updates into text; they return strings and never write.
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/iso8601.hpp"
#include "core/update.hpp"

namespace tsmqtt {

// templated: --template, which names no --format of its own.
enum class Format { text, csv, json, payload, templated };
// Throws Error(usage); payload only where with_payload says it is offered (subscribe).
Format parse_format(std::string_view name, bool with_payload = false);

struct FormatOptions {
    Format format = Format::text;
    bool header = true;                 // csv: write the header row
    bool color = false;                 // text: ANSI colour
    bool escape_controls = false;       // text/csv: show control characters as \xNN (terminal)
    std::map<int, std::string> labels;  // field number -> name, text format and CSV header
    std::string template_text;          // templated: the --template string
};

class Formatter {
  public:
    virtual ~Formatter() = default;
    // The header line(s) written once before the first update ("" when none), for the kind
    // of updates this run produces. csv with header on: the column row, ending in "\n".
    virtual std::string header(UpdateKind kind) const = 0;
    // One update, ending in "\n".
    virtual std::string format(const Update& update) const = 0;
};

// Throws Error(usage) for a --template that names an unknown field or is not fmt syntax.
std::unique_ptr<Formatter> make_formatter(const FormatOptions& options);

// Makes text safe for a terminal: C0 controls (but not tab), DEL, C1 controls, ESC and
// invalid UTF-8 bytes become \xNN; a backslash becomes "\\".
std::string escape_for_terminal(std::string_view text);

// RFC 4180: quoted only when it holds a comma, a quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view text);

}  // namespace tsmqtt
