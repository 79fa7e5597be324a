// SPDX-License-Identifier: Apache-2.0
#pragma once
// tsmqtt watch's terminal: takes the screen over with ncursesw, paints grids, reads keys and
// resizes, and gives the terminal back as it was on every way out (its destructor).
#include <signal.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "watch/grid.hpp"
#include "watch/render.hpp"

namespace tsmqtt::terminal {

struct Input {
    enum class Kind { key, resize } kind = Kind::key;
    watch::Key key = watch::Key::other;
};

class Terminal {
  public:
    // Throws Error(usage) when the terminal cannot be used (TERM unknown).
    explicit Terminal(bool color);
    ~Terminal();
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    bool unicode() const { return unicode_; }
    int cols() const;
    int rows() const;
    void paint(const watch::Grid& grid);

    // Blocks until a key, a resize, a byte on `wake_fd` (-1: none), a signal or `timeout`, with the
    // signals in `unblocked` deliverable while it waits (ppoll), then returns what was typed.
    std::vector<Input> wait(std::chrono::milliseconds timeout, int wake_fd,
                            const sigset_t& unblocked);

  private:
    struct Screen;
    std::unique_ptr<Screen> screen_;
    std::optional<watch::Grid> painted_;  // what the terminal shows: only changes are sent
    bool unicode_ = false;
    bool color_ = false;
};

}  // namespace tsmqtt::terminal
