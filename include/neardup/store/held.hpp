// Documents already held in a persistent index, as the scan pipeline takes them.
//
// A HeldDocuments is what IndexStore::load() returns and run_scan() preloads: held documents
// become DocIds 0 .. size()-1, in insertion order, before the new input is read. Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "neardup/core/types.hpp"
#include "neardup/lang/language.hpp"
#include "neardup/story/terms.hpp"

namespace neardup {

struct HeldDocuments {
    std::vector<std::string> ids;
    std::vector<std::string> sources;
    std::vector<std::optional<std::int64_t>> dates;  ///< publication time (unix seconds)
    std::vector<std::uint64_t> lengths;
    std::vector<std::uint64_t> near;   ///< stable near-duplicate group id
    std::vector<std::uint64_t> story;  ///< stable story id
    std::vector<SigValue> signatures;  ///< size() * num_perm values, document-major
    std::vector<std::vector<TermCode>> terms;
    /// Each one's language (kEnglish for documents stored before the index kept languages:
    /// their terms were made with English rules).
    std::vector<LangCode> langs;
    /// Hash of each held document's text (hash64 of the parsed text); nullopt for documents
    /// stored before the index kept it. A new document with a held id and another text is an
    /// update of that article.
    std::vector<std::optional<std::uint64_t>> text_hashes;
    /// Ids held but not loaded (outside a --window): still "already held" for new input.
    std::vector<std::string> other_ids;
    std::vector<std::optional<std::uint64_t>> other_text_hashes;  ///< of other_ids

    [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
};

/// Held documents looked up as a night needs them, for an index too large to load: run_scan()
/// asks for the stored text of each new id as it reads, and for the held near groups that the
/// new documents' band keys lead to once they are all signed.
class HeldLookup {
public:
    virtual ~HeldLookup() = default;
    /// nullopt: not held; an empty inner value: held, text unknown (stored before text hashes).
    [[nodiscard]] virtual std::optional<std::optional<std::uint64_t>> text_hash(
        const std::string& id) = 0;
    /// The held documents under `keys` (the new documents' near-level band keys, bands per
    /// document, any order) and, of each of their near groups, its representative and its
    /// earliest member; in insertion order.
    [[nodiscard]] virtual HeldDocuments groups(std::span<const std::uint64_t> keys) = 0;
};

/// A held member of a story, as the story level of a night compares it (no signature).
struct HeldMember {
    std::int64_t seq = 0;  ///< insertion order
    std::string id;
    std::optional<std::int64_t> date;
    std::uint64_t length = 0;
    std::uint64_t near = 0;
    std::uint64_t story = 0;
    std::vector<TermCode> terms;
    LangCode lang = kEnglish;          ///< as HeldDocuments::langs
    std::uint64_t site = 0;            ///< its story source's key (0: unknown, stored before v8)
    std::uint16_t beside_figures = 0;  ///< terms at the front of `terms` beside a figure
};

}  // namespace neardup
