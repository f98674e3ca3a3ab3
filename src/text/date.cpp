#include "neardup/text/date.hpp"

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

private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

std::optional<std::int64_t> parse_epoch(std::string_view s) noexcept {
    if (s.empty() || s.size() > 12)
        return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

/// Parses "Z", "+hh:mm", "+hhmm", "-hh" into seconds east of UTC.
bool parse_zone(Cursor& c, std::int64_t& offset) noexcept {
    offset = 0;
    if (c.done() || c.eat('Z') || c.eat('z'))
        return c.done();
    int sign = c.eat('+') ? 1 : (c.eat('-') ? -1 : 0);
    int hh = 0;
    int mm = 0;
    if (sign == 0 || !c.digits(2, hh))
        return false;
    c.eat(':');
    if (!c.done() && !c.digits(2, mm))
        return false;
    offset = std::int64_t{sign} * (std::int64_t{hh} * 3600 + std::int64_t{mm} * 60);
    return c.done();
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (auto epoch = parse_epoch(text))
        return epoch;
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
    if (h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    std::int64_t offset = 0;
    if (!parse_zone(c, offset))
        return std::nullopt;
    std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return days * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + s - offset;
}

}  // namespace neardup
