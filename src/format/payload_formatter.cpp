// SPDX-License-Identifier: Apache-2.0
// payload: the message's payload alone, one per line, as mosquitto_sub prints by default.
#include <variant>

#include "core/feed_entry.hpp"
#include "format/append.hpp"
#include "format/formatters.hpp"
#include "format/json_text.hpp"

namespace tsmqtt {

namespace {

class PayloadFormatter final : public Formatter {
  public:
    explicit PayloadFormatter(const FormatOptions& options) : escape_(options.escape_controls) {}

    std::string header(UpdateKind) const override { return {}; }

    std::string format(const Update& update) const override {
        const auto payload = std::visit([](const auto& u) { return payload_of(u); }, update);
        std::string out;
        if (escape_) {
            out.reserve(payload.size() + 1);
            append_escaped_for_terminal(out, payload);
        } else {
            out = payload;
        }
        out += '\n';
        return out;
    }

  private:
    static std::string payload_of(const RawUpdate& update) { return update.payload; }
    static std::string payload_of(const FieldUpdate& update) { return update.value; }
    // The entry as JSON: the message as ThingSpeak sends it, every key present.
    static std::string payload_of(const ChannelUpdate& update) {
        return feed_entry_to_json(update.entry);
    }

    bool escape_;
};

}  // namespace

std::unique_ptr<Formatter> make_payload_formatter(const FormatOptions& options) {
    return std::make_unique<PayloadFormatter>(options);
}

}  // namespace tsmqtt
