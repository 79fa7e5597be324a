// SPDX-License-Identifier: Apache-2.0
// The profile file, as tsmqtt writes it (hand edits are fine):
//
//   default = "home"                  # optional: the profile used when none is named
//   [profiles.home]                   # one table per profile; names quoted if they hold '.'
//   host = "mqtt3.thingspeak.com"     # keys are the setting keys of core/settings.hpp
//   username = "..."
//   password = "..."
//   channel = "1587079"
//   [profiles.home.labels]            # field number (or fieldN) -> label
//   1 = "Temperature"
//
// Values are stored as strings; integers and booleans written by hand are read as their text.
// Unknown keys are errors rather than ignored, because a silently ignored typo ("hots") would
// send credentials to the default broker.
//
// A file that fails to load is never overwritten: a ProfileStore comes from load(), which
// throws on a corrupt file, and save() also parses its own output before replacing anything.
#include "profile/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include "core/error.hpp"
#include "profile/files.hpp"
#include "profile/store_document.hpp"

namespace tsmqtt {
namespace {

[[noreturn]] void config_error(const std::string& message) {
    fail(ExitCode::config, message);
}

}  // namespace

EnvLookup process_env() {
    return [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::filesystem::path profile_file_path(const EnvLookup& env) {
    const auto non_empty = [&env](const char* name) {
        auto value = env(name);
        return value && !value->empty() ? value : std::nullopt;
    };
    if (auto config = non_empty("TSMQTT_CONFIG")) return *config;
    // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    if (auto xdg = non_empty("XDG_CONFIG_HOME"); xdg && xdg->front() == '/') {
        return std::filesystem::path(*xdg) / "tsmqtt" / "profiles.toml";
    }
    if (auto home = non_empty("HOME"))
        return std::filesystem::path(*home) / ".config" / "tsmqtt" / "profiles.toml";
    config_error(
        "cannot tell where the profile file is: set HOME, XDG_CONFIG_HOME or TSMQTT_CONFIG");
}

ProfileStore ProfileStore::load(const std::filesystem::path& path) {
    ProfileStore store;
    store.path_ = path;
    const auto name = path.string();
    const auto fd = open_regular_file(path, "profile file", true);
    if (fd.get() < 0) return store;
    check_private_file(fd.get(), path, "profile file");
    // A regular file's read is never interrupted by a signal: nothing to stop for.
    const std::atomic<int> never{0};
    auto document = parse_document(
        read_all(fd.get(), fmt::format("profile file {}", name), kUnbounded, never), name);
    store.profiles_ = std::move(document.profiles);
    store.default_ = std::move(document.default_name);
    return store;
}

const Profile* ProfileStore::find(std::string_view name) const {
    const auto it = std::find_if(profiles_.begin(), profiles_.end(),
                                 [name](const Profile& profile) { return profile.name == name; });
    return it == profiles_.end() ? nullptr : &*it;
}

void ProfileStore::put(Profile profile) {
    validate_profile_name(profile.name);
    // A key given twice keeps its last value, as with repeated options on the command line.
    std::vector<std::pair<std::string, std::string>> values;
    for (auto& [key, value] : profile.values) {
        const auto same = std::find_if(values.begin(), values.end(),
                                       [&key = key](const auto& kv) { return kv.first == key; });
        if (same == values.end()) {
            values.emplace_back(std::move(key), std::move(value));
        } else {
            same->second = std::move(value);
        }
    }
    profile.values = std::move(values);
    for (auto& existing : profiles_) {
        if (existing.name == profile.name) {
            existing = std::move(profile);
            return;
        }
    }
    profiles_.push_back(std::move(profile));
}

bool ProfileStore::remove(std::string_view name) {
    const auto it = std::find_if(profiles_.begin(), profiles_.end(),
                                 [name](const Profile& profile) { return profile.name == name; });
    if (it == profiles_.end()) return false;
    profiles_.erase(it);
    if (default_ == name) default_.reset();
    return true;
}

void ProfileStore::set_default(std::string_view name) {
    if (find(name) == nullptr) {
        std::string known;
        for (const auto& profile : profiles_) known += (known.empty() ? "" : ", ") + profile.name;
        config_error(known.empty()
                         ? fmt::format("unknown profile '{}' (no profiles saved yet)", name)
                         : fmt::format("unknown profile '{}' (profiles: {})", name, known));
    }
    default_ = std::string(name);
}

void ProfileStore::save() const {
    const auto name = path_.string();
    const auto text = render_document({profiles_, default_});
    try {
        parse_document(text, name);
    } catch (const Error& error) {
        config_error(fmt::format("refusing to write profile file {}: it would not load back ({})",
                                 name, error.what()));
    }
    try {
        auto folder = path_.parent_path();
        if (folder.empty()) folder = ".";
        if (std::filesystem::create_directories(folder))
            std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
        write_atomically(folder / path_.filename(), text);
    } catch (const std::system_error& error) {
        config_error(fmt::format("cannot write profile file {}: {}", name, error.code().message()));
    }
}

void ProfileStore::update(const std::filesystem::path& path,
                          const std::function<void(ProfileStore&)>& change) {
    auto folder = path.parent_path();
    if (folder.empty()) folder = ".";
    try {
        if (std::filesystem::create_directories(folder))
            std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
    } catch (const std::filesystem::filesystem_error& error) {
        config_error(fmt::format("cannot create the folder of profile file {}: {}", path.string(),
                                 error.code().message()));
    }
    const FileLock lock(path);
    auto store = load(path);
    change(store);
    store.save();
}

void validate_profile_name(std::string_view name) {
    const bool ok =
        !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_' || c == '.';
        });
    if (!ok) {
        usage_error(
            fmt::format("invalid profile name '{}': expected 1-64 letters, digits, '-', '_' or '.'",
                        name.substr(0, 80)));
    }
}

}  // namespace tsmqtt
