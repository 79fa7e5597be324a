// SPDX-License-Identifier: Apache-2.0
#pragma once
// Inside the profile store: the file's content as profiles (store_read.cpp parses it,
// store_write.cpp renders and writes it). Not for use outside src/profile/.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profile/store.hpp"

namespace tsmqtt {

struct Document {
    std::vector<Profile> profiles;
    std::optional<std::string> default_name;
};

// Throws Error(config) naming the file and line of the first mistake.
Document parse_document(std::string_view text, const std::string& path);
std::string render_document(const Document& document);
// Temp file in the same folder (O_EXCL, mode 0600), fsync, rename, fsync of the folder.
// Throws std::system_error.
void write_atomically(const std::filesystem::path& target, std::string_view text);

}  // namespace tsmqtt
