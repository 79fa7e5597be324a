// SPDX-License-Identifier: Apache-2.0
#include "format/base64.hpp"

#include <cstdint>

namespace tsmqtt {

void append_base64(std::string& out, std::string_view bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto at = [&](std::size_t i) -> std::uint32_t {
        return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0u;
    };
    out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::uint32_t group = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        const std::size_t present = bytes.size() - i;
        out += alphabet[group >> 18 & 0x3F];
        out += alphabet[group >> 12 & 0x3F];
        out += present > 1 ? alphabet[group >> 6 & 0x3F] : '=';
        out += present > 2 ? alphabet[group & 0x3F] : '=';
    }
}

}  // namespace tsmqtt
