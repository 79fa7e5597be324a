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

// Splits CSV text into records: a line break inside quotes belongs to the record.
std::vector<std::pair<std::size_t, std::string_view>> records(std::string_view text) {
    std::vector<std::pair<std::size_t, std::string_view>> out;
    std::size_t line = 1;
    std::size_t start = 0;
    std::size_t start_line = 1;
    bool quoted = false;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] == '"') quoted = !quoted;
        if (i == text.size() || (text[i] == '\n' && !quoted)) {
            auto record = text.substr(start, i - start);
            if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
            if (!record.empty()) out.emplace_back(start_line, record);
            start = i + 1;
            start_line = line + 1;
        }
        if (i < text.size() && text[i] == '\n') ++line;
    }
    return out;
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

std::size_t load_history(std::string_view csv, WatchModel& model) {
    const auto rows = records(csv);
    if (rows.empty()) usage_error("--history: the file is empty");
    const auto header = rows.front().second;
    const bool feed = header == kFeedHeader;
    if (!feed && header != kFieldHeader) {
        usage_error(fmt::format(
            "--history: line 1 is not the header row of subscribe --format csv: expected '{}' "
            "or '{}'",
            kFeedHeader, kFieldHeader));
    }
    const std::size_t width = feed ? kFeedColumns : kFieldColumns;
    std::size_t loaded = 0;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto [line, record] = rows[i];
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
            int field = 0;
            const auto [ptr, ec] =
                std::from_chars(cells[2].data(), cells[2].data() + cells[2].size(), field);
            if (!channel || ec != std::errc() || ptr != cells[2].data() + cells[2].size() ||
                field < 1 || field > 8) {
                fail_at("expected a channel ID and a field number 1-8");
            }
            model.on_history(FieldUpdate{"", *channel, field, cells[3], *when}, *when);
        }
        ++loaded;
    }
    return loaded;
}

}  // namespace tsmqtt::watch
