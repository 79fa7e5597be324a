// SPDX-License-Identifier: Apache-2.0
// --template STR: one line per update from named fields, rendered by fmt's named arguments
// ("{topic} {payload}", "{received_at} {field1:>8}"); values are the text the JSON output
// gives them, without JSON's quotes: retain true/false, a payload as its bytes.
#include <fmt/args.h>
#include <fmt/format.h>

#include <array>
#include <variant>

#include "core/error.hpp"
#include "core/feed_entry.hpp"
#include "format/append.hpp"
#include "format/formatters.hpp"
#include "format/json_text.hpp"

namespace tsmqtt {

namespace {

// The names a template may use, in the order of Values' slots.
constexpr const char* kNames[] = {
    "topic",     "payload",    "received_at", "qos",    "retain",   "channel_id",
    "entry_id",  "created_at", "field1",      "field2", "field3",   "field4",
    "field5",    "field6",     "field7",      "field8", "latitude", "longitude",
    "elevation", "status",     "field",       "value",
};
enum Slot : std::size_t {
    topic,
    payload,
    received_at,
    qos,
    retain,
    channel_id,
    entry_id,
    created_at,
    field1,
    latitude = field1 + 8,
    longitude,
    elevation,
    status,
    field,
    value,
    slot_count
};
static_assert(std::size(kNames) == slot_count);

using Values = std::array<std::string, slot_count>;

std::string valid_names() {
    std::string list;
    for (const auto* name : kNames) {
        if (!list.empty()) list += ' ';
        list += fmt::format("{{{}}}", name);
    }
    return list;
}

// Every {name} of the template is one of kNames: fmt alone would say "argument not found"
// without naming it.
void check_names(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{') continue;
        if (i + 1 < text.size() && text[i + 1] == '{') {
            ++i;
            continue;
        }
        const auto end = text.find_first_of(":}", i + 1);
        const auto name = text.substr(i + 1, end == std::string_view::npos ? end : end - i - 1);
        if (std::find(std::begin(kNames), std::end(kNames), name) == std::end(kNames)) {
            usage_error(fmt::format("invalid --template: unknown field {{{}}}; valid: {}", name,
                                    valid_names()));
        }
    }
}

std::string text_of(std::uint64_t number) {
    std::string out;
    append_uint(out, number);
    return out;
}

class TemplateFormatter final : public Formatter {
  public:
    explicit TemplateFormatter(const FormatOptions& options)
        : template_(options.template_text), escape_(options.escape_controls) {
        check_names(template_);
        // Syntax and format specs are fmt's to judge: one rendering before connecting finds
        // every error a message could meet, since every value is a string.
        try {
            render(Values{});
        } catch (const fmt::format_error& error) {
            usage_error(fmt::format("invalid --template '{}': {}", template_, error.what()));
        }
    }

    std::string header(UpdateKind) const override { return {}; }

    std::string format(const Update& update) const override {
        Values values;
        values[qos] = "0";
        values[retain] = "false";
        std::visit([&](const auto& u) { fill(values, u); }, update);
        auto line = render(values);
        if (escape_) {
            std::string escaped;
            escaped.reserve(line.size());
            append_escaped_for_terminal(escaped, line);
            line = std::move(escaped);
        }
        line += '\n';
        return line;
    }

  private:
    std::string render(const Values& values) const {
        fmt::dynamic_format_arg_store<fmt::format_context> store;
        store.reserve(slot_count, slot_count);
        for (std::size_t i = 0; i < slot_count; ++i)
            store.push_back(fmt::arg(kNames[i], std::string_view(values[i])));
        return fmt::vformat(template_, store);
    }

    static void fill(Values& values, const RawUpdate& update) {
        values[topic] = update.topic;
        values[payload] = update.payload;
        values[received_at] = iso8601_utc(update.received_at);
        values[qos] = text_of(static_cast<std::uint64_t>(update.qos));
        values[retain] = update.retained ? "true" : "false";
    }

    static void fill(Values& values, const FieldUpdate& update) {
        values[topic] = update.topic;
        values[payload] = update.value;
        values[value] = update.value;
        values[received_at] = iso8601_utc(update.received_at);
        values[channel_id] = text_of(update.channel_id);
        values[field] = text_of(static_cast<std::uint64_t>(update.field.value()));
        values[field1 + update.field.index()] = update.value;
    }

    static void fill(Values& values, const ChannelUpdate& update) {
        const auto& entry = update.entry;
        values[topic] = update.topic;
        values[payload] = feed_entry_to_json(entry);
        values[received_at] = iso8601_utc(update.received_at);
        if (entry.channel_id) values[channel_id] = text_of(*entry.channel_id);
        if (entry.entry_id) values[entry_id] = text_of(*entry.entry_id);
        const auto put = [&](Slot slot, const std::optional<std::string>& text) {
            if (text) values[slot] = *text;
        };
        put(created_at, entry.created_at);
        for (std::size_t i = 0; i < entry.fields.size(); ++i)
            put(static_cast<Slot>(field1 + i), entry.fields[i]);
        put(latitude, entry.latitude);
        put(longitude, entry.longitude);
        put(elevation, entry.elevation);
        put(status, entry.status);
    }

    std::string template_;
    bool escape_;
};

}  // namespace

std::unique_ptr<Formatter> make_template_formatter(const FormatOptions& options) {
    return std::make_unique<TemplateFormatter>(options);
}

}  // namespace tsmqtt
