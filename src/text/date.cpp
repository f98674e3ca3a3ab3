#include "neardup/text/date.hpp"

#include <chrono>

namespace neardup {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil algorithm, public domain description at howardhinnant.github.io).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

class Cursor {
public:
    explicit Cursor(std::string_view s) : s_(s) {}
    bool digits(std::size_t count, int& value) noexcept {
        if (s_.size() - pos_ < count)
            return false;
        value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            char c = s_[pos_ + i];
            if (c < '0' || c > '9')
                return false;
            value = value * 10 + (c - '0');
        }
        pos_ += count;
        return true;
    }
    bool eat(char c) noexcept {
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    [[nodiscard]] bool done() const noexcept { return pos_ >= s_.size(); }
    [[nodiscard]] char peek() const noexcept { return done() ? '\0' : s_[pos_]; }
    void skip_fraction() noexcept {
        while (!done() && s_[pos_] >= '0' && s_[pos_] <= '9')
            ++pos_;
    }
    void skip_spaces() noexcept {
        while (!done() && (s_[pos_] == ' ' || s_[pos_] == '\t'))
            ++pos_;
    }
    /// One or two digits (a day, an hour in free forms).
    bool small_number(int& value) noexcept {
        if (!digits(1, value))
            return false;
        int more = 0;
        if (!done() && peek() >= '0' && peek() <= '9' && digits(1, more))
            value = value * 10 + more;
        return true;
    }
    /// A run of ASCII letters, lower-cased.
    std::string_view word(char* buf, std::size_t cap) noexcept {
        std::size_t n = 0;
        while (!done() && n < cap && ((peek() | 0x20) >= 'a' && (peek() | 0x20) <= 'z'))
            buf[n++] = static_cast<char>(s_[pos_++] | 0x20);
        return {buf, n};
    }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

/// Epoch seconds (up to 12 digits), or milliseconds (13 digits: JavaScript's Date.now()).
std::optional<std::int64_t> parse_epoch(std::string_view s) noexcept {
    if (s.empty() || s.size() > 13)
        return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return s.size() == 13 ? v / 1000 : v;
}

/// "jan" .. "dec" (or the full name) -> 1..12, else 0.
int month_number(std::string_view w) noexcept {
    static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    static constexpr std::string_view kFull[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
    for (int i = 0; i < 12; ++i) {
        if (w == kMonths[i] || w == kFull[i] || (i == 8 && w == "sept"))
            return i + 1;
    }
    return 0;
}

/// RFC 822/2822 zone names (military zones other than Z are not used by feeds).
bool named_zone(std::string_view w, std::int64_t& offset) noexcept {
    struct Zone {
        std::string_view name;
        int hours;
    };
    static constexpr Zone kZones[] = {{"gmt", 0},  {"ut", 0},   {"utc", 0},  {"z", 0},
                                      {"est", -5}, {"edt", -4}, {"cst", -6}, {"cdt", -5},
                                      {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
    for (const Zone& z : kZones) {
        if (w == z.name) {
            offset = std::int64_t{z.hours} * 3600;
            return true;
        }
    }
    return false;
}

/// Parses "Z", "+hh:mm", "+hhmm", "-hh", "GMT", "UTC", "EST"... (after optional spaces) into
/// seconds east of UTC.
bool parse_zone(Cursor& c, std::int64_t& offset) noexcept {
    offset = 0;
    c.skip_spaces();
    if (c.done())
        return true;
    char buf[8];
    if (const std::string_view w = c.word(buf, sizeof buf); !w.empty())
        return named_zone(w, offset) && c.done();
    int sign = c.eat('+') ? 1 : (c.eat('-') ? -1 : 0);
    int hh = 0;
    int mm = 0;
    if (sign == 0 || !c.digits(2, hh))
        return false;
    c.eat(':');
    if (!c.done() && !c.digits(2, mm))
        return false;
    // Real zones run from -12:00 to +14:00; "+99:99" is a typo or a forgery, not a place.
    constexpr std::int64_t kMaxOffset = 14 * 3600;
    offset = std::int64_t{sign} * (std::int64_t{hh} * 3600 + std::int64_t{mm} * 60);
    return mm < 60 && offset <= kMaxOffset && offset >= -kMaxOffset && c.done();
}

/// Days in month `mo` (1-12) of year `y`, Gregorian leap years.
int days_in_month(int y, int mo) noexcept {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mo == 2 && leap ? 29 : kDays[mo - 1];
}

/// A time ISO 8601 can write with its four-digit year: 1000-01-01T00:00:00Z up to
/// 9999-12-31T23:59:59Z (outside, "10000-01-01" or "1-01-01" would be written: not a date).
std::optional<std::int64_t> in_iso_range(std::int64_t t) noexcept {
    constexpr std::int64_t kFirst = -30610224000;  // 1000-01-01T00:00:00Z
    constexpr std::int64_t kLast = 253402300799;   // 9999-12-31T23:59:59Z
    if (t < kFirst || t > kLast)
        return std::nullopt;
    return t;
}

std::optional<std::int64_t> to_seconds(int y, int mo, int d, int h, int mi, int s,
                                       std::int64_t offset) noexcept {
    // A day the month lacks ("2026-02-30") is refused, not carried into the next month.
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    const std::int64_t days =
        days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return in_iso_range(days * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + s - offset);
}

/// [hh:mm[:ss[.fff]]] [zone], after a date in words.
std::optional<std::int64_t> time_and_zone(Cursor& c, int y, int mo, int d) noexcept {
    int h = 0, mi = 0, s = 0;
    c.eat(',');
    c.skip_spaces();
    if (!c.done() && c.peek() >= '0' && c.peek() <= '9') {
        if (!c.small_number(h) || !c.eat(':') || !c.digits(2, mi))
            return std::nullopt;
        if (c.eat(':') && !c.digits(2, s))
            return std::nullopt;
        if (c.eat('.'))
            c.skip_fraction();
    }
    std::int64_t offset = 0;
    if (!parse_zone(c, offset))
        return std::nullopt;
    return to_seconds(y, mo, d, h, mi, s, offset);
}

/// RFC 822/1123/2822 as RSS writes it, "Tue, 01 Dec 2026 08:30:00 +0100" (the weekday, the
/// seconds and the zone optional; a two-digit year is 19xx from 50, else 20xx), and the forms
/// of pages' visible dates: "1 December 2026", "December 1, 2026 8:30".
std::optional<std::int64_t> parse_words_date(std::string_view text) noexcept {
    Cursor c(text);
    char buf[16];
    std::string_view w = c.word(buf, sizeof buf);
    int d = 0, mo = 0, y = 0;
    if (!w.empty() && month_number(w) == 0) {  // a weekday
        c.eat(',');
        c.eat('.');
        c.skip_spaces();
        w = c.word(buf, sizeof buf);
    }
    if (!w.empty()) {  // "December 1, 2026"
        mo = month_number(w);
        c.eat('.');
        c.skip_spaces();
        if (mo == 0 || !c.small_number(d))
            return std::nullopt;
        c.eat(',');
        c.skip_spaces();
        if (!c.digits(4, y))
            return std::nullopt;
        return time_and_zone(c, y, mo, d);
    }
    if (!c.small_number(d))  // "01 Dec 2026"
        return std::nullopt;
    c.skip_spaces();
    c.eat('-');
    mo = month_number(c.word(buf, sizeof buf));
    c.eat('.');
    c.skip_spaces();
    c.eat('-');
    if (mo == 0)
        return std::nullopt;
    if (c.digits(4, y)) {
    } else if (c.digits(2, y)) {
        y += y >= 50 ? 1900 : 2000;
    } else {
        return std::nullopt;
    }
    return time_and_zone(c, y, mo, d);
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (auto epoch = parse_epoch(text))
        return in_iso_range(*epoch);
    if (!text.empty() &&
        !(text.front() >= '0' && text.front() <= '9' && text.size() >= 10 && text[4] == '-'))
        return parse_words_date(text);
    Cursor c(text);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!c.digits(4, y) || !c.eat('-') || !c.digits(2, mo) || !c.eat('-') || !c.digits(2, d)) {
        return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return std::nullopt;
    if (c.eat('T') || c.eat('t') || c.eat(' ')) {
        if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi))
            return std::nullopt;
        if (c.eat(':') && !c.digits(2, s))
            return std::nullopt;
        if (c.eat('.') || c.eat(','))
            c.skip_fraction();
    }
    std::int64_t offset = 0;
    if (!parse_zone(c, offset))
        return std::nullopt;
    return to_seconds(y, mo, d, h, mi, s, offset);
}

std::int64_t clock_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

DateDoubt doubt_date(std::int64_t t, std::int64_t now) noexcept {
    if (t > now && t - now > kFutureDateSlack)
        return DateDoubt::kAfterNow;
    if (t < kEarliestTrustedDate)
        return DateDoubt::kBeforeFloor;
    return DateDoubt::kNone;
}

std::string_view date_doubt_reason(DateDoubt doubt) noexcept {
    switch (doubt) {
        case DateDoubt::kAfterNow:
            return "after the run's time";
        case DateDoubt::kBeforeFloor:
            return "before 1990";
        case DateDoubt::kNone:
            break;
    }
    return {};
}

}  // namespace neardup
