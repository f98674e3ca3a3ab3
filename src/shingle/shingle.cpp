#include "neardup/shingle/shingle.hpp"

#include <algorithm>
#include <charconv>

#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"

namespace neardup {

ShingleOptions parse_shingle_spec(std::string_view spec) {
    ShingleOptions opts;
    std::size_t colon = spec.find(':');
    std::string_view kind = spec.substr(0, colon);
    if (kind == "words") {
        opts.kind = ShingleKind::kWords;
    } else if (kind == "chars") {
        opts.kind = ShingleKind::kChars;
    } else {
        throw ConfigError("bad --shingle '" + std::string(spec) + "': expected words:K or chars:N");
    }
    if (colon != std::string_view::npos) {
        std::string_view num = spec.substr(colon + 1);
        unsigned value = 0;
        auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
        if (ec != std::errc() || ptr != num.data() + num.size() || value < 1 || value > 64) {
            throw ConfigError("bad --shingle '" + std::string(spec) + "': size must be 1..64");
        }
        opts.size = value;
    } else if (opts.kind == ShingleKind::kChars) {
        opts.size = 9;
    }
    return opts;
}

std::string to_string(const ShingleOptions& options) {
    return std::string(options.kind == ShingleKind::kWords ? "words:" : "chars:") +
           std::to_string(options.size);
}

void token_hashes(std::string_view normalized, std::span<const TokenSpan> tokens,
                  std::vector<std::uint64_t>& out) {
    out.resize(tokens.size());
    hash_ranges(normalized.data(), tokens, out.data());
}

void word_shingles(std::span<const std::uint64_t> hashes, std::uint32_t k,
                   std::vector<ShingleHash>& out) {
    out.clear();
    if (k == 0 || hashes.size() < k)
        return;
    out.reserve(hashes.size() - k + 1);
    // Rolling Horner form of sum(t[i + j] * B^(k - 1 - j)): O(1) per window.
    std::uint64_t top = 1;  // B^(k - 1)
    for (std::uint32_t j = 1; j < k; ++j)
        top *= kShingleBase;
    std::uint64_t h = 0;
    for (std::uint32_t j = 0; j < k; ++j)
        h = h * kShingleBase + hashes[j];
    out.push_back(h);
    for (std::size_t i = k; i < hashes.size(); ++i) {
        h = (h - hashes[i - k] * top) * kShingleBase + hashes[i];
        out.push_back(h);
    }
}

void word_shingles(std::string_view normalized, std::span<const TokenSpan> tokens, std::uint32_t k,
                   std::vector<ShingleHash>& out) {
    std::vector<std::uint64_t> hashes;
    token_hashes(normalized, tokens, hashes);
    word_shingles(hashes, k, out);
}

void char_shingles(std::string_view normalized, std::uint32_t k, std::vector<ShingleHash>& out) {
    out.clear();
    if (k == 0)
        return;
    // Offsets of code point starts (bytes that are not UTF-8 continuation bytes).
    std::vector<std::uint32_t> starts;
    starts.reserve(normalized.size() + 1);
    for (std::size_t i = 0; i < normalized.size(); ++i) {
        if ((static_cast<unsigned char>(normalized[i]) & 0xC0) != 0x80) {
            starts.push_back(static_cast<std::uint32_t>(i));
        }
    }
    const std::size_t cps = starts.size();
    starts.push_back(static_cast<std::uint32_t>(normalized.size()));
    if (cps < k)
        return;
    out.reserve(cps - k + 1);
    for (std::size_t i = 0; i + k <= cps; ++i) {
        out.push_back(hash_bytes(normalized.data() + starts[i], starts[i + k] - starts[i]));
    }
}

void compute_shingles(std::string_view normalized, std::span<const TokenSpan> tokens,
                      std::span<const std::uint64_t> hashes, const ShingleOptions& options,
                      std::vector<ShingleHash>& out) {
    if (options.kind == ShingleKind::kWords) {
        word_shingles(hashes, options.size, out);
    } else {
        char_shingles(normalized, options.size, out);
    }
    if (out.empty() && !tokens.empty()) {
        out.push_back(hash64(normalized));  // shorter than one window: the whole text
    }
}

void compute_shingles(std::string_view normalized, std::span<const TokenSpan> tokens,
                      const ShingleOptions& options, std::vector<ShingleHash>& out) {
    std::vector<std::uint64_t> hashes;
    if (options.kind == ShingleKind::kWords)
        token_hashes(normalized, tokens, hashes);
    compute_shingles(normalized, tokens, hashes, options, out);
}

void make_set(std::vector<ShingleHash>& hashes) {
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
}

}  // namespace neardup
