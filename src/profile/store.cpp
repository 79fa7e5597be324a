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

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "core/error.hpp"
#include "core/settings.hpp"
#include "core/thingspeak.hpp"

namespace tsmqtt {
namespace {

[[noreturn]] void config_error(const std::string& message) {
    fail(ExitCode::config, message);
}

std::string errno_text(int error) {
    return std::strerror(error);
}

struct Document {
    std::vector<Profile> profiles;
    std::optional<std::string> default_name;
};

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
                                         profile.name, field.value));
            }
            if (!profile.labels.emplace(field.value, text).second) {
                wrong(label, fmt::format("profile '{}': two labels for field {}", profile.name,
                                         field.value));
            }
        }
    }

    std::string path_;
};

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

// TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (byte < 0x20 || byte == 0x7f) {
                    out += fmt::format("\\u{:04X}", byte);
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string toml_key(std::string_view key) {
    const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
    return bare ? std::string(key) : toml_string(key);
}

std::string render(const std::vector<Profile>& profiles,
                   const std::optional<std::string>& default_name) {
    std::string out = "# tsmqtt connection profiles. Holds secrets: keep it mode 0600.\n";
    if (default_name) out += fmt::format("default = {}\n", toml_string(*default_name));
    for (const auto& profile : profiles) {
        const auto name = toml_key(profile.name);
        out += fmt::format("\n[profiles.{}]\n", name);
        for (const auto& [key, value] : profile.values)
            out += fmt::format("{} = {}\n", toml_key(key), toml_string(value));
        if (profile.labels.empty()) continue;
        out += fmt::format("\n[profiles.{}.labels]\n", name);
        for (const auto& [field, label] : profile.labels)
            out += fmt::format("{} = {}\n", field, toml_string(label));
    }
    return out;
}

std::string read_all(int fd, const std::string& path) {
    std::string text;
    char buffer[8192];
    for (;;) {
        const auto count = ::read(fd, buffer, sizeof buffer);
        if (count == 0) return text;
        if (count < 0) {
            if (errno == EINTR) continue;
            config_error(fmt::format("cannot read profile file {}: {}", path, errno_text(errno)));
        }
        text.append(buffer, static_cast<std::size_t>(count));
    }
}

class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

  private:
    int fd_;
};

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const auto count = ::write(fd, text.data(), text.size());
        if (count < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category());
        }
        text.remove_prefix(static_cast<std::size_t>(count));
    }
}

// O_EXCL with a random name: never follows or reuses a file someone else put there.
std::pair<int, std::filesystem::path> create_temp(const std::filesystem::path& target) {
    std::random_device random;
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto temp = target;
        temp.replace_filename(fmt::format(".{}.tmp-{:08x}", target.filename().string(), random()));
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) return {fd, temp};
        if (errno != EEXIST) throw std::system_error(errno, std::generic_category());
    }
    throw std::system_error(EEXIST, std::generic_category());
}

void fsync_folder(const std::filesystem::path& folder) {
    FileDescriptor fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0)
        throw std::system_error(errno, std::generic_category());
}

void write_atomically(const std::filesystem::path& target, std::string_view text) {
    auto [raw_fd, temp] = create_temp(target);
    FileDescriptor fd(raw_fd);
    try {
        // The umask may have taken bits from 0600; the mode must be exactly owner read/write.
        if (::fchmod(fd.get(), 0600) != 0) throw std::system_error(errno, std::generic_category());
        write_all(fd.get(), text);
        if (::fsync(fd.get()) != 0) throw std::system_error(errno, std::generic_category());
        if (::close(fd.release()) != 0) throw std::system_error(errno, std::generic_category());
        if (::rename(temp.c_str(), target.c_str()) != 0)
            throw std::system_error(errno, std::generic_category());
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    fsync_folder(target.parent_path());
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
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) {
        if (errno == ENOENT) return store;
        config_error(fmt::format("cannot read profile file {}: {}", name, errno_text(errno)));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        config_error(fmt::format("cannot read profile file {}: {}", name, errno_text(errno)));
    }
    if (!S_ISREG(info.st_mode))
        config_error(fmt::format("profile file {} is not a regular file", name));
    // Like ssh with a private key: secrets that others can read are already leaked, say so.
    if ((info.st_mode & 077) != 0) {
        config_error(fmt::format("profile file {} is {} by others (mode {:04o}); run: chmod 600 {}",
                                 name, (info.st_mode & 044) != 0 ? "readable" : "writable",
                                 info.st_mode & 07777, name));
    }
    auto document = parse_document(read_all(fd.get(), name), name);
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
    const auto text = render(profiles_, default_);
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
