// neardup params: the LSH banding chosen for a threshold, and its error areas.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "neardup/lsh/params.hpp"

namespace neardup::cli {

int cmd_params(const std::vector<std::string>& args) {
    namespace po = boost::program_options;
    double threshold = 0.8;
    std::string num_perm_text = "128";
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")("threshold,t",
                                                   po::value(&threshold)->default_value(0.8, "0.8"),
                                                   "similarity threshold in (0, 1)")(
        "num-perm,k", po::value(&num_perm_text)->default_value("128"),
        "MinHash slots per signature");
    po::variables_map vm;
    if (!parse_args(args,
                    "Usage: neardup params [--threshold T] [--num-perm K]\n"
                    "Prints the LSH bands x rows chosen for T and K (TSV: name, value).",
                    opts, {}, vm)) {
        return kExitOk;
    }
    if (!(threshold > 0.0 && threshold < 1.0))
        throw UsageError("--threshold must be in (0, 1)");
    const auto num_perm =
        static_cast<std::uint32_t>(parse_count(num_perm_text, "--num-perm", 1, 4096));
    const LshParams p = choose_params(threshold, num_perm);
    std::printf("threshold\t%.4f\nnum_perm\t%u\nbands\t%u\nrows\t%u\n", threshold, num_perm,
                p.bands, p.rows);
    std::printf("false_positive_area\t%.6f\nfalse_negative_area\t%.6f\n",
                false_positive_area(threshold, p), false_negative_area(threshold, p));
    std::printf("p_candidate_at_threshold\t%.6f\n", candidate_probability(threshold, p));
    return kExitOk;
}

}  // namespace neardup::cli
