// SPDX-License-Identifier: Apache-2.0
// The subscribe output formats over network bytes. The input is "TOPIC\nPAYLOAD" (or just
// a payload); it becomes a raw update, a field update and a channel update (the payload
// parsed as a feed entry, or some text values set to it), each formatted as text, CSV and
// JSON. With escape_controls on, text and CSV reach a terminal: no control byte but tab and
// the final newline, no DEL, ESC or C1 control, valid UTF-8, and the escapes undo exactly.
// JSON must parse and give back the bytes; CSV must read back as its columns.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/feed_entry.hpp"
#include "format/formatter.hpp"
#include "format/json_text.hpp"
#include "fuzz_support.hpp"

namespace {

using tsmqtt::Clock;
using tsmqtt::Format;
using tsmqtt::UpdateKind;
using json = nlohmann::json;

std::optional<std::string> base64_decode(std::string_view text) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::uint32_t group = 0;
        int padding = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const char c = text[i + k];
            std::uint32_t value = 0;
            if (c == '=' && k >= 2 && i + 4 == text.size()) {
                ++padding;
            } else if (const auto at = kAlphabet.find(c);
                       at != std::string_view::npos && padding == 0) {
                value = static_cast<std::uint32_t>(at);
            } else {
                return std::nullopt;
            }
            group = group << 6 | value;
        }
        out += static_cast<char>(group >> 16 & 0xFF);
        if (padding < 2) out += static_cast<char>(group >> 8 & 0xFF);
        if (padding < 1) out += static_cast<char>(group & 0xFF);
    }
    return out;
}

// Undoes escape_for_terminal: "\\" is a backslash, "\xNN" a byte.
std::optional<std::string> unescape_terminal(std::string_view text) {
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '\\') {
            out += '\\';
            i += 1;
        } else if (i + 3 < text.size() && text[i + 1] == 'x' && hex(text[i + 2]) >= 0 &&
                   hex(text[i + 3]) >= 0) {
            out += static_cast<char>(hex(text[i + 2]) * 16 + hex(text[i + 3]));
            i += 3;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

void check_terminal_safe(std::string_view text, std::string_view input) {
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        FUZZ_CHECK((c >= 0x20 || c == '\t') && c != 0x7F, "input", input, "output", text);
    }
    FUZZ_CHECK(tsmqtt_fuzz::reference_is_utf8(text), "input", input, "output", text);
    FUZZ_CHECK(!tsmqtt_fuzz::has_c1_control(text), "input", input, "output", text);
}

std::string_view without_newline(std::string_view line, std::string_view input) {
    FUZZ_CHECK(!line.empty() && line.back() == '\n', "input", input, "output", line);
    line.remove_suffix(1);
    return line;
}

void check_escape(std::string_view bytes) {
    const auto escaped = tsmqtt::escape_for_terminal(bytes);
    check_terminal_safe(escaped, bytes);
    FUZZ_CHECK(unescape_terminal(escaped) == std::string(bytes), "input", bytes, "escaped",
               escaped);

    const auto cell = tsmqtt::csv_field(bytes);
    const auto cells = tsmqtt_fuzz::reference_csv_record(cell);
    FUZZ_CHECK(cells && cells->size() == 1 && (*cells)[0] == bytes, "input", bytes, "cell", cell);
}

// What one CSV cell says: the bytes themselves, "\xNN"-escaped when escaping is on.
std::optional<std::string> csv_text(std::string_view cell, bool escaped) {
    return escaped ? unescape_terminal(cell) : std::optional<std::string>(cell);
}

std::size_t columns(UpdateKind kind) {
    switch (kind) {
        case UpdateKind::channel:
            return 15;
        case UpdateKind::field:
            return 4;
        case UpdateKind::raw:
            break;
    }
    return 5;
}

UpdateKind kind_of(const tsmqtt::Update& update) {
    if (std::holds_alternative<tsmqtt::ChannelUpdate>(update)) return UpdateKind::channel;
    if (std::holds_alternative<tsmqtt::FieldUpdate>(update)) return UpdateKind::field;
    return UpdateKind::raw;
}

void check_csv(const tsmqtt::Update& update, bool escaped, std::string_view input) {
    tsmqtt::FormatOptions options;
    options.format = Format::csv;
    options.escape_controls = escaped;
    const auto formatter = tsmqtt::make_formatter(options);
    const auto kind = kind_of(update);
    const auto header_line = formatter->header(kind);
    const auto header = tsmqtt_fuzz::reference_csv_record(without_newline(header_line, input));
    FUZZ_CHECK(header && header->size() == columns(kind), "input", input, "header", header_line);

    const auto output = formatter->format(update);
    const auto row = without_newline(output, input);
    if (escaped) check_terminal_safe(row, input);
    const auto cells = tsmqtt_fuzz::reference_csv_record(row);
    FUZZ_CHECK(cells && cells->size() == columns(kind), "input", input, "output", output);
    if (const auto* raw = std::get_if<tsmqtt::RawUpdate>(&update)) {
        FUZZ_CHECK(csv_text((*cells)[1], escaped) == raw->topic, "input", input, "output", output);
        // A payload that is not UTF-8 is written as "base64:" and its base64.
        const std::string_view cell = (*cells)[4];
        const auto payload = tsmqtt_fuzz::reference_is_utf8(raw->payload) ? csv_text(cell, escaped)
                             : cell.starts_with("base64:") ? base64_decode(cell.substr(7))
                                                           : std::nullopt;
        FUZZ_CHECK(payload == raw->payload, "input", input, "output", output);
    }
}

void check_text(const tsmqtt::Update& update, bool escaped, std::string_view input) {
    tsmqtt::FormatOptions options;
    options.format = Format::text;
    options.escape_controls = escaped;
    options.color = !escaped;
    const auto formatter = tsmqtt::make_formatter(options);
    FUZZ_CHECK(formatter->header(kind_of(update)).empty(), "input", input);
    const auto output = formatter->format(update);
    const auto line = without_newline(output, input);
    if (escaped) check_terminal_safe(line, input);
}

void check_json(const tsmqtt::Update& update, std::string_view input) {
    tsmqtt::FormatOptions options;
    options.format = Format::json;
    const auto formatter = tsmqtt::make_formatter(options);
    const auto output = formatter->format(update);
    const auto line = without_newline(output, input);
    FUZZ_CHECK(line.find('\n') == std::string_view::npos, "input", input, "output", output);
    const auto doc = json::parse(line, nullptr, false);
    FUZZ_CHECK(!doc.is_discarded() && doc.is_object(), "input", input, "output", output);

    const auto text_of = [&](const char* key) -> std::optional<std::string> {
        const auto found = doc.find(key);
        if (found == doc.end() || !found->is_string()) return std::nullopt;
        return found->get<std::string>();
    };
    const auto check_topic = [&](const std::string& topic) {
        const auto got = text_of("topic");
        FUZZ_CHECK(got && (*got == topic || !tsmqtt_fuzz::reference_is_utf8(topic)), "input", input,
                   "output", output);
    };
    if (const auto* raw = std::get_if<tsmqtt::RawUpdate>(&update)) {
        check_topic(raw->topic);
        const auto payload = text_of("payload");
        const auto encoded = text_of("payload_base64");
        FUZZ_CHECK(payload.has_value() != encoded.has_value(), "input", input, "output", output);
        const auto bytes = payload ? payload : base64_decode(*encoded);
        FUZZ_CHECK(bytes == raw->payload, "input", input, "output", output);
        FUZZ_CHECK(doc.value("qos", -1) == raw->qos &&
                       doc.value("retain", !raw->retained) == raw->retained,
                   "input", input, "output", output);
    } else if (const auto* field = std::get_if<tsmqtt::FieldUpdate>(&update)) {
        check_topic(field->topic);
        const auto value = text_of("value");
        FUZZ_CHECK(
            value && (*value == field->value || !tsmqtt_fuzz::reference_is_utf8(field->value)),
            "input", input, "output", output);
    } else if (const auto* channel = std::get_if<tsmqtt::ChannelUpdate>(&update)) {
        check_topic(channel->topic);
        auto entry = json::parse(tsmqtt::feed_entry_to_json(channel->entry), nullptr, false);
        FUZZ_CHECK(!entry.is_discarded(), "input", input);
        entry["topic"] = doc["topic"];
        FUZZ_CHECK(entry == doc, "input", input, "output", output);
    }
}

// Both ends of the clock, an instant just before 1970, and one from docs/thingspeak.md.
Clock::time_point instant(std::size_t pick) {
    switch (pick % 4) {
        case 0:
            return Clock::time_point::min();
        case 1:
            return Clock::time_point::max();
        case 2:
            return Clock::time_point{} - std::chrono::nanoseconds(1);
        default:
            return Clock::time_point{} + std::chrono::seconds(1639200931);
    }
}

tsmqtt::FeedEntry entry_from(std::string_view payload, std::size_t size) {
    try {
        return tsmqtt::parse_feed_entry(payload);
    } catch (const tsmqtt::Error&) {
        // Not a feed entry: some text values hold the raw bytes, which no parser would allow.
    }
    tsmqtt::FeedEntry entry;
    const std::string text(payload);
    entry.channel_id = size;
    entry.created_at = text;
    entry.fields[0] = entry.fields[7] = entry.status = text;
    return entry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = tsmqtt_fuzz::as_text(data, size);
    const auto newline = input.find('\n');
    const std::string topic(newline == std::string_view::npos ? "channels/1587079/subscribe"
                                                              : input.substr(0, newline));
    const std::string payload(newline == std::string_view::npos ? input
                                                                : input.substr(newline + 1));
    const auto when = instant(size);
    check_escape(input);

    const std::vector<tsmqtt::Update> updates{
        tsmqtt::RawUpdate{topic, payload, static_cast<int>(size % 3), size % 2 == 1, when},
        tsmqtt::FieldUpdate{topic, size * 7919,
                            *tsmqtt::FieldNumber::of(static_cast<int>(size % 8) + 1), payload,
                            when},
        tsmqtt::ChannelUpdate{topic, entry_from(payload, size), when},
    };
    for (const auto& update : updates) {
        check_text(update, true, input);
        check_text(update, false, input);
        check_csv(update, true, input);
        check_csv(update, false, input);
        check_json(update, input);
    }
    return 0;
}
