// Private to the CLI: subcommand entry points and shared helpers.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

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

/// Parses args against options, hidden options and positionals, throwing UsageError on
/// mistakes; --help prints only the visible options.
/// Returns false when --help was given (help already printed to stdout).
bool parse_args(const std::vector<std::string>& args, const std::string& usage,
                const boost::program_options::options_description& options,
                const boost::program_options::positional_options_description& positional,
                boost::program_options::variables_map& vm,
                const boost::program_options::options_description* hidden = nullptr);

/// "16M", "512k", "2G", "1000" -> bytes. Throws UsageError.
[[nodiscard]] std::uint64_t parse_size(const std::string& text, const std::string& option);

}  // namespace neardup::cli
