// SPDX-License-Identifier: Apache-2.0
#include "profile/credentials.hpp"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "core/error.hpp"

namespace tsmqtt {
namespace {

enum class Piece { username, client_id, password };

struct Found {
    std::optional<std::string> username;
    std::optional<std::string> client_id;
    std::optional<std::string> password;

    void set(Piece piece, std::string value) {
        if (value.empty()) return;  // "password =" says nothing; report it missing instead
        (piece == Piece::username    ? username
         : piece == Piece::client_id ? client_id
                                     : password) = std::move(value);
    }
    bool any() const { return username || client_id || password; }
};

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n\f\v");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n\f\v");
    return text.substr(first, last - first + 1);
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// C comments outside string literals, replaced by a space (a block comment may span lines,
// so its line breaks are kept).
std::string strip_c_comments(std::string_view text) {
    std::string out;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) {
                out += text[++i];
            } else if (c == '"' || c == '\n') {
                in_string = false;
            }
        } else if (text.substr(i, 2) == "//") {
            while (i < text.size() && text[i] != '\n') ++i;
            if (i < text.size()) out += '\n';
        } else if (text.substr(i, 2) == "/*") {
            const auto end = text.find("*/", i + 2);
            const auto stop = end == std::string_view::npos ? text.size() : end + 2;
            out += ' ';
            for (; i < stop; ++i) {
                if (text[i] == '\n') out += '\n';
            }
            --i;
        } else {
            in_string = c == '"';
            out += c;
        }
    }
    return out;
}

// "...", with \" and \\ escapes, or a bare token.
std::string macro_value(std::string_view text) {
    text = trim(text);
    if (text.empty() || text.front() != '"')
        return std::string(text.substr(0, text.find_first_of(" \t")));
    std::string value;
    for (std::size_t i = 1; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value += text[i];
    }
    return value;
}

constexpr struct {
    std::string_view macro;
    Piece piece;
} kMacros[] = {
    {"SECRET_MQTT_USERNAME", Piece::username},
    {"SECRET_MQTT_CLIENT_ID", Piece::client_id},
    {"SECRET_MQTT_PASSWORD", Piece::password},
};

// mqtt_secrets.h: "#define SECRET_MQTT_USERNAME "..."", with any spacing around '#'.
Found parse_header(std::string_view text) {
    Found found;
    const auto code = strip_c_comments(text);
    for (auto line : split_lines(code)) {
        line = trim(line);
        if (line.empty() || line.front() != '#') continue;
        line = trim(line.substr(1));
        if (!line.starts_with("define") || line.size() < 7 || !is_space(line[6])) continue;
        line = trim(line.substr(6));
        const auto name_end = line.find_first_of(" \t");
        if (name_end == std::string_view::npos) continue;
        for (const auto& row : kMacros) {
            if (line.substr(0, name_end) == row.macro)
                found.set(row.piece, macro_value(line.substr(name_end)));
        }
    }
    return found;
}

// "User Name", "user_name", "clientId", "Client-ID" -> "username", "clientid".
std::string normalised_key(std::string_view key) {
    std::string out;
    for (const char c : key) {
        if (c == ' ' || c == '\t' || c == '_' || c == '-' || c == '"' || c == '\'') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (out.starts_with("mqtt")) out.erase(0, 4);
    return out;
}

std::optional<Piece> plain_piece(std::string_view key) {
    const auto name = normalised_key(key);
    if (name == "username" || name == "user") return Piece::username;
    if (name == "clientid") return Piece::client_id;
    if (name == "password") return Piece::password;
    return std::nullopt;
}

std::string unquoted(std::string_view value) {
    value = trim(value);
    // A trailing comma, as in a JSON-like listing, after a quoted value.
    if (value.size() >= 3 && value.back() == ',' &&
        (value[value.size() - 2] == '"' || value[value.size() - 2] == '\'')) {
        value.remove_suffix(1);
    }
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
}

// Plain text: "Username = ...", "clientId: ...". Passwords may hold '=', ':', '#' or '/', so
// only the first separator splits and nothing after it is treated as a comment.
Found parse_plain(std::string_view text) {
    Found found;
    for (auto line : split_lines(text)) {
        const auto separator = line.find_first_of("=:");
        if (separator == std::string_view::npos) continue;
        if (const auto piece = plain_piece(trim(line.substr(0, separator)))) {
            found.set(*piece, unquoted(line.substr(separator + 1)));
        }
    }
    return found;
}

std::string join_names(const std::vector<std::string_view>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
        out += names[i];
    }
    return out;
}

}  // namespace

DeviceCredentials parse_device_credentials(std::string_view text) {
    // A header with at least one SECRET_MQTT_ define is read as C; anything else as plain text.
    const auto header = parse_header(text);
    const bool is_header = header.any();
    const auto found = is_header ? header : parse_plain(text);
    if (!found.any()) {
        fail(ExitCode::config,
             "no ThingSpeak device credentials found (expected #define SECRET_MQTT_USERNAME "
             "\"...\" lines "
             "as in mqtt_secrets.h, or lines such as username = ...)");
    }
    std::vector<std::string_view> missing;
    std::vector<std::string_view> expected;
    if (!found.username) {
        missing.push_back("username");
        expected.push_back(is_header ? "SECRET_MQTT_USERNAME" : "username = ...");
    }
    // ThingSpeak always issues a client ID; guessing it from the username could hide a bad file.
    if (!found.client_id) {
        missing.push_back("client ID");
        expected.push_back(is_header ? "SECRET_MQTT_CLIENT_ID" : "clientId = ...");
    }
    if (!found.password) {
        missing.push_back("password");
        expected.push_back(is_header ? "SECRET_MQTT_PASSWORD" : "password = ...");
    }
    if (!missing.empty()) {
        fail(ExitCode::config, fmt::format("credentials lack the {} (expected {})",
                                           join_names(missing), join_names(expected)));
    }
    return DeviceCredentials{*found.username, *found.client_id, *found.password};
}

}  // namespace tsmqtt
