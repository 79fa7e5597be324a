// SPDX-License-Identifier: Apache-2.0
#pragma once
// Saved connection profiles in TOML: $XDG_CONFIG_HOME/tsmqtt/profiles.toml.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/runtime.hpp"

namespace tsmqtt {

struct Profile {
    std::string name;
    // setting key (see core/settings.hpp) -> value as text, in insertion order
    std::vector<std::pair<std::string, std::string>> values;
    std::map<int, std::string> labels;  // field number -> label
};

EnvLookup process_env();

// TSMQTT_CONFIG, else $XDG_CONFIG_HOME/tsmqtt/profiles.toml, else ~/.config/tsmqtt/profiles.toml.
std::filesystem::path profile_file_path(const EnvLookup& env);

class ProfileStore {
  public:
    // A missing file is an empty store. Throws Error(config) for a file readable by group or
    // others (message includes the chmod that fixes it), a file of another user or in a folder
    // others can write, a FIFO, device or folder in its place, an unreadable file, or bad TOML
    // (message names the line).
    static ProfileStore load(const std::filesystem::path& path);
    // Load, change, save under a lock (profile/files.hpp), so that concurrent updates of the
    // same file all land.
    static void update(const std::filesystem::path& path,
                       const std::function<void(ProfileStore&)>& change);

    const std::vector<Profile>& profiles() const { return profiles_; }
    const Profile* find(std::string_view name) const;
    const std::optional<std::string>& default_name() const { return default_; }

    void put(Profile profile);  // adds or replaces by name
    bool remove(std::string_view name);
    void set_default(std::string_view name);  // throws Error(config) for an unknown profile

    // Atomic: temp file in the same folder (mode 0600), fsync, rename. Creates the folder
    // with mode 0700. Throws Error(config) on failure.
    void save() const;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    std::vector<Profile> profiles_;
    std::optional<std::string> default_;
};

// Profile names: letters, digits, '-', '_', '.', 1-64 characters. Throws Error(usage).
void validate_profile_name(std::string_view name);

}  // namespace tsmqtt
