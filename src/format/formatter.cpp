// SPDX-License-Identifier: Apache-2.0
#include "format/formatter.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "format/append.hpp"
#include "format/formatters.hpp"

namespace tsmqtt {

Format parse_format(std::string_view name, bool with_payload) {
    if (name == "text") return Format::text;
    if (name == "csv") return Format::csv;
    if (name == "json") return Format::json;
    if (name == "payload" && with_payload) return Format::payload;
    usage_error(fmt::format("invalid --format '{}': expected text, csv{} json", name,
                            with_payload ? ", payload or" : " or"));
}

std::unique_ptr<Formatter> make_formatter(const FormatOptions& options) {
    switch (options.format) {
        case Format::csv:
            return make_csv_formatter(options);
        case Format::json:
            return make_json_formatter();
        case Format::payload:
            return make_payload_formatter(options);
        case Format::templated:
            return make_template_formatter(options);
        case Format::text:
            break;
    }
    return make_text_formatter(options);
}

}  // namespace tsmqtt
