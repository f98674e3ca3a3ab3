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

RelabeledIds assign_majority_ids(const Clustering& clustering,
                                 std::span<const std::uint64_t> held_ids, std::uint64_t next) {
    // (cluster, old id) -> held documents, in a fixed order.
    std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t> counts;
    for (std::size_t d = 0; d < held_ids.size(); ++d)
        ++counts[{clustering.group_of[d], held_ids[d]}];
    struct Claim {
        std::uint32_t count;
        std::uint64_t id;
        std::uint32_t cluster;
    };
    std::vector<Claim> claims;
    for (const auto& [key, n] : counts)
        claims.push_back({n, key.second, key.first});
    std::sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
        if (a.count != b.count)
            return a.count > b.count;
        if (a.id != b.id)
            return a.id < b.id;
        return a.cluster < b.cluster;
    });
    constexpr std::uint64_t kNone = 0;
    RelabeledIds out;
    StableIds& ids = out.ids;
    ids.id_of_group.assign(clustering.groups(), kNone);
    std::map<std::uint64_t, std::uint32_t> home;  // old id -> cluster with most of it (first claim)
    std::map<std::uint64_t, bool> taken;
    for (const Claim& c : claims) {
        home.try_emplace(c.id, c.cluster);
        if (ids.id_of_group[c.cluster] == kNone && !taken[c.id]) {
            ids.id_of_group[c.cluster] = c.id;
            taken[c.id] = true;
        }
    }
    ids.next = next;
    for (std::uint64_t& id : ids.id_of_group) {
        if (id == kNone)
            id = ids.next++;
    }
    for (const auto& [id, was_taken] : taken) {
        if (!was_taken)
            ids.merges.push_back({id, ids.id_of_group[home.at(id)]});
    }
    for (std::size_t d = 0; d < held_ids.size(); ++d) {
        if (ids.id_of_group[clustering.group_of[d]] != held_ids[d])
            out.changed.push_back(d);
    }
    return out;
}

}  // namespace neardup
