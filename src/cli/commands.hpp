// Private to the CLI: subcommand entry points and shared helpers.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace neardup {
class SignedRanks;
}

namespace neardup::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

/// A command-line mistake: main prints it with a hint to --help and exits 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

int cmd_scan(const std::vector<std::string>& args);
int cmd_params(const std::vector<std::string>& args);
int cmd_index(const std::vector<std::string>& args);
int cmd_extract(const std::vector<std::string>& args);
int cmd_explain(const std::vector<std::string>& args);
int cmd_dedup(const std::vector<std::string>& args);
int cmd_stage(const std::vector<std::string>& args);
/// `scan` with `args`, its documents signed already in `signed_ranks` when not null (the staged
/// scan's link stage); `usage` heads --help.
int scan_command(const std::vector<std::string>& args, const std::string& usage,
                 SignedRanks* signed_ranks);

/// "; did you mean 'X'?" for the candidate nearest to `word` (edit distance at most about a
/// third of its length), else "".
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates);

/// Parses args against options, hidden options and positionals, throwing UsageError on
/// mistakes; --help prints only the visible options.
/// Returns false when --help was given (help already printed to stdout).
bool parse_args(const std::vector<std::string>& args, const std::string& usage,
                const boost::program_options::options_description& options,
                const boost::program_options::positional_options_description& positional,
                boost::program_options::variables_map& vm,
                const boost::program_options::options_description* hidden = nullptr);

/// The largest --max-doc-bytes: one document's work is bounded by a multiple of it.
inline constexpr std::uint64_t kMaxDocBytesLimit = std::uint64_t{1} << 30;

/// "16M", "512k", "2G", "1000" -> bytes in 1..max. Throws UsageError (also on overflow).
[[nodiscard]] std::uint64_t parse_size(const std::string& text, const std::string& option,
                                       std::uint64_t max);

/// A decimal count in lo..hi ("-1", "1e3", "12x" and out-of-range values are UsageErrors).
[[nodiscard]] std::uint64_t parse_count(const std::string& text, const std::string& option,
                                        std::uint64_t lo, std::uint64_t hi);

/// Throws UsageError unless 0 < value <= 1 (NaN fails too).
void check_fraction(double value, const std::string& option);

}  // namespace neardup::cli
