// stamp_art, simulated annealing: start from the raster greedy, then move, shift, recolour and
// append stamps, keeping per-cell lists of the stamps that cover each cell (the top one wins).
// Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET and AGENTZOO_SEED.
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
static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
static inline int rndi(int m) { return (int)(rnd() % (uint64_t)m); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }

int H, W, C, M, K;
vector<vector<pair<int, int>>> cells;  // inked (a, b) per shape
vector<int> hh, ww;
vector<int> T;
vector<array<int, 4>> st;  // (m, r, c, col)
vector<vector<int>> cov;   // stamp indices covering each cell

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
void remove_(int i) {
    each_cell(st[i], [&](int c) { auto& v = cov[c]; v.erase(find(v.begin(), v.end(), i)); });
}

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
    long long budget = e ? atoll(e) : 0;
    e = getenv("AGENTZOO_SEED");
    if (e) rs ^= (uint64_t)atoll(e) * 0x9E3779B97F4A7C15ULL + 1;
    auto start = chrono::steady_clock::now();
    // raster greedy start
    vector<int> cv(H * W, 0);
    for (int i = 0; i < H && (int)st.size() < K; i++)
        for (int j = 0; j < W && (int)st.size() < K; j++) {
            int col = T[i * W + j];
            if (cv[i * W + j] == col) continue;
            int best = 0; array<int, 4> bs{};
            for (int m = 0; m < M; m++) {
                array<int, 4> s{m, i - cells[m][0].first, j - cells[m][0].second, col};
                int gain = 0;
                each_cell(s, [&](int c) { gain += (col == T[c]) - (cv[c] == T[c]); });
                if (gain > best) { best = gain; bs = s; }
            }
            if (best > 0) { st.push_back(bs); each_cell(bs, [&](int c) { cv[c] = col; }); }
        }
    cov.assign(H * W, {});
    for (int i = 0; i < (int)st.size(); i++) add(i);
    int matched = 0;
    for (int c = 0; c < H * W; c++) matched += colour_of(c) == T[c];
    int best_matched = matched;
    auto best_st = st;
    const double T0 = 1.5, T1 = 0.05;
    double temp = T0, progress = 0, limit = tl * 0.8;
    vector<int> touched;
    for (long long it = 0;; it++) {
        if ((it & 255) == 0) {
            progress = budget > 0 ? (double)it / budget : chrono::duration<double>(chrono::steady_clock::now() - start).count() / limit;
            if (progress >= 1.0) break;
            temp = T0 * pow(T1 / T0, progress);
        }
        int mv = rndi(100);
        bool append = (int)st.size() < K && (mv < 10 || st.empty());
        if (!append && st.empty()) break;
        int i = append ? (int)st.size() : rndi(st.size());
        array<int, 4> old = append ? array<int, 4>{0, -100, -100, 0} : st[i], nw = old;
        if (append || mv < 50) {  // anchor a shape on a random wrong cell, in its target colour
            int cell = rndi(H * W);
            for (int tries = 0; tries < 20 && colour_of(cell) == T[cell]; tries++) cell = rndi(H * W);
            int m = rndi(M);
            auto [a, b] = cells[m][rndi(cells[m].size())];
            nw = {m, cell / W - a, cell % W - b, T[cell]};
        } else if (mv < 80) {
            nw[1] += rndi(3) - 1; nw[2] += rndi(3) - 1;
            if (nw == old) continue;
        } else {
            nw[3] = rndi(C);
            if (nw[3] == old[3]) continue;
        }
        if (nw[1] < -(hh[nw[0]] - 1) || nw[1] > H - 1 || nw[2] < -(ww[nw[0]] - 1) || nw[2] > W - 1) continue;
        touched.clear();
        if (!append) each_cell(old, [&](int c) { touched.push_back(c); });
        each_cell(nw, [&](int c) { touched.push_back(c); });
        sort(touched.begin(), touched.end());
        touched.erase(unique(touched.begin(), touched.end()), touched.end());
        int before = 0, after = 0;
        for (int c : touched) before += colour_of(c) == T[c];
        if (append) { st.push_back(nw); add(i); }
        else { remove_(i); st[i] = nw; add(i); }
        for (int c : touched) after += colour_of(c) == T[c];
        int delta = after - before;
        if (delta >= 0 || urand() < exp(delta / temp)) {
            matched += delta;
            if (matched > best_matched) { best_matched = matched; best_st = st; }
        } else {
            remove_(i);
            if (append) st.pop_back();
            else { st[i] = old; add(i); }
        }
    }
    printf("%d\n", (int)best_st.size());
    for (auto& s : best_st) printf("%d %d %d %d\n", s[0], s[1], s[2], s[3]);
}
