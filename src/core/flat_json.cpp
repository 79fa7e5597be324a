// SPDX-License-Identifier: Apache-2.0
#include "core/flat_json.hpp"

#include <charconv>
#include <cstdint>

namespace tsmqtt {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Printable ASCII other than the quote and the backslash: bytes a JSON string holds as they are.
bool is_plain(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\';
}

}  // namespace

void FlatObjectReader::skip_space() {
    while (pos_ < json_.size()) {
        const char c = json_[pos_];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
        ++pos_;
    }
}

FlatObjectReader::Step FlatObjectReader::stop(Step step) {
    state_ = State::done;
    result_ = step;
    return step;
}

FlatObjectReader::Step FlatObjectReader::next() {
    if (state_ == State::done) return result_;
    skip_space();
    if (state_ == State::start) {
        if (!at('{')) return stop(Step::unhandled);
        ++pos_;
        skip_space();
        if (at('}')) return finish();
    } else {
        if (at('}')) return finish();
        if (!at(',')) return stop(Step::unhandled);
        ++pos_;
        skip_space();
    }
    if (!read_string(key_scratch_, key_)) return stop(Step::unhandled);
    skip_space();
    if (!at(':')) return stop(Step::unhandled);
    ++pos_;
    skip_space();
    if (!read_value()) return stop(Step::unhandled);
    state_ = State::after_member;
    return Step::member;
}

// At the closing brace: the end, if nothing but white space follows.
FlatObjectReader::Step FlatObjectReader::finish() {
    ++pos_;
    skip_space();
    return stop(pos_ == json_.size() ? Step::end : Step::unhandled);
}

bool FlatObjectReader::read_string(std::string& scratch, std::string_view& out) {
    if (!at('"')) return false;
    const std::size_t start = ++pos_;
    bool escaped = false;
    for (;;) {
        std::size_t run = pos_;
        while (run < json_.size() && is_plain(json_[run])) ++run;
        if (escaped) scratch.append(json_, pos_, run - pos_);
        pos_ = run;
        if (pos_ >= json_.size()) return false;
        const char c = json_[pos_++];
        if (c == '"') {
            out = escaped ? std::string_view(scratch) : json_.substr(start, pos_ - 1 - start);
            return true;
        }
        if (c != '\\' || pos_ >= json_.size()) return false;  // a control byte or non-ASCII
        if (!escaped) {
            escaped = true;
            scratch.assign(json_, start, pos_ - 1 - start);
        }
        switch (json_[pos_++]) {
            case '"':
                scratch += '"';
                break;
            case '\\':
                scratch += '\\';
                break;
            case '/':
                scratch += '/';
                break;
            case 'b':
                scratch += '\b';
                break;
            case 'f':
                scratch += '\f';
                break;
            case 'n':
                scratch += '\n';
                break;
            case 'r':
                scratch += '\r';
                break;
            case 't':
                scratch += '\t';
                break;
            default:
                return false;  // \u, with its surrogate pairs, is the full parser's
        }
    }
}

// JSON's number grammar. A number the full parser turns into something else is left to it:
// an integer beyond 64 bits (a double there), and a value beyond a double's range (an error
// or zero there).
bool FlatObjectReader::read_number() {
    const std::size_t start = pos_;
    if (at('-')) ++pos_;
    if (at('0')) {
        ++pos_;
    } else if (pos_ < json_.size() && is_digit(json_[pos_])) {
        while (pos_ < json_.size() && is_digit(json_[pos_])) ++pos_;
    } else {
        return false;
    }
    bool integral = true;
    if (at('.')) {
        integral = false;
        const std::size_t digits = ++pos_;
        while (pos_ < json_.size() && is_digit(json_[pos_])) ++pos_;
        if (pos_ == digits) return false;
    }
    if (at('e') || at('E')) {
        integral = false;
        ++pos_;
        if (at('+') || at('-')) ++pos_;
        const std::size_t digits = pos_;
        while (pos_ < json_.size() && is_digit(json_[pos_])) ++pos_;
        if (pos_ == digits) return false;
    }
    const auto lexeme = json_.substr(start, pos_ - start);
    const char* first = lexeme.data();
    const char* last = first + lexeme.size();
    value_.text = lexeme;
    if (!integral) {
        double number = 0;
        const auto [end, error] = std::from_chars(first, last, number);
        value_.kind = FlatValue::Kind::number;
        return error == std::errc{} && end == last;
    }
    value_.kind = FlatValue::Kind::integer;
    if (lexeme.front() == '-') {
        std::int64_t number = 0;
        const auto [end, error] = std::from_chars(first, last, number);
        if (number == 0) value_.text = "0";  // -0 is the integer 0
        return error == std::errc{} && end == last;
    }
    std::uint64_t number = 0;
    const auto [end, error] = std::from_chars(first, last, number);
    return error == std::errc{} && end == last;
}

bool FlatObjectReader::read_literal(std::string_view word) {
    if (json_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    value_.text = word;
    return true;
}

bool FlatObjectReader::read_value() {
    if (pos_ >= json_.size()) return false;
    switch (json_[pos_]) {
        case '"':
            value_.kind = FlatValue::Kind::string;
            return read_string(value_scratch_, value_.text);
        case 't':
            value_.kind = FlatValue::Kind::boolean;
            return read_literal("true");
        case 'f':
            value_.kind = FlatValue::Kind::boolean;
            return read_literal("false");
        case 'n':
            value_.kind = FlatValue::Kind::null;
            if (!read_literal("null")) return false;
            value_.text = {};
            return true;
        default:
            return read_number();
    }
}

}  // namespace tsmqtt
