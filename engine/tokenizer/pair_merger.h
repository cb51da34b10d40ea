#pragma once
// The merge loop both BPE flavours share: repeatedly merge the adjacent pair with the
// lowest cost (SPM: minus the merged token's score; byte-level: the merge rank), ties
// going to the leftmost pair, until no pair can merge. A heap keeps this O(n log n) for
// long inputs; stale heap entries are recognised and skipped.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace podium {

struct MergeSymbol {
    std::uint32_t begin = 0;  // byte range in the text being merged
    std::uint32_t end = 0;
    std::int32_t id = -1;     // token id, or -1 when the text is not a token
    std::int32_t prev = -1;
    std::int32_t next = -1;
};

struct MergeCandidate {
    double cost = 0;
    std::int32_t id = -1;  // the merged token
};

struct MergeHeapEntry {
    double cost;
    std::uint32_t left;
    std::uint32_t right;
    std::uint32_t size;  // bytes of left + right when pushed; a mismatch marks it stale
    std::int32_t id;
};

// Buffers reused across the words of one encode call.
struct MergeScratch {
    std::vector<MergeSymbol> symbols;
    std::vector<MergeHeapEntry> heap;
};

// `pair_cost(left, right)` returns the candidate for merging two adjacent symbols, or
// nullopt when they do not merge. On return the live symbols are those reachable from
// symbols[0] through `next` (symbols[0] is never absorbed).
template <class PairCost>
void merge_symbols(std::vector<MergeSymbol>& symbols, std::vector<MergeHeapEntry>& heap, PairCost&& pair_cost) {
    heap.clear();
    // Min-heap on (cost, left position).
    const auto later = [](const MergeHeapEntry& a, const MergeHeapEntry& b) {
        return a.cost > b.cost || (a.cost == b.cost && a.left > b.left);
    };
    const auto push_pair = [&](std::int32_t left, std::int32_t right) {
        if (left < 0 || right < 0) return;
        const MergeSymbol& l = symbols[static_cast<std::size_t>(left)];
        const MergeSymbol& r = symbols[static_cast<std::size_t>(right)];
        if (std::optional<MergeCandidate> c = pair_cost(l, r)) {
            heap.push_back({c->cost, static_cast<std::uint32_t>(left), static_cast<std::uint32_t>(right),
                            r.end - l.begin, c->id});
            std::push_heap(heap.begin(), heap.end(), later);
        }
    };
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i)
        push_pair(static_cast<std::int32_t>(i), static_cast<std::int32_t>(i + 1));
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        const MergeHeapEntry top = heap.back();
        heap.pop_back();
        MergeSymbol& l = symbols[top.left];
        MergeSymbol& r = symbols[top.right];
        if (l.next != static_cast<std::int32_t>(top.right) || l.end == l.begin || r.end == r.begin ||
            r.end - l.begin != top.size)
            continue;
        l.end = r.end;
        l.id = top.id;
        l.next = r.next;
        if (r.next >= 0) symbols[static_cast<std::size_t>(r.next)].prev = static_cast<std::int32_t>(top.left);
        r.begin = r.end;  // marks r absorbed
        push_pair(l.prev, static_cast<std::int32_t>(top.left));
        push_pair(static_cast<std::int32_t>(top.left), l.next);
    }
}

}  // namespace podium
