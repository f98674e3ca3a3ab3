// Private to the CLI: what `scan` and `index add/query` share: options, configuration,
// running the pipeline with a progress line, and reporting skips.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "neardup/pipeline/pipeline.hpp"

namespace neardup::cli {

struct ScanCli {
    ScanConfig cfg;
    std::vector<std::string> paths;
    std::string output = "-";
    std::string format = "tsv";
    std::string shingle = "words:5";
    std::string max_doc_bytes = "16M";
    bool quiet = false;
};

/// Options of the input, features, thresholds and story level (everything `run` needs).
[[nodiscard]] boost::program_options::options_description matching_options(ScanCli& c);

/// Parses the option strings into c.cfg after argument parsing. Throws UsageError.
void finish_config(ScanCli& c, const boost::program_options::variables_map& vm);

/// Collects the inputs and runs the pipeline, with a progress line on a terminal.
[[nodiscard]] ScanResult run(ScanCli& c);

/// Prints the first skipped inputs (and how many more) to stderr.
void report_skips(const ScanResult& result);

}  // namespace neardup::cli
