// SPDX-License-Identifier: Apache-2.0
#pragma once
// A screen as rows of cells: what the renderer produces and the terminal front paints.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tsmqtt::watch {

// Attributes a cell can carry; the front maps them to curses attributes and colour pairs.
enum Attr : std::uint8_t {
    kPlain = 0,
    kBold = 1,
    kReverse = 2,
    kDim = 4,
    kTitle = 8,   // colour: a panel's label
    kChart = 16,  // colour: chart dots
    kWarn = 32,   // colour: a problem in the header
};

struct Cell {
    char32_t glyph = U' ';
    std::uint8_t attr = kPlain;
    bool operator==(const Cell&) const = default;
};

class Grid {
  public:
    Grid(int cols, int rows)
        : cols_(cols), rows_(rows), cells_(static_cast<std::size_t>(cols * rows)) {}
    int cols() const { return cols_; }
    int rows() const { return rows_; }
    Cell& at(int col, int row) { return cells_[index(col, row)]; }
    const Cell& at(int col, int row) const { return cells_[index(col, row)]; }

    // Writes UTF-8 text from (col, row), at most `width` columns (-1: to the right edge), and
    // returns the columns used. A code point that might not take exactly one column (wide,
    // combining, or anything outside the scripts listed in grid.cpp) shows as '?', as does any
    // non-ASCII character when `unicode` is off, so the layout never shifts. Text from the
    // network must be escaped first (escape_for_terminal).
    int put(int col, int row, std::string_view text, std::uint8_t attr, int width = -1);
    void set_unicode(bool unicode) { unicode_ = unicode; }
    bool unicode() const { return unicode_; }

    // One row as UTF-8, trailing blanks kept: what golden tests compare.
    std::string row_text(int row) const;
    std::string text() const;  // all rows, each ending in "\n"

  private:
    std::size_t index(int col, int row) const {
        return static_cast<std::size_t>(row) * static_cast<std::size_t>(cols_) +
               static_cast<std::size_t>(col);
    }
    int cols_;
    int rows_;
    bool unicode_ = true;
    std::vector<Cell> cells_;
};

void append_utf8(std::string& out, char32_t glyph);

}  // namespace tsmqtt::watch
