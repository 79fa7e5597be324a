// SPDX-License-Identifier: Apache-2.0
#include "terminal/terminal.hpp"

#include <fmt/format.h>
#include <langinfo.h>
#include <locale.h>
#include <ncursesw/curses.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/error.hpp"

namespace tsmqtt::terminal {

namespace {

constexpr short kTitlePair = 1;
constexpr short kChartPair = 2;
constexpr short kWarnPair = 3;
// Esc alone must quit at once, not after curses' default second of waiting for the rest of
// an escape sequence.
constexpr int kEscapeDelayMs = 25;

watch::Key key_for(int code) {
    switch (code) {
        case 'q':
        case 'Q':
        case 27:  // Esc
        case 3:   // Ctrl-C: raw mode delivers it as a key
            return watch::Key::quit;
        case '+':
        case '=':
            return watch::Key::wider;
        case '-':
        case '_':
            return watch::Key::narrower;
        case ' ':
            return watch::Key::pause;
        case '\t':
        case KEY_RIGHT:
        case KEY_DOWN:
            return watch::Key::next;
        case KEY_BTAB:
        case KEY_LEFT:
        case KEY_UP:
            return watch::Key::previous;
        case '\n':
        case '\r':
        case KEY_ENTER:
            return watch::Key::zoom;
        case '?':
            return watch::Key::help;
        default:
            return watch::Key::other;
    }
}

// Without a UTF-8 locale only ASCII and the alternate character set can be drawn.
cchar_t narrow_cell(char32_t glyph, attr_t attr, short pair) {
    chtype ch = '?';
    if (glyph < 0x80) {
        ch = static_cast<chtype>(glyph);
    } else if (glyph == U'\u2588') {
        ch = ACS_BLOCK;
    } else if (glyph == U'\u2580') {
        ch = ACS_S1;
    } else if (glyph == U'\u2584') {
        ch = ACS_S9;
    }
    cchar_t cell{};
    const wchar_t text[2] = {static_cast<wchar_t>(ch & A_CHARTEXT), L'\0'};
    setcchar(&cell, text, attr | (ch & A_ATTRIBUTES), pair, nullptr);
    return cell;
}

}  // namespace

struct Terminal::Screen {
    SCREEN* screen = nullptr;
};

Terminal::Terminal(bool color) : screen_(std::make_unique<Screen>()) {
    // Only the character type: numbers must keep their "C" form everywhere else.
    setlocale(LC_CTYPE, "");
    unicode_ = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    screen_->screen = newterm(nullptr, stdout, stdin);
    if (screen_->screen == nullptr) {
        const char* term = std::getenv("TERM");
        usage_error(fmt::format("watch cannot drive this terminal (TERM={}); use subscribe",
                                term != nullptr ? term : "unset"));
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    set_escdelay(kEscapeDelayMs);
    color_ = color && has_colors();
    if (color_) {
        start_color();
        use_default_colors();
        init_pair(kTitlePair, COLOR_CYAN, -1);
        init_pair(kChartPair, COLOR_GREEN, -1);
        init_pair(kWarnPair, COLOR_YELLOW, -1);
    }
}

Terminal::~Terminal() {
    curs_set(1);
    endwin();
    delscreen(screen_->screen);
}

int Terminal::cols() const {
    return COLS;
}
int Terminal::rows() const {
    return LINES;
}

void Terminal::paint(const watch::Grid& grid) {
    const int rows = std::min(grid.rows(), LINES);
    const int cols = std::min(grid.cols(), COLS);
    const bool same_size =
        painted_ && painted_->cols() == grid.cols() && painted_->rows() == grid.rows();
    for (int row = 0; row < rows; ++row) {
        for (int col = 0; col < cols; ++col) {
            const auto& cell = grid.at(col, row);
            if (same_size && painted_->at(col, row) == cell) continue;
            attr_t attr = A_NORMAL;
            if (cell.attr & watch::kBold) attr |= A_BOLD;
            if (cell.attr & watch::kReverse) attr |= A_REVERSE;
            if (cell.attr & watch::kDim) attr |= A_DIM;
            short pair = 0;
            if (color_) {
                if (cell.attr & watch::kTitle) pair = kTitlePair;
                if (cell.attr & watch::kChart) pair = kChartPair;
                if (cell.attr & watch::kWarn) pair = kWarnPair;
            }
            cchar_t out{};
            if (unicode_) {
                const wchar_t text[2] = {static_cast<wchar_t>(cell.glyph), L'\0'};
                setcchar(&out, text, attr, pair, nullptr);
            } else {
                out = narrow_cell(cell.glyph, attr, pair);
            }
            // The bottom-right cell reports an error (the cursor cannot move past it) but is
            // drawn all the same.
            mvadd_wch(row, col, &out);
        }
    }
    wnoutrefresh(stdscr);
    doupdate();
    painted_ = grid;
}

std::vector<Input> Terminal::wait(std::chrono::milliseconds timeout, int wake_fd,
                                  const sigset_t& unblocked) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    const timespec wait_for{static_cast<time_t>(timeout.count() / 1000),
                            static_cast<long>(timeout.count() % 1000) * 1000000L};
    // EINTR is the point of the mask: a resize or a stop signal ends the wait.
    if (ppoll(fds, 2, &wait_for, &unblocked) < 0 && errno != EINTR) {
        fail(ExitCode::failure, fmt::format("waiting for input: {}", std::strerror(errno)));
    }
    std::vector<Input> inputs;
    for (int code = getch(); code != ERR; code = getch()) {
        if (code == KEY_RESIZE) {
            // What the terminal shows after a resize is its own guess (reflowed, cropped):
            // the next paint redraws every cell rather than only those curses thinks changed.
            clearok(curscr, TRUE);
            painted_.reset();
            inputs.push_back({Input::Kind::resize, watch::Key::other});
        } else {
            inputs.push_back({Input::Kind::key, key_for(code)});
        }
    }
    return inputs;
}

}  // namespace tsmqtt::terminal
