// SPDX-License-Identifier: Apache-2.0
// One line of `publish --stdin`: CSV, name=value&... or a JSON object. The input is
// "COLUMNS\nLINE" or just "LINE"; the line is parsed with the default columns and, when
// COLUMNS is given, with parse_columns(COLUMNS) and with the columns parse_header_line finds
// in it. Bad input is an Error(usage); accepted input gives values that validate and encode.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/input_line.hpp"
#include "core/payload.hpp"
#include "core/thingspeak.hpp"
#include "fuzz_support.hpp"

namespace {

using tsmqtt::ColumnMap;
using tsmqtt::Error;
using tsmqtt::ExitCode;
using tsmqtt::Param;

bool names_param(const ColumnMap& columns, Param param) {
    for (const auto& column : columns) {
        if (column == param) return true;
    }
    return false;
}

void check_columns(std::string_view list, const ColumnMap& columns) {
    std::size_t commas = 0;
    for (const char c : list) commas += c == ',' ? 1 : 0;
    FUZZ_CHECK(columns.size() == commas + 1, "columns", list);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        for (std::size_t k = i + 1; k < columns.size(); ++k) {
            FUZZ_CHECK(!columns[i] || columns[i] != columns[k], "columns named twice", list);
        }
    }
}

void check_line(std::string_view line, const ColumnMap& columns) {
    const bool csv = tsmqtt::detect_line_format(line) == tsmqtt::LineFormat::csv;
    tsmqtt::FeedParams params;
    try {
        params = tsmqtt::parse_input_line(line, columns);
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::usage && *error.what() != '\0', "line", line);
        return;
    }
    FUZZ_CHECK(!tsmqtt::is_blank(line), "blank line accepted", line);
    FUZZ_CHECK(!params.empty(), "line", line);
    std::size_t size = 0;
    for (int i = 0; i < tsmqtt::kParamCount; ++i) {
        const auto param = static_cast<Param>(i);
        const auto& value = params.get(param);
        if (!value) continue;
        FUZZ_CHECK(!value->empty(), "empty value kept", line);
        if (csv) FUZZ_CHECK(names_param(columns, param), "csv value in no column", line);
        try {
            tsmqtt::validate_param_value(param, *value);
        } catch (const Error& error) {
            FUZZ_CHECK(false, "line", line, "value", *value, "error", error.what());
        }
        size += (size == 0 ? 0 : 1) + tsmqtt::param_name(param).size() + 1 +
                tsmqtt::form_urlencode(*value).size();
    }
    try {
        const auto form = tsmqtt::encode_form(params);
        FUZZ_CHECK(form.size() == size, "line", line, "form", form);
    } catch (const Error& error) {
        FUZZ_CHECK(size > tsmqtt::kMaxMessageBytes, "line", line, "error", error.what());
    }
}

// A CSV header row names at least one parameter, and only by name, never by a bare number.
void check_header(std::string_view row, const ColumnMap& columns) {
    check_columns(row, columns);
    bool named = false;
    for (const auto& column : columns) named = named || column.has_value();
    FUZZ_CHECK(named, "header row", row);
    FUZZ_CHECK(row.find_first_not_of("0123456789, \t\r-") != std::string_view::npos, "header row",
               row);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = tsmqtt_fuzz::as_text(data, size);
    const auto newline = text.find('\n');
    const auto line = newline == std::string_view::npos ? text : text.substr(newline + 1);
    check_line(line, tsmqtt::default_columns());
    if (newline == std::string_view::npos) return 0;

    // The first line as --columns, and as the CSV header row of the input.
    const auto list = text.substr(0, newline);
    if (const auto header = tsmqtt::parse_header_line(list)) {
        check_header(list, *header);
        check_line(line, *header);
    }
    ColumnMap columns;
    try {
        columns = tsmqtt::parse_columns(list);
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::usage, "columns", list);
        return 0;
    }
    check_columns(list, columns);
    check_line(line, columns);
    return 0;
}
