// SPDX-License-Identifier: Apache-2.0
#include "core/stamp.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <string_view>

#include "core/iso8601.hpp"
#include "core/payload.hpp"
#include "core/thingspeak.hpp"

namespace tsmqtt {
namespace {

// A clock before 2020 is one that was never set (a board without a real-time clock boots in
// 1970 or at its build date): its time would file the reading years in the past.
constexpr std::chrono::sys_seconds kEarliestPlausible{std::chrono::seconds(1577836800)};

// The one form iso8601_utc() writes: 2021-12-11T05:35:31Z.
std::optional<std::chrono::sys_seconds> parse_stamp(std::string_view text) {
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        return std::nullopt;
    const auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
        int value = 0;
        const auto* first = text.data() + at;
        const auto [end, ec] = std::from_chars(first, first + length, value);
        if (ec != std::errc() || end != first + length) return std::nullopt;
        return value;
    };
    const auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
    const auto hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(*year),
                                           std::chrono::month(static_cast<unsigned>(*month)),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
    return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second);
}

}  // namespace

void EntryStamper::follow(std::uint64_t channel, const std::string& last) {
    const auto when = parse_stamp(last);
    if (!when) return;
    auto [it, added] = last_.try_emplace(channel, *when);
    if (!added && it->second < *when) it->second = *when;
}

bool has_created_at(const std::string& payload) {
    return payload.starts_with("created_at=") || payload.find("&created_at=") != std::string::npos;
}

EntryStamper::Result EntryStamper::stamp(std::uint64_t channel, std::string payload,
                                         std::chrono::system_clock::time_point now) {
    Result result;
    if (has_created_at(payload)) {
        result.payload = std::move(payload);
        return result;
    }
    const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
    if (seconds < kEarliestPlausible) {
        result.why_not = fmt::format(
            "the system clock says {}, before 2020: it is not set, so the entry is sent without "
            "created_at (the channel stamps it on arrival)",
            iso8601_utc(now));
        result.payload = std::move(payload);
        return result;
    }
    auto when = seconds;
    if (const auto last = last_.find(channel); last != last_.end() && when <= last->second)
        when = last->second + std::chrono::seconds(1);
    const auto text = iso8601_utc(when);
    const auto stamped = fmt::format("{}&created_at={}", payload, form_urlencode(text));
    if (stamped.size() > kMaxMessageBytes) {
        result.why_not = "with created_at the entry would exceed 3000 bytes: sent without it";
        result.payload = std::move(payload);
        return result;
    }
    last_[channel] = when;
    result.payload = stamped;
    result.stamp = text;
    return result;
}

}  // namespace tsmqtt
