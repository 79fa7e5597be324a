// SPDX-License-Identifier: Apache-2.0
// The channel-feed message a subscriber receives. Anything that is not a feed entry is an
// Error(usage) with a message; an accepted entry must print as JSON that nlohmann parses and
// that reads back as the same entry, and its string values must be those nlohmann sees. The
// fast path for the common shape must give what the full parser alone gives, entry or error.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/feed_entry.hpp"
#include "format/json_text.hpp"
#include "fuzz_support.hpp"

namespace {

using tsmqtt::Error;
using tsmqtt::ExitCode;
using tsmqtt::FeedEntry;
using json = nlohmann::json;

struct TextKey {
    std::string_view name;
    const std::optional<std::string>& value;
};

// Where nlohmann's own parse of the message holds a string or null for a text key, the
// entry must hold the same (the last of duplicate keys wins in both).
void check_against_dom(std::string_view message, const FeedEntry& entry) {
    const auto doc = json::parse(message, nullptr, false);
    FUZZ_CHECK(!doc.is_discarded() && doc.is_object(), "accepted but not a JSON object", message);
    const TextKey keys[] = {
        {"created_at", entry.created_at}, {"field1", entry.fields[0]},
        {"field2", entry.fields[1]},      {"field3", entry.fields[2]},
        {"field4", entry.fields[3]},      {"field5", entry.fields[4]},
        {"field6", entry.fields[5]},      {"field7", entry.fields[6]},
        {"field8", entry.fields[7]},      {"latitude", entry.latitude},
        {"longitude", entry.longitude},   {"elevation", entry.elevation},
        {"status", entry.status},
    };
    for (const auto& key : keys) {
        const auto found = doc.find(std::string(key.name));
        if (found == doc.end() || found->is_null()) {
            FUZZ_CHECK(!key.value, "message", message, "key", key.name);
        } else if (found->is_string()) {
            FUZZ_CHECK(key.value && *key.value == found->get<std::string>(), "message", message,
                       "key", key.name);
        } else {
            FUZZ_CHECK(key.value && !key.value->empty(), "message", message, "key", key.name);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto message = tsmqtt_fuzz::as_text(data, size);
    std::optional<FeedEntry> full;
    std::string full_error;
    try {
        full = tsmqtt::parse_feed_entry_fully(message);
    } catch (const Error& error) {
        full_error = error.what();
    }
    FeedEntry entry;
    try {
        entry = tsmqtt::parse_feed_entry(message);
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::usage && *error.what() != '\0', "message", message);
        FUZZ_CHECK(!full && full_error == error.what(), "message", message, "full parser",
                   full_error);
        return 0;
    }
    FUZZ_CHECK(full && *full == entry, "message", message, "full parser", full_error);
    check_against_dom(message, entry);

    const auto printed = tsmqtt::feed_entry_to_json(entry);
    const auto doc = json::parse(printed, nullptr, false);
    FUZZ_CHECK(!doc.is_discarded() && doc.is_object() && doc.size() == 15, "message", message,
               "printed", printed);
    FeedEntry again;
    try {
        again = tsmqtt::parse_feed_entry(printed);
    } catch (const Error& error) {
        FUZZ_CHECK(false, "message", message, "printed", printed, "error", error.what());
    }
    FUZZ_CHECK(entry == again, "message", message, "printed", printed);
    FUZZ_CHECK(tsmqtt::feed_entry_to_json(again) == printed, "message", message, "printed",
               printed);
    return 0;
}
