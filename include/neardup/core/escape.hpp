// Text from data (ids, paths, titles, messages quoting them) made safe for a terminal or a log:
// a scraped id holding "\n2026-12-01T02:00:00Z neardup: ..." or an ESC sequence must not forge
// log lines or drive the terminal. Pure; no state, thread-safe.
//
// Escapes, so that every escaped string reads back unambiguously:
//   \n \r \t          as themselves (backslash + letter)
//   other C0, DEL     as \xNN (ESC is \x1b)
//   C1 (U+0080-U+009F, UTF-8 C2 80..C2 9F) as \u0080 .. \u009f
//   bytes that are not well-formed UTF-8   as \xNN
//   a backslash       as two backslashes
// Everything else (printable ASCII, well-formed UTF-8) is kept.
//
// Example:
//   neardup::escape_for_terminal("a\nb\x1b[2J");  // "a\\nb\\x1b[2J"
#pragma once

#include <string>
#include <string_view>

namespace neardup {

/// `text` with control characters, C1 controls, ill-formed UTF-8 and backslashes escaped (see
/// above): one line, nothing a terminal acts on.
[[nodiscard]] std::string escape_for_terminal(std::string_view text);

}  // namespace neardup
