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
        out += '}';
        return out;
    }
};

}  // namespace

std::unique_ptr<Formatter> make_json_formatter() {
    return std::make_unique<JsonFormatter>();
}

}  // namespace tsmqtt
