#include "format/formatter.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "format/append.hpp"
#include "format/formatters.hpp"

namespace tsmqtt {

Format parse_format(std::string_view name) {
    if (name == "text") return Format::text;
    if (name == "csv") return Format::csv;
    if (name == "json") return Format::json;
    usage_error(fmt::format("invalid --format '{}': expected text, csv or json", name));
}

std::unique_ptr<Formatter> make_formatter(const FormatOptions& options) {
    switch (options.format) {
        case Format::csv:
            return make_csv_formatter(options);
        case Format::json:
            return make_json_formatter();
        case Format::text:
            break;
    }
    return make_text_formatter(options);
}

}  // namespace tsmqtt
