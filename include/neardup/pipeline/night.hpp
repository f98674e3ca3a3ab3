// One night of a persistent index: match new articles against what the index holds, reading
// only what their keys lead to.
//
// Near level: run_scan() with a HeldLookup on the index: the new documents are signed, their
// band keys looked up in near_keys, and only the held documents found there (plus each of
// their groups' representative and earliest member) are linked with them, their groups
// pre-joined by their stored ids; the groups are the ones a scan of everything held and new
// would give. Held groups keep their ids (assign_stable_ids()).
// Story level, incremental: the new near groups (those without a held member) are clustered
// among themselves as a scan would (cluster_stories(), weights from the background, the
// index's term_df and the night's own groups). Each night story then looks up the held
// stories its groups' story-level band keys lead to (story_keys), within the story window,
// and joins those it matches by the scan's rules: an edge (some pair at edge_threshold or
// more) and complete link (every pair of the joined clusters at link_threshold or more, with
// held stories as clusters already formed; the 200 newest groups of a held story stand for
// it, the scan's limit for a dense complete-link). Otherwise it is a new story. Held articles
// never change story, except when two held stories are joined: then the older (smaller) id
// survives and the other becomes its alias. A group that gains members tonight keeps its
// held story (two, if it joined two held groups of different stories: they merge).
// The work is the night's documents, their candidates, and the held stories they meet within
// the window: not the index. Deterministic (serial decisions in input order, cluster_stories
// independent of threads).
//
// Example:
//   neardup::IndexStore store("news.db", neardup::IndexStore::Mode::kWrite, false);
//   store.check_settings(settings);
//   neardup::Night night = neardup::run_night(store, cfg, inputs, {.now = now});
//   ... write rows, then neardup::store_night(store, night, ...) and store.commit()
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "neardup/pipeline/pipeline.hpp"
#include "neardup/store/index.hpp"
#include "neardup/store/stable_ids.hpp"

namespace neardup {

inline constexpr std::int64_t kDefaultStoryWindow = std::int64_t{30} * 86400;

struct NightOptions {
    std::optional<std::int64_t> near_since;  ///< near level: only held articles dated >= this
    /// Story level: held stories are matched through their members dated (else added) within
    /// this many seconds before `as_of`; nullopt: all of them.
    std::optional<std::int64_t> story_window = kDefaultStoryWindow;
    std::optional<std::int64_t> as_of;  ///< else the night's newest dated article, else now
    std::int64_t now = 0;               ///< insertion time of the night (unix seconds)
};

struct Night {
    /// The scan of the new documents with the held near groups they met (DocIds below
    /// scan.held); scan.story holds the stories of those documents.
    ScanResult scan;
    StableIds near;                          ///< per scan.near group
    std::vector<std::uint64_t> story_id;     ///< per scan.story group
    std::vector<IdMerge> story_merges;       ///< held stories joined tonight, ascending by alias
    std::uint64_t next_story = 1;            ///< first story id not handed out
    std::vector<std::string> matched_near;   ///< per scan.near group: earliest held member
    std::vector<std::string> matched_story;  ///< per scan.story group: earliest held member
    /// Story-level band keys of the new near groups, as stored (IndexStore::stored_key), with
    /// their stable near id; ascending.
    std::vector<std::pair<std::int64_t, std::uint64_t>> story_keys;
    /// term_df changes (term hash, +count) and representatives counted.
    std::vector<std::pair<std::uint32_t, std::int64_t>> df_deltas;
    std::int64_t df_documents = 0;
    std::optional<std::int64_t> story_since;  ///< the story window's start (nullopt: none)
    std::uint64_t held_stories_met = 0;       ///< held stories compared with tonight's
    double lookup_seconds = 0;  ///< reading the held near groups the night's keys lead to
    double story_seconds = 0;   ///< the story level (lookups in story_keys included)
};

/// Runs the night (reads the index; changes nothing). `cfg` is the scan's configuration for
/// the new documents (its held/lookup fields are set here).
[[nodiscard]] Night run_night(IndexStore& store, ScanConfig cfg, std::vector<InputFile> inputs,
                              const NightOptions& options);

/// An index stored before v4 has no story keys and term counts: computes them from every held
/// article once (the night after an upgrade pays for it). Returns the groups filled in.
std::uint64_t fill_story_index(IndexStore& store, const ScanConfig& cfg);

}  // namespace neardup
