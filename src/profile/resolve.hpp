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

// Whether no profile is to be used at all, and why: "--no-profile" (the option), else
// "TSMQTT_NO_PROFILE" when that variable is a yes value and --profile names no profile (the
// command line beats the environment; TSMQTT_NO_PROFILE beats TSMQTT_PROFILE, the safer of
// the two); else "". A TSMQTT_NO_PROFILE that is no yes/no value is Error(usage).
std::string profiles_off(bool no_profile_option, bool profile_option, const EnvLookup& env);

// docs/cli-contract.md, "Credentials stay with their broker": a profile goes only to the host
// it names (its own, else the default host). `with_profile` holds the profile's settings alone,
// `above` the environment's and the command line's alone; when those name another host (--url,
// -h, TSMQTT_URL, TSMQTT_HOST), the line -v gives ("profile 'home' not used: it is for
// mqtt3.thingspeak.com, not 127.0.0.1"), else "". Host names compare without regard to case.
std::string profile_not_used(std::string_view name, const Settings& with_profile,
                             const Settings& above);

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
