// SPDX-License-Identifier: Apache-2.0
#pragma once
// The channel-feed entry a user publishes: validation and the form-encoded payload.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/thingspeak.hpp"
#include "core/utf8.hpp"

namespace tsmqtt {

class FeedParams {
  public:
    // Validates the value for this parameter (UTF-8, 255 bytes, ranges, ISO 8601) and stores
    // it, replacing any earlier value. Throws Error(usage) naming the parameter.
    void set(Param param, std::string value);
    const std::optional<std::string>& get(Param param) const {
        return values_[static_cast<std::size_t>(param)];
    }
    bool empty() const;

  private:
    std::array<std::optional<std::string>, kParamCount> values_{};
};

void validate_param_value(Param param, std::string_view value);  // throws Error(usage)
void validate_field_value(std::string_view value);               // UTF-8, <= 255 bytes

// name=value&... in the stable order, application/x-www-form-urlencoded. Throws Error(usage)
// when there is no value or the message exceeds 3000 bytes.
std::string encode_form(const FeedParams& params);

std::string form_urlencode(std::string_view text);
// Decodes one x-www-form-urlencoded component; throws Error(usage) on a bad % escape.
std::string form_urldecode(std::string_view text);

// is_valid_utf8 is core/utf8.hpp's, the one decoder the escapers use as well.
bool is_iso8601(std::string_view text);  // 2014-12-31 23:59:59, 2014-12-31T23:59:59Z, offsets
bool parse_decimal(std::string_view text, double& out);  // locale-independent, whole text

}  // namespace tsmqtt
