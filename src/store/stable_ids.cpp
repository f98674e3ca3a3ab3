#include "neardup/store/stable_ids.hpp"

#include <algorithm>
#include <map>

namespace neardup {

StableIds assign_stable_ids(const Clustering& clustering, std::span<const std::uint64_t> held_ids,
                            std::uint64_t next) {
    // Union-find over old ids that meet in a group; the smallest id of each set survives.
    std::map<std::uint64_t, std::uint64_t> parent;
    auto find = [&parent](std::uint64_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    };
    std::vector<std::uint64_t> first_old(clustering.groups(), 0);  // 0: none yet
    for (std::size_t d = 0; d < held_ids.size(); ++d) {
        const std::uint64_t id = held_ids[d];
        parent.try_emplace(id, id);
        std::uint64_t& first = first_old[clustering.group_of[d]];
        if (first == 0) {
            first = id;
            continue;
        }
        const std::uint64_t a = find(first);
        const std::uint64_t b = find(id);
        if (a != b)
            parent[std::max(a, b)] = std::min(a, b);
    }
    StableIds out;
    out.id_of_group.resize(clustering.groups());
    out.next = next;
    for (std::size_t g = 0; g < clustering.groups(); ++g)
        out.id_of_group[g] = first_old[g] != 0 ? find(first_old[g]) : out.next++;
    for (const auto& [id, p] : parent) {
        const std::uint64_t root = find(id);
        if (root != id)
            out.merges.push_back({id, root});
    }
    return out;
}

}  // namespace neardup
