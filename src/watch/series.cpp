// SPDX-License-Identifier: Apache-2.0
#include "watch/series.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "core/error.hpp"

namespace tsmqtt::watch {

namespace {

// Charts are at most about a thousand dots wide: finer points than that are never seen.
constexpr long kDotsPerSpan = 1024;

constexpr std::array<Span, 11> kSpanSteps{Span(60),    Span(300),       Span(900),      Span(1800),
                                          Span(3600),  Span(3 * 3600),  Span(21600),    Span(43200),
                                          Span(86400), Span(3 * 86400), Span(7 * 86400)};

struct Unit {
    char letter;
    long seconds;
};
constexpr std::array<Unit, 4> kUnits{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};

void merge_into(Bucket& into, const Bucket& from) {
    into.min = std::min(into.min, from.min);
    into.max = std::max(into.max, from.max);
    into.sum += from.sum;
    into.count += from.count;
    if (from.last >= into.last) {
        into.latest = from.latest;
        into.last = from.last;
    }
    into.first = std::min(into.first, from.first);
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

void Series::add(TimePoint when, std::string_view value, std::chrono::milliseconds resolution) {
    latest_text_.assign(value);
    const auto number = parse_number(value);
    latest_is_number_ = number.has_value();
    if (!number) {
        ++text_count_;
        texts_.emplace_front(value);
        if (texts_.size() > kMaxTexts) texts_.pop_back();
        return;
    }
    ++numbers_;
    insert(Bucket{when, when, *number, *number, *number, *number, 1}, resolution);
}

void Series::insert(const Bucket& point, std::chrono::milliseconds resolution) {
    if (buckets_.empty() || point.first >= buckets_.back().first) {
        if (!buckets_.empty() && point.first - buckets_.back().first < resolution) {
            merge_into(buckets_.back(), point);
        } else {
            buckets_.push_back(point);
        }
    } else {
        // Out of order (an entry's own created_at, or history after live points).
        const auto at = std::upper_bound(
            buckets_.begin(), buckets_.end(), point.first,
            [](TimePoint when, const Bucket& bucket) { return when < bucket.first; });
        if (at != buckets_.begin() && point.first - std::prev(at)->first < resolution) {
            merge_into(*std::prev(at), point);
        } else {
            buckets_.insert(at, point);
        }
    }
    if (buckets_.size() > kMaxBuckets) merge_oldest_half();
}

void Series::merge_oldest_half() {
    std::deque<Bucket> merged;
    const std::size_t half = buckets_.size() / 2;
    for (std::size_t i = 0; i < half; i += 2) {
        Bucket bucket = buckets_[i];
        if (i + 1 < half) merge_into(bucket, buckets_[i + 1]);
        merged.push_back(bucket);
    }
    merged.insert(merged.end(), buckets_.begin() + static_cast<std::ptrdiff_t>(half),
                  buckets_.end());
    buckets_.swap(merged);
}

Stats Series::stats(TimePoint from, TimePoint to) const {
    Stats stats;
    long double sum = 0;
    for (const auto& bucket : buckets_) {
        if (bucket.last < from || bucket.first > to) continue;
        if (stats.count == 0) {
            stats.min = bucket.min;
            stats.max = bucket.max;
        }
        stats.min = std::min(stats.min, bucket.min);
        stats.max = std::max(stats.max, bucket.max);
        sum += bucket.sum;
        stats.count += bucket.count;
    }
    if (stats.count > 0)
        stats.mean = static_cast<double>(sum / static_cast<long double>(stats.count));
    return stats;
}

bool SeriesStore::has(std::string_view key) const {
    return std::any_of(series_.begin(), series_.end(),
                       [&](const Series& series) { return series.key() == key; });
}

bool SeriesStore::add(std::string_view key, std::string_view label, long order, TimePoint when,
                      std::string_view value) {
    auto it = std::find_if(series_.begin(), series_.end(),
                           [&](const Series& series) { return series.key() == key; });
    if (it == series_.end()) {
        if (series_.size() >= kMaxSeries) {
            ++ignored_values_;
            return false;
        }
        const auto position = std::upper_bound(order_.begin(), order_.end(), order);
        const auto index = position - order_.begin();
        order_.insert(position, order);
        it = series_.insert(series_.begin() + index, Series(std::string(key), std::string(label)));
    }
    it->add(when, value, resolution());
    return true;
}

std::chrono::milliseconds SeriesStore::resolution() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(span_) / kDotsPerSpan;
}

Span parse_span(std::string_view text) {
    const auto bad = [&] {
        usage_error(fmt::format(
            "invalid --span '{}': expected a whole number and a unit s, m, h or d, e.g. 15m",
            text));
    };
    if (text.size() < 2) bad();
    const auto unit = std::find_if(kUnits.begin(), kUnits.end(),
                                   [&](const Unit& u) { return u.letter == text.back(); });
    if (unit == kUnits.end()) bad();
    long count = 0;
    const auto digits = text.substr(0, text.size() - 1);
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || count <= 0) bad();
    const Span span(count * unit->seconds);
    if (count > 365L * 86400 / unit->seconds || span < Span(10)) {
        usage_error(fmt::format("invalid --span '{}': expected between 10s and 365d", text));
    }
    return span;
}

std::string format_span(Span span) {
    for (const auto& unit : kUnits) {
        if (span.count() % unit.seconds == 0)
            return fmt::format("{}{}", span.count() / unit.seconds, unit.letter);
    }
    return fmt::format("{}s", span.count());
}

Span wider_span(Span span) {
    const auto next = std::upper_bound(kSpanSteps.begin(), kSpanSteps.end(), span);
    return next == kSpanSteps.end() ? span : *next;
}

Span narrower_span(Span span) {
    const auto next = std::lower_bound(kSpanSteps.begin(), kSpanSteps.end(), span);
    return next == kSpanSteps.begin() ? span : *std::prev(next);
}

}  // namespace tsmqtt::watch
