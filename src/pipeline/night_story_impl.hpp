// The story level of a night, as run_night() calls it (night_story.cpp).
#pragma once

#include "neardup/pipeline/night.hpp"

namespace neardup::detail {

/// Fills night.story_id, matched_story, story_merges, moves, lineage, story_keys, df counts
/// and next_story from night.scan and night.near (night.hpp's story level).
void assign_night_stories(IndexStore& store, const ScanConfig& cfg, Night& night);

}  // namespace neardup::detail
