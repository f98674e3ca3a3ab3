#include "index_checks.hpp"

#include <algorithm>
#include <filesystem>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"
#include "neardup/pipeline/night.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"

namespace neardup::cli {
namespace {

/// True when `target` (an output, symlinks followed) names `file`: the same file where both
/// exist (hard links too), else the same path once folders and links are resolved.
bool same_file(const std::filesystem::path& target, const std::filesystem::path& file) {
    std::error_code ec;
    if (std::filesystem::equivalent(target, file, ec))
        return true;
    const std::filesystem::path a = std::filesystem::weakly_canonical(target, ec);
    return !ec && a == std::filesystem::weakly_canonical(file, ec) && !ec;
}

/// A threshold as the user types it: 0.8, 0.75.
std::string threshold_text(double t) {
    std::string text = format_fixed(t, 2);
    while (text.back() == '0')
        text.pop_back();
    return text.back() == '.' ? text + "0" : text;
}

}  // namespace

void refuse_index_as_output(const std::string& db, const std::vector<std::string>& outputs) {
    std::error_code ec;
    // SQLite names the -wal and -shm files after the file a symlinked --db leads to.
    const std::string real = std::filesystem::weakly_canonical(db, ec).string();
    for (const std::string& output : outputs) {
        if (output.empty() || output == "-" || standard_stream_fd(output) >= 0)
            continue;
        const std::filesystem::path target = resolve_output_path(output);
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            if (!same_file(target, db + suffix) &&
                (real.empty() || !same_file(target, real + suffix)))
                continue;
            std::string message = "output '" + output + "' is the index";
            if (*suffix != 0)
                message.append("'s ").append(suffix).append(" file");
            throw UsageError(message.append(" (--db ").append(db).append(")"));
        }
    }
}

void refuse_other_threshold(const IndexStore& store, const ScanConfig& cfg, LshParams lsh,
                            const std::string& db) {
    const IndexSettings s = store.settings();
    const auto get = [&](const char* key) {
        const auto it = s.find(key);
        return it == s.end() ? std::string() : it->second;
    };
    const std::string bands = get("bands");
    const std::string rows = get("rows");
    // A new index, the same bands x rows, or a num_perm mismatch (check_settings() names it).
    if (bands.empty() || get("num_perm") != std::to_string(cfg.num_perm) ||
        (bands == std::to_string(lsh.bands) && rows == std::to_string(lsh.rows)))
        return;
    std::vector<int> fits;  // the thresholds, in hundredths, that give the stored bands x rows
    for (int percent = 1; percent < 100; ++percent) {
        const LshParams p = choose_params(percent / 100.0, cfg.num_perm);
        if (std::to_string(p.bands) == bands && std::to_string(p.rows) == rows)
            fits.push_back(percent);
    }
    // People type round thresholds: name the one with one decimal when it is among them.
    const auto round = std::find_if(fits.begin(), fits.end(), [](int p) { return p % 10 == 0; });
    std::string built = "bands=" + bands + ", rows=" + rows;
    if (round != fits.end())
        built = "--threshold " + threshold_text(*round / 100.0) + " (" + built + ")";
    else if (!fits.empty())
        built = "a --threshold from " + threshold_text(fits.front() / 100.0) + " to " +
                threshold_text(fits.back() / 100.0) + " (" + built + ")";
    throw ConfigError(db + ": index was built with " + built + ", not --threshold " +
                      threshold_text(cfg.threshold) + " (bands=" + std::to_string(lsh.bands) +
                      ", rows=" + std::to_string(lsh.rows) +
                      "): give its threshold, or a new --db");
}

void resolve_id_root(IndexStore& store, bool add, ScanCli& c, const std::string& db) {
    std::string given;
    if (!c.ids.root.empty()) {
        given = std::filesystem::absolute(c.ids.root).lexically_normal().string();
        while (given.size() > 1 && given.back() == '/')  // "DIR/" is DIR
            given.pop_back();
    }
    const std::optional<std::string> stored = store.state("id_root");
    if (!stored) {  // a new index, or one from before the index kept it
        if (add)
            store.put_state("id_root", given);
        return;
    }
    if (c.ids.root.empty()) {
        c.ids.root = *stored;
        return;
    }
    if (given != *stored) {
        throw ConfigError(db + ": index was built " +
                          (stored->empty() ? std::string("without --id-root (ids of files are "
                                                         "absolute paths)")
                                           : "with --id-root " + *stored) +
                          ", not --id-root " + given + ": leave --id-root out to use the index's");
    }
}

const char* level_name(Level level) { return level == Level::kStory ? "story" : "near"; }

void refuse_other_level(const RunInfo& again, std::span<const RunRow> rows, Level level) {
    const std::string first = run_level(again, rows);
    if (first.empty() || first == level_name(level))
        return;
    const std::string run = std::to_string(again.run);
    throw UsageError(std::string("--level ") + level_name(level) + ": the batch of run " + run +
                     " again (same inputs, every article held), and run " + run +
                     " was made with --level " + first +
                     ": its rows, --keep/--drop and --kept follow that level: give --level " +
                     first + " (or take its rows with 'neardup index report --run " + run + "')");
}

}  // namespace neardup::cli
