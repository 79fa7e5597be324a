// SPDX-License-Identifier: Apache-2.0
#pragma once
// A strict, allocation-light reader for the shape nearly every channel-feed message has: one
// JSON object whose values are strings, numbers, true, false or null, in ASCII, with no \u
// escapes. For anything else, valid JSON or not, it answers `unhandled` and claims nothing, so
// that the caller hands the message to the full parser, which decides and explains. Whatever
// it does read, it reads exactly as that parser would (tests/unit/test_core_flat_json.cpp and
// the feed-entry fuzzer compare the two).
#include <string>
#include <string_view>

namespace tsmqtt {

struct FlatValue {
    enum class Kind { string, integer, number, boolean, null };
    Kind kind = Kind::null;
    // string: the unescaped text; integer and number: the lexeme as sent ("24.90", "-3");
    // boolean: "true" or "false"; null: empty.
    std::string_view text;
};

class FlatObjectReader {
  public:
    enum class Step { member, end, unhandled };

    explicit FlatObjectReader(std::string_view json) : json_(json) {}

    // The next member of the object (then key() and value() hold it, until the next call), the
    // end of a well-formed object with nothing after it, or unhandled. After end or unhandled,
    // it stays there.
    Step next();

    std::string_view key() const { return key_; }
    const FlatValue& value() const { return value_; }

  private:
    bool at(char c) const { return pos_ < json_.size() && json_[pos_] == c; }
    void skip_space();
    bool read_string(std::string& scratch, std::string_view& out);
    bool read_number();
    bool read_literal(std::string_view word);
    bool read_value();
    Step stop(Step step);
    Step finish();

    std::string_view json_;
    std::size_t pos_ = 0;
    enum class State { start, after_member, done } state_ = State::start;
    Step result_ = Step::member;
    std::string key_scratch_;
    std::string value_scratch_;
    std::string_view key_;
    FlatValue value_;
};

}  // namespace tsmqtt
