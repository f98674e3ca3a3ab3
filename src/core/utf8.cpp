#include "neardup/core/utf8.hpp"

#include <cstdint>

namespace neardup {

void append_utf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
        cp = 0xFFFD;
    auto put = [&out](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
    const auto c = static_cast<std::uint32_t>(cp);
    if (c < 0x80) {
        put(c);
    } else if (c < 0x800) {
        put(0xC0 | (c >> 6));
        put(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        put(0xE0 | (c >> 12));
        put(0x80 | ((c >> 6) & 0x3F));
        put(0x80 | (c & 0x3F));
    } else {
        put(0xF0 | (c >> 18));
        put(0x80 | ((c >> 12) & 0x3F));
        put(0x80 | ((c >> 6) & 0x3F));
        put(0x80 | (c & 0x3F));
    }
}

std::size_t valid_utf8_length(std::string_view s) noexcept {
    if (s.empty())
        return 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(0);
    if (c < 0x80)
        return 1;
    // Unicode's table of well-formed sequences (The Unicode Standard, table 3-7): the second
    // byte's range excludes overlong forms (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF)
    // and code points above U+10FFFF (F4 90-BF, F5-FF).
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    }
    if (len == 0 || s.size() < len || byte(1) < lo || byte(1) > hi)
        return 0;
    for (std::size_t k = 2; k < len; ++k) {
        if ((byte(k) & 0xC0) != 0x80)
            return 0;
    }
    return len;
}

bool is_valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t len = valid_utf8_length(s.substr(i));
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

}  // namespace neardup
