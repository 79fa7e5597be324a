// SPDX-License-Identifier: Apache-2.0
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "profile/store.hpp"
#include "temp_dir.hpp"

using namespace tsmqtt;
using namespace tsmqtt::testing;
namespace fs = std::filesystem;

namespace {

std::string load_error(const fs::path& path) {
    try {
        ProfileStore::load(path);
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::config);
        return error.what();
    }
    FAIL("load() accepted " << path);
    return {};
}

Profile home_profile() {
    return Profile{"home",
                   {{"host", "mqtt3.thingspeak.com"},
                    {"username", "USERNAME123"},
                    {"password", "pa\"ss\\wo/rd+=#"},
                    {"channel", "1587079"}},
                   {{1, "Temperature"}, {2, "Humidity \"%\""}}};
}

std::vector<std::string> folder_entries(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("a missing profile file is an empty store that remembers its path", "[profile]") {
    TempDir dir;
    const auto path = dir.path() / "none" / "profiles.toml";
    const auto store = ProfileStore::load(path);
    CHECK(store.profiles().empty());
    CHECK_FALSE(store.default_name().has_value());
    CHECK(store.path() == path);
}

TEST_CASE("save then load gives back the same profiles, file 0600 in a 0700 folder", "[profile]") {
    TempDir dir;
    const auto folder = dir.path() / "config" / "tsmqtt";
    const auto path = folder / "profiles.toml";
    auto store = ProfileStore::load(path);
    store.put(home_profile());
    store.put(
        Profile{"work.site-2_b", {{"url", "wss://broker:443/mqtt"}, {"insecure", "true"}}, {}});
    store.set_default("work.site-2_b");
    store.save();

    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(folder) == 0700);
    CHECK(folder_entries(folder) == std::vector<std::string>{"profiles.toml"});

    const auto loaded = ProfileStore::load(path);
    REQUIRE(loaded.profiles().size() == 2);
    const auto* home = loaded.find("home");
    REQUIRE(home != nullptr);
    CHECK(home->values == home_profile().values);
    CHECK(home->labels == home_profile().labels);
    const auto* work = loaded.find("work.site-2_b");
    REQUIRE(work != nullptr);
    CHECK(work->values == std::vector<std::pair<std::string, std::string>>{
                              {"url", "wss://broker:443/mqtt"}, {"insecure", "true"}});
    CHECK(loaded.default_name() == "work.site-2_b");
    CHECK(loaded.find("nobody") == nullptr);
}

TEST_CASE("control characters and non-ASCII text survive a round trip", "[profile]") {
    TempDir dir;
    const auto path = dir.path() / "profiles.toml";
    auto store = ProfileStore::load(path);
    store.put(Profile{"p",
                      {{"password", std::string("a\tb\x01\x7f"
                                                "c\xC3\xA9")}},
                      {{3, "Température"}}});
    store.save();
    const auto loaded = ProfileStore::load(path);
    REQUIRE(loaded.find("p") != nullptr);
    CHECK(loaded.find("p")->values.at(0).second == std::string("a\tb\x01\x7f"
                                                               "c\xC3\xA9"));
    CHECK(loaded.find("p")->labels.at(3) == "Température");
}

TEST_CASE("an existing folder keeps its mode and a saved file replaces a 0600 one", "[profile]") {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    const auto path = dir.path() / "profiles.toml";
    write_file(path, "[profiles.old]\nhost = \"h\"\n", 0600);
    auto store = ProfileStore::load(path);
    store.put(Profile{"new", {{"port", "1884"}}, {}});
    store.save();
    CHECK(mode_of(dir.path()) == 0755);
    CHECK(mode_of(path) == 0600);
    CHECK(folder_entries(dir.path()) == std::vector<std::string>{"profiles.toml"});
}

TEST_CASE("load-modify-save keeps the other profiles and the default", "[profile]") {
    TempDir dir;
    const auto path = dir.path() / "profiles.toml";
    write_file(path,
               "default = \"b\"\n"
               "[profiles.a]\nhost = \"a.example\"\n"
               "[profiles.b]\nusername = \"ub\"\n[profiles.b.labels]\n1 = \"T\"\n"
               "[profiles.c]\nchannel = \"3\"\n",
               0600);
    auto store = ProfileStore::load(path);
    store.put(Profile{"a", {{"host", "changed.example"}}, {}});
    CHECK(store.remove("c"));
    CHECK_FALSE(store.remove("c"));
    store.save();

    const auto loaded = ProfileStore::load(path);
    REQUIRE(loaded.profiles().size() == 2);
    CHECK(loaded.find("a")->values.at(0).second == "changed.example");
    CHECK(loaded.find("b")->values.at(0).second == "ub");
    CHECK(loaded.find("b")->labels.at(1) == "T");
    CHECK(loaded.find("c") == nullptr);
    CHECK(loaded.default_name() == "b");
}

TEST_CASE("default handling", "[profile]") {
    TempDir dir;
    auto store = ProfileStore::load(dir.path() / "profiles.toml");
    CHECK_THROWS_WITH(store.set_default("home"), Catch::Contains("unknown profile 'home'"));
    store.put(Profile{"home", {}, {}});
    store.put(Profile{"work", {}, {}});
    try {
        store.set_default("hmoe");
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::config);
        CHECK_THAT(error.what(), Catch::Contains("home, work"));
    }
    store.set_default("home");
    CHECK(store.default_name() == "home");
    store.remove("work");
    CHECK(store.default_name() == "home");
    store.remove("home");
    CHECK_FALSE(store.default_name().has_value());
}

TEST_CASE("put replaces a profile by name and keeps the last of repeated keys", "[profile]") {
    TempDir dir;
    auto store = ProfileStore::load(dir.path() / "profiles.toml");
    store.put(Profile{"home", {{"host", "a"}}, {}});
    store.put(Profile{"home", {{"host", "b"}, {"port", "1"}, {"host", "c"}}, {}});
    REQUIRE(store.profiles().size() == 1);
    CHECK(store.find("home")->values ==
          std::vector<std::pair<std::string, std::string>>{{"host", "c"}, {"port", "1"}});
    CHECK_THROWS_AS(store.put(Profile{"bad name", {}, {}}), Error);
}

TEST_CASE("a profile file readable or writable by others is refused with the chmod that fixes it",
          "[profile]") {
    TempDir dir;
    const auto path = dir.path() / "profiles.toml";
    write_file(path, "[profiles.home]\nhost = \"h\"\n", 0644);
    const auto message = load_error(path);
    CHECK(message == "profile file " + path.string() +
                         " is readable by others (mode 0644); run: chmod 600 " + path.string());

    REQUIRE(::chmod(path.c_str(), 0620) == 0);
    CHECK_THAT(load_error(path), Catch::Contains("writable by others (mode 0620)"));

    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    CHECK(ProfileStore::load(path).find("home") != nullptr);
}

TEST_CASE("an unreadable profile file names the path and the reason", "[profile]") {
    TempDir dir;
    const auto folder = dir.path() / "profiles.toml";
    fs::create_directories(folder);  // a folder where the file should be
    CHECK_THAT(load_error(folder), Catch::Contains(folder.string()));
    // Not "missing": a plain file where a folder should be is reported, not treated as empty.
    write_file(dir.path() / "plain", "", 0600);
    const auto under_plain = dir.path() / "plain" / "profiles.toml";
    CHECK_THAT(load_error(under_plain),
               Catch::Contains(under_plain.string()) && Catch::Contains("Not a directory"));
    if (::geteuid() != 0) {
        const auto path = dir.path() / "locked.toml";
        write_file(path, "", 0000);
        CHECK_THAT(load_error(path),
                   Catch::Contains(path.string()) && Catch::Contains("Permission denied"));
    }
}

TEST_CASE("corrupt TOML names the file and line, and save() does not get a chance", "[profile]") {
    TempDir dir;
    const auto path = dir.path() / "profiles.toml";
    const std::string corrupt = "[profiles.home]\nhost = \"h\"\nport = = 3\n";
    write_file(path, corrupt, 0600);
    CHECK_THAT(load_error(path), Catch::StartsWith(path.string() + ":3: "));
    CHECK(read_file(path) == corrupt);
}

TEST_CASE("wrong shapes and unknown keys are configuration errors naming the line", "[profile]") {
    struct Case {
        std::string text, words;
    };
    const std::vector<Case> cases{
        {"profiles = \"x\"\n", ":1: 'profiles' must be a table"},
        {"default = 3\n", ":1: 'default' must be"},
        {"colour = \"red\"\n", ":1: unknown key 'colour'"},
        {"[profiles.home]\nhost = \"h\"\nhots = \"x\"\n",
         ":3: profile 'home': unknown setting 'hots'"},
        {"[profiles.home]\nlabel = \"1=x\"\n", "unknown setting 'label'"},
        {"[profiles.home]\nport = [1]\n", "'port' must be a text value"},
        {"[profiles.home.labels]\n9 = \"x\"\n", "label key '9'"},
        {"[profiles.home.labels]\n1 = \"\"\n", "must be non-empty"},
        {"[profiles.home.labels]\n1 = \"a\"\nfield1 = \"b\"\n", "two labels for field 1"},
        {"[profiles.\"bad name\"]\nhost = \"h\"\n", "invalid profile name 'bad name'"},
        {"[profiles]\nhome = \"h\"\n", "profile 'home' must be a table"},
    };
    TempDir dir;
    const auto path = dir.path() / "profiles.toml";
    for (const auto& c : cases) {
        INFO(c.text);
        write_file(path, c.text, 0600);
        CHECK_THAT(load_error(path),
                   Catch::Contains(c.words) && Catch::StartsWith(path.string() + ":"));
    }
}

TEST_CASE("hand-written integers and booleans are read as text, in setting-table order",
          "[profile]") {
    TempDir dir;
    const auto path = dir.path() / "profiles.toml";
    write_file(path,
               "[profiles.home]\ninsecure = true\nport = 1884\nchannel = "
               "42\n[profiles.home.labels]\nfield2 = \"H\"\n",
               0600);
    const auto store = ProfileStore::load(path);
    REQUIRE(store.find("home") != nullptr);
    CHECK(store.find("home")->values ==
          std::vector<std::pair<std::string, std::string>>{
              {"port", "1884"}, {"insecure", "true"}, {"channel", "42"}});
    CHECK(store.find("home")->labels == std::map<int, std::string>{{2, "H"}});
}

TEST_CASE("save() refuses to write what load() would refuse", "[profile]") {
    TempDir dir;
    const auto path = dir.path() / "profiles.toml";
    auto store = ProfileStore::load(path);
    store.put(Profile{"home", {{"colour", "red"}}, {}});
    CHECK_THROWS_WITH(store.save(), Catch::Contains("refusing to write"));
    CHECK_FALSE(fs::exists(path));
    CHECK(folder_entries(dir.path()).empty());
}

TEST_CASE("save() failures are configuration errors naming the file and leave no temp file",
          "[profile]") {
    TempDir dir;
    const auto save_error = [](const ProfileStore& store) -> std::string {
        try {
            store.save();
        } catch (const Error& error) {
            CHECK(error.code() == ExitCode::config);
            return error.what();
        }
        FAIL("save() succeeded for " << store.path());
        return {};
    };

    // The rename fails after the temp file is written: a non-empty folder took the name.
    const auto occupied = dir.path() / "profiles.toml";
    auto store = ProfileStore::load(occupied);
    store.put(Profile{"home", {}, {}});
    fs::create_directories(occupied / "inside");
    CHECK_THAT(save_error(store),
               Catch::Contains("cannot write profile file " + occupied.string()));
    CHECK(folder_entries(dir.path()) == std::vector<std::string>{"profiles.toml"});
}

TEST_CASE("profile_file_path follows TSMQTT_CONFIG, XDG_CONFIG_HOME, HOME", "[profile]") {
    const auto env_of = [](std::map<std::string, std::string> values) -> EnvLookup {
        return [values](const char* name) -> std::optional<std::string> {
            const auto it = values.find(name);
            if (it == values.end()) return std::nullopt;
            return it->second;
        };
    };
    CHECK(profile_file_path(env_of(
              {{"TSMQTT_CONFIG", "/x/p.toml"}, {"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/h"}})) ==
          "/x/p.toml");
    CHECK(profile_file_path(
              env_of({{"TSMQTT_CONFIG", ""}, {"XDG_CONFIG_HOME", "/xdg"}, {"HOME", "/h"}})) ==
          "/xdg/tsmqtt/profiles.toml");
    CHECK(profile_file_path(env_of({{"XDG_CONFIG_HOME", "relative"}, {"HOME", "/h"}})) ==
          "/h/.config/tsmqtt/profiles.toml");
    CHECK(profile_file_path(env_of({{"HOME", "/h"}})) == "/h/.config/tsmqtt/profiles.toml");
    try {
        profile_file_path(env_of({}));
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::config);
        CHECK_THAT(error.what(), Catch::Contains("TSMQTT_CONFIG"));
    }
}

TEST_CASE("process_env reads the process environment", "[profile]") {
    ::setenv("TSMQTT_STORE_TEST_VAR", "value", 1);
    CHECK(process_env()("TSMQTT_STORE_TEST_VAR") == "value");
    ::unsetenv("TSMQTT_STORE_TEST_VAR");
    CHECK_FALSE(process_env()("TSMQTT_STORE_TEST_VAR").has_value());
}

TEST_CASE("profile names are 1-64 letters, digits, '-', '_' or '.'", "[profile]") {
    for (const auto* good : {"home", "a", "Work-2", "site_b.v1"}) {
        INFO(good);
        CHECK_NOTHROW(validate_profile_name(good));
    }
    CHECK_NOTHROW(validate_profile_name(std::string(64, 'x')));
    for (const auto& bad : {std::string(), std::string(65, 'x'), std::string("a b"),
                            std::string("a/b"), std::string("caf\xC3\xA9"), std::string("x=y")}) {
        INFO(bad);
        try {
            validate_profile_name(bad);
            FAIL("accepted");
        } catch (const Error& error) {
            CHECK(error.code() == ExitCode::usage);
            CHECK_THAT(error.what(), Catch::Contains("invalid profile name"));
        }
    }
}
