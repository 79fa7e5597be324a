// SPDX-License-Identifier: Apache-2.0
#include "cli/dry_run.hpp"

#include <fmt/format.h>

#include "format/formatter.hpp"

namespace tsmqtt::cli {

std::optional<std::uint64_t> DryRunSession::publish(const OutgoingMessage& message) {
    out_.write(fmt::format(
        "publish {} qos {}{}: {}\n", escape_for_terminal(redact_output(message.topic)), message.qos,
        message.retain ? " retain" : "", escape_for_terminal(redact_output(message.payload))));
    return ++taken_;
}

std::vector<int> DryRunSession::subscribe(const std::vector<std::string>& filters, int qos) {
    for (const auto& filter : filters)
        out_.write(
            fmt::format("subscribe {} qos {}\n", escape_for_terminal(redact_output(filter)), qos));
    return std::vector<int>(filters.size(), qos);
}

void DryRunSession::unsubscribe(const std::vector<std::string>& filters) {
    for (const auto& filter : filters)
        out_.write(fmt::format("unsubscribe {}\n", escape_for_terminal(redact_output(filter))));
}

}  // namespace tsmqtt::cli
