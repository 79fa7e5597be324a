// SPDX-License-Identifier: Apache-2.0
#include "watch/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>

namespace tsmqtt::watch {

namespace {

bool read_int(std::string_view text, std::size_t at, std::size_t length, int& out) {
    if (at + length > text.size()) return false;
    const auto* begin = text.data() + at;
    const auto [ptr, ec] = std::from_chars(begin, begin + length, out);
    return ec == std::errc() && ptr == begin + length;
}

}  // namespace

std::optional<TimePoint> parse_time(std::string_view text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_int(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || text[7] != '-' ||
        !read_int(text, 5, 2, month) || !read_int(text, 8, 2, day)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(year),
                                           std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return std::nullopt;
    TimePoint when = std::chrono::sys_days(date);
    std::size_t at = 10;
    if (at < text.size() && (text[at] == 'T' || text[at] == 't' || text[at] == ' ')) {
        if (!read_int(text, 11, 2, hour) || text.size() < 19 || text[13] != ':' ||
            text[16] != ':' || !read_int(text, 14, 2, minute) || !read_int(text, 17, 2, second) ||
            hour > 23 || minute > 59 || second > 60) {
            return std::nullopt;
        }
        when +=
            std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
        at = 19;
        if (at < text.size() && text[at] == '.') {
            ++at;
            while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
        }
    }
    if (at == text.size()) return when;
    if ((text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size()) return when;
    if (text[at] == '+' || text[at] == '-') {
        int offset_hours = 0, offset_minutes = 0;
        if (!read_int(text, at + 1, 2, offset_hours)) return std::nullopt;
        std::size_t rest = at + 3;
        if (rest < text.size() && text[rest] == ':') ++rest;
        if (rest < text.size() && !read_int(text, rest, 2, offset_minutes)) return std::nullopt;
        if (rest < text.size() && rest + 2 != text.size()) return std::nullopt;
        const auto offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
        return text[at] == '+' ? when - offset : when + offset;
    }
    return std::nullopt;
}

WatchModel::WatchModel(Span span, std::map<int, std::string> labels, bool several_channels)
    : store_(span), labels_(std::move(labels)), several_channels_(several_channels) {}

void WatchModel::on_update(const Update& update, TimePoint now) {
    add(update, now);
    ++entries_;
    last_entry_ = now;
}

void WatchModel::on_history(const Update& update, TimePoint now) {
    add(update, now);
    ++history_entries_;
}

void WatchModel::on_connected() {
    connection_ = ConnectionState::connected;
}

void WatchModel::on_connection_lost() {
    connection_ = ConnectionState::lost;
}

void WatchModel::on_reconnected() {
    connection_ = ConnectionState::reconnected;
}

void WatchModel::on_note(std::string text) {
    last_note_ = std::move(text);
}

void WatchModel::add(const Update& update, TimePoint now) {
    if (const auto* entry = std::get_if<ChannelUpdate>(&update)) {
        add_entry(*entry, now);
    } else if (const auto* field = std::get_if<FieldUpdate>(&update)) {
        add_field(field->channel_id, field->field.value(), now, field->value);
    } else if (const auto* raw = std::get_if<RawUpdate>(&update)) {
        store_.add(raw->topic, raw->topic, raw_topics_++, now, raw->payload);
    }
}

void WatchModel::add_entry(const ChannelUpdate& update, TimePoint now) {
    const auto& entry = update.entry;
    const auto channel = entry.channel_id.value_or(0);
    auto when = now;
    if (entry.created_at) {
        if (const auto stamped = parse_time(*entry.created_at)) when = *stamped;
    }
    for (int field = 1; field <= 8; ++field) {
        const auto& value = entry.fields[static_cast<std::size_t>(field - 1)];
        if (value) add_field(channel, field, when, *value);
    }
    if (entry.status) status_ = *entry.status;
    if (entry.latitude || entry.longitude || entry.elevation) {
        location_ = Location{entry.latitude.value_or(""), entry.longitude.value_or(""),
                             entry.elevation.value_or("")};
    }
}

// Called for every value of every entry: the key ("1587079/3") is built on the stack without a
// format string to parse, the label only for a new series.
void WatchModel::add_field(std::uint64_t channel, int field, TimePoint when,
                           std::string_view value) {
    std::array<char, 40> buffer{};
    constexpr std::size_t kChannelDigits = 20;  // the most a 64-bit number takes
    auto* slash = std::to_chars(buffer.data(), buffer.data() + kChannelDigits, channel).ptr;
    *slash = '/';
    auto* end = std::to_chars(slash + 1, buffer.data() + buffer.size(), field).ptr;
    const std::string_view key(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
    const auto label = store_.has(key) ? std::string() : field_label(channel, field);
    store_.add(key, label, channel_order(channel) * 10 + field, when, value);
}

std::string WatchModel::field_label(std::uint64_t channel, int field) const {
    const auto named = labels_.find(field);
    auto label = named != labels_.end() ? named->second : fmt::format("field{}", field);
    if (several_channels_) return fmt::format("{} {}", channel, label);
    return label;
}

long WatchModel::channel_order(std::uint64_t channel) {
    auto it = std::find(channels_.begin(), channels_.end(), channel);
    if (it == channels_.end()) {
        channels_.push_back(channel);
        it = std::prev(channels_.end());
    }
    return static_cast<long>(it - channels_.begin());
}

}  // namespace tsmqtt::watch
