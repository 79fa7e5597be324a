// SPDX-License-Identifier: Apache-2.0
// text: one line per update for people; only values that are present, labels applied.
#include <fmt/format.h>

#include <array>
#include <variant>

#include "format/append.hpp"
#include "format/formatters.hpp"

namespace tsmqtt {

namespace {

constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kCyan = "\x1b[36m";
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kGap = "  ";

class TextFormatter final : public LineFormatter<TextFormatter> {
  public:
    explicit TextFormatter(const FormatOptions& options)
        : color_(options.color), escape_(options.escape_controls) {
        for (int n = 1; n <= 8; ++n) {
            const auto label = options.labels.find(n);
            field_names_[static_cast<std::size_t>(n - 1)] =
                label != options.labels.end() ? label->second : fmt::format("field{}", n);
        }
    }

    std::string header(UpdateKind) const override { return {}; }

  private:
    friend class LineFormatter<TextFormatter>;

    void write(std::string& out, const ChannelUpdate& update) const {
        const FeedEntry& entry = update.entry;
        if (entry.created_at) {
            open(out, kDim);
            network(out, *entry.created_at);
            close(out);
        } else {
            time(out, update.received_at);
        }
        // A dash keeps the columns in place when the message left an id out.
        out += kGap;
        if (entry.channel_id)
            append_uint(out, *entry.channel_id);
        else
            out += '-';
        out += kGap;
        out += '#';
        if (entry.entry_id)
            append_uint(out, *entry.entry_id);
        else
            out += '-';
        for (std::size_t i = 0; i < entry.fields.size(); ++i) {
            if (entry.fields[i]) pair(out, field_names_[i], *entry.fields[i]);
        }
        if (entry.latitude) pair(out, "lat", *entry.latitude);
        if (entry.longitude) pair(out, "long", *entry.longitude);
        if (entry.elevation) pair(out, "elev", *entry.elevation);
        if (entry.status) pair(out, "status", *entry.status);
    }

    void write(std::string& out, const FieldUpdate& update) const {
        time(out, update.received_at);
        out += kGap;
        append_uint(out, update.channel_id);
        pair(out, field_names_[update.field.index()], update.value);
    }

    void write(std::string& out, const RawUpdate& update) const {
        time(out, update.received_at);
        out += kGap;
        network(out, update.topic);
        if (update.retained) {
            out += kGap;
            open(out, kDim);
            out += "retain";
            close(out);
        }
        out += kGap;
        network(out, update.payload);
    }

    void time(std::string& out, Clock::time_point when) const {
        open(out, kDim);
        append_iso8601_utc(out, when);
        close(out);
    }

    void pair(std::string& out, std::string_view name, std::string_view value) const {
        out += kGap;
        open(out, kCyan);
        out += name;
        close(out);
        out += '=';
        network(out, value);
    }

    // Anything that came over the network may hold terminal control sequences. Line breaks
    // are shown even on a pipe: the text format promises one line per update.
    void network(std::string& out, std::string_view text) const {
        if (escape_) {
            append_escaped_for_terminal(out, text);
            return;
        }
        for (const char c : text) {
            if (c == '\n') {
                out += "\\x0A";
            } else if (c == '\r') {
                out += "\\x0D";
            } else {
                out += c;
            }
        }
    }

    void open(std::string& out, std::string_view colour) const {
        if (color_) out += colour;
    }

    void close(std::string& out) const {
        if (color_) out += kReset;
    }

    bool color_;
    bool escape_;
    std::array<std::string, 8> field_names_;
};

}  // namespace

std::unique_ptr<Formatter> make_text_formatter(const FormatOptions& options) {
    return std::make_unique<TextFormatter>(options);
}

}  // namespace tsmqtt
