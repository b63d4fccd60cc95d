// grid_power, greedy: commit generators in merit order (average cost c + F/Pmax) until 110% of
// demand, repair minimum up/down times by extending runs, then dispatch the cheapest marginal
// cost first within ramp limits (looking one interval ahead); where supply falls short, start one
// more generator and repeat. Falls back to all-on if still infeasible.
// AGENTZOO_SEED > 0 perturbs the reserve margin (105-115%).
#include <algorithm>
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
int main() {
    scanf("%d %d", &G, &T);
    Dm.resize(T);
    for (auto& x : Dm) scanf("%d", &x);
    pmin.resize(G); pmax.resize(G); R.resize(G); U.resize(G); Dn.resize(G); S.resize(G); Fc.resize(G); C.resize(G);
    for (int g = 0; g < G; g++) scanf("%d %d %d %d %d %d %d %d", &pmin[g], &pmax[g], &R[g], &U[g], &Dn[g], &S[g], &Fc[g], &C[g]);
    const char* e = getenv("AGENTZOO_SEED");
    long seed = e ? atol(e) : 0;
    int margin = 110 + (seed > 0 ? (int)(seed * 7 % 11) - 5 : 0);
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
        for (int g : merit) { if (cap * 100 >= (long long)Dm[t] * margin) break; on[g][t] = 1; cap += pmax[g]; }
    }
    fix_runs(on);
    vector<vector<int>> p;
    for (int tries = 0; tries < G * T; tries++) {  // repair: start one more generator where short
        long long r = dispatch(on, p);
        if (r >= 0) break;
        int t = (int)(-r - 1), pick = -1;
        for (int g : merit) if (!on[g][t]) { pick = g; break; }
        if (pick < 0) break;
        on[pick][t] = 1;
        fix_runs(on);
    }
    if (dispatch(on, p) < 0) { p.assign(T, vector<int>(G)); for (int t = 0; t < T; t++) for (int g = 0; g < G; g++) p[t][g] = pmax[g]; }
    for (int t = 0; t < T; t++) { for (int g = 0; g < G; g++) printf(g ? " %d" : "%d", p[t][g]); printf("\n"); }
}
