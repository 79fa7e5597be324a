// SPDX-License-Identifier: Apache-2.0
#pragma once
// created_at for ThingSpeak entries that wait (a stream, the outbox): the time the line was
// read, so the channel records when a reading was measured, not when it arrived; a copy sent
// again after a reconnect carries the same stamp and ThingSpeak keeps one. ThingSpeak keeps
// only the first of two entries with one created_at, so a channel's stamps never repeat.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace tsmqtt {

class EntryStamper {
  public:
    struct Result {
        std::string payload;  // with its created_at, or unchanged
        std::string stamp;    // the created_at added; empty when none was
        std::string why_not;  // when none was added although the entry had none
    };

    // `payload` is a form-encoded channel-feed entry; `now` the wall clock when it was read.
    // An entry with its own created_at keeps it. Stamps have whole seconds (ThingSpeak's
    // resolution): a second entry of a channel read within the same second as the one before
    // gets the next second.
    Result stamp(std::uint64_t channel, std::string payload,
                 std::chrono::system_clock::time_point now);

    // The channel already has an entry stamped `last` (ISO 8601 UTC as stamp() makes it, e.g.
    // another run's, from the outbox): later stamps come after it. Other text is ignored.
    void follow(std::uint64_t channel, const std::string& last);

  private:
    std::map<std::uint64_t, std::chrono::sys_seconds> last_;
};

bool has_created_at(const std::string& payload);

}  // namespace tsmqtt
