// SPDX-License-Identifier: Apache-2.0
#include "core/quote.hpp"

namespace tsmqtt {

std::string bounded(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    std::size_t cut = limit;
    // Back over continuation bytes (10xxxxxx), so no character is cut in two.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    std::string out(text.substr(0, cut));
    out += "\u2026";
    return out;
}

}  // namespace tsmqtt
