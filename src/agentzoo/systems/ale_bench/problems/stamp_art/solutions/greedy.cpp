// stamp_art, greedy: scan cells in raster order; at each wrong cell, try every shape with its
// first inked cell on it in the target colour, and keep the best positive gain.
// AGENTZOO_SEED > 0 tries the shapes in a random order per cell (different tie-breaks).
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>
using namespace std;
static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
int main() {
    int H, W, C, M, K;
    cin >> H >> W >> C >> M >> K;
    vector<vector<string>> mask(M);
    for (int m = 0; m < M; m++) {
        int h, w; cin >> h >> w; mask[m].resize(h);
        for (auto& row : mask[m]) cin >> row;
    }
    vector<string> T(H);
    for (auto& row : T) cin >> row;
    const char* e = getenv("AGENTZOO_SEED");
    long seed = e ? atol(e) : 0;
    if (seed > 0) rs ^= (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
    vector<vector<int>> cv(H, vector<int>(W, 0));
    vector<int> order(M);
    for (int m = 0; m < M; m++) order[m] = m;
    vector<array<int, 4>> out;
    for (int i = 0; i < H && (int)out.size() < K; i++)
        for (int j = 0; j < W && (int)out.size() < K; j++) {
            int col = T[i][j] - '0';
            if (cv[i][j] == col) continue;
            if (seed > 0) for (int a = M - 1; a > 0; a--) swap(order[a], order[rnd() % (a + 1)]);
            int best = 0, bm = -1, br = 0, bc = 0;
            for (int m : order) {
                int a0 = -1, b0 = -1;
                for (int a = 0; a < (int)mask[m].size() && a0 < 0; a++)
                    for (int b = 0; b < (int)mask[m][a].size(); b++)
                        if (mask[m][a][b] == '#') { a0 = a; b0 = b; break; }
                int r = i - a0, c = j - b0, gain = 0;
                for (int a = 0; a < (int)mask[m].size(); a++)
                    for (int b = 0; b < (int)mask[m][a].size(); b++) {
                        int y = r + a, x = c + b;
                        if (mask[m][a][b] != '#' || y < 0 || y >= H || x < 0 || x >= W) continue;
                        int t = T[y][x] - '0';
                        gain += (col == t) - (cv[y][x] == t);
                    }
                if (gain > best) { best = gain; bm = m; br = r; bc = c; }
            }
            if (bm < 0) continue;
            for (int a = 0; a < (int)mask[bm].size(); a++)
                for (int b = 0; b < (int)mask[bm][a].size(); b++) {
                    int y = br + a, x = bc + b;
                    if (mask[bm][a][b] == '#' && y >= 0 && y < H && x >= 0 && x < W) cv[y][x] = col;
                }
            out.push_back({bm, br, bc, col});
        }
    printf("%d\n", (int)out.size());
    for (auto& s : out) printf("%d %d %d %d\n", s[0], s[1], s[2], s[3]);
}
