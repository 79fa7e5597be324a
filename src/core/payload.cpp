// SPDX-License-Identifier: Apache-2.0
#include "core/payload.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/error.hpp"
#include "core/quote.hpp"

namespace tsmqtt {
namespace {

bool two_digits(std::string_view s, std::size_t at, int& out) {
    if (at + 2 > s.size()) return false;
    const char a = s[at];
    const char b = s[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return false;
    out = (a - '0') * 10 + (b - '0');
    return true;
}

bool is_leap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// [T| ]HH:MM[:SS[.fff]][Z|±HH[:]MM]
bool valid_time_part(std::string_view t) {
    int hour = 0;
    int minute = 0;
    if (!two_digits(t, 0, hour) || t.size() < 5 || t[2] != ':' || !two_digits(t, 3, minute))
        return false;
    if (hour > 23 || minute > 59) return false;
    std::size_t i = 5;
    if (i < t.size() && t[i] == ':') {
        int second = 0;
        if (!two_digits(t, i + 1, second) || second > 60) return false;
        i += 3;
        if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
            const auto start = ++i;
            while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
            if (i == start) return false;
        }
    }
    if (i == t.size()) return true;
    if (t[i] == 'Z' || t[i] == 'z') return i + 1 == t.size();
    if (t[i] != '+' && t[i] != '-') return false;
    int oh = 0;
    int om = 0;
    auto zone = t.substr(i + 1);
    if (!two_digits(zone, 0, oh) || oh > 14) return false;
    if (zone.size() == 2) return true;
    const std::size_t m = zone[2] == ':' ? 3 : 2;
    return two_digits(zone, m, om) && om <= 59 && zone.size() == m + 2;
}

bool is_unreserved(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '*';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void require_range(Param param, std::string_view value, double low, double high) {
    double number = 0;
    if (!parse_decimal(value, number) || number < low || number > high) {
        usage_error(fmt::format("invalid {} '{}': expected a number from {} to {}",
                                param_name(param), bounded(value), low, high));
    }
}

}  // namespace

bool is_iso8601(std::string_view text) {
    int century = 0;
    int yy = 0;
    int month = 0;
    int day = 0;
    if (text.size() < 10 || !two_digits(text, 0, century) || !two_digits(text, 2, yy) ||
        text[4] != '-' || !two_digits(text, 5, month) || text[7] != '-' ||
        !two_digits(text, 8, day)) {
        return false;
    }
    const int year = century * 100 + yy;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
    if (text.size() == 10) return true;
    if (text[10] != 'T' && text[10] != ' ' && text[10] != 't') return false;
    return valid_time_part(text.substr(11));
}

bool parse_decimal(std::string_view text, double& out) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && (text.front() == '+' || text.front() == '-')) return false;  // "+-30"
    }
    if (text.empty()) return false;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out, std::chars_format::fixed);
    return ec == std::errc() && ptr == end && std::isfinite(out);
}

void validate_field_value(std::string_view value) {
    if (!is_valid_utf8(value)) usage_error("value is not valid UTF-8");
    if (value.size() > kMaxValueBytes) {
        usage_error(fmt::format("value is {} bytes long: ThingSpeak allows at most {}",
                                value.size(), kMaxValueBytes));
    }
}

void validate_param_value(Param param, std::string_view value) {
    switch (param) {
        case Param::lat:
            return require_range(param, value, -90, 90);
        case Param::long_:
            return require_range(param, value, -180, 180);
        case Param::elevation: {
            double metres = 0;
            if (!parse_decimal(value, metres)) {
                usage_error(fmt::format("invalid elevation '{}': expected a number of metres",
                                        bounded(value)));
            }
            return;
        }
        case Param::created_at:
            if (!is_iso8601(value)) {
                usage_error(
                    fmt::format("invalid created_at '{}': expected ISO 8601 such as "
                                "2014-12-31T23:59:59Z or '2014-12-31 23:59:59'",
                                bounded(value)));
            }
            return;
        default:
            try {
                validate_field_value(value);
            } catch (const Error& e) {
                usage_error(fmt::format("invalid {}: {}", param_name(param), e.what()));
            }
    }
}

void FeedParams::set(Param param, std::string value) {
    validate_param_value(param, value);
    values_[static_cast<std::size_t>(param)] = std::move(value);
}

bool FeedParams::empty() const {
    for (const auto& value : values_) {
        if (value) return false;
    }
    return true;
}

std::string form_urlencode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c)) {
            out += ch;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0F];
        }
    }
    return out;
}

std::string form_urldecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            const int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
            const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) usage_error(fmt::format("bad %-escape '{}'", text.substr(i, 3)));
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string encode_form(const FeedParams& params) {
    std::string out;
    for (int i = 0; i < kParamCount; ++i) {
        const auto param = static_cast<Param>(i);
        const auto& value = params.get(param);
        if (!value) continue;
        if (!out.empty()) out += '&';
        out += param_name(param);
        out += '=';
        out += form_urlencode(*value);
    }
    if (out.empty()) {
        usage_error(
            "nothing to publish: give at least one value, e.g. field1=23.5 or --status TEXT");
    }
    if (out.size() > kMaxMessageBytes) {
        usage_error(fmt::format("message is {} bytes long: ThingSpeak allows at most {}",
                                out.size(), kMaxMessageBytes));
    }
    return out;
}

}  // namespace tsmqtt
