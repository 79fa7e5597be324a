// SPDX-License-Identifier: Apache-2.0
#include "core/stamp.hpp"

#include <fmt/format.h>

#include "core/iso8601.hpp"
#include "core/payload.hpp"
#include "core/thingspeak.hpp"

namespace tsmqtt {
namespace {

// A clock before 2020 is one that was never set (a board without a real-time clock boots in
// 1970 or at its build date): its time would file the reading years in the past.
constexpr std::chrono::sys_seconds kEarliestPlausible{std::chrono::seconds(1577836800)};

}  // namespace

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
