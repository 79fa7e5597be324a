// SPDX-License-Identifier: Apache-2.0
#pragma once
// What tsmqtt watch knows: the series, the latest status and location, the connection state
// and the counts the header shows. Fed by the subscribe loop's updates and by --history.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/update.hpp"
#include "watch/series.hpp"

namespace tsmqtt::watch {

enum class ConnectionState { connecting, connected, lost, reconnected };

struct Location {
    std::string latitude;
    std::string longitude;
    std::string elevation;
};

// ISO 8601 as ThingSpeak and subscribe write it: 2021-12-11T05:35:31Z, an offset (+01:00),
// fractions of seconds, or a space for the T; no zone is UTC.
std::optional<TimePoint> parse_time(std::string_view text);

class WatchModel {
  public:
    // `several_channels`: labels name the channel too, as a field number alone is ambiguous.
    WatchModel(Span span, std::map<int, std::string> labels, bool several_channels);

    // One live update; `now` places it when it has no created_at.
    void on_update(const Update& update, TimePoint now);
    // One update loaded from --history: charted, not counted as seen live.
    void on_history(const Update& update, TimePoint now);
    void on_connected();
    void on_connection_lost();
    void on_reconnected();
    // A line the subscribe loop would have written to stderr (a malformed message skipped, a
    // reconnect): the header shows the latest.
    void on_note(std::string text);

    SeriesStore& store() { return store_; }
    const SeriesStore& store() const { return store_; }
    std::size_t entries() const { return entries_; }
    std::size_t history_entries() const { return history_entries_; }
    std::optional<TimePoint> last_entry() const { return last_entry_; }
    ConnectionState connection() const { return connection_; }
    const std::string& last_note() const { return last_note_; }
    const std::string& status() const { return status_; }
    const std::optional<Location>& location() const { return location_; }

  private:
    void add(const Update& update, TimePoint now);
    void add_entry(const ChannelUpdate& update, TimePoint now);
    void add_field(std::uint64_t channel, int field, TimePoint when, std::string_view value);
    std::string field_label(std::uint64_t channel, int field) const;
    long channel_order(std::uint64_t channel);

    SeriesStore store_;
    std::map<int, std::string> labels_;
    bool several_channels_;
    std::vector<std::uint64_t> channels_;  // in the order first seen
    long raw_topics_ = 0;
    std::size_t entries_ = 0;
    std::size_t history_entries_ = 0;
    std::optional<TimePoint> last_entry_;
    ConnectionState connection_ = ConnectionState::connecting;
    std::string last_note_;
    std::string status_;
    std::optional<Location> location_;
};

}  // namespace tsmqtt::watch
