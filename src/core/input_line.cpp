// SPDX-License-Identifier: Apache-2.0
#include "core/input_line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/quote.hpp"

namespace tsmqtt {
namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

// Calls `take` with each piece of `text` between `separator`s, empty ones included.
template <class Take>
void for_each_piece(std::string_view text, char separator, Take&& take) {
    for (std::size_t start = 0; start <= text.size();) {
        const auto end = std::min(text.find(separator, start), text.size());
        take(text.substr(start, end - start));
        start = end + 1;
    }
}

}  // namespace

std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    bool was_quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cells.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cells.back() += c;
            }
        } else if (c == '"' && trim(cells.back()).empty() && !was_quoted) {
            cells.back().clear();
            quoted = true;
            was_quoted = true;
        } else if (c == ',') {
            cells.emplace_back();
            was_quoted = false;
        } else if (was_quoted) {
            if (c != ' ' && c != '\t')
                usage_error(fmt::format("text after a closing quote in CSV cell {}", cells.size()));
        } else {
            cells.back() += c;
        }
    }
    if (quoted) usage_error("unterminated quote in CSV line");
    return cells;
}

namespace {

void set_param(FeedParams& params, Param param, std::string value) {
    if (value.empty()) return;
    params.set(param, std::move(value));
}

FeedParams parse_csv_line(std::string_view line, const ColumnMap& columns) {
    auto cells = split_csv(line);
    if (cells.size() > columns.size()) {
        usage_error(fmt::format("{} values but only {} columns (set --columns to name them)",
                                cells.size(), columns.size()));
    }
    FeedParams params;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (!columns[i]) continue;
        auto value = std::string(trim(cells[i]));
        set_param(params, *columns[i], std::move(value));
    }
    return params;
}

FeedParams parse_form_line(std::string_view line) {
    FeedParams params;
    for_each_piece(line, '&', [&](std::string_view pair) {
        if (pair.empty()) return;
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            usage_error(fmt::format("'{}' is not name=value", bounded(pair)));
        const auto name = form_urldecode(pair.substr(0, eq));
        set_param(params, parse_param(name), form_urldecode(pair.substr(eq + 1)));
    });
    return params;
}

// nlohmann's SAX events for one flat object, each value kept as the line wrote it: a number's
// own text ("1e2", "3.14159265358979323846", "18446744073709551616"), never a double's rendering.
class JsonLineReader {
  public:
    using json = nlohmann::json;
    FeedParams params;
    std::string error;

    bool null() { return scalar({}); }
    bool boolean(bool value) { return scalar(value ? "true" : "false"); }
    // nlohmann reports a number written with a minus sign here, one without it as unsigned: the
    // integer 0 here was written "-0".
    bool number_integer(json::number_integer_t value) {
        return scalar(value == 0 ? std::string("-0") : fmt::format("{}", value));
    }
    bool number_unsigned(json::number_unsigned_t value) { return scalar(fmt::format("{}", value)); }
    // Every other number (a fraction, an exponent, an integer beyond 64 bits) comes with its
    // lexeme.
    bool number_float(json::number_float_t, const json::string_t& lexeme) { return scalar(lexeme); }
    bool string(json::string_t& value) { return scalar(std::move(value)); }
    bool binary(json::binary_t&) { return nested(); }
    bool start_object(std::size_t) { return depth_++ == 0 || nested(); }
    bool start_array(std::size_t) { return depth_ == 0 ? not_object() : nested(); }
    bool end_object() {
        --depth_;
        return true;
    }
    bool end_array() { return true; }
    bool key(json::string_t& name) {
        param_ = parse_param(name);
        key_ = std::move(name);
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        if (error.empty()) error = "invalid JSON";
        return false;
    }

  private:
    bool scalar(std::optional<std::string> value) {
        if (depth_ == 0) return not_object();
        if (value) set_param(params, param_, std::move(*value));
        return true;
    }
    bool nested() {
        error = fmt::format("value of '{}' is not a string, number or boolean", bounded(key_));
        return false;
    }
    bool not_object() {
        error = "JSON line is not an object such as {\"field1\": 1.5}";
        return false;
    }

    int depth_ = 0;
    Param param_{};
    std::string key_;
};

FeedParams parse_json_line(std::string_view line) {
    JsonLineReader reader;
    if (!nlohmann::json::sax_parse(line, &reader)) usage_error(reader.error);
    return std::move(reader.params);
}

}  // namespace

ColumnMap default_columns() {
    ColumnMap columns;
    for (int i = 0; i < kFieldCount; ++i) columns.emplace_back(static_cast<Param>(i));
    return columns;
}

ColumnMap parse_columns(std::string_view list) {
    ColumnMap columns;
    for_each_piece(list, ',', [&](std::string_view piece) {
        const auto name = trim(piece);
        if (name.empty() || name == "-") {
            columns.emplace_back(std::nullopt);
            return;
        }
        const auto param = find_param(name);
        if (!param) {
            usage_error(fmt::format(
                "invalid --columns: unknown name '{}' (expected field1..field8, 1..8, lat, "
                "long, elevation, status, created_at, or - to skip a column)",
                name));
        }
        for (const auto& existing : columns) {
            if (existing == param)
                usage_error(fmt::format("invalid --columns: '{}' is named twice", name));
        }
        columns.emplace_back(param);
    });
    return columns;
}

bool is_blank(std::string_view line) {
    return trim(line).empty();
}

std::optional<ColumnMap> parse_header_line(std::string_view line) {
    if (detect_line_format(line) != LineFormat::csv) return std::nullopt;
    try {
        bool named = false;
        for (const auto& cell : split_csv(trim(line))) {
            const auto name = trim(cell);
            if (name == "-") continue;
            // Digits name fields too ("1" is field1), but a row of numbers is data.
            if (!find_param(name) ||
                name.find_first_not_of("0123456789") == std::string_view::npos) {
                return std::nullopt;
            }
            named = true;
        }
        if (!named) return std::nullopt;
        return parse_columns(trim(line));
    } catch (const Error&) {
        return std::nullopt;
    }
}

LineFormat detect_line_format(std::string_view line) {
    line = trim(line);
    if (!line.empty() && line.front() == '{') return LineFormat::json;
    // name=value where the name is a word: a form line, even with an unknown name (reported
    // as such rather than published as CSV text).
    const auto stop = line.find_first_of("=&,");
    if (stop != std::string_view::npos && stop > 0 && line[stop] == '=') {
        const auto name = line.substr(0, stop);
        const bool word = name.find_first_not_of(
                              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                          std::string_view::npos;
        if (word) return LineFormat::form;
    }
    return LineFormat::csv;
}

FeedParams parse_input_line(std::string_view line, const ColumnMap& columns) {
    line = trim(line);
    FeedParams params;
    switch (detect_line_format(line)) {
        case LineFormat::json:
            params = parse_json_line(line);
            break;
        case LineFormat::form:
            params = parse_form_line(line);
            break;
        case LineFormat::csv:
            params = parse_csv_line(line, columns);
            break;
    }
    if (params.empty()) usage_error("no values in line");
    return params;
}

}  // namespace tsmqtt
