// SPDX-License-Identifier: Apache-2.0
#include "core/utf8.hpp"
#include "format/append.hpp"
#include "format/formatter.hpp"

namespace tsmqtt {

namespace {

void append_hex_byte(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789ABCDEF";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 0xF];
}

bool is_harmless(unsigned char c) {
    return (c >= 0x20 && c < 0x7F && c != '\\') || c == '\t';
}

bool needs_quotes(std::string_view text) {
    return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

void append_escaped_for_terminal(std::string& out, std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t run = i;
        while (run < text.size() && is_harmless(static_cast<unsigned char>(text[run]))) ++run;
        out.append(text, i, run - i);
        i = run;
        if (i == text.size()) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\\') {
            out += "\\\\";
            ++i;
            continue;
        }
        const std::size_t length = c < 0x80 ? 0 : utf8_sequence_length(text, i);
        // C1 controls (U+0080..U+009F, "\xC2\x80".."\xC2\x9F") act like ESC sequences on
        // some terminals, so they are shown byte by byte like invalid UTF-8.
        const bool c1_control =
            length == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
        if (length == 0 || c1_control) {
            const std::size_t shown = c1_control ? 2 : 1;
            for (std::size_t k = 0; k < shown; ++k)
                append_hex_byte(out, static_cast<unsigned char>(text[i + k]));
            i += shown;
        } else {
            out.append(text, i, length);
            i += length;
        }
    }
}

std::string escape_for_terminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_escaped_for_terminal(out, text);
    return out;
}

void append_csv_field(std::string& out, std::string_view text) {
    if (!needs_quotes(text)) {
        out += text;
        return;
    }
    out += '"';
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string csv_field(std::string_view text) {
    std::string out;
    append_csv_field(out, text);
    return out;
}

}  // namespace tsmqtt
