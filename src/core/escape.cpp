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

/// Appends the escape of one ASCII byte (< 0x80).
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
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f)
        append_hex(out, "\\x", byte);
    else
        out += c;
}

}  // namespace

std::string escape_for_terminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            append_ascii(out, text[i++]);
            continue;
        }
        const std::size_t n = valid_utf8_length(text.substr(i));
        if (n == 0) {  // not UTF-8: the byte's value, so nothing is lost
            append_hex(out, "\\x", byte);
            ++i;
        } else if (n == 2 && byte == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            append_hex(out, "\\u00", static_cast<unsigned char>(text[i + 1]));  // C1 control
            i += 2;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace neardup
