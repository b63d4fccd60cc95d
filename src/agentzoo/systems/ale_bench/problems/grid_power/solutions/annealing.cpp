// grid_power, simulated annealing: the merit-order greedy start, then switch a generator on or
// off over a window of intervals (rejecting moves that break minimum up/down times), re-running
// the ramp-aware dispatch to price each commitment.
// Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET and AGENTZOO_SEED.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
using namespace std;
int G, T;
vector<int> Dm, pmin, pmax, R, U, Dn, S, Fc, C, bycost;
bool fix_runs(vector<vector<char>>& on) {
    for (int g = 0; g < G; g++) {
        for (bool changed = true; changed;) {
            changed = false;
            for (int a = 0; a < T;) {
                int b = a;
                while (b + 1 < T && on[g][b + 1] == on[g][a]) b++;
                int len = b - a + 1;
                if (on[g][a] && b < T - 1 && len < U[g]) { for (int t = a; t < min(T, a + U[g]); t++) on[g][t] = 1; changed = true; }
                else if (!on[g][a] && a > 0 && b < T - 1 && len < Dn[g]) { for (int t = a; t <= b; t++) on[g][t] = 1; changed = true; }
                a = b + 1;
            }
        }
    }
    return true;
}
long long dispatch(const vector<vector<char>>& on, vector<vector<int>>& p) {
    long long cost = 0;
    p.assign(T, vector<int>(G, 0));
    vector<int> lo(G), hi(G);
    for (int t = 0; t < T; t++) {
        long long sumlo = 0, sumhi = 0;
        for (int g = 0; g < G; g++) {
            if (!on[g][t]) continue;
            bool cont = t > 0 && on[g][t - 1];
            lo[g] = cont ? max(pmin[g], p[t - 1][g] - R[g]) : pmin[g];
            hi[g] = cont ? min(pmax[g], p[t - 1][g] + R[g]) : pmax[g];
            p[t][g] = lo[g]; sumlo += lo[g]; sumhi += hi[g];
            cost += Fc[g] + (t == 0 || !on[g][t - 1] ? S[g] : 0);
        }
        if (sumhi < Dm[t]) return -(t + 1);  // infeasible at interval t
        long long need = max(Dm[t], t + 1 < T ? Dm[t + 1] : 0) - sumlo;
        for (int g : bycost) {
            if (need <= 0) break;
            if (!on[g][t]) continue;
            int add = (int)min<long long>(hi[g] - p[t][g], need);
            p[t][g] += add; need -= add;
        }
        for (int g = 0; g < G; g++) cost += (long long)C[g] * p[t][g];
    }
    return cost;
}
static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
static inline int rndi(int m) { return (int)(rnd() % (uint64_t)m); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }
bool runs_ok(const vector<char>& on, int g) {
    for (int a = 0; a < T;) {
        int b = a;
        while (b + 1 < T && on[b + 1] == on[a]) b++;
        int len = b - a + 1;
        if (on[a] && b < T - 1 && len < U[g]) return false;
        if (!on[a] && a > 0 && b < T - 1 && len < Dn[g]) return false;
        a = b + 1;
    }
    return true;
}
int main() {
    if (scanf("%d %d", &G, &T) != 2) return 1;
    Dm.resize(T);
    for (auto& x : Dm) if (scanf("%d", &x) != 1) return 1;
    pmin.resize(G); pmax.resize(G); R.resize(G); U.resize(G); Dn.resize(G); S.resize(G); Fc.resize(G); C.resize(G);
    for (int g = 0; g < G; g++) if (scanf("%d %d %d %d %d %d %d %d", &pmin[g], &pmax[g], &R[g], &U[g], &Dn[g], &S[g], &Fc[g], &C[g]) != 8) return 1;
    const char* e = getenv("AGENTZOO_TIME_LIMIT");
    double tl = e ? atof(e) : 2.0;
    e = getenv("AGENTZOO_ITER_BUDGET");
    long long budget = e ? atoll(e) / 20 : 0;  // one move re-dispatches all T x G outputs
    e = getenv("AGENTZOO_SEED");
    if (e) rs ^= (uint64_t)atoll(e) * 0x9E3779B97F4A7C15ULL + 1;
    auto start = chrono::steady_clock::now();
    vector<int> merit(G);
    for (int g = 0; g < G; g++) merit[g] = g;
    stable_sort(merit.begin(), merit.end(), [&](int a, int b) {
        return (long long)(C[a] * pmax[a] + Fc[a]) * pmax[b] < (long long)(C[b] * pmax[b] + Fc[b]) * pmax[a];
    });
    bycost = merit;
    stable_sort(bycost.begin(), bycost.end(), [&](int a, int b) { return C[a] < C[b]; });
    vector<vector<char>> on(G, vector<char>(T, 0));
    for (int t = 0; t < T; t++) {
        long long cap = 0;
        for (int g : merit) { if (cap * 100 >= (long long)Dm[t] * 110) break; on[g][t] = 1; cap += pmax[g]; }
    }
    fix_runs(on);
    vector<vector<int>> p;
    long long cur = dispatch(on, p);
    for (int tries = 0; cur < 0 && tries < G * T; tries++) {
        int t = (int)(-cur - 1), pick = -1;
        for (int g : merit) if (!on[g][t]) { pick = g; break; }
        if (pick < 0) break;
        on[pick][t] = 1;
        fix_runs(on);
        cur = dispatch(on, p);
    }
    if (cur < 0) { on.assign(G, vector<char>(T, 1)); cur = dispatch(on, p); }
    long long best = cur;
    vector<vector<int>> bestp = p, tmp;
    if (cur < 0) {  // even all-on failed the ramp-aware dispatch: print all at Pmax
        for (int t = 0; t < T; t++) { for (int g = 0; g < G; g++) printf(g ? " %d" : "%d", pmax[g]); printf("\n"); }
        return 0;
    }
    const double T0 = 3000.0, T1 = 20.0;
    double temp = T0, progress = 0, limit = tl * 0.8;
    vector<char> saved;
    for (long long it = 0;; it++) {
        if ((it & 15) == 0) {
            progress = budget > 0 ? (double)it / budget : chrono::duration<double>(chrono::steady_clock::now() - start).count() / limit;
            if (progress >= 1.0) break;
            temp = T0 * pow(T1 / T0, progress);
        }
        int g = rndi(G), a = rndi(T), len = 1 + rndi(12), v = rndi(2);
        saved = on[g];
        bool changed = false;
        for (int t = a; t < min(T, a + len); t++) if (on[g][t] != v) { on[g][t] = (char)v; changed = true; }
        if (!changed || !runs_ok(on[g], g)) { on[g] = saved; continue; }
        long long nc = dispatch(on, tmp);
        if (nc < 0) { on[g] = saved; continue; }
        long long delta = nc - cur;
        if (delta <= 0 || urand() < exp(-delta / temp)) {
            cur = nc;
            if (cur < best) { best = cur; bestp = tmp; }
        } else on[g] = saved;
    }
    for (int t = 0; t < T; t++) { for (int g = 0; g < G; g++) printf(g ? " %d" : "%d", bestp[t][g]); printf("\n"); }
}
