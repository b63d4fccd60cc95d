// shift_roster, skeleton: an untuned simulated annealing whose knobs are marked for typed edits.
// `// @param NAME=VALUE [LO,HI] (log)` marks a tunable constant, `// @switch NAME` an on/off feature.
// Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET (iterations = budget * TIME_FRAC) and AGENTZOO_SEED.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
using namespace std;

const double T0 = 200.0;  // @param T0=200 [0.1,1000] log
const double T1 = 20.0;  // @param T1=20 [0.01,100] log
const double TIME_FRAC = 0.2;  // @param TIME_FRAC=0.2 [0.05,0.9]
const double SWAP_RATE = 0.1;  // @param SWAP_RATE=0.1 [0,1]
const bool USE_CHANGE = false;  // @switch USE_CHANGE

static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
static inline int rndi(int m) { return (int)(rnd() % (uint64_t)m); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }
int n, D;
vector<int> sen, tg, pf;
vector<array<int, 6>> need;
vector<vector<char>> req;
vector<vector<int>> A;  // 0 off, 1 M, 2 E, 3 N
int rowcost(int w) {
    const vector<int>& r = A[w];
    int c = 0, run = 0, worked = 0;
    for (int d = 0; d < D; d++) {
        if (r[d]) { worked++; run++; c += 6 * req[w][d] + (r[d] != pf[w] + 1); }
        else { c += 3 * max(0, run - 5); run = 0; }
        if (d + 1 < D) {
            if (r[d] == 3 && (r[d + 1] == 1 || r[d + 1] == 2)) c += 8;
            else if (r[d] == 2 && r[d + 1] == 1) c += 4;
        }
    }
    return c + 3 * max(0, run - 5) + 2 * abs(worked - tg[w]);
}
int main() {
    if (scanf("%d %d", &n, &D) != 2) return 1;
    sen.resize(n); tg.resize(n); pf.resize(n);
    for (auto& x : sen) if (scanf("%d", &x) != 1) return 1;
    for (auto& x : tg) if (scanf("%d", &x) != 1) return 1;
    for (auto& x : pf) if (scanf("%d", &x) != 1) return 1;
    need.resize(D);
    for (auto& r : need) for (auto& x : r) if (scanf("%d", &x) != 1) return 1;
    req.assign(n, vector<char>(D, 0));
    int P;
    if (scanf("%d", &P) != 1) return 1;
    for (int i = 0; i < P; i++) { int w, d; if (scanf("%d %d", &w, &d) != 2) return 1; req[w][d] = 1; }
    const char* e = getenv("AGENTZOO_TIME_LIMIT");
    double tl = e ? atof(e) : 2.0;
    e = getenv("AGENTZOO_ITER_BUDGET");
    long long budget = e ? (long long)(atoll(e) * TIME_FRAC) : 0;
    e = getenv("AGENTZOO_SEED");
    if (e) rs ^= (uint64_t)atoll(e) * 0x9E3779B97F4A7C15ULL + 1;
    auto start = chrono::steady_clock::now();
    A.assign(n, vector<int>(D, 0));  // start: index order, seniors first
    for (int d = 0; d < D; d++) {
        vector<bool> used(n, false);
        for (int s = 0; s < 3; s++) {
            int c = 0, sc = 0;
            for (int w = 0; w < n; w++) if (sc < need[d][2 * s + 1] && sen[w] && !used[w]) { used[w] = true; A[w][d] = s + 1; sc++; c++; }
            for (int w = 0; w < n; w++) if (c < need[d][2 * s] && !used[w]) { used[w] = true; A[w][d] = s + 1; c++; }
        }
    }
    vector<array<int, 4>> cnt(D), scnt(D);
    for (int d = 0; d < D; d++) { cnt[d].fill(0); scnt[d].fill(0); }
    for (int w = 0; w < n; w++) for (int d = 0; d < D; d++) { cnt[d][A[w][d]]++; scnt[d][A[w][d]] += sen[w]; }
    vector<int> rc(n);
    long long cur = 0;
    for (int w = 0; w < n; w++) { rc[w] = rowcost(w); cur += rc[w]; }
    long long best = cur;
    auto bestA = A;
    double temp = T0, progress = 0;
    for (long long it = 0;; it++) {
        if ((it & 255) == 0) {
            progress = budget > 0 ? (double)it / budget : chrono::duration<double>(chrono::steady_clock::now() - start).count() / (tl * TIME_FRAC);
            if (progress >= 1.0) break;
            temp = T0 * pow(T1 / T0, progress);
        }
        int d = rndi(D);
        if (urand() < SWAP_RATE || !USE_CHANGE) {
            int a = rndi(n), b = rndi(n), x = A[a][d], y = A[b][d];
            if (x == y) continue;
            if (sen[a] != sen[b]) {
                if (x && scnt[d][x] - sen[a] + sen[b] < need[d][2 * (x - 1) + 1]) continue;
                if (y && scnt[d][y] - sen[b] + sen[a] < need[d][2 * (y - 1) + 1]) continue;
            }
            A[a][d] = y; A[b][d] = x;
            int na = rowcost(a), nb = rowcost(b);
            long long delta = na + nb - rc[a] - rc[b];
            if (delta <= 0 || urand() < exp(-delta / temp)) {
                rc[a] = na; rc[b] = nb; cur += delta;
                scnt[d][x] += sen[b] - sen[a]; scnt[d][y] += sen[a] - sen[b];
            } else { A[a][d] = x; A[b][d] = y; }
        } else {
            int w = rndi(n), x = A[w][d], y = rndi(4);
            if (x == y) continue;
            if (x && (cnt[d][x] - 1 < need[d][2 * (x - 1)] || scnt[d][x] - sen[w] < need[d][2 * (x - 1) + 1])) continue;
            A[w][d] = y;
            int nw = rowcost(w);
            long long delta = nw - rc[w] + 2 * ((y != 0) - (x != 0));
            if (delta <= 0 || urand() < exp(-delta / temp)) {
                rc[w] = nw; cur += delta;
                cnt[d][x]--; scnt[d][x] -= sen[w]; cnt[d][y]++; scnt[d][y] += sen[w];
            } else A[w][d] = x;
        }
        if (cur < best) { best = cur; bestA = A; }
    }
    const char* S = ".MEN";
    for (int w = 0; w < n; w++) { for (int d = 0; d < D; d++) putchar(S[bestA[w][d]]); putchar('\n'); }
}
