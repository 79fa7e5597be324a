#include "format/formatter.hpp"

#include <fmt/format.h>

#include <ctime>

#include "core/error.hpp"
#include "format/append.hpp"
#include "format/formatters.hpp"

namespace tsmqtt {

namespace {

void put_digits(char* at, int value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

Format parse_format(std::string_view name, bool with_payload) {
    if (name == "text") return Format::text;
    if (name == "csv") return Format::csv;
    if (name == "json") return Format::json;
    if (name == "payload" && with_payload) return Format::payload;
    usage_error(fmt::format("invalid --format '{}': expected text, csv{} json", name,
                            with_payload ? ", payload or" : " or"));
}

std::unique_ptr<Formatter> make_formatter(const FormatOptions& options) {
    switch (options.format) {
        case Format::csv:
            return make_csv_formatter(options);
        case Format::json:
            return make_json_formatter();
        case Format::payload:
            return make_payload_formatter(options);
        case Format::templated:
            return make_template_formatter(options);
        case Format::text:
            break;
    }
    return make_text_formatter(options);
}

// Hand-rolled rather than strftime: no locale, no allocation, and called once per update.
void append_iso8601_utc(std::string& out, Clock::time_point when) {
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

std::string iso8601_utc(Clock::time_point when) {
    std::string out;
    append_iso8601_utc(out, when);
    return out;
}

}  // namespace tsmqtt
