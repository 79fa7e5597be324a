// SPDX-License-Identifier: Apache-2.0
// Golden screens of tsmqtt watch: TSMQTT_UPDATE_GOLDEN=1 rewrites them after a deliberate
// change of the layout (then read the diff).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "watch/render.hpp"

using namespace tsmqtt;
using namespace tsmqtt::watch;
using namespace std::chrono_literals;

namespace {

const TimePoint kNoon = std::chrono::sys_days(std::chrono::year(2026) / 12 / 2) + 12h;

void check_golden(const std::string& name, const Grid& grid) {
    const std::string path = std::string(TSMQTT_GOLDEN_DIR) + "/" + name + ".txt";
    const auto text = grid.text();
    if (std::getenv("TSMQTT_UPDATE_GOLDEN") != nullptr) {
        std::ofstream(path, std::ios::binary) << text;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    INFO("golden file " << path);
    REQUIRE(in.good());
    std::stringstream expected;
    expected << in.rdbuf();
    CHECK(text == expected.str());
}

ViewState view_of(std::string watching = "channel 1587079") {
    ViewState view;
    view.broker = "127.0.0.1:1883";
    view.watching = std::move(watching);
    return view;
}

void feed(WatchModel& model, std::uint64_t channel, int field, TimePoint when,
          const std::string& value) {
    ChannelUpdate update;
    update.entry.channel_id = channel;
    update.entry.fields[static_cast<std::size_t>(field - 1)] = value;
    model.on_update(update, when);
}

// A value every minute over the last hour, a wave around `base`.
void wave(WatchModel& model, int field, double base, double height) {
    for (int minute = 60; minute >= 0; --minute) {
        const double value = base + height * std::sin(minute / 6.0);
        feed(model, 1587079, field, kNoon - std::chrono::minutes(minute),
             fmt::format("{:.2f}", value));
    }
}

}  // namespace

TEST_CASE("watch screen: one field", "[watch][render]") {
    WatchModel model(Span(3600), {{1, "Temperature"}}, false);
    model.on_connected();
    wave(model, 1, 21, 2);
    for (const auto& [cols, rows] : {std::pair{80, 24}, std::pair{120, 40}}) {
        check_golden(fmt::format("one_field_{}x{}", cols, rows),
                     render(model, view_of(), cols, rows, kNoon + 3s));
    }
}

TEST_CASE("watch screen: eight fields, status and location", "[watch][render]") {
    WatchModel model(Span(3600), {{1, "Temperature"}, {2, "Humidity"}, {8, "Battery"}}, false);
    model.on_connected();
    for (int field = 1; field <= 8; ++field) wave(model, field, field * 10.0, field);
    ChannelUpdate last;
    last.entry.channel_id = 1587079;
    last.entry.status = "all good";
    last.entry.latitude = "40.7128";
    last.entry.longitude = "-74.0060";
    last.entry.elevation = "10";
    model.on_update(last, kNoon);
    for (const auto& [cols, rows] : {std::pair{80, 24}, std::pair{120, 40}}) {
        check_golden(fmt::format("eight_fields_{}x{}", cols, rows),
                     render(model, view_of(), cols, rows, kNoon + 65s));
    }
}

TEST_CASE("watch screen: values that are not numbers", "[watch][render]") {
    WatchModel model(Span(3600), {{2, "Door"}}, false);
    model.on_connected();
    wave(model, 1, 5, 1);
    for (const auto* text : {"open", "closed", "open", "jammed"})
        feed(model, 1587079, 2, kNoon - 1min, text);
    for (const auto& [cols, rows] : {std::pair{80, 24}, std::pair{120, 40}}) {
        check_golden(fmt::format("texts_{}x{}", cols, rows),
                     render(model, view_of(), cols, rows, kNoon));
    }
}

TEST_CASE("watch screen: a gap in the values stays a gap", "[watch][render]") {
    WatchModel model(Span(3600), {}, false);
    model.on_connected();
    for (int minute = 60; minute >= 40; --minute)
        feed(model, 1587079, 1, kNoon - std::chrono::minutes(minute), "10");
    for (int minute = 10; minute >= 0; --minute)
        feed(model, 1587079, 1, kNoon - std::chrono::minutes(minute), "20");
    for (const auto& [cols, rows] : {std::pair{80, 24}, std::pair{120, 40}}) {
        check_golden(fmt::format("gap_{}x{}", cols, rows),
                     render(model, view_of(), cols, rows, kNoon));
    }
}

TEST_CASE("watch screen: a single point", "[watch][render]") {
    WatchModel model(Span(3600), {}, false);
    model.on_connected();
    feed(model, 1587079, 1, kNoon - 30min, "42");
    for (const auto& [cols, rows] : {std::pair{80, 24}, std::pair{120, 40}}) {
        check_golden(fmt::format("single_point_{}x{}", cols, rows),
                     render(model, view_of(), cols, rows, kNoon));
    }
}

TEST_CASE("watch screen: huge and negative values", "[watch][render]") {
    WatchModel model(Span(3600), {{1, "Huge"}, {2, "Negative"}}, false);
    model.on_connected();
    const char* huge[] = {"1e300", "-1.7e308", "1.7e308", "123456789012", "-5"};
    const char* negative[] = {"-0.001", "-40.25", "-12", "-99999.5", "-7"};
    for (int i = 0; i < 5; ++i) {
        feed(model, 1587079, 1, kNoon - std::chrono::minutes(50 - 10 * i), huge[i]);
        feed(model, 1587079, 2, kNoon - std::chrono::minutes(50 - 10 * i), negative[i]);
    }
    for (const auto& [cols, rows] : {std::pair{80, 24}, std::pair{120, 40}}) {
        check_golden(fmt::format("huge_negative_{}x{}", cols, rows),
                     render(model, view_of(), cols, rows, kNoon));
    }
}

TEST_CASE("watch screen: NaN and inf are texts among numbers", "[watch][render]") {
    WatchModel model(Span(3600), {}, false);
    model.on_connected();
    const char* values[] = {"1", "nan", "2", "NaN", "inf", "3", "-inf", "4"};
    for (int i = 0; i < 8; ++i)
        feed(model, 1587079, 1, kNoon - std::chrono::minutes(40 - 5 * i), values[i]);
    for (const auto& [cols, rows] : {std::pair{80, 24}, std::pair{120, 40}}) {
        check_golden(fmt::format("nan_text_{}x{}", cols, rows),
                     render(model, view_of(), cols, rows, kNoon));
    }
}

TEST_CASE("watch screen: raw topics, a lost connection, skipped messages, no Unicode",
          "[watch][render]") {
    WatchModel model(Span(900), {}, false);
    model.on_connected();
    for (int i = 0; i < 15; ++i) {
        model.on_update(RawUpdate{"sensors/kitchen", std::to_string(20 + i % 4), 0, false,
                                  kNoon - std::chrono::minutes(15 - i)},
                        kNoon - std::chrono::minutes(15 - i));
    }
    model.on_note("skipped a malformed message on 'sensors/x': not JSON");
    model.on_connection_lost();
    model.on_note("connection lost: the broker closed the connection; reconnecting");
    auto view = view_of("topics sensors/#");
    view.span = Span(900);
    view.unicode = false;
    check_golden("raw_lost_ascii_80x24", render(model, view, 80, 24, kNoon));
}

TEST_CASE("watch screen: the keys, a zoomed panel, a paused chart", "[watch][render]") {
    WatchModel model(Span(3600), {{1, "Temperature"}, {2, "Humidity"}}, false);
    model.on_connected();
    wave(model, 1, 21, 2);
    wave(model, 2, 50, 10);
    auto view = view_of();
    CHECK(view.apply(Key::help, 2, kNoon));
    check_golden("help_80x24", render(model, view, 80, 24, kNoon));
    view.apply(Key::help, 2, kNoon);
    view.apply(Key::next, 2, kNoon);
    view.apply(Key::zoom, 2, kNoon);
    view.apply(Key::pause, 2, kNoon - 30min);
    check_golden("zoom_paused_80x24", render(model, view, 80, 24, kNoon));
    CHECK_FALSE(view.apply(Key::quit, 2, kNoon));
}

TEST_CASE("watch screen: below 80x24 only the note", "[watch][render]") {
    WatchModel model(Span(3600), {}, false);
    feed(model, 1587079, 1, kNoon, "1");
    for (const auto& [cols, rows] : {std::pair{79, 24}, std::pair{80, 23}, std::pair{20, 5}}) {
        const auto grid = render(model, view_of(), cols, rows, kNoon);
        std::string all = grid.text();
        CHECK(all.find("window too small") != std::string::npos);
        CHECK(all.find("field1") == std::string::npos);
    }
    CHECK(render(model, view_of(), 79, 24, kNoon)
              .row_text(12)
              .find("window too small: needs at least 80x24") != std::string::npos);
}

TEST_CASE("watch screen: text from the network cannot reach the terminal raw", "[watch][render]") {
    WatchModel model(Span(3600), {}, false);
    model.on_update(RawUpdate{"evil/\x1b[2J\x1b]0;owned\x07", "\x1b[31m5\xc2\x9b", 0, false, kNoon},
                    kNoon);
    ChannelUpdate entry;
    entry.entry.channel_id = 1;
    entry.entry.status = "\x1b[?1049l\r\n\x7f wide \xe4\xb8\xad";
    model.on_update(entry, kNoon);
    const auto grid = render(model, view_of(), 80, 24, kNoon);
    for (int row = 0; row < grid.rows(); ++row) {
        for (int col = 0; col < grid.cols(); ++col) {
            const auto glyph = grid.at(col, row).glyph;
            INFO("row " << row << " col " << col);
            CHECK(glyph >= 0x20);
            CHECK(glyph != 0x7F);
            CHECK_FALSE((glyph >= 0x80 && glyph < 0xA0));
        }
    }
    const auto text = grid.text();
    CHECK(text.find("evil/\\x1B[2J\\x1B]0;owned\\x07") != std::string::npos);
    CHECK(text.find("wide ?") != std::string::npos);  // a double-width character: one '?'
}

TEST_CASE("watch screen: every count is singular or plural as it should be", "[watch][render]") {
    WatchModel model(Span(3600), {}, false);
    const auto header = [&] { return render(model, view_of(), 80, 24, kNoon).row_text(1); };
    CHECK(header().find(" 0 entries, none yet") != std::string::npos);
    feed(model, 1587079, 1, kNoon, "1");
    CHECK(header().find(" 1 entry, last 0s ago") != std::string::npos);
    feed(model, 1587079, 1, kNoon, "2");
    CHECK(header().find(" 2 entries, last 0s ago") != std::string::npos);
    model.on_history(ChannelUpdate{}, kNoon);
    CHECK(header().find(" 2 entries (+1 from history)") != std::string::npos);

    WatchModel raw(Span(3600), {}, false);
    const auto footer = [&] { return render(raw, view_of(), 80, 24, kNoon).row_text(23); };
    for (std::size_t i = 0; i <= SeriesStore::kMaxSeries; ++i)
        raw.on_update(RawUpdate{fmt::format("t/{}", i), "1", 0, false, kNoon}, kNoon);
    CHECK(footer().find("   1 value of further topics not charted") != std::string::npos);
    raw.on_update(RawUpdate{"t/more", "1", 0, false, kNoon}, kNoon);
    CHECK(footer().find("   2 values of further topics not charted") != std::string::npos);
    CHECK(footer().find(fmt::format(" of {}", SeriesStore::kMaxSeries)) != std::string::npos);

    auto zoomed = view_of();
    zoomed.apply(Key::zoom, 2, kNoon);
    feed(model, 1587079, 2, kNoon, "3");
    CHECK(render(model, zoomed, 80, 24, kNoon).row_text(23).find("   panel 1 of 2") !=
          std::string::npos);
}
