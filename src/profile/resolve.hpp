// SPDX-License-Identifier: Apache-2.0
#pragma once
// docs/cli-contract.md's precedence, command line > environment > profile > built-in default: each
// layer is applied lowest first through apply_setting, so a later layer wins and every setting's
// source ("profile 'home'", "environment TSMQTT_HOST", "command line") is recorded for -v.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/settings.hpp"
#include "profile/store.hpp"

namespace tsmqtt {

struct ProfileChoice {
    std::string name;    // empty: no profile
    std::string reason;  // "--profile", "TSMQTT_PROFILE" or "default"
};

// --profile, else TSMQTT_PROFILE, else the store's default profile, else none.
ProfileChoice choose_profile(std::string_view command_line, const EnvLookup& env,
                             const std::optional<std::string>& store_default);

// A profile's values and labels, source "profile 'NAME'". A value that does not validate is
// Error(config) naming the profile and the file (the file is what needs fixing).
void apply_profile(Settings& settings, const Profile& profile, std::string_view file);

// Every setting's environment variable (see setting_table()) that is set and not empty,
// source "environment NAME". A bad value is Error(usage) naming the variable.
void apply_environment(Settings& settings, const EnvLookup& env);

// Command-line values in the order given (the last of a repeated option wins).
void apply_command_line(Settings& settings,
                        const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace tsmqtt
