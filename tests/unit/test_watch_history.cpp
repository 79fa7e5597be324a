// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <sstream>

#include "core/error.hpp"
#include "watch/history.hpp"

using namespace tsmqtt;
using namespace tsmqtt::watch;

namespace {

std::size_t load(std::string_view csv, WatchModel& model) {
    std::istringstream in{std::string(csv)};
    return load_history(in, model);
}

}  // namespace

TEST_CASE("history loads channel-feed CSV as subscribe writes it", "[watch][history]") {
    WatchModel model(Span(3600), {}, false);
    const auto loaded = load(
        "created_at,channel_id,entry_id,field1,field2,field3,field4,field5,field6,field7,field8,"
        "latitude,longitude,elevation,status\n"
        "2026-12-02T11:00:00Z,7,1,20,,,,,,,,,,,\n"
        "2026-12-02T11:10:00Z,7,2,21,5,,,,,,,40.1,-70.2,,\"line one\nline two, quoted\"\n"
        ",7,3,99,,,,,,,,,,,\n",
        model);
    CHECK(loaded == 2);
    CHECK(model.history_entries() == 2);
    CHECK(model.entries() == 0);
    REQUIRE(model.store().series().size() == 2);
    CHECK(model.store().series()[0].buckets().size() == 2);
    CHECK(model.status() == "line one\nline two, quoted");
}

TEST_CASE("history loads field rows", "[watch][history]") {
    WatchModel model(Span(3600), {}, false);
    CHECK(load("received_at,channel_id,field,value\r\n"
               "2026-12-02T11:00:00Z,7,3,1.5\r\n"
               "2026-12-02T11:01:00Z,7,3,2.5\r\n",
               model) == 2);
    REQUIRE(model.store().series().size() == 1);
    CHECK(model.store().series()[0].label() == "field3");
}

TEST_CASE("history names the line of a file that is not subscribe's CSV", "[watch][history]") {
    WatchModel model(Span(3600), {}, false);
    const auto message = [&](std::string_view csv) {
        try {
            load(csv, model);
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::usage);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("").find("empty") != std::string::npos);
    CHECK(message("a,b\n1,2\n").find("line 1") != std::string::npos);
    CHECK(message("received_at,channel_id,field,value\nsoon,7,1,2\n").find("line 2") !=
          std::string::npos);
    CHECK(message("received_at,channel_id,field,value\n2026-12-02T11:00:00Z,7,9,2\n")
              .find("field number") != std::string::npos);
    CHECK(
        message("received_at,channel_id,field,value\n2026-12-02T11:00:00Z,7\n").find("2 columns") !=
        std::string::npos);
    CHECK(message("received_at,channel_id,field,value\n2026-12-02T11:00:00Z,7,1,\"open\n")
              .find("quote") != std::string::npos);
}
