// SPDX-License-Identifier: Apache-2.0
#include "profile/resolve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace tsmqtt {

ProfileChoice choose_profile(std::string_view command_line, const EnvLookup& env,
                             const std::optional<std::string>& store_default) {
    if (!command_line.empty()) return {std::string(command_line), "--profile"};
    if (auto name = env("TSMQTT_PROFILE"); name && !name->empty()) {
        return {std::move(*name), "TSMQTT_PROFILE"};
    }
    if (store_default) return {*store_default, "default"};
    return {};
}

std::string profiles_off(bool no_profile_option, bool profile_option, const EnvLookup& env) {
    if (no_profile_option) return "--no-profile";
    const auto value = env("TSMQTT_NO_PROFILE").value_or("");
    if (value.empty()) return {};
    const auto off = parse_boolean(value);
    if (!off) {
        usage_error(fmt::format(
            "invalid TSMQTT_NO_PROFILE '{}': expected 1 (no profile) or 0; or unset it", value));
    }
    return *off && !profile_option ? "TSMQTT_NO_PROFILE" : "";
}

std::string profile_not_used(std::string_view name, const Settings& with_profile,
                             const Settings& above) {
    if (!above.explicitly_set(SettingId::host)) return {};
    const auto same = std::equal(above.host.begin(), above.host.end(), with_profile.host.begin(),
                                 with_profile.host.end(), [](char a, char b) {
                                     return std::tolower(static_cast<unsigned char>(a)) ==
                                            std::tolower(static_cast<unsigned char>(b));
                                 });
    if (same) return {};
    return fmt::format("profile '{}' not used: it is for {}, not {}", name, with_profile.host,
                       above.host);
}

void apply_profile(Settings& settings, const Profile& profile, std::string_view file) {
    const auto source = fmt::format("profile '{}'", profile.name);
    // Validate on a copy: a profile that fails leaves the settings as they were.
    Settings applied = settings;
    try {
        for (const auto& [key, value] : profile.values) {
            apply_setting(applied, key, value, Origin::profile, source);
        }
        for (const auto& [field, label] : profile.labels) {
            apply_setting(applied, "label", fmt::format("{}={}", field, label), Origin::profile,
                          source);
        }
    } catch (const Error& error) {
        fail(ExitCode::config, fmt::format("{} in {}: {}", source, file, error.what()));
    }
    settings = std::move(applied);
}

void apply_environment(Settings& settings, const EnvLookup& env) {
    for (const auto& info : setting_table()) {
        if (info.env.empty()) continue;
        const std::string name(info.env);
        const auto value = env(name.c_str());
        if (!value || value->empty()) continue;
        const auto source = fmt::format("environment {}", name);
        try {
            apply_setting(settings, info.key, *value, Origin::environment, source);
        } catch (const Error& error) {
            fail(error.code(), fmt::format("{}: {}", source, error.what()));
        }
    }
}

void apply_command_line(Settings& settings,
                        const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [key, value] : values) {
        apply_setting(settings, key, value, Origin::command_line, "command line");
    }
}

}  // namespace tsmqtt
