// PCG32 (PCG-XSH-RR, 64-bit state): the C++ twin of agentzoo.systems.ale_bench.rng.PCG32.
// Seeded like the reference pcg32_srandom_r(initstate, initseq); bounded draws use PCG's
// rejection method (threshold 2^32 mod bound), so both languages produce the same stream.
#pragma once
#include <cstdint>
#include <vector>
#include <utility>

struct PCG32 {
    uint64_t state = 0, inc = 1;
    PCG32(uint64_t seed, uint64_t stream = 0) {
        state = 0;
        inc = (stream << 1u) | 1u;
        next_u32();
        state += seed;
        next_u32();
    }
    uint32_t next_u32() {
        uint64_t old = state;
        state = old * 6364136223846793005ULL + inc;
        uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
        uint32_t rot = (uint32_t)(old >> 59u);
        return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
    }
    uint32_t below(uint32_t bound) {
        uint32_t threshold = (uint32_t)(-bound) % bound;
        for (;;) {
            uint32_t r = next_u32();
            if (r >= threshold) return r % bound;
        }
    }
    int64_t randint(int64_t lo, int64_t hi) { return lo + (int64_t)below((uint32_t)(hi - lo + 1)); }
    double random() { return next_u32() / 4294967296.0; }
    template <class T> void shuffle(std::vector<T>& v) {
        for (size_t i = v.size() - 1; i >= 1 && i < v.size(); --i) {
            size_t j = below((uint32_t)(i + 1));
            std::swap(v[i], v[j]);
        }
    }
};
