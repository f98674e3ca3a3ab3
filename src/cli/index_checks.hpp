// Private to the CLI: the checks `index` commands make before they touch the index or write an
// output (an output that is the index, another threshold, another --id-root, a batch run again
// with another --level).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "neardup/lsh/params.hpp"
#include "neardup/store/index.hpp"
#include "scan_common.hpp"

namespace neardup::cli {

/// Refuses (UsageError, before anything is done) an output that is the index or one of the
/// files SQLite keeps beside it (-wal, -shm, -journal), by file identity (symlinks, hard links,
/// other spellings of the path): rows written there replaced the index.
void refuse_index_as_output(const std::string& db, const std::vector<std::string>& outputs);

/// Refuses (ConfigError) a --threshold whose bands x rows differ from the index's, naming the
/// threshold that gives the stored ones: the index keeps bands and rows, which users never set.
void refuse_other_threshold(const IndexStore& store, const ScanConfig& cfg, LshParams lsh,
                            const std::string& db);

/// The --id-root ids of whole files are made with, as the index keeps it (state id_root: the
/// folder, absolute; empty: absolute paths). A run without --id-root uses the stored one; a run
/// with another is refused (ConfigError): its files would be added again under other ids.
/// A new index (or one from before the index kept it) stores this run's, when `add`.
void resolve_id_root(IndexStore& store, bool add, ScanCli& c, const std::string& db);

/// "near" or "story": a --level as runs record it.
[[nodiscard]] const char* level_name(Level level);

/// Refuses (UsageError) a batch run again (`again`, whose rows are `rows`) with another --level
/// than its first run's: its rows, --keep/--drop and --kept are the first run's, whose actions
/// followed that level. A run stored before runs kept their level (v6) has it read from its
/// actions (keep: near, new-story: story; all drop: unknown, not refused).
void refuse_other_level(const RunInfo& again, std::span<const RunRow> rows, Level level);

}  // namespace neardup::cli
