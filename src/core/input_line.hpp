// SPDX-License-Identifier: Apache-2.0
#pragma once
// One line of `publish -c ID --stdin`: CSV mapped by --columns, name=value&..., or a JSON object.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/payload.hpp"

namespace tsmqtt {

// One entry per CSV column; nullopt skips that column ("-" or an empty name in --columns).
using ColumnMap = std::vector<std::optional<Param>>;

ColumnMap default_columns();                     // field1..field8
ColumnMap parse_columns(std::string_view list);  // "field1,status,-,lat"; throws Error(usage)

enum class LineFormat { csv, form, json };
LineFormat detect_line_format(std::string_view line);

// Parses and validates one non-blank line. Throws Error(usage) saying what is wrong (the
// caller adds the line number). Empty values and JSON nulls are left out.
FeedParams parse_input_line(std::string_view line, const ColumnMap& columns);

bool is_blank(std::string_view line);

// RFC 4180 cells of one record: quoted cells may hold commas, doubled quotes and line breaks.
// Throws Error(usage) for an unterminated quote or text after a closing one.
std::vector<std::string> split_csv(std::string_view record);

// A CSV header row: every cell a parameter name written out (not a bare field number) or "-",
// e.g. "field1,status". Returns the
// columns it names, or nullopt when the line is data.
std::optional<ColumnMap> parse_header_line(std::string_view line);

}  // namespace tsmqtt
