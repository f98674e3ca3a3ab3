// Text normalization and tokenization: the one definition of "the same words" in neardup.
//
// normalize() maps any bytes to a canonical form: Unicode NFKC with case folding (utf8proc's
// NFKC_Casefold), every character that is not a letter, mark or digit becomes a separator, runs
// of separators become one space, no leading or trailing space. Invalid UTF-8 bytes are
// separators (repaired, never fatal). Pure ASCII words take a fast path that does not call
// utf8proc. normalize is idempotent: normalize(normalize(x)) == normalize(x).
//
// tokenize() splits normalized text on its single spaces; tokens are views into that text.
// Both are pure, single-threaded, noexcept apart from allocation in the caller's buffers.
//
// Example:
//   std::string norm;
//   neardup::normalize("Héllo, WORLD!", {}, norm);   // norm == "héllo world"
//   std::vector<neardup::TokenSpan> toks;
//   neardup::tokenize(norm, toks);                   // 2 tokens
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/core/types.hpp"

namespace neardup {

/// The most words normalize_tokens() gives one document (the rest is dropped): a news article
/// has a few thousand, and each word costs some 40 bytes of working memory downstream, so a
/// hostile 15 MB page of 5 million one-letter words would otherwise need 400 MB to sign.
inline constexpr std::size_t kMaxDocumentTokens = std::size_t{1} << 20;

struct NormalizeOptions {
    bool fold_case = true;  ///< case folding (Unicode casefold; ASCII tolower on the fast path)
    bool unicode = true;    ///< NFKC for words with non-ASCII letters
};

/// Writes the normalized form of `in` into `out` (cleared first). With `name_flags`, also
/// writes one flag per output token: 1 when the word it came from starts with a capital letter
/// away from the start of a sentence (after . ! ? : or a line break), which marks names.
void normalize(std::string_view in, const NormalizeOptions& options, std::string& out,
               std::vector<std::uint8_t>* name_flags = nullptr);

/// A token as a byte range [begin, end) of the normalized text.
using TokenSpan = ByteRange;

/// Normalized text with its tokens (and, on request, name flags) found in the same pass.
struct NormalizedText {
    std::string text;
    std::vector<TokenSpan> tokens;
    std::vector<std::uint8_t> name_flags;  ///< per token; filled only when asked for
};

/// normalize() and tokenize() in one pass (the pipeline's path), up to kMaxDocumentTokens
/// tokens. Reuses out's buffers. Both stop once the output is 3x the input plus 64 bytes
/// (NFKC expands real text by a few percent; U+FDFA 18-fold).
void normalize_tokens(std::string_view in, const NormalizeOptions& options, bool name_flags,
                      NormalizedText& out);

/// Splits normalized text into tokens (cleared first).
void tokenize(std::string_view normalized, std::vector<TokenSpan>& tokens);

}  // namespace neardup
