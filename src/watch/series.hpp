// SPDX-License-Identifier: Apache-2.0
#pragma once
// The points of a live chart, per field or topic: numeric values merged into buckets so memory
// stays bounded however long tsmqtt watch runs, the latest texts of values that are not
// numbers, and min/max/mean over the span shown.
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tsmqtt::watch {

using WallClock = std::chrono::system_clock;
using TimePoint = WallClock::time_point;
using Span = std::chrono::seconds;

// One or more values close together in time, merged.
struct Bucket {
    TimePoint first;
    TimePoint last;
    double min = 0;
    double max = 0;
    long double sum = 0;  // wider than double: a sum of huge values stays finite
    double latest = 0;    // the value of the newest point merged in
    std::size_t count = 0;
};

struct Stats {
    double min = 0;
    double max = 0;
    double mean = 0;
    std::size_t count = 0;
};

// A value is a number when it parses whole as a finite decimal ("nan" and "inf" are texts).
std::optional<double> parse_number(std::string_view text);

class Series {
  public:
    // The bound on buckets per series; the oldest are merged pairwise beyond it, so the chart
    // keeps recent points at full resolution and older ones coarser.
    static constexpr std::size_t kMaxBuckets = 2048;
    static constexpr std::size_t kMaxTexts = 16;

    Series(std::string key, std::string label) : key_(std::move(key)), label_(std::move(label)) {}

    // `resolution`: points closer than this to the newest bucket are merged into it.
    void add(TimePoint when, std::string_view value, std::chrono::milliseconds resolution);

    const std::string& key() const { return key_; }
    const std::string& label() const { return label_; }
    const std::deque<Bucket>& buckets() const { return buckets_; }
    // Newest first, as received (the renderer escapes them).
    const std::deque<std::string>& texts() const { return texts_; }
    const std::string& latest_text() const { return latest_text_; }
    bool latest_is_number() const { return latest_is_number_; }
    // More numbers than texts seen: the panel draws a chart rather than a list.
    bool numeric() const { return numbers_ > 0 && numbers_ >= text_count_; }
    Stats stats(TimePoint from, TimePoint to) const;

  private:
    void insert(const Bucket& point, std::chrono::milliseconds resolution);
    void merge_oldest_half();

    std::string key_;
    std::string label_;
    std::deque<Bucket> buckets_;  // ordered by time
    std::deque<std::string> texts_;
    std::string latest_text_;
    bool latest_is_number_ = false;
    std::size_t numbers_ = 0;
    std::size_t text_count_ = 0;
};

// The series of one watch, in the order panels show them: by key as given by the caller.
class SeriesStore {
  public:
    // Beyond this many series (raw mode with a wide filter), the values of new topics are
    // counted, not kept.
    static constexpr std::size_t kMaxSeries = 64;

    explicit SeriesStore(Span span) : span_(span) {}

    // Adds a value to the series `key` (created with `label` when new, placed by `order`:
    // smaller first, ties by arrival). False when the series limit turned it away.
    bool add(std::string_view key, std::string_view label, long order, TimePoint when,
             std::string_view value);
    bool has(std::string_view key) const;

    const std::vector<Series>& series() const { return series_; }
    std::size_t ignored_values() const { return ignored_values_; }
    Span span() const { return span_; }
    void set_span(Span span) { span_ = span; }

  private:
    std::chrono::milliseconds resolution() const;

    Span span_;
    std::vector<Series> series_;
    std::vector<long> order_;
    std::size_t ignored_values_ = 0;
};

// "90s", "15m", "6h", "1d": a whole number and one unit. Throws Error(usage).
Span parse_span(std::string_view text);
// The shortest exact form: 3600 s → "1h", 90 s → "90s".
std::string format_span(Span span);
// The next span step above or below (the steps run from 1m to 7d).
Span wider_span(Span span);
Span narrower_span(Span span);

}  // namespace tsmqtt::watch
