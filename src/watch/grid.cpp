// SPDX-License-Identifier: Apache-2.0
#include "watch/grid.hpp"

#include <algorithm>

namespace tsmqtt::watch {

namespace {

// One column wide in every terminal font that has them: Latin, Greek, Cyrillic, and the
// symbols the renderer draws itself (punctuation, box drawing, blocks, braille).
bool single_width(char32_t c) {
    return (c >= 0xA0 && c <= 0x2FF) || (c >= 0x370 && c <= 0x52F) ||
           (c >= 0x2010 && c <= 0x2027) || (c >= 0x2500 && c <= 0x259F) ||
           (c >= 0x2800 && c <= 0x28FF) || c == 0x2026 || c == 0x2022;
}

// Decodes one code point at text[i]; invalid sequences yield U+FFFD and one byte.
char32_t decode(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    int length = lead < 0x80         ? 1
                 : (lead >> 5) == 6  ? 2
                 : (lead >> 4) == 14 ? 3
                 : (lead >> 3) == 30 ? 4
                                     : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
        ++i;
        return 0xFFFD;
    }
    char32_t c = length == 1 ? lead : static_cast<char32_t>(lead & (0x7F >> length));
    for (int k = 1; k < length; ++k) {
        const unsigned char next = byte(i + static_cast<std::size_t>(k));
        if ((next & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        c = (c << 6) | static_cast<char32_t>(next & 0x3F);
    }
    i += static_cast<std::size_t>(length);
    return c;
}

}  // namespace

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

int Grid::put(int col, int row, std::string_view text, std::uint8_t attr, int width) {
    if (row < 0 || row >= rows_ || col < 0) return 0;
    const int limit = width < 0 ? cols_ - col : std::min(width, cols_ - col);
    int used = 0;
    for (std::size_t i = 0; i < text.size() && used < limit;) {
        char32_t c = decode(text, i);
        const bool shown = c >= 0x20 && (c < 0x7F || (unicode_ && single_width(c)));
        if (!shown) c = U'?';
        at(col + used, row) = Cell{c, attr};
        ++used;
    }
    return used;
}

std::string Grid::row_text(int row) const {
    std::string out;
    for (int col = 0; col < cols_; ++col) append_utf8(out, at(col, row).glyph);
    return out;
}

std::string Grid::text() const {
    std::string out;
    for (int row = 0; row < rows_; ++row) {
        out += row_text(row);
        out += '\n';
    }
    return out;
}

}  // namespace tsmqtt::watch
