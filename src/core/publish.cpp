#include "core/publish.hpp"

#include <fmt/format.h>

#include <utility>

#include "core/error.hpp"

namespace tsmqtt {
namespace {

class Publisher {
  public:
    Publisher(Session& session, const PublishPlan& plan, MonotonicClock& clock,
              Diagnostics& diagnostics, const std::atomic<int>& stop)
        : session_(session), plan_(plan), clock_(clock), diagnostics_(diagnostics), stop_(stop) {}

    // False when interrupted while waiting for the interval.
    bool send(const std::string& topic, const std::string& payload) {
        if (plan_.interval.count() > 0 && report_.sent > 0) {
            if (!clock_.sleep_until(last_sent_ + plan_.interval, stop_)) return false;
        }
        session_.publish({topic, payload, plan_.qos, plan_.retain, plan_.properties});
        last_sent_ = clock_.now();
        ++report_.sent;
        if (report_.sent % 1000 == 0 || plan_.interval.count() > 0) show_progress();
        return true;
    }

    void skip(std::size_t line_number, const std::string& why) {
        if (plan_.strict) usage_error(fmt::format("stdin line {}: {}", line_number, why));
        ++report_.skipped;
        diagnostics_.warn(fmt::format("stdin line {} skipped: {}", line_number, why));
    }

    void show_progress() {
        diagnostics_.progress(fmt::format("{} sent, {} skipped", report_.sent, report_.skipped));
    }

    PublishReport& report() { return report_; }

  private:
    Session& session_;
    const PublishPlan& plan_;
    MonotonicClock& clock_;
    Diagnostics& diagnostics_;
    const std::atomic<int>& stop_;
    MonotonicClock::time_point last_sent_{};
    PublishReport report_;
};

void stream_lines(Publisher& publisher, const PublishPlan& plan, LineSource& input,
                  Diagnostics& diagnostics, const std::atomic<int>& stop) {
    std::string line;
    std::size_t number = 0;
    bool first = true;
    ColumnMap columns = plan.columns;
    while (stop.load() == 0 && input.next_line(line, stop)) {
        ++number;
        if (is_blank(line)) continue;
        std::string payload;
        if (plan.stream == PublishPlan::Stream::entries) {
            if (std::exchange(first, false)) {
                if (auto header = parse_header_line(line)) {
                    if (plan.header_sets_columns) columns = std::move(*header);
                    diagnostics.note(
                        1, fmt::format(
                               "stdin line {} is a CSV header row{}", number,
                               plan.header_sets_columns ? ": it names the columns" : ", skipped"));
                    continue;
                }
            }
            try {
                payload = encode_form(parse_input_line(line, columns));
            } catch (const Error& e) {
                publisher.skip(number, e.what());
                continue;
            }
        } else {
            payload = line;
        }
        if (!publisher.send(plan.stream_topic, payload)) return;
    }
}

}  // namespace

PublishReport run_publish(Session& session, const PublishPlan& plan, LineSource* input,
                          MonotonicClock& clock, Diagnostics& diagnostics,
                          const std::atomic<int>& stop) {
    Publisher publisher(session, plan, clock, diagnostics, stop);
    auto& report = publisher.report();
    try {
        for (const auto& message : plan.messages) {
            if (stop.load() != 0 || !publisher.send(message.topic, message.payload)) break;
        }
        if (input != nullptr && plan.stream != PublishPlan::Stream::none && stop.load() == 0) {
            stream_lines(publisher, plan, *input, diagnostics, stop);
        }
    } catch (const Error& e) {
        // A signal while the session waited for room: stop reading, keep what was sent.
        if (e.code() != ExitCode::interrupted) throw;
        ++report.undelivered;
    }
    report.interrupted = stop.load() != 0;
    return report;
}

}  // namespace tsmqtt
