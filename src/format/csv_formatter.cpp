// SPDX-License-Identifier: Apache-2.0
// csv: RFC 4180 rows with the columns of docs/cli-contract.md; an empty cell is a null or missing
// value.
#include <map>
#include <string>
#include <variant>

#include "core/utf8.hpp"
#include "format/append.hpp"
#include "format/base64.hpp"
#include "format/formatters.hpp"

namespace tsmqtt {

namespace {

class CsvFormatter final : public LineFormatter<CsvFormatter> {
  public:
    explicit CsvFormatter(const FormatOptions& options)
        : header_(options.header), escape_(options.escape_controls), labels_(options.labels) {}

    std::string header(UpdateKind kind) const override {
        if (!header_) return {};
        switch (kind) {
            case UpdateKind::channel:
                return channel_header();
            case UpdateKind::field:
                return "received_at,channel_id,field,value\n";
            case UpdateKind::raw:
                break;
        }
        return "received_at,topic,qos,retain,payload\n";
    }

  private:
    friend class LineFormatter<CsvFormatter>;

    // --label names a field's column; the others keep ThingSpeak's names.
    std::string channel_header() const {
        std::string out = "created_at,channel_id,entry_id";
        for (int field = 1; field <= 8; ++field) {
            out += ',';
            const auto label = labels_.find(field);
            if (label == labels_.end()) {
                out += "field";
                append_uint(out, static_cast<std::uint64_t>(field));
            } else {
                cell(out, label->second);
            }
        }
        out += ",latitude,longitude,elevation,status\n";
        return out;
    }

    void write(std::string& out, const ChannelUpdate& update) const {
        const FeedEntry& entry = update.entry;
        optional_cell(out, entry.created_at);
        out += ',';
        if (entry.channel_id) append_uint(out, *entry.channel_id);
        out += ',';
        if (entry.entry_id) append_uint(out, *entry.entry_id);
        for (const auto& field : entry.fields) {
            out += ',';
            optional_cell(out, field);
        }
        for (const auto& tail : kFeedTailKeys) {
            out += ',';
            optional_cell(out, entry.*tail.member);
        }
    }

    void write(std::string& out, const FieldUpdate& update) const {
        append_iso8601_utc(out, update.received_at);
        out += ',';
        append_uint(out, update.channel_id);
        out += ',';
        append_uint(out, static_cast<std::uint64_t>(update.field.value()));
        out += ',';
        cell(out, update.value);
    }

    // retain is written as true/false, the words the JSON format uses for the same column.
    // A payload that is not UTF-8 becomes "base64:" followed by its base64, so the file stays
    // text; a UTF-8 payload that itself starts with "base64:" is indistinguishable from that.
    void write(std::string& out, const RawUpdate& update) const {
        append_iso8601_utc(out, update.received_at);
        out += ',';
        cell(out, update.topic);
        out += ',';
        append_uint(out, static_cast<std::uint64_t>(update.qos));
        out += update.retained ? ",true," : ",false,";
        if (is_valid_utf8(update.payload)) {
            cell(out, update.payload);
        } else {
            out += "base64:";
            append_base64(out, update.payload);
        }
    }

    void optional_cell(std::string& out, const std::optional<std::string>& value) const {
        if (value) cell(out, *value);
    }

    void cell(std::string& out, std::string_view text) const {
        if (!escape_) {
            append_csv_field(out, text);
            return;
        }
        std::string escaped;
        escaped.reserve(text.size());
        append_escaped_for_terminal(escaped, text);
        append_csv_field(out, escaped);
    }

    bool header_;
    bool escape_;
    std::map<int, std::string> labels_;
};

}  // namespace

std::unique_ptr<Formatter> make_csv_formatter(const FormatOptions& options) {
    return std::make_unique<CsvFormatter>(options);
}

}  // namespace tsmqtt
