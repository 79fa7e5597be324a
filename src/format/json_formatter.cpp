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

class JsonFormatter final : public Formatter {
  public:
    std::string header(UpdateKind) const override { return {}; }

    std::string format(const Update& update) const override {
        std::string out = std::visit([](const auto& u) { return line(u); }, update);
        out += '\n';
        return out;
    }

  private:
    // ThingSpeak's own object, with the topic added as its last key.
    static std::string line(const ChannelUpdate& update) {
        std::string out = feed_entry_to_json(update.entry);
        out.pop_back();
        out += ",\"topic\":";
        append_json_string(out, update.topic);
        out += '}';
        return out;
    }

    static std::string line(const FieldUpdate& update) {
        std::string out = "{\"received_at\":\"";
        append_iso8601_utc(out, update.received_at);
        out += "\",\"channel_id\":";
        append_uint(out, update.channel_id);
        out += ",\"field\":";
        append_uint(out, static_cast<std::uint64_t>(update.field));
        out += ",\"value\":";
        append_json_string(out, update.value);
        out += ",\"topic\":";
        append_json_string(out, update.topic);
        out += '}';
        return out;
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
        if (!properties.content_type.empty()) {
            out += ",\"content_type\":";
            append_json_string(out, properties.content_type);
        }
        if (properties.message_expiry) {
            out += ",\"message_expiry\":";
            append_uint(out, *properties.message_expiry);
        }
        if (!properties.response_topic.empty()) {
            out += ",\"response_topic\":";
            append_json_string(out, properties.response_topic);
        }
        if (properties.correlation_data) {
            out += ",\"correlation_data\":\"";
            append_base64(out, *properties.correlation_data);
            out += '"';
        }
    }

    static std::string line(const RawUpdate& update) {
        std::string out = "{\"received_at\":\"";
        append_iso8601_utc(out, update.received_at);
        out += "\",\"topic\":";
        append_json_string(out, update.topic);
        out += ",\"qos\":";
        append_uint(out, static_cast<std::uint64_t>(update.qos));
        out += update.retained ? ",\"retain\":true" : ",\"retain\":false";
        if (is_valid_utf8(update.payload)) {
            out += ",\"payload\":";
            append_json_string(out, update.payload);
        } else {
            out += ",\"payload_base64\":\"";
            append_base64(out, update.payload);
            out += '"';
        }
        properties(out, update.properties);
        out += '}';
        return out;
    }
};

}  // namespace

std::unique_ptr<Formatter> make_json_formatter() {
    return std::make_unique<JsonFormatter>();
}

}  // namespace tsmqtt
