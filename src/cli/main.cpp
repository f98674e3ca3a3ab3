// neardup command-line entry: dispatches subcommands, maps errors to exit codes.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <iostream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"

namespace neardup::cli {
namespace {

constexpr const char* kVersion = "0.1.0";

constexpr const char* kMainHelp =
    "neardup: find near-duplicate news articles\n"
    "\n"
    "Usage: neardup <command> [options] ...\n"
    "\n"
    "Commands:\n"
    "  scan     cluster the articles in files, folders or JSONL into near-duplicate groups\n"
    "  dedup    write the deduplicated corpus: the kept JSONL lines as read, or a folder of\n"
    "           the kept files\n"
    "  index    the persistent index for nightly runs: add, query, prune, stats, check, export,\n"
    "           runs, report\n"
    "  extract  write what neardup reads of each document (a web page's article) as JSONL\n"
    "  explain  say why two documents are, or are not, grouped (near and story level)\n"
    "  params   show the LSH bands x rows chosen for a threshold\n"
    "  stage    the scan in stages for many machines: sign (rank I of N), link\n"
    "\n"
    "Run 'neardup help <command>' or 'neardup <command> --help' for a command's options,\n"
    "'neardup --version' (-V) for the version, 'man neardup' once installed.\n"
    "Exit status: 0 ok, 1 error (unreadable input, I/O), 2 usage.\n";

const std::vector<std::string> kCommands = {"scan",    "dedup",  "index", "extract",
                                            "explain", "params", "stage", "help"};

int dispatch(const std::string& command, const std::vector<std::string>& args) {
    if (command == "scan")
        return cmd_scan(args);
    if (command == "params")
        return cmd_params(args);
    if (command == "dedup")
        return cmd_dedup(args);
    if (command == "index")
        return cmd_index(args);
    if (command == "extract")
        return cmd_extract(args);
    if (command == "explain")
        return cmd_explain(args);
    if (command == "stage")
        return cmd_stage(args);
    throw UsageError("unknown command '" + command + "'" + did_you_mean(command, kCommands));
}

/// Edit distance (insertions, deletions, substitutions; a swap of neighbours counts one).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                                d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

bool parse_args(const std::vector<std::string>& args, const std::string& usage,
                const boost::program_options::options_description& options,
                const boost::program_options::positional_options_description& positional,
                boost::program_options::variables_map& vm,
                const boost::program_options::options_description* hidden) {
    namespace po = boost::program_options;
    po::options_description all;
    all.add(options);
    if (hidden != nullptr)
        all.add(*hidden);
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        if (vm.count("help") > 0) {
            std::cout << usage << "\n" << options << "\n";
            return false;
        }
        po::notify(vm);
    } catch (const po::unknown_option& e) {
        std::vector<std::string> names;
        for (const auto& o : all.options()) {
            if (!o->long_name().empty())
                names.push_back("--" + o->long_name());
        }
        throw UsageError(e.what() + did_you_mean(e.get_option_name(), names));
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    return true;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const std::string& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best.empty() ? "" : "; did you mean '" + best + "'?";
}

std::uint64_t parse_count(const std::string& text, const std::string& option, std::uint64_t lo,
                          std::uint64_t hi) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec == std::errc::invalid_argument || (ec == std::errc() && ptr != end))
        throw UsageError("bad " + option + " '" + text + "': expected a whole number");
    if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
        throw UsageError(option + " '" + text + "' is out of range " + std::to_string(lo) + ".." +
                         std::to_string(hi));
    }
    return value;
}

void check_fraction(double value, const std::string& option) {
    if (!(value > 0.0 && value <= 1.0))
        throw UsageError(option + " must be in (0, 1]");
}

std::uint64_t parse_size(const std::string& text, const std::string& option, std::uint64_t max) {
    const std::size_t digits = text.find_first_not_of("0123456789");
    const std::string number = text.substr(0, digits);
    const std::string suffix = digits == std::string::npos ? "" : text.substr(digits);
    int shift = 0;
    if (suffix == "k" || suffix == "K")
        shift = 10;
    else if (suffix == "m" || suffix == "M")
        shift = 20;
    else if (suffix == "g" || suffix == "G")
        shift = 30;
    else if (!suffix.empty() || number.empty())
        throw UsageError("bad " + option + " '" + text + "': expected a size like 16M");
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || value == 0 || value > (max >> shift))
        throw UsageError(option + " '" + text + "' is out of range 1.." + std::to_string(max));
    return value << shift;
}

/// A run allocates and frees arrays of megabytes stage after stage (batches, sketches, band
/// tables). By default glibc maps each anew and unmaps it on free, so every stage pays a page
/// fault per 4 KB again: with freed memory kept for reuse, a story scan of Reuters takes a
/// quarter fewer faults and 3% less time. Arrays above 32 MB (the largest of a 1M-article run)
/// are still mapped and returned on their own.
void keep_freed_memory() {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace neardup::cli

int main(int argc, char** argv) {
    using namespace neardup::cli;
    // A closed stdout or stderr (cron's >&-) would hand its number to the next file opened
    // (a temporary file, an index), and output meant for it would land there. Held by a
    // read-only /dev/null instead, writes to it fail, and are reported, as a closed one's do.
    for (const int fd : {STDOUT_FILENO, STDERR_FILENO}) {
        if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (null_fd >= 0 && null_fd != fd) {
                ::dup2(null_fd, fd);
                ::close(null_fd);
            }
        }
    }
    keep_freed_memory();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << kMainHelp;
        return kExitUsage;
    }
    const std::string command = args.front();
    if (command == "--help" || command == "-h" ||
        (command == "help" && (args.size() == 1 || args[1].rfind('-', 0) == 0))) {
        std::cout << kMainHelp;
        return kExitOk;
    }
    if (command == "help") {  // neardup help CMD [SUBCOMMAND]: the command's --help
        std::vector<std::string> rest(args.begin() + 2, args.end());
        rest.emplace_back("--help");
        try {
            return dispatch(args[1], rest);
        } catch (const UsageError& e) {
            std::cerr << "neardup: " << neardup::escape_for_terminal(e.what())
                      << "\nTry 'neardup --help'.\n";
            return kExitUsage;
        }
    }
    if (command == "--version" || command == "-V") {
        std::cout << "neardup " << kVersion << "\n";
        return kExitOk;
    }
    args.erase(args.begin());
    try {
        return dispatch(command, args);
    } catch (const UsageError& e) {
        const bool known =
            std::find(kCommands.begin(), kCommands.end(), command) != kCommands.end();
        std::cerr << "neardup: " << neardup::escape_for_terminal(e.what()) << "\nTry 'neardup "
                  << (known ? command + " " : "") << "--help'.\n";
        return kExitUsage;
    } catch (const neardup::ConfigError& e) {
        std::cerr << "neardup: " << neardup::escape_for_terminal(e.what()) << "\nTry 'neardup "
                  << command << " --help'.\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "neardup: error: " << neardup::escape_for_terminal(e.what()) << "\n";
        return kExitError;
    }
}
