// stamp_art, skeleton: an untuned simulated annealing whose knobs are marked for typed edits.
// `// @param NAME=VALUE [LO,HI] (log)` marks a tunable constant, `// @switch NAME` an on/off feature.
// Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET (iterations = budget * TIME_FRAC) and AGENTZOO_SEED.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>
using namespace std;

const double T0 = 30.0;  // @param T0=30 [0.01,100] log
const double T1 = 5.0;  // @param T1=5 [0.001,10] log
const double TIME_FRAC = 0.2;  // @param TIME_FRAC=0.2 [0.05,0.9]
const double APPEND_RATE = 0.02;  // @param APPEND_RATE=0.02 [0.001,0.5] log
const bool TARGET_WRONG_CELLS = false;  // @switch TARGET_WRONG_CELLS
const bool USE_SHIFT = false;  // @switch USE_SHIFT

static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
static inline int rndi(int m) { return (int)(rnd() % (uint64_t)m); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }

int H, W, C, M, K;
vector<vector<pair<int, int>>> cells;
vector<int> hh, ww, T;
vector<array<int, 4>> st;
vector<vector<int>> cov;
int colour_of(int cell) {
    int top = -1;
    for (int i : cov[cell]) top = max(top, i);
    return top < 0 ? 0 : st[top][3];
}
template <class F> void each_cell(const array<int, 4>& s, F f) {
    for (auto [a, b] : cells[s[0]]) {
        int y = s[1] + a, x = s[2] + b;
        if (y >= 0 && y < H && x >= 0 && x < W) f(y * W + x);
    }
}
void add(int i) { each_cell(st[i], [&](int c) { cov[c].push_back(i); }); }
void remove_(int i) { each_cell(st[i], [&](int c) { auto& v = cov[c]; v.erase(find(v.begin(), v.end(), i)); }); }

int main() {
    cin >> H >> W >> C >> M >> K;
    cells.resize(M); hh.resize(M); ww.resize(M);
    for (int m = 0; m < M; m++) {
        cin >> hh[m] >> ww[m];
        for (int a = 0; a < hh[m]; a++) {
            string row; cin >> row;
            for (int b = 0; b < ww[m]; b++) if (row[b] == '#') cells[m].push_back({a, b});
        }
    }
    T.resize(H * W);
    for (int i = 0; i < H; i++) { string row; cin >> row; for (int j = 0; j < W; j++) T[i * W + j] = row[j] - '0'; }
    const char* e = getenv("AGENTZOO_TIME_LIMIT");
    double tl = e ? atof(e) : 2.0;
    e = getenv("AGENTZOO_ITER_BUDGET");
    long long budget = e ? (long long)(atoll(e) * TIME_FRAC) : 0;
    e = getenv("AGENTZOO_SEED");
    if (e) rs ^= (uint64_t)atoll(e) * 0x9E3779B97F4A7C15ULL + 1;
    auto start = chrono::steady_clock::now();
    cov.assign(H * W, {});
    int matched = 0;
    for (int c = 0; c < H * W; c++) matched += T[c] == 0;
    int best_matched = matched;
    auto best_st = st;
    double temp = T0, progress = 0;
    vector<int> touched;
    for (long long it = 0;; it++) {
        if ((it & 255) == 0) {
            progress = budget > 0 ? (double)it / budget : chrono::duration<double>(chrono::steady_clock::now() - start).count() / (tl * TIME_FRAC);
            if (progress >= 1.0) break;
            temp = T0 * pow(T1 / T0, progress);
        }
        bool append = (int)st.size() < K && (st.empty() || urand() < APPEND_RATE);
        int i = append ? (int)st.size() : rndi(st.size());
        array<int, 4> old = append ? array<int, 4>{0, -100, -100, 0} : st[i], nw = old;
        int mv = rndi(2);
        if (append || mv == 0 || !USE_SHIFT) {  // re-anchor a random shape
            int cell = rndi(H * W);
            if (TARGET_WRONG_CELLS)
                for (int tries = 0; tries < 20 && colour_of(cell) == T[cell]; tries++) cell = rndi(H * W);
            int m = rndi(M);
            auto [a, b] = cells[m][rndi(cells[m].size())];
            nw = {m, cell / W - a, cell % W - b, TARGET_WRONG_CELLS ? T[cell] : rndi(C)};
        } else {
            nw[1] += rndi(3) - 1; nw[2] += rndi(3) - 1;
            if (nw == old) continue;
        }
        if (nw[1] < -(hh[nw[0]] - 1) || nw[1] > H - 1 || nw[2] < -(ww[nw[0]] - 1) || nw[2] > W - 1) continue;
        touched.clear();
        if (!append) each_cell(old, [&](int c) { touched.push_back(c); });
        each_cell(nw, [&](int c) { touched.push_back(c); });
        sort(touched.begin(), touched.end());
        touched.erase(unique(touched.begin(), touched.end()), touched.end());
        int before = 0, after = 0;
        for (int c : touched) before += colour_of(c) == T[c];
        if (append) { st.push_back(nw); add(i); } else { remove_(i); st[i] = nw; add(i); }
        for (int c : touched) after += colour_of(c) == T[c];
        int delta = after - before;
        if (delta >= 0 || urand() < exp(delta / temp)) {
            matched += delta;
            if (matched > best_matched) { best_matched = matched; best_st = st; }
        } else {
            remove_(i);
            if (append) st.pop_back(); else { st[i] = old; add(i); }
        }
    }
    printf("%d\n", (int)best_st.size());
    for (auto& s : best_st) printf("%d %d %d %d\n", s[0], s[1], s[2], s[3]);
}
