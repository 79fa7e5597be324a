// SPDX-License-Identifier: Apache-2.0
#pragma once
// The sink of `tsmqtt subscribe`: each update formatted and written at once.
#include "core/runtime.hpp"
#include "core/update.hpp"
#include "format/formatter.hpp"

namespace tsmqtt {

class FormattingSink final : public UpdateSink {
  public:
    FormattingSink(const Formatter& formatter, Output& out) : formatter_(formatter), out_(out) {}
    bool on_start(UpdateKind kind) override { return out_.write(formatter_.header(kind)); }
    bool on_update(const Update& update) override { return out_.write(formatter_.format(update)); }
    // The diagnostics already tell of the connection; the output carries updates alone.
    void on_connection(ConnectionState) override {}

  private:
    const Formatter& formatter_;
    Output& out_;
};

}  // namespace tsmqtt
