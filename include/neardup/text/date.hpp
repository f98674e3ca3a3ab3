// Publication dates: parsed only to find the earliest article of a group.
//
// Accepts ISO 8601 dates as news feeds write them: "2025-11-20", "2025-11-20T08:30",
// "2025-11-20 08:30:15.123+01:00", "...Z", and Unix epoch seconds ("1732090215").
// Returns seconds since 1970-01-01 UTC, or nothing when the text is not such a date. Refused
// as unreadable: a day the month lacks ("2026-02-30"; leap years by the Gregorian rule), a zone
// beyond +-14:00 or with minutes over 59, and any time outside the years 1000-9999 (ISO 8601's
// four-digit years: the only ones the output can write).
//
// A date that reads but cannot be true is not trusted (doubt_date()): one later than the run's
// time by more than kFutureDateSlack, or earlier than kEarliestTrustedDate. A run treats such a
// date as unknown and counts it.
//
// Example:
//   auto t = neardup::parse_date("1970-01-02");  // 86400
//   neardup::doubt_date(*t, now);               // DateDoubt::kBeforeFloor
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace neardup {

[[nodiscard]] std::optional<std::int64_t> parse_date(std::string_view text) noexcept;

/// The earliest publication time trusted: 1990-01-01T00:00:00Z. News sites began in the 1990s,
/// and the dates pages give before that are defaults, not publication times: the Unix epoch
/// (1970-01-01, a zero timestamp), 1900-01-01 or 0001-01-01 of an empty CMS field. Such a date
/// made a page the "earliest dated" kept article of its group and began a report's plot in 1970.
inline constexpr std::int64_t kEarliestTrustedDate = 631152000;
/// How far after the run's time a date is still trusted: a day, for time zones written wrongly
/// and clocks a little ahead. A later date (2099-01-01 in one article) moved an index night's
/// windows to 2099, and the held articles out of them.
inline constexpr std::int64_t kFutureDateSlack = 86400;

/// Why a date that reads is not trusted.
enum class DateDoubt : std::uint8_t {
    kNone,         ///< trusted
    kAfterNow,     ///< later than the run's time + kFutureDateSlack
    kBeforeFloor,  ///< earlier than kEarliestTrustedDate
};

/// The system clock, unix seconds: a run's time when nothing else sets it.
[[nodiscard]] std::int64_t clock_seconds();

/// Judges a publication time `t` (unix seconds) against the run's time `now` (unix seconds).
/// `t == now + kFutureDateSlack` and `t == kEarliestTrustedDate` are still trusted.
[[nodiscard]] DateDoubt doubt_date(std::int64_t t, std::int64_t now) noexcept;

/// "after the run's time", "before 1990" (empty for kNone): what a summary or explain says.
[[nodiscard]] std::string_view date_doubt_reason(DateDoubt doubt) noexcept;

}  // namespace neardup
