// SPDX-License-Identifier: Apache-2.0
#include "format/json_text.hpp"

#include "core/utf8.hpp"
#include "format/append.hpp"

namespace tsmqtt {

namespace {

void append_unicode_escape(std::string& out, unsigned code) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\u00";
    out += hex[code >> 4 & 0xF];
    out += hex[code & 0xF];
}

void append_text_or_null(std::string& out, const std::optional<std::string>& value) {
    if (value)
        append_json_string(out, *value);
    else
        out += "null";
}

void append_id_or_null(std::string& out, const std::optional<std::uint64_t>& value) {
    if (value)
        append_uint(out, *value);
    else
        out += "null";
}

bool is_plain_ascii(unsigned char c) {
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t run = i;
        while (run < text.size() && is_plain_ascii(static_cast<unsigned char>(text[run]))) ++run;
        out.append(text, i, run - i);
        i = run;
        if (i == text.size()) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            switch (c) {
                case '"':
                    out += "\\\"";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                default:
                    append_unicode_escape(out, c);
                    break;
            }
            ++i;
            continue;
        }
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else if (length == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            append_unicode_escape(out, static_cast<unsigned char>(text[i + 1]));  // C1 control
            i += 2;
        } else {
            out.append(text, i, length);
            i += length;
        }
    }
    out += '"';
}

std::string feed_entry_to_json(const FeedEntry& entry) {
    std::string out;
    out.reserve(320);
    out += "{\"channel_id\":";
    append_id_or_null(out, entry.channel_id);
    out += ",\"created_at\":";
    append_text_or_null(out, entry.created_at);
    out += ",\"entry_id\":";
    append_id_or_null(out, entry.entry_id);
    const auto text_member = [&out](std::string_view name,
                                    const std::optional<std::string>& value) {
        out += ",\"";
        out += name;
        out += "\":";
        append_text_or_null(out, value);
    };
    for (std::size_t i = 0; i < entry.fields.size(); ++i)
        text_member(kFeedFieldNames[i], entry.fields[i]);
    for (const auto& tail : kFeedTailKeys) text_member(tail.name, entry.*tail.member);
    out += '}';
    return out;
}

}  // namespace tsmqtt
