// SPDX-License-Identifier: Apache-2.0
#pragma once
// "Did you mean ...?": the candidate closest to a mistyped word.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tsmqtt {

// The candidate with the smallest edit distance (insertions, deletions, substitutions and
// swaps of two neighbours) to `word`, when that distance is small enough to be a typo: at
// most a third of the word's length, and at most 3. Ties go to the earlier candidate.
std::optional<std::string> nearest_word(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace tsmqtt
