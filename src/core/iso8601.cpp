// SPDX-License-Identifier: Apache-2.0
#include "core/iso8601.hpp"

#include <ctime>

namespace tsmqtt {

namespace {

void put_digits(char* at, int value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

// Hand-rolled rather than strftime: no locale, no allocation, and called once per update.
void append_iso8601_utc(std::string& out, std::chrono::system_clock::time_point when) {
    // floor, not the truncation of to_time_t, so an instant just before 1970 is in 1969.
    const auto seconds = std::chrono::floor<std::chrono::seconds>(when.time_since_epoch());
    const auto time = static_cast<std::time_t>(seconds.count());
    // system_clock spans years 1677-2262, which gmtime_r always converts.
    std::tm utc{};
    gmtime_r(&time, &utc);
    char text[] = "0000-00-00T00:00:00Z";
    put_digits(text, utc.tm_year + 1900, 4);
    put_digits(text + 5, utc.tm_mon + 1, 2);
    put_digits(text + 8, utc.tm_mday, 2);
    put_digits(text + 11, utc.tm_hour, 2);
    put_digits(text + 14, utc.tm_min, 2);
    put_digits(text + 17, utc.tm_sec, 2);
    out.append(text, sizeof text - 1);
}

std::string iso8601_utc(std::chrono::system_clock::time_point when) {
    std::string out;
    append_iso8601_utc(out, when);
    return out;
}

}  // namespace tsmqtt
