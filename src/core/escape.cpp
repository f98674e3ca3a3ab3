#include "neardup/core/escape.hpp"

#include <cstdio>

#include "neardup/core/utf8.hpp"

namespace neardup {
namespace {

void append_hex(std::string& out, const char* prefix, unsigned value) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%s%02x", prefix, value);
    out += buf;
}

/// One ASCII byte: itself, or its escape when it is a control character or a backslash.
void append_ascii(std::string& out, char c) {
    switch (c) {
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        case '\\':
            out += "\\\\";
            return;
        default:
            break;
    }
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F)
        append_hex(out, "\\x", b);
    else
        out.push_back(c);
}

}  // namespace

std::string escape_for_terminal(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            append_ascii(out, s[i]);
            ++i;
            continue;
        }
        const std::size_t len = valid_utf8_length(s.substr(i));
        if (len == 0) {  // not UTF-8: a lone byte a Latin-1 terminal could take for C1
            append_hex(out, "\\x", b);
            ++i;
            continue;
        }
        const auto second = static_cast<unsigned char>(s[i + 1]);
        if (b == 0xC2 && second < 0xA0)  // U+0080-U+009F: C1 controls (0x9B is CSI)
            append_hex(out, "\\u00", second);
        else
            out.append(s.substr(i, len));
        i += len;
    }
    return out;
}

}  // namespace neardup
