// SPDX-License-Identifier: Apache-2.0
// Reading the profile file: TOML in, profiles out, with the line of any mistake.
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/settings.hpp"
#include "core/thingspeak.hpp"
#include "profile/store_document.hpp"

namespace tsmqtt {
namespace {

[[noreturn]] void config_error(const std::string& message) {
    fail(ExitCode::config, message);
}

std::string scalar_text(const toml::node& node) {
    if (const auto* text = node.as_string()) return text->get();
    if (const auto* number = node.as_integer()) return std::to_string(number->get());
    if (const auto* flag = node.as_boolean()) return flag->get() ? "true" : "false";
    return {};
}

bool is_scalar_text(const toml::node& node) {
    return node.is_string() || node.is_integer() || node.is_boolean();
}

std::size_t table_order(const std::string& key) {
    const auto& table = setting_table();
    return static_cast<std::size_t>(find_setting(key) - table.data());
}

class DocumentReader {
  public:
    explicit DocumentReader(const std::string& path) : path_(path) {}

    Document read(const toml::table& root) const {
        Document document;
        for (const auto& [key, node] : root) {
            if (key.str() == "default") {
                if (!node.is_string()) wrong(node, "'default' must be a profile name in quotes");
                document.default_name = node.as_string()->get();
            } else if (key.str() == "profiles") {
                if (!node.is_table()) wrong(node, "'profiles' must be a table ([profiles.NAME])");
                for (const auto& [name, body] : *node.as_table()) {
                    document.profiles.push_back(read_profile(std::string(name.str()), body));
                }
            } else {
                wrong(node, fmt::format("unknown key '{}' (expected 'default' or [profiles.NAME])",
                                        key.str()));
            }
        }
        return document;
    }

  private:
    [[noreturn]] void wrong(const toml::node& node, const std::string& what) const {
        config_error(fmt::format("{}:{}: {}", path_, node.source().begin.line, what));
    }

    Profile read_profile(std::string name, const toml::node& body) const {
        try {
            validate_profile_name(name);
        } catch (const Error& error) {
            wrong(body, error.what());
        }
        if (!body.is_table()) wrong(body, fmt::format("profile '{}' must be a table", name));
        Profile profile{std::move(name), {}, {}};
        for (const auto& [key_name, node] : *body.as_table()) {
            const std::string key(key_name.str());
            if (key == "labels") {
                read_labels(profile, node);
                continue;
            }
            if (find_setting(key) == nullptr || key == "label") {
                wrong(node, fmt::format("profile '{}': unknown setting '{}'", profile.name, key));
            }
            if (!is_scalar_text(node)) {
                wrong(node, fmt::format("profile '{}': '{}' must be a text value in quotes",
                                        profile.name, key));
            }
            profile.values.emplace_back(key, scalar_text(node));
        }
        // The file's key order is lost by the TOML table; the setting table gives a stable one.
        std::stable_sort(profile.values.begin(), profile.values.end(),
                         [](const auto& a, const auto& b) {
                             return table_order(a.first) < table_order(b.first);
                         });
        return profile;
    }

    void read_labels(Profile& profile, const toml::node& node) const {
        if (!node.is_table()) {
            wrong(node, fmt::format("profile '{}': 'labels' must be a table of N = \"NAME\"",
                                    profile.name));
        }
        for (const auto& [field_name, label] : *node.as_table()) {
            FieldNumber field;
            try {
                field = parse_field_number(field_name.str());
            } catch (const Error&) {
                wrong(label,
                      fmt::format("profile '{}': label key '{}' is not a field number from 1 to 8",
                                  profile.name, field_name.str()));
            }
            const auto text = is_scalar_text(label) ? scalar_text(label) : std::string();
            if (text.empty()) {
                wrong(label, fmt::format("profile '{}': label for field {} must be non-empty text",
                                         profile.name, field.value()));
            }
            if (!profile.labels.emplace(field.value(), text).second) {
                wrong(label, fmt::format("profile '{}': two labels for field {}", profile.name,
                                         field.value()));
            }
        }
    }

    std::string path_;
};

}  // namespace

Document parse_document(std::string_view text, const std::string& path) {
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& error) {
        config_error(
            fmt::format("{}:{}: {}", path, error.source().begin.line, error.description()));
    }
    return DocumentReader(path).read(root);
}

}  // namespace tsmqtt
