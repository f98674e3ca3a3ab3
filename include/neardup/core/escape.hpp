// Text for a terminal or a log line: ids, paths and messages come from the inputs, and a
// newline in one forges a log line, an escape sequence drives the terminal. escape_for_terminal
// writes every control character visibly instead: C0 controls (U+0000-U+001F), DEL (U+007F)
// and C1 controls (U+0080-U+009F, as UTF-8) become \n, \r, \t or \xHH / \u00HH; a backslash
// becomes \\ (so an escape read back is never ambiguous); bytes that are not UTF-8 become
// \xHH. Everything else, printable UTF-8 included, passes unchanged.
//
// Pure; thread-safe.
//
// Example:
//   neardup::escape_for_terminal("a\nb\x1b[2J");  // "a\\nb\\x1b[2J"
#pragma once

#include <string>
#include <string_view>

namespace neardup {

/// `s` with control characters, backslashes and invalid UTF-8 bytes written as escapes.
[[nodiscard]] std::string escape_for_terminal(std::string_view s);

}  // namespace neardup
