// SPDX-License-Identifier: Apache-2.0
#include "core/feed_entry.hpp"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/flat_json.hpp"

namespace tsmqtt {

namespace {

using json = nlohmann::json;

// Deeper nesting is no feed entry; bounding it bounds the parser's memory as well.
constexpr int kMaxDepth = 64;

// Where the value of the current top-level key goes: an id, a text value, or nowhere.
struct Target {
    std::string_view name;
    std::optional<std::uint64_t>* id = nullptr;
    std::optional<std::string>* text = nullptr;
};

Target find_target(FeedEntry& entry, std::string_view key) {
    if (key == "channel_id") return {"channel_id", &entry.channel_id};
    if (key == "entry_id") return {"entry_id", &entry.entry_id};
    if (key == "created_at") return {"created_at", nullptr, &entry.created_at};
    for (const auto& tail : kFeedTailKeys) {
        if (key == tail.name) return {tail.name, nullptr, &(entry.*tail.member)};
    }
    for (std::size_t i = 0; i < entry.fields.size(); ++i) {
        if (key == kFeedFieldNames[i]) return {kFeedFieldNames[i], nullptr, &entry.fields[i]};
    }
    return {};
}

std::optional<std::uint64_t> parse_id_text(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return {};
    return value;
}

// nlohmann's message minus its prefix and the "last read" echo of the input, which could
// be a megabyte of network bytes: "[json.exception.parse_error.101] parse error at line 1,
// column 2: syntax error while parsing value - invalid literal; last read: '...'".
std::string parse_error_reason(std::string_view what, std::size_t position) {
    if (const auto dash = what.find(" - "); dash != std::string_view::npos) {
        what.remove_prefix(dash + 3);
    } else if (const auto bracket = what.find("] "); bracket != std::string_view::npos) {
        what.remove_prefix(bracket + 2);
    }
    what = what.substr(0, what.find(';'));
    return fmt::format("not JSON: {} at byte {}", what, position);
}

// Event handler for nlohmann's SAX parser: fills a FeedEntry straight from the events,
// with no DOM in between and the nesting depth under our control.
class FeedEntryReader {
  public:
    FeedEntry entry;
    std::string error;

    bool null() {
        return scalar([&] { return assign_null(); });
    }
    bool boolean(bool value) {
        return scalar(
            [&] { return target_.id ? fail_not_id() : assign_text(value ? "true" : "false"); });
    }
    bool number_integer(json::number_integer_t value) {
        if (value >= 0) return number_unsigned(static_cast<json::number_unsigned_t>(value));
        return scalar([&] {
            if (target_.id) return fail_not_id();
            return assign_text(fmt::format("{}", value));
        });
    }
    bool number_unsigned(json::number_unsigned_t value) {
        return scalar([&] {
            if (target_.id) return assign_id(value);
            return assign_text(std::to_string(value));
        });
    }
    // The lexeme is kept as sent: "24.9" stays 24.9, with nothing lost to a double's rounding.
    bool number_float(json::number_float_t, const json::string_t& lexeme) {
        return scalar([&] { return target_.id ? fail_not_id() : assign_text(lexeme); });
    }
    bool string(json::string_t& value) {
        return scalar([&] {
            if (!target_.id) return assign_text(std::move(value));
            const auto id = parse_id_text(value);
            return id ? assign_id(*id) : fail_not_id();
        });
    }
    bool binary(json::binary_t&) { return fail("not a JSON object"); }

    bool start_object(std::size_t) { return open("an object"); }
    bool start_array(std::size_t) { return open("an array"); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(json::string_t& name) {
        if (depth_ == 1) target_ = find_target(entry, name);
        return true;
    }

    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& ex) {
        return fail(parse_error_reason(ex.what(), position));
    }

  private:
    // Only values of the top-level object's own keys are read; anything nested is skipped.
    template <typename Assign>
    bool scalar(Assign assign) {
        if (depth_ == 0) return fail("not a JSON object");
        if (depth_ > 1) return true;
        const bool ok = target_.id || target_.text ? assign() : true;
        target_ = {};
        return ok;
    }

    bool open(std::string_view what) {
        if (depth_ == 0 && what != "an object")
            return fail(fmt::format("not a JSON object but {}", what));
        if (depth_ == 1 && (target_.id || target_.text))
            return fail(fmt::format("{} is {}", target_.name, what));
        if (++depth_ > kMaxDepth)
            return fail(fmt::format("nested deeper than {} levels", kMaxDepth));
        return true;
    }

    bool close() {
        --depth_;
        return true;
    }

    bool assign_null() {
        if (target_.id)
            target_.id->reset();
        else
            target_.text->reset();
        return true;
    }
    bool assign_id(std::uint64_t value) {
        *target_.id = value;
        return true;
    }
    template <typename Text>
    bool assign_text(Text&& text) {
        *target_.text = std::forward<Text>(text);
        return true;
    }
    bool fail_not_id() {
        return fail(fmt::format("{} is not a non-negative integer", target_.name));
    }
    bool fail(std::string reason) {
        error = std::move(reason);
        return false;
    }

    int depth_ = 0;
    Target target_;
};

// The common shape (flat_json.hpp), read at a fraction of the full parser's cost per byte,
// which is most of a subscriber's own work; nullopt leaves the message to the full parser.
std::optional<FeedEntry> read_common_shape(std::string_view json_text) {
    using Kind = FlatValue::Kind;
    FlatObjectReader reader(json_text);
    FeedEntry entry;
    for (;;) {
        switch (reader.next()) {
            case FlatObjectReader::Step::end:
                return entry;
            case FlatObjectReader::Step::unhandled:
                return std::nullopt;
            case FlatObjectReader::Step::member:
                break;
        }
        const auto target = find_target(entry, reader.key());
        const auto& value = reader.value();
        if (target.id) {
            if (value.kind == Kind::null) {
                target.id->reset();
            } else if (value.kind == Kind::integer || value.kind == Kind::string) {
                const auto id = parse_id_text(value.text);
                if (!id) return std::nullopt;  // the full parser says what is wrong
                *target.id = *id;
            } else {
                return std::nullopt;
            }
        } else if (target.text) {
            if (value.kind == Kind::null) {
                target.text->reset();
            } else {
                target.text->emplace(value.text);
            }
        }
    }
}

}  // namespace

FeedEntry parse_feed_entry(std::string_view json_text) {
    if (auto entry = read_common_shape(json_text)) return std::move(*entry);
    return parse_feed_entry_fully(json_text);
}

FeedEntry parse_feed_entry_fully(std::string_view json_text) {
    FeedEntryReader reader;
    if (!json::sax_parse(json_text.begin(), json_text.end(), &reader)) usage_error(reader.error);
    return std::move(reader.entry);
}

}  // namespace tsmqtt
