// neardup stage: the scan in stages over a shared work folder, for many machines.
//   stage sign  rank I of N reads and signs its share of the inputs into WORK
//   stage link  one machine links every rank's documents and writes scan's outputs
// The rows equal `neardup scan`'s of the same inputs and options, byte for byte.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>

#include <unistd.h>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"
#include "neardup/pipeline/signed.hpp"
#include "neardup/stages/signed_files.hpp"
#include "neardup/text/date.hpp"
#include "scan_common.hpp"

namespace neardup::cli {
namespace {

/// The smallest piece of a JSONL file worth a reader of its own.
constexpr std::uint64_t kMinPieceBytes = 64 * 1024;

constexpr const char* kStageHelp =
    "Usage: neardup stage <sign|link> [options] ...\n"
    "\n"
    "The scan in stages, for many machines sharing a work folder (a Slurm job array, GNU\n"
    "parallel, xargs; scripts/staged-scan.sh runs them all):\n"
    "  sign   rank I of N reads and signs the inputs whose path hashes to I, and its share of\n"
    "         the pieces of large JSONL files (all ranks take the same scan options, PATHs and\n"
    "         --now) into WORK/sign-I-of-N.bin, then writes its\n"
    "         completion marker WORK/sign-I-of-N.done; a rank already complete is skipped\n"
    "  link   on one machine: links the documents of every rank, in input order, and writes\n"
    "         what 'neardup scan' writes (takes scan's output options: -o, --format, --keep,\n"
    "         --drop, --level, --report); the rows are scan's, byte for byte\n"
    "Run 'neardup stage sign --help' or 'neardup stage link --help' for the options.\n"
    "Exit status: 0 ok, 1 error, 2 usage.\n";

constexpr const char* kSignUsage =
    "Usage: neardup stage sign --work DIR [--rank I] [--world N] [--now T] [scan options] PATH...\n"
    "\n"
    "Reads and signs rank I's share of the inputs (the files whose path hashes to I, and every\n"
    "Nth piece of a JSONL file larger than --piece-bytes; give every rank the same PATHs, scan\n"
    "options and --now) into DIR/sign-I-of-N.bin and writes\n"
    "DIR/sign-I-of-N.done last. --rank and --world default to Slurm's SLURM_ARRAY_TASK_ID and\n"
    "SLURM_ARRAY_TASK_COUNT. A rank whose files are complete is not signed again (a re-run of a\n"
    "job array redoes only the ranks that failed).\n"
    "Exit status: 0 ok, 1 error, 2 usage.";

constexpr const char* kLinkUsage =
    "Usage: neardup stage link --work DIR [--world N] [output options]\n"
    "\n"
    "Links the documents every rank of 'neardup stage sign' wrote into DIR (every rank must be\n"
    "complete) and writes the rows, lists and report 'neardup scan' would write with the sign\n"
    "stage's options and PATHs. Output options as scan's (matching and input options are the\n"
    "sign stage's); --world is found in DIR when left out.\n"
    "Exit status: 0 ok, 1 error, 2 usage.";

/// The stage options and their values taken out of `args` (as "--name value", "--name=value",
/// "-x value" or "-xvalue"); what is left is the scan's.
struct StageArgs {
    std::map<std::string, std::string> values;
    std::vector<std::string> rest;
};

StageArgs take_stage_options(const std::vector<std::string>& args,
                             const std::vector<std::pair<std::string, std::string>>& names,
                             const std::vector<std::pair<std::string, std::string>>& flags = {}) {
    StageArgs out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            out.rest.insert(out.rest.end(), args.begin() + static_cast<std::ptrdiff_t>(i),
                            args.end());
            break;
        }
        bool taken = false;
        for (const auto& [name, short_name] : names) {
            const std::string lng = "--" + name;
            if (a == lng || (!short_name.empty() && a == "-" + short_name)) {
                if (i + 1 >= args.size())
                    throw UsageError(lng + " needs a value");
                out.values[name] = args[++i];
                taken = true;
            } else if (a.rfind(lng + "=", 0) == 0) {
                out.values[name] = a.substr(lng.size() + 1);
                taken = true;
            } else if (!short_name.empty() && a.size() > 2 && a.rfind("-" + short_name, 0) == 0 &&
                       a[1] != '-') {
                out.values[name] = a.substr(2);
                taken = true;
            }
            if (taken)
                break;
        }
        for (const auto& [name, short_name] : flags) {
            if (!taken && (a == "--" + name || (!short_name.empty() && a == "-" + short_name))) {
                out.values[name] = "1";
                taken = true;
            }
        }
        if (!taken)
            out.rest.push_back(a);
    }
    return out;
}

std::uint32_t rank_value(const StageArgs& a, const std::string& name, const char* env,
                         std::uint32_t lo, std::uint32_t hi) {
    const auto it = a.values.find(name);
    if (it != a.values.end())
        return static_cast<std::uint32_t>(parse_count(it->second, "--" + name, lo, hi));
    if (const char* v = std::getenv(env); v != nullptr && *v != '\0')
        return static_cast<std::uint32_t>(parse_count(v, std::string(env), lo, hi));
    throw UsageError("--" + name + " is required (or " + env + ", as a Slurm job array sets it)");
}

bool wants_help(const std::vector<std::string>& args) {
    return std::any_of(args.begin(), args.end(),
                       [](const std::string& a) { return a == "--help" || a == "-h"; });
}

/// The run's time of the staged scan in `work`: WORK/now, written by the first rank that
/// needs it (the clock's, unix seconds) and read by the others and by any re-run, so that ranks
/// started apart, or again after a failure, judge dates alike. Created whole or not at all (a
/// temporary file linked into place: link() fails on an existing name).
std::int64_t run_time(const std::string& work) {
    const std::filesystem::path path = std::filesystem::path(work) / "now";
    if (!std::filesystem::exists(path)) {
        const std::int64_t clock = clock_seconds();
        const std::string temp = path.string() + ".tmp." + std::to_string(::getpid());
        {
            std::ofstream out(temp);
            out << clock << "\n";
            if (!out.flush())
                throw IoError(temp + ": write failed");
        }
        const int linked = ::link(temp.c_str(), path.c_str());
        const int error = errno;
        std::filesystem::remove(temp);
        if (linked != 0 && error != EEXIST)
            throw IoError(path.string() + ": " + std::strerror(error));
    }
    std::ifstream in(path);
    std::int64_t now = 0;
    if (!(in >> now) || now <= 0)
        throw IoError(path.string() + ": not a time (unix seconds); delete it to start over");
    return now;
}

/// Writes a line to stderr in one piece: ranks run side by side share it (xargs -P, a log).
void say_whole_line(const std::string& line) {
    const std::string whole = line + "\n";
    std::cerr.write(whole.data(), static_cast<std::streamsize>(whole.size()));
    std::cerr.flush();
}

int sign(const std::vector<std::string>& args) {
    if (wants_help(args)) {
        std::cout << kSignUsage << "\n\nStage options:\n"
                  << "  --work DIR            the shared work folder (made if missing)\n"
                  << "  --rank I              this rank, 0 .. N-1 (SLURM_ARRAY_TASK_ID)\n"
                  << "  --world N             how many ranks (SLURM_ARRAY_TASK_COUNT)\n"
                  << "  --now T               the run's time, unix seconds, alike for every rank\n"
                  << "                        (dates after it are not trusted; default: DIR/now,\n"
                  << "                        the clock's when the first rank wrote it)\n"
                  << "  --piece-bytes N       cut plain JSONL files larger than N bytes into\n"
                  << "                        pieces of N (by the lines that start in them),\n"
                  << "                        dealt to the ranks (default 64M, at least 64K;\n"
                  << "                        0: whole files; K, M, G suffixes)\n"
                  << "  -j [ --threads ] N    threads (0: all cores)\n"
                  << "  -q [ --quiet ]        nothing on stderr but errors\n"
                  << "Scan options: see 'neardup scan --help'.\n";
        return kExitOk;
    }
    const StageArgs a = take_stage_options(args,
                                           {{"work", ""},
                                            {"rank", ""},
                                            {"world", ""},
                                            {"now", ""},
                                            {"piece-bytes", ""},
                                            {"threads", "j"}},
                                           {{"quiet", "q"}});
    const auto work = a.values.find("work");
    if (work == a.values.end() || work->second.empty())
        throw UsageError("--work DIR is required");
    const std::uint32_t world = rank_value(a, "world", "SLURM_ARRAY_TASK_COUNT", 1, 1'000'000);
    const std::uint32_t rank = rank_value(a, "rank", "SLURM_ARRAY_TASK_ID", 0, world - 1);
    const bool quiet = a.values.count("quiet") > 0;
    const auto piece_arg = a.values.find("piece-bytes");
    const std::uint64_t piece_bytes =
        parse_size(piece_arg != a.values.end() ? piece_arg->second : "64M", "--piece-bytes",
                   std::uint64_t{1} << 50);
    if (piece_bytes > 0 && piece_bytes < kMinPieceBytes)  // each piece opens the file again
        throw UsageError("--piece-bytes must be 0 (whole files) or at least 64K");
    std::filesystem::create_directories(work->second);
    std::int64_t now = 0;
    if (const auto it = a.values.find("now"); it != a.values.end())
        now = static_cast<std::int64_t>(parse_count(it->second, "--now", 1, INT64_MAX));
    else
        now = run_time(work->second);
    // The scan's own parser checks the scan options and PATHs.
    ScanCli c;
    std::vector<std::string> scan_args = a.rest;
    if (const auto it = a.values.find("threads"); it != a.values.end())
        scan_args.insert(scan_args.begin(), {"--threads", it->second});
    namespace po = boost::program_options;
    po::options_description none("Output options");
    if (!parse_run_args(scan_args, kSignUsage, none, c))
        return kExitOk;
    c.quiet = quiet;
    c.cfg.now = now;
    std::vector<InputFile> inputs = collect_inputs(c.paths, c.ids);
    if (std::any_of(inputs.begin(), inputs.end(), [](const InputFile& f) { return f.path == "-"; }))
        throw UsageError(
            "stage sign reads files and folders: stdin ('-') cannot be shared by ranks");
    resolve_site_boilerplate(c, inputs);
    SignHeader header;
    header.rank = rank;
    header.world = world;
    header.inputs = static_cast<std::uint32_t>(inputs.size());
    header.now = now;
    header.num_perm = c.cfg.num_perm;
    header.story = c.cfg.story.enabled;
    header.exact_verify = c.cfg.exact_verify;
    header.site_boilerplate = c.cfg.site_boilerplate;
    header.arguments = a.rest;
    // Every rank cuts the inputs alike (the pieces are in the header, which ranks compare).
    std::vector<std::uint32_t> owned;  // indexes into header.pieces
    std::vector<InputFile> mine;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        std::vector<InputFile> pieces = split_input(inputs[i], piece_bytes);
        for (std::size_t k = 0; k < pieces.size(); ++k) {
            const auto piece = static_cast<std::uint32_t>(header.pieces.size());
            // A cut file's size is the run's: ranks that found it otherwise cut it otherwise.
            std::error_code ec;
            const std::uint64_t size =
                pieces.size() > 1 ? std::filesystem::file_size(inputs[i].path, ec) : 0;
            header.pieces.push_back(
                {static_cast<std::uint32_t>(i), pieces[k].range_begin, ec ? 0 : size});
            if (rank_of_input(inputs[i].path, world, static_cast<std::uint32_t>(k)) == rank) {
                owned.push_back(piece);
                mine.push_back(std::move(pieces[k]));
            }
        }
    }
    // A rank signed before is skipped when its files are whole and of this very run; files of
    // another run (other options, PATHs, time or inputs) or damaged are signed again.
    const std::string said = "neardup: sign rank " + std::to_string(rank) + " of " +
                             std::to_string(world);  // what this rank's messages open with
    std::string why;
    if (const std::optional<SignHeader> done =
            SignedRanks::verified_header(work->second, rank, world, &why)) {
        if (done->same_run(header)) {
            if (!quiet)
                say_whole_line(said + " in " + escape_for_terminal(work->second) +
                               " is complete: nothing to do");
            return kExitOk;
        }
        why = "its files are of another run (other options, PATHs, inputs or --now)";
    }
    if (!quiet && std::filesystem::exists(signed_file_path(work->second, rank, world)))
        say_whole_line(said + ": signing again (" + escape_for_terminal(why) + ")");
    SignedFileWriter out(work->second, header, owned);
    sign_inputs(c.cfg, std::move(mine), [&out](const SignedBatch& b) { out.add(b); });
    out.finish();
    if (!quiet)
        say_whole_line(said + ": " + std::to_string(owned.size()) + " of " +
                       std::to_string(header.pieces.size()) + " pieces of " +
                       std::to_string(inputs.size()) + " inputs signed into " +
                       escape_for_terminal(signed_file_path(work->second, rank, world)));
    return kExitOk;
}

/// The N of the sign stage in `work`, from its files' names (sign-I-of-N.bin or .done), when
/// they name one N. A missing rank 0 is then the link's "not complete", not a usage error.
std::uint32_t world_in(const std::string& work) {
    const std::regex name(R"(sign-[0-9]+-of-([0-9]+)\.(done|bin))");
    std::set<std::uint32_t> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(work, ec)) {
        std::smatch m;
        const std::string file = entry.path().filename().string();
        if (std::regex_match(file, m, name))
            found.insert(static_cast<std::uint32_t>(std::stoul(m[1].str())));
    }
    if (ec)
        throw IoError(work + ": " + ec.message());
    if (found.empty())
        throw IoError(work + " holds no file of the sign stage: run 'neardup stage sign' first");
    if (found.size() > 1)
        throw UsageError(work + " holds sign stages of several --world: give --world");
    return *found.begin();
}

/// The link takes scan's output options and -j only: what is matched, and how inputs are read,
/// was settled when the ranks signed (an option given here would not change the signatures and
/// would give rows no scan gives).
void check_link_options(const std::vector<std::string>& args) {
    namespace po = boost::program_options;
    ScanCli c;
    OutputCli o;
    po::options_description allowed = scan_output_options(c, o);
    allowed.add_options()("threads,j", po::value<std::string>(), "");
    try {
        const po::parsed_options parsed = po::command_line_parser(args).options(allowed).run();
        if (!po::collect_unrecognized(parsed.options, po::include_positional).empty())
            throw UsageError(
                "stage link takes no PATH: it links what the sign stage read (its PATHs)");
        po::variables_map vm;
        po::store(parsed, vm);
    } catch (const po::unknown_option& e) {
        throw UsageError("stage link takes the output options and -j; " + e.get_option_name() +
                         " is the sign stage's (give it to every rank of 'stage sign')");
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
}

int link(const std::vector<std::string>& args) {
    const StageArgs a = take_stage_options(args, {{"work", ""}, {"world", ""}});
    if (wants_help(args)) {
        ScanCli c;
        OutputCli o;
        std::cout << kLinkUsage << "\n\n"
                  << scan_output_options(c, o) << "\nStage options:\n"
                  << "  --work DIR            the sign stage's work folder\n"
                  << "  --world N             how many ranks signed\n"
                  << "  -j [ --threads ] N    threads (0: all cores)\n";
        return kExitOk;
    }
    const auto work = a.values.find("work");
    if (work == a.values.end() || work->second.empty())
        throw UsageError("--work DIR is required");
    const auto w = a.values.find("world");
    const std::uint32_t world =
        w != a.values.end()
            ? static_cast<std::uint32_t>(parse_count(w->second, "--world", 1, 1'000'000))
            : world_in(work->second);
    check_link_options(a.rest);
    SignedRanks ranks(work->second, world);
    // The sign stage's options and PATHs, then the outputs asked for here.
    std::vector<std::string> scan_args = ranks.header().arguments;
    const auto paths_from = std::find(scan_args.begin(), scan_args.end(), "--");
    scan_args.insert(paths_from, a.rest.begin(), a.rest.end());
    return scan_command(scan_args, kLinkUsage, &ranks);
}

}  // namespace

int cmd_stage(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? std::cerr : std::cout) << kStageHelp;
        return args.empty() ? kExitUsage : kExitOk;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "sign")
        return sign(rest);
    if (args[0] == "link")
        return link(rest);
    throw UsageError("unknown stage '" + args[0] + "'" + did_you_mean(args[0], {"sign", "link"}));
}

}  // namespace neardup::cli
