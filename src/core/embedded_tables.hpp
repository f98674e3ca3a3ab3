// Private: data files compiled into the library (generated from corpus/idf/ by CMake).
#pragma once

#include <string_view>

namespace neardup::detail {

/// corpus/idf/stopwords-en.txt
[[nodiscard]] std::string_view embedded_stop_words() noexcept;
/// corpus/idf/background-en.tsv: "#documents\tN" then "term\tdf" lines
[[nodiscard]] std::string_view embedded_background_df() noexcept;

}  // namespace neardup::detail
