// UTF-8 at the byte level: encoding one code point, and telling well-formed sequences from
// ill-formed ones by Unicode's table of well-formed byte sequences (The Unicode Standard, table
// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF). Pure, no allocation beyond
// the caller's string.
//
// Example:
//   std::string s;
//   neardup::append_utf8(s, 0x263A);                 // "☺"
//   neardup::valid_utf8_length("\xC3\xA9!");          // 2
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace neardup {

/// Appends the UTF-8 encoding of a code point; invalid ones (surrogates, > U+10FFFF, NUL)
/// become U+FFFD.
void append_utf8(std::string& out, char32_t cp);

/// The length (1-4) of the well-formed UTF-8 sequence `s` starts with; 0 when it starts with
/// none (or is empty).
[[nodiscard]] std::size_t valid_utf8_length(std::string_view s) noexcept;

/// True when all of `s` is well-formed UTF-8.
[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;

/// `s` read as windows-1252 (what browsers assume of Western pages that are not UTF-8), as
/// UTF-8.
[[nodiscard]] std::string decode_windows1252(std::string_view s);

/// `s` read as UTF-16 (without its byte order mark), as UTF-8; lone surrogates and a cut last
/// unit become U+FFFD.
[[nodiscard]] std::string decode_utf16(std::string_view s, bool big_endian);

}  // namespace neardup
