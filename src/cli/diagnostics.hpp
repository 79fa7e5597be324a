// SPDX-License-Identifier: Apache-2.0
#pragma once
// What tsmqtt tells the user on stderr, and the secrets no line of it may show.
#include <mutex>
#include <string>
#include <string_view>

#include "core/runtime.hpp"
#include "core/settings.hpp"

namespace tsmqtt::cli {

// Every line tsmqtt writes to stderr, and dry-run output, masks the secrets registered here.
void register_secrets(const Settings& settings);
std::string redact_output(std::string_view text);

class StderrDiagnostics final : public Diagnostics {
  public:
    StderrDiagnostics(int verbosity, bool quiet);
    ~StderrDiagnostics() override;
    void note(int level, std::string_view text) override;
    void warn(std::string_view text) override;
    void progress(std::string_view text) override;
    void summary(std::string_view text) override;
    void alarm(std::string_view text) override;
    int verbosity() const { return verbosity_; }

  private:
    void line(std::string_view text);
    void clear_progress();
    std::mutex mutex_;  // Paho's thread reports connection changes too
    int verbosity_;
    bool quiet_;
    bool terminal_;
    bool progress_shown_ = false;
};

}  // namespace tsmqtt::cli
