// SPDX-License-Identifier: Apache-2.0
#include "core/redact.hpp"

#include <algorithm>
#include <cctype>

namespace tsmqtt {
namespace {

bool word_char(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) != 0 || c == '_' || c == '-' || byte >= 0x80;
}

// A '.' joins two words (a host name, a file name); at the end of a sentence it does not.
bool joins_before(std::string_view text, std::size_t at) {
    if (at == 0) return false;
    const char c = text[at - 1];
    if (word_char(c)) return true;
    return c == '.' && at >= 2 && word_char(text[at - 2]);
}

bool joins_after(std::string_view text, std::size_t end) {
    if (end >= text.size()) return false;
    const char c = text[end];
    if (word_char(c)) return true;
    return c == '.' && end + 1 < text.size() && word_char(text[end + 1]);
}

void mask_whole_values(std::string& text, const std::string& secret) {
    if (secret.empty()) return;
    const auto masked = mask_secret(secret);
    for (auto at = text.find(secret); at != std::string::npos;) {
        const auto end = at + secret.size();
        if (joins_before(text, at) || joins_after(text, end)) {
            at = text.find(secret, at + 1);
            continue;
        }
        text.replace(at, secret.size(), masked);
        at = text.find(secret, at + masked.size());
    }
}

// Where a URL's authority ends: its path, or the text around it.
bool ends_authority(char c) {
    return c == '/' || c == '?' || c == '#' || c == '\'' || c == '"' || c == '<' || c == '>' ||
           std::isspace(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::string redact_secret(std::string_view text, const std::string& secret) {
    std::string out(text);
    mask_whole_values(out, secret);
    return out;
}

std::string mask_url_userinfo(std::string_view text) {
    std::string out(text);
    constexpr std::string_view kMasked = "****";
    for (auto scheme_end = out.find("://"); scheme_end != std::string::npos;
         scheme_end = out.find("://", scheme_end + 3)) {
        const auto start = scheme_end + 3;
        const auto end =
            static_cast<std::size_t>(std::find_if(out.begin() + static_cast<std::ptrdiff_t>(start),
                                                  out.end(), ends_authority) -
                                     out.begin());
        const auto at = out.rfind('@', end == start ? start : end - 1);
        if (at == std::string::npos || at < start || at >= end) continue;
        out.replace(start, at - start, kMasked);
    }
    return out;
}

std::string redact(std::string_view text, const Settings& settings) {
    std::string out = mask_url_userinfo(text);
    if (settings.password) mask_whole_values(out, *settings.password);
    mask_whole_values(out, settings.write_key);
    mask_whole_values(out, settings.read_key);
    return out;
}

}  // namespace tsmqtt
