// What a night writes besides the index: its near window, and whether its batch was run before.
#include <algorithm>

#include "neardup/io/input.hpp"
#include "neardup/io/parse.hpp"
#include "neardup/pipeline/night.hpp"
#include "neardup/text/date.hpp"

namespace neardup {

NearWindow near_window(std::int64_t span, std::optional<std::int64_t> as_of,
                       std::optional<std::int64_t> newest, std::int64_t now) {
    NearWindow w{now - span, now, "now (no article of the batch is dated)"};
    if (as_of) {
        w.end = *as_of;
        w.from = "--as-of";
    } else if (newest) {
        // Windows never count back from a date later than now (window_end()).
        w.end = std::min(*newest, now);
        w.from = *newest > now ? "now (the batch's newest article is dated later)"
                               : "the batch's newest article";
    }
    w.since = w.end - span;
    return w;
}

std::optional<std::int64_t> newest_batch_date(std::vector<InputFile> inputs, const ScanConfig& cfg,
                                              std::int64_t now) {
    RecordReader reader(std::move(inputs), cfg.reader);
    RecordParser parser(cfg.fields, cfg.html);
    RawBatch batch;
    ParsedDoc doc;
    std::optional<std::int64_t> newest;
    while (reader.next_batch(batch)) {
        for (const RawRecord& rec : batch.records) {
            parser.parse(batch, rec, doc);
            if (doc.skip != SkipReason::kNone || !doc.date ||
                doubt_date(*doc.date, now) != DateDoubt::kNone)
                continue;
            if (!newest || *doc.date > *newest)
                newest = doc.date;
        }
    }
    return newest;
}

bool all_held(const ScanResult& r) {
    return r.docs.size() == r.held &&
           r.stats.skipped[static_cast<std::size_t>(SkipReason::kAlreadyHeld)] > 0;
}

std::optional<RunInfo> same_batch_run(const IndexStore& store, const ScanResult& r,
                                      std::span<const std::string> paths) {
    // stdin has no identity: what it holds tonight cannot be told from what a run read.
    if (!all_held(r) || std::find(paths.begin(), paths.end(), "-") != paths.end())
        return std::nullopt;
    const std::vector<std::string> tonight = input_identities(paths);
    const std::vector<RunInfo> runs = store.runs();
    const auto it = std::find_if(runs.rbegin(), runs.rend(), [&](const RunInfo& i) {
        if (i.added == 0)
            return false;
        std::vector<std::string> stored;
        for (std::size_t from = 0; from <= i.inputs.size();) {
            const std::size_t tab = std::min(i.inputs.find('\t', from), i.inputs.size());
            stored.push_back(i.inputs.substr(from, tab - from));
            from = tab + 1;
        }
        return input_identities(stored) == tonight;
    });
    return it == runs.rend() ? std::nullopt : std::optional(*it);
}

std::string run_level(const RunInfo& run, std::span<const RunRow> rows) {
    if (!run.level.empty())
        return run.level;
    for (const RunRow& row : rows) {
        if (row.action == "keep")
            return "near";
        if (row.action == "new-story")
            return "story";
    }
    return {};
}

NightOutputs night_outputs(const IndexStore& store, const Night& night, Level level,
                           std::span<const std::string> paths) {
    NightOutputs out;
    out.rows = night_rows(night, level);
    out.nothing_new = all_held(night.scan);
    out.again = same_batch_run(store, night.scan, paths);
    if (out.again)
        out.again_rows = store.run_rows(out.again->run);
    return out;
}

std::vector<std::string> NightOutputs::listed_ids(bool keep) const {
    std::vector<std::string> ids;
    for (const RunRow& row : written()) {
        if (new_article(row) && (row.action != "drop") == keep)
            ids.push_back(row.id);
    }
    return ids;
}

}  // namespace neardup
