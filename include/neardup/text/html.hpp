// HTML to text: what a reader of the page sees, without markup.
//
// Drops <script>, <style>, comments and all tags; block-level tags (p, div, br, li, h1-h6,
// tr, ...) become line breaks; character references (&amp; &eacute; &#8217; &#x2019;) are
// decoded to UTF-8. The contents of <title> go to `title`, not to `text`. Never fails: broken
// markup is read as far as it makes sense. Pure and single-threaded.
//
// Example:
//   std::string title, text;
//   neardup::html_to_text("<title>A</title><p>x &amp; y</p>", title, text);  // "A", "\nx & y\n"
#pragma once

#include <string>
#include <string_view>

namespace neardup {

void html_to_text(std::string_view html, std::string& title, std::string& text);

/// Appends the UTF-8 encoding of a code point; invalid ones become U+FFFD.
void append_utf8(std::string& out, char32_t cp);

}  // namespace neardup
