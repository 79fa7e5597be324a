// SPDX-License-Identifier: Apache-2.0
// The publish payload: FeedParams::set and validate_param_value for every parameter,
// encode_form, and form_urlencode/form_urldecode. The input reads like a payload, name=value
// pieces joined by '&'; a value is percent-decoded when it can be, so any bytes reach the
// validators. An unknown name still picks a parameter, so mutations reach all of them.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/payload.hpp"
#include "core/thingspeak.hpp"
#include "fuzz_support.hpp"

namespace {

using tsmqtt::Error;
using tsmqtt::ExitCode;
using tsmqtt::Param;
using tsmqtt_fuzz::reference_is_utf8;

using Expected = std::array<std::optional<std::string>, tsmqtt::kParamCount>;

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// What form_urlencode may produce: unreserved characters, '+' for a space, %XX.
bool is_encoded_char(char c) {
    return is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '*' || c == '+' || c == '%';
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool reference_decodable(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') continue;
        if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
        i += 2;
    }
    return true;
}

// A plain decimal: one optional sign, digits with at most one '.', at least one digit.
bool reference_decimal_grammar(std::string_view text) {
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
    std::size_t digits = 0;
    std::size_t dots = 0;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if (c != '.' || ++dots > 1) {
            return false;
        }
    }
    return digits > 0;
}

// Short enough that no double overflows or underflows: the reference value is strtod's.
constexpr std::size_t kShortDecimal = 24;

double reference_decimal_value(std::string_view text) {
    return std::strtod(std::string(text).c_str(), nullptr);
}

void check_decimal(std::string_view text) {
    double value = 0;
    const bool accepted = tsmqtt::parse_decimal(text, value);
    const bool grammar = reference_decimal_grammar(text);
    if (accepted) FUZZ_CHECK(grammar && std::isfinite(value), "parse_decimal accepted", text);
    if (grammar && text.size() <= kShortDecimal) {
        FUZZ_CHECK(accepted, "parse_decimal rejected", text);
        FUZZ_CHECK(value == reference_decimal_value(text), "parse_decimal misread", text);
    }
}

void check_codec(std::string_view text) {
    const auto encoded = tsmqtt::form_urlencode(text);
    for (const char c : encoded) FUZZ_CHECK(is_encoded_char(c), "text", text, "encoded", encoded);
    try {
        FUZZ_CHECK(tsmqtt::form_urldecode(encoded) == text, "text", text, "encoded", encoded);
    } catch (const Error& error) {
        FUZZ_CHECK(false, "text", text, "encoded", encoded, "error", error.what());
    }

    const bool decodable = reference_decodable(text);
    try {
        const auto decoded = tsmqtt::form_urldecode(text);
        FUZZ_CHECK(decodable, "form_urldecode accepted", text);
        FUZZ_CHECK(decoded.size() <= text.size(), "text", text, "decoded", decoded);
    } catch (const Error& error) {
        FUZZ_CHECK(!decodable, "form_urldecode rejected", text);
        FUZZ_CHECK(error.code() == ExitCode::usage, "text", text);
    }
}

void check_text_predicates(std::string_view text) {
    FUZZ_CHECK(tsmqtt::is_valid_utf8(text) == reference_is_utf8(text), "text", text);
    if (tsmqtt::is_iso8601(text)) {
        FUZZ_CHECK(text.size() >= 10 && text[4] == '-' && text[7] == '-', "is_iso8601 accepted",
                   text);
    }
    check_decimal(text);
}

// Whether set() must accept the value, or nullopt where there is no cheap reference.
std::optional<bool> reference_accepts(Param param, std::string_view value) {
    const auto in_range = [&](double limit) -> std::optional<bool> {
        if (!reference_decimal_grammar(value)) return false;
        if (value.size() > kShortDecimal) return std::nullopt;
        const double number = reference_decimal_value(value);
        return number >= -limit && number <= limit;
    };
    switch (param) {
        case Param::lat:
            return in_range(90);
        case Param::long_:
            return in_range(180);
        case Param::elevation:
            if (!reference_decimal_grammar(value)) return false;
            if (value.size() > kShortDecimal) return std::nullopt;
            return true;
        case Param::created_at:
            return std::nullopt;
        default:
            return reference_is_utf8(value) && value.size() <= tsmqtt::kMaxValueBytes;
    }
}

void try_set(tsmqtt::FeedParams& params, Expected& expected, Param param,
             const std::string& value) {
    const auto index = static_cast<std::size_t>(param);
    const auto name = tsmqtt::param_name(param);
    const auto reference = reference_accepts(param, value);
    try {
        params.set(param, value);
        expected[index] = value;
        if (reference) FUZZ_CHECK(*reference, "set accepted", name, "value", value);
        try {
            tsmqtt::validate_param_value(param, value);
        } catch (const Error& error) {
            FUZZ_CHECK(false, "stored but invalid", name, "value", value, "error", error.what());
        }
        if (param == Param::lat || param == Param::long_ || param == Param::elevation) {
            FUZZ_CHECK(reference_decimal_grammar(value), "set accepted", name, "value", value);
        }
    } catch (const Error& error) {
        if (reference) FUZZ_CHECK(!*reference, "set rejected", name, "value", value);
        FUZZ_CHECK(error.code() == ExitCode::usage && *error.what() != '\0', name, value);
    }
    FUZZ_CHECK(params.get(param) == expected[index], "after set", name, "value", value);
}

void check_encoding(const tsmqtt::FeedParams& params, const Expected& expected) {
    std::size_t size = 0;
    bool any = false;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (!expected[i]) continue;
        size += (any ? 1 : 0) + tsmqtt::param_name(static_cast<Param>(i)).size() + 1 +
                tsmqtt::form_urlencode(*expected[i]).size();
        any = true;
    }
    FUZZ_CHECK(params.empty() == !any);

    std::string form;
    try {
        form = tsmqtt::encode_form(params);
    } catch (const Error& error) {
        FUZZ_CHECK(!any || size > tsmqtt::kMaxMessageBytes, "encode_form failed", error.what());
        FUZZ_CHECK(error.code() == ExitCode::usage);
        return;
    }
    FUZZ_CHECK(any && form.size() == size && size <= tsmqtt::kMaxMessageBytes, "form", form);
    for (const char c : form) FUZZ_CHECK(is_encoded_char(c) || c == '&' || c == '=', "form", form);

    // Decoding gives back every stored value, in the stable parameter order.
    const auto pieces = tsmqtt_fuzz::split(form, '&');
    std::size_t next = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (!expected[i]) continue;
        FUZZ_CHECK(next < pieces.size(), "form", form);
        const auto piece = pieces[next++];
        const auto eq = piece.find('=');
        FUZZ_CHECK(eq != std::string_view::npos, "form", form);
        FUZZ_CHECK(piece.substr(0, eq) == tsmqtt::param_name(static_cast<Param>(i)), "form", form);
        try {
            FUZZ_CHECK(tsmqtt::form_urldecode(piece.substr(eq + 1)) == *expected[i], "form", form,
                       "value", *expected[i]);
        } catch (const Error& error) {
            FUZZ_CHECK(false, "form", form, "error", error.what());
        }
    }
    FUZZ_CHECK(next == pieces.size(), "form", form);
}

Param pick_param(std::string_view name) {
    if (const auto param = tsmqtt::find_param(name)) return *param;
    unsigned sum = 0;
    for (const char c : name) sum += static_cast<unsigned char>(c);
    return static_cast<Param>(sum % tsmqtt::kParamCount);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = tsmqtt_fuzz::as_text(data, size);
    check_codec(text);
    check_text_predicates(text);

    tsmqtt::FeedParams params;
    Expected expected;
    for (const auto piece : tsmqtt_fuzz::split(text, '&')) {
        const auto eq = piece.find('=');
        const auto name = piece.substr(0, eq);
        const auto raw = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
        check_text_predicates(raw);
        const auto value =
            reference_decodable(raw) ? tsmqtt::form_urldecode(raw) : std::string(raw);
        try_set(params, expected, pick_param(name), value);
    }
    check_encoding(params, expected);
    return 0;
}
