// Publication dates: parsed only to find the earliest article of a group.
//
// Accepts ISO 8601 dates as news feeds write them: "2025-11-20", "2025-11-20T08:30",
// "2025-11-20 08:30:15.123+01:00", "...Z", and Unix epoch seconds ("1732090215").
// Returns seconds since 1970-01-01 UTC, or nothing when the text is not such a date. Refused
// as unreadable: a day the month lacks ("2026-02-30"; leap years by the Gregorian rule), a zone
// beyond +-14:00 or with minutes over 59, and any time outside the years 1000-9999 (ISO 8601's
// four-digit years: the only ones the output can write).
//
// Example:
//   auto t = neardup::parse_date("1970-01-02");  // 86400
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace neardup {

[[nodiscard]] std::optional<std::int64_t> parse_date(std::string_view text) noexcept;

}  // namespace neardup
