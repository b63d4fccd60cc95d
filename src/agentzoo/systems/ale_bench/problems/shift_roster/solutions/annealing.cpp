// shift_roster, simulated annealing: start from the priority greedy, then swap two workers'
// assignments on a day or change one worker's assignment, keeping coverage feasible.
// Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET and AGENTZOO_SEED.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
using namespace std;
static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
static inline int rndi(int m) { return (int)(rnd() % (uint64_t)m); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }
int n, D;
vector<int> sen, tg, pf;
vector<array<int, 6>> need;
vector<vector<char>> req;  // req[w][d]
vector<vector<int>> A;     // 0 off, 1 M, 2 E, 3 N
int rowcost(int w) {
    const vector<int>& r = A[w];
    int c = 0, run = 0, worked = 0;
    for (int d = 0; d < D; d++) {
        if (r[d]) {
            worked++; run++;
            if (req[w][d]) c += 6;
            if (r[d] != pf[w] + 1) c += 1;
        } else { c += 3 * max(0, run - 5); run = 0; }
        if (d + 1 < D) {
            if (r[d] == 3 && (r[d + 1] == 1 || r[d + 1] == 2)) c += 8;
            else if (r[d] == 2 && r[d + 1] == 1) c += 4;
        }
    }
    c += 3 * max(0, run - 5);
    return c + 2 * abs(worked - tg[w]);
}
int main() {
    scanf("%d %d", &n, &D);
    sen.resize(n); tg.resize(n); pf.resize(n);
    for (auto& x : sen) scanf("%d", &x);
    for (auto& x : tg) scanf("%d", &x);
    for (auto& x : pf) scanf("%d", &x);
    need.resize(D);
    for (auto& r : need) for (auto& x : r) scanf("%d", &x);
    req.assign(n, vector<char>(D, 0));
    int P; scanf("%d", &P);
    for (int i = 0; i < P; i++) { int w, d; scanf("%d %d", &w, &d); req[w][d] = 1; }
    const char* e = getenv("AGENTZOO_TIME_LIMIT");
    double tl = e ? atof(e) : 2.0;
    e = getenv("AGENTZOO_ITER_BUDGET");
    long long budget = e ? atoll(e) : 0;
    e = getenv("AGENTZOO_SEED");
    if (e) rs ^= (uint64_t)atoll(e) * 0x9E3779B97F4A7C15ULL + 1;
    auto start = chrono::steady_clock::now();
    // greedy start (same priorities as greedy.cpp)
    A.assign(n, vector<int>(D, 0));
    vector<int> worked(n, 0), run(n, 0);
    for (int d = 0; d < D; d++) {
        vector<bool> used(n, false);
        for (int s = 0; s < 3; s++) {
            auto prio = [&](int w) {
                int p = 10 * (tg[w] - worked[w]);
                if (req[w][d]) p -= 100;
                if (d > 0 && A[w][d - 1] == 3 && s != 2) p -= 100;
                if (s == 0 && d > 0 && A[w][d - 1] == 2) p -= 50;
                if (pf[w] == s) p += 5;
                if (run[w] >= 5) p -= 40;
                return p;
            };
            int picked = 0;
            for (int pass = 0; pass < 2; pass++) {
                int quota = pass == 0 ? need[d][2 * s + 1] : need[d][2 * s];
                vector<int> c;
                for (int w = 0; w < n; w++) if (!used[w] && (sen[w] || pass == 1)) c.push_back(w);
                stable_sort(c.begin(), c.end(), [&](int a, int b) { return prio(a) > prio(b); });
                for (int w : c) { if (picked >= quota) break; used[w] = true; A[w][d] = s + 1; picked++; }
            }
        }
        for (int w = 0; w < n; w++) { if (used[w]) { worked[w]++; run[w]++; } else run[w] = 0; }
    }
    vector<array<int, 4>> cnt(D), scnt(D);
    for (int d = 0; d < D; d++) { cnt[d].fill(0); scnt[d].fill(0); }
    for (int w = 0; w < n; w++) for (int d = 0; d < D; d++) { cnt[d][A[w][d]]++; scnt[d][A[w][d]] += sen[w]; }
    vector<int> rc(n);
    long long cur = 0;
    for (int w = 0; w < n; w++) { rc[w] = rowcost(w); cur += rc[w]; }
    for (int d = 0; d < D; d++) for (int s = 0; s < 3; s++) cur += 2 * (cnt[d][s + 1] - need[d][2 * s]);
    long long best = cur;
    auto bestA = A;
    const double T0 = 6.0, T1 = 0.15;
    double temp = T0, progress = 0, limit = tl * 0.8;
    for (long long it = 0;; it++) {
        if ((it & 255) == 0) {
            progress = budget > 0 ? (double)it / budget : chrono::duration<double>(chrono::steady_clock::now() - start).count() / limit;
            if (progress >= 1.0) break;
            temp = T0 * pow(T1 / T0, progress);
        }
        int d = rndi(D);
        if (rndi(2) == 0) {  // swap two workers' assignments on day d
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
        } else {  // change one worker's assignment
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
