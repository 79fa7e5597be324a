// SPDX-License-Identifier: Apache-2.0
// json: JSON Lines, one compact object per update, keys in a fixed order.
#include <variant>

#include "core/feed_entry.hpp"
#include "core/utf8.hpp"
#include "format/append.hpp"
#include "format/base64.hpp"
#include "format/formatters.hpp"
#include "format/json_text.hpp"

namespace tsmqtt {

namespace {

class JsonFormatter final : public LineFormatter<JsonFormatter> {
  public:
    std::string header(UpdateKind) const override { return {}; }

  private:
    friend class LineFormatter<JsonFormatter>;

    // `key` (,"name":) and `text` as a JSON string.
    static void member(std::string& out, std::string_view key, std::string_view text) {
        out += key;
        append_json_string(out, text);
    }

    // The opening of tsmqtt's own objects: {"received_at":"...".
    static void received_at(std::string& out, Clock::time_point when) {
        out += "{\"received_at\":\"";
        append_iso8601_utc(out, when);
        out += '"';
    }

    // ThingSpeak's own object, with the topic added as its last key.
    static void write(std::string& out, const ChannelUpdate& update) {
        out = feed_entry_to_json(update.entry);
        out.pop_back();
        member(out, ",\"topic\":", update.topic);
        out += '}';
    }

    static void write(std::string& out, const FieldUpdate& update) {
        received_at(out, update.received_at);
        out += ",\"channel_id\":";
        append_uint(out, update.channel_id);
        out += ",\"field\":";
        append_uint(out, static_cast<std::uint64_t>(update.field.value()));
        member(out, ",\"value\":", update.value);
        member(out, ",\"topic\":", update.topic);
        out += '}';
    }

    // MQTT 5 message properties, each only when the message has it.
    static void properties(std::string& out, const MessageProperties& properties) {
        if (!properties.user.empty()) {
            out += ",\"user_properties\":[";
            for (std::size_t i = 0; i < properties.user.size(); ++i) {
                out += i == 0 ? "[" : ",[";
                append_json_string(out, properties.user[i].first);
                out += ',';
                append_json_string(out, properties.user[i].second);
                out += ']';
            }
            out += ']';
        }
        if (!properties.content_type.empty())
            member(out, ",\"content_type\":", properties.content_type);
        if (properties.message_expiry) {
            out += ",\"message_expiry\":";
            append_uint(out, *properties.message_expiry);
        }
        if (!properties.response_topic.empty())
            member(out, ",\"response_topic\":", properties.response_topic);
        if (properties.correlation_data) {
            out += ",\"correlation_data\":\"";
            append_base64(out, *properties.correlation_data);
            out += '"';
        }
    }

    static void write(std::string& out, const RawUpdate& update) {
        received_at(out, update.received_at);
        member(out, ",\"topic\":", update.topic);
        out += ",\"qos\":";
        append_uint(out, static_cast<std::uint64_t>(update.qos));
        out += update.retained ? ",\"retain\":true" : ",\"retain\":false";
        if (is_valid_utf8(update.payload)) {
            member(out, ",\"payload\":", update.payload);
        } else {
            out += ",\"payload_base64\":\"";
            append_base64(out, update.payload);
            out += '"';
        }
        properties(out, update.properties);
        out += '}';
    }
};

}  // namespace

std::unique_ptr<Formatter> make_json_formatter() {
    return std::make_unique<JsonFormatter>();
}

}  // namespace tsmqtt
