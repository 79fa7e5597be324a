// SPDX-License-Identifier: Apache-2.0
// Writing the profile file: toml++ serialises, the file is replaced atomically.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <random>
#include <sstream>
#include <system_error>

#include "profile/files.hpp"
#include "profile/store_document.hpp"

namespace tsmqtt {
namespace {

[[noreturn]] void throw_errno() {
    throw std::system_error(errno, std::generic_category());
}

// O_EXCL with a random name: never follows or reuses a file someone else put there.
std::pair<FileDescriptor, std::filesystem::path> create_temp(const std::filesystem::path& target) {
    std::random_device random;
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto temp = target;
        temp.replace_filename(fmt::format(".{}.tmp-{:08x}", target.filename().string(), random()));
        FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (fd.get() >= 0) return {std::move(fd), temp};
        if (errno != EEXIST) throw_errno();
    }
    throw std::system_error(EEXIST, std::generic_category());
}

void fsync_folder(const std::filesystem::path& folder) {
    FileDescriptor fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) throw_errno();
}

}  // namespace

std::string render_document(const Document& document) {
    toml::table root;
    if (document.default_name) root.insert("default", *document.default_name);
    toml::table profiles;
    for (const auto& profile : document.profiles) {
        toml::table body;
        for (const auto& [key, value] : profile.values) body.insert(key, value);
        if (!profile.labels.empty()) {
            toml::table labels;
            for (const auto& [field, label] : profile.labels)
                labels.insert(std::to_string(field), label);
            body.insert("labels", std::move(labels));
        }
        profiles.insert(profile.name, std::move(body));
    }
    if (!profiles.empty()) root.insert("profiles", std::move(profiles));
    std::ostringstream out;
    out << "# tsmqtt connection profiles. Holds secrets: keep it mode 0600.\n"
        // Basic strings ("..."), as a hand-written file would have them.
        << toml::toml_formatter(root, toml::toml_formatter::default_flags &
                                          ~toml::format_flags::allow_literal_strings)
        << '\n';
    return out.str();
}

void write_atomically(const std::filesystem::path& target, std::string_view text) {
    auto [fd, temp] = create_temp(target);
    try {
        // The umask may have taken bits from 0600; the mode must be exactly owner read/write.
        if (::fchmod(fd.get(), 0600) != 0) throw_errno();
        if (!write_all(fd.get(), text)) throw_errno();
        if (::fsync(fd.get()) != 0) throw_errno();
        if (::close(fd.release()) != 0) throw_errno();
        if (::rename(temp.c_str(), target.c_str()) != 0) throw_errno();
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    fsync_folder(target.parent_path().empty() ? "." : target.parent_path());
}

}  // namespace tsmqtt
