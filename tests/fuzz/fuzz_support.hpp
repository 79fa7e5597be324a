// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the fuzz targets share: invariant checks that hold under NDEBUG (the fuzz build is
// RelWithDebInfo, so assert() would vanish) and small reference implementations, written
// independently of src/ so that a disagreement points at one of the two.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A broken invariant is a crash to libFuzzer: it saves the input and the run fails.
#define FUZZ_CHECK(condition, ...)                                                                 \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
            ::tsmqtt_fuzz::report(__VA_ARGS__);                                                    \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace tsmqtt_fuzz {

inline void report() {}

// Prints the context of a broken invariant, with bytes outside printable ASCII as \xNN.
template <typename... More>
void report(std::string_view label, std::string_view value, More... more) {
    std::fprintf(stderr, "  %.*s: \"", static_cast<int>(label.size()), label.data());
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"') {
            std::fputc(c, stderr);
        } else {
            std::fprintf(stderr, "\\x%02X", c);
        }
    }
    std::fputs("\"\n", stderr);
    report(more...);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// UTF-8 as the Unicode standard defines it: decode the code point, then reject overlong
// forms, surrogates and anything past U+10FFFF.
inline bool reference_is_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0;
        std::uint32_t smallest = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        }
        if ((lead & 0xE0u) == 0xC0u) {
            extra = 1, code = lead & 0x1Fu, smallest = 0x80;
        } else if ((lead & 0xF0u) == 0xE0u) {
            extra = 2, code = lead & 0x0Fu, smallest = 0x800;
        } else if ((lead & 0xF8u) == 0xF0u) {
            extra = 3, code = lead & 0x07u, smallest = 0x10000;
        } else {
            return false;
        }
        if (text.size() - i <= extra) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0u) != 0x80u) return false;
            code = (code << 6) | (next & 0x3Fu);
        }
        if (code < smallest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

// True when the text holds a C1 control (U+0080..U+009F) encoded as UTF-8.
inline bool has_c1_control(std::string_view text) {
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (static_cast<unsigned char>(text[i]) == 0xC2 &&
            static_cast<unsigned char>(text[i + 1]) < 0xA0 &&
            static_cast<unsigned char>(text[i + 1]) >= 0x80) {
            return true;
        }
    }
    return false;
}

// One RFC 4180 record without its line end; nullopt when it is malformed.
inline std::optional<std::vector<std::string>> reference_csv_record(std::string_view line) {
    std::vector<std::string> cells(1);
    std::size_t i = 0;
    while (true) {
        auto& cell = cells.back();
        if (i < line.size() && line[i] == '"') {
            ++i;
            while (true) {
                if (i >= line.size()) return std::nullopt;
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                cell += line[i++];
            }
        } else {
            while (i < line.size() && line[i] != ',') {
                if (line[i] == '"') return std::nullopt;
                cell += line[i++];
            }
        }
        if (i == line.size()) return cells;
        if (line[i] != ',') return std::nullopt;
        ++i;
        cells.emplace_back();
    }
}

// Splits on a separator, keeping empty pieces.
inline std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    while (true) {
        const auto at = text.find(separator);
        pieces.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return pieces;
        text.remove_prefix(at + 1);
    }
}

}  // namespace tsmqtt_fuzz
