// SPDX-License-Identifier: Apache-2.0
#include "watch/history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/input_line.hpp"

namespace tsmqtt::watch {

namespace {

// The header rows subscribe writes (format/csv_formatter.cpp).
constexpr std::string_view kFeedHeader =
    "created_at,channel_id,entry_id,field1,field2,field3,field4,field5,field6,field7,field8,"
    "latitude,longitude,elevation,status";
constexpr std::string_view kFieldHeader = "received_at,channel_id,field,value";
constexpr std::size_t kFeedColumns = 15;
constexpr std::size_t kFieldColumns = 4;

// The next non-empty CSV record of `in`: a line break inside quotes belongs to the record.
// `lines` counts the lines read; `first` is set to the record's first line.
bool next_record(std::istream& in, std::string& record, std::size_t& lines, std::size_t& first) {
    record.clear();
    std::string part;
    bool quoted = false;
    while (std::getline(in, part)) {
        ++lines;
        if (!part.empty() && part.back() == '\r') part.pop_back();
        if (quoted) {
            record += '\n';
        } else {
            first = lines;
        }
        record += part;
        if (std::count(part.begin(), part.end(), '"') % 2 == 1) quoted = !quoted;
        if (!quoted && !record.empty()) return true;
    }
    return !record.empty();  // an unterminated quote, which split_csv names
}

std::optional<std::uint64_t> channel_of(const std::string& text) {
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value == 0) return std::nullopt;
    return value;
}

std::optional<std::string> value_or_null(std::string cell) {
    if (cell.empty()) return std::nullopt;
    return cell;
}

Update feed_row(const std::vector<std::string>& cells, TimePoint when) {
    ChannelUpdate update;
    update.received_at = when;
    auto& entry = update.entry;
    entry.created_at = cells[0];
    entry.channel_id = channel_of(cells[1]);
    for (std::size_t i = 0; i < 8; ++i) entry.fields[i] = value_or_null(cells[3 + i]);
    entry.latitude = value_or_null(cells[11]);
    entry.longitude = value_or_null(cells[12]);
    entry.elevation = value_or_null(cells[13]);
    entry.status = value_or_null(cells[14]);
    return update;
}

}  // namespace

std::size_t load_history(std::istream& in, WatchModel& model) {
    std::string record;
    std::size_t lines = 0;
    std::size_t line = 0;
    if (!next_record(in, record, lines, line)) usage_error("--history: the file is empty");
    const bool feed = record == kFeedHeader;
    if (!feed && record != kFieldHeader) {
        usage_error(fmt::format(
            "--history: line 1 is not the header row of subscribe --format csv: expected '{}' "
            "or '{}'",
            kFeedHeader, kFieldHeader));
    }
    const std::size_t width = feed ? kFeedColumns : kFieldColumns;
    std::size_t loaded = 0;
    while (next_record(in, record, lines, line)) {
        const auto fail_at = [&](std::string_view why) {
            usage_error(fmt::format("--history: line {}: {}", line, why));
        };
        std::vector<std::string> cells;
        try {
            cells = split_csv(record);
        } catch (const Error& e) {
            fail_at(e.what());
        }
        if (cells.size() != width)
            fail_at(fmt::format("{} columns where the header has {}", cells.size(), width));
        if (cells[0].empty()) continue;  // an entry without its time cannot be placed
        const auto when = parse_time(cells[0]);
        if (!when) fail_at(fmt::format("'{}' is not an ISO 8601 time", cells[0]));
        if (feed) {
            model.on_history(feed_row(cells, *when), *when);
        } else {
            const auto channel = channel_of(cells[1]);
            int number = 0;
            const auto [ptr, ec] =
                std::from_chars(cells[2].data(), cells[2].data() + cells[2].size(), number);
            const auto field = FieldNumber::of(number);
            if (!channel || ec != std::errc() || ptr != cells[2].data() + cells[2].size() ||
                !field) {
                fail_at("expected a channel ID and a field number 1-8");
            }
            model.on_history(FieldUpdate{"", *channel, *field, cells[3], *when}, *when);
        }
        ++loaded;
    }
    return loaded;
}

}  // namespace tsmqtt::watch
