// depot_routes, simulated annealing: sweep start, then 2-opt, relocate, swap and insert moves.
// Honours AGENTZOO_TIME_LIMIT (seconds), AGENTZOO_ITER_BUDGET (fixed iteration count instead of
// the clock) and AGENTZOO_SEED.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
using namespace std;

static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
static inline int rndi(int n) { return (int)(rnd() % (uint64_t)n); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }

int n, k, q;
vector<int> X, Y, D;
vector<double> dist;  // (n+1)^2, node 0 = depot
inline double dd(int a, int b) { return dist[a * (n + 1) + b]; }

int main() {
    scanf("%d %d %d", &n, &k, &q);
    X.resize(n + 1); Y.resize(n + 1); D.assign(n + 1, 0);
    scanf("%d %d", &X[0], &Y[0]);
    for (int i = 1; i <= n; i++) scanf("%d %d %d", &X[i], &Y[i], &D[i]);
    const char* e = getenv("AGENTZOO_TIME_LIMIT");
    double tl = e ? atof(e) : 2.0;
    e = getenv("AGENTZOO_ITER_BUDGET");
    long long budget = e ? atoll(e) : 0;
    e = getenv("AGENTZOO_SEED");
    if (e) rs ^= (uint64_t)atoll(e) * 0x9E3779B97F4A7C15ULL + 1;
    auto t0 = chrono::steady_clock::now();
    dist.resize((n + 1) * (n + 1));
    for (int a = 0; a <= n; a++)
        for (int b = 0; b <= n; b++)
            dist[a * (n + 1) + b] = sqrt((double)(X[a] - X[b]) * (X[a] - X[b]) + (double)(Y[a] - Y[b]) * (Y[a] - Y[b]));
    // sweep start: customers by angle around the depot, vehicles filled in turn
    vector<int> order(n);
    for (int i = 0; i < n; i++) order[i] = i + 1;
    sort(order.begin(), order.end(), [&](int a, int b) {
        return atan2(Y[a] - Y[0], X[a] - X[0]) < atan2(Y[b] - Y[0], X[b] - X[0]);
    });
    vector<vector<int>> R(k);
    vector<int> load(k, 0), unserved;
    int r = 0;
    for (int c : order) {
        while (r < k && load[r] + D[c] > q) r++;
        if (r < k) { R[r].push_back(c); load[r] += D[c]; }
        else unserved.push_back(c);
    }
    auto node = [&](int rr, int i) { return (i < 0 || i >= (int)R[rr].size()) ? 0 : R[rr][i]; };
    double cur = 0;
    for (int rr = 0; rr < k; rr++)
        for (int i = 0; i <= (int)R[rr].size(); i++) cur += dd(node(rr, i - 1), node(rr, i));
    cur += 10000.0 * unserved.size();
    double best = cur;
    auto bestR = R;
    const double T0 = 60.0, T1 = 0.3;
    double limit = tl * 0.8, progress = 0, T = T0;
    for (long long it = 0;; it++) {
        if ((it & 127) == 0) {
            if (budget > 0) progress = (double)it / budget;
            else progress = chrono::duration<double>(chrono::steady_clock::now() - t0).count() / limit;
            if (progress >= 1.0) break;
            T = T0 * pow(T1 / T0, progress);
        }
        int mv = rndi(100);
        if (!unserved.empty() && mv < 5) {  // insert an unserved customer
            int ui = rndi(unserved.size()), c = unserved[ui], rr = rndi(k);
            if (load[rr] + D[c] > q) continue;
            int pos = rndi(R[rr].size() + 1);
            double delta = dd(node(rr, pos - 1), c) + dd(c, node(rr, pos)) - dd(node(rr, pos - 1), node(rr, pos)) - 10000.0;
            if (delta <= 0 || urand() < exp(-delta / T)) {
                R[rr].insert(R[rr].begin() + pos, c); load[rr] += D[c];
                unserved[ui] = unserved.back(); unserved.pop_back(); cur += delta;
            }
        } else if (mv < 45) {  // 2-opt inside a route
            int rr = rndi(k), m = R[rr].size();
            if (m < 2) continue;
            int i = rndi(m), j = rndi(m);
            if (i == j) continue;
            if (i > j) swap(i, j);
            double delta = dd(node(rr, i - 1), R[rr][j]) + dd(R[rr][i], node(rr, j + 1)) - dd(node(rr, i - 1), R[rr][i]) - dd(R[rr][j], node(rr, j + 1));
            if (delta <= 0 || urand() < exp(-delta / T)) { reverse(R[rr].begin() + i, R[rr].begin() + j + 1); cur += delta; }
        } else if (mv < 80) {  // relocate a customer
            int r1 = rndi(k), m1 = R[r1].size();
            if (m1 == 0) continue;
            int i = rndi(m1), c = R[r1][i], r2 = rndi(k);
            if (r2 != r1 && load[r2] + D[c] > q) continue;
            double rem = dd(node(r1, i - 1), node(r1, i + 1)) - dd(node(r1, i - 1), c) - dd(c, node(r1, i + 1));
            R[r1].erase(R[r1].begin() + i);
            int pos = rndi(R[r2].size() + 1);
            double add = dd(node(r2, pos - 1), c) + dd(c, node(r2, pos)) - dd(node(r2, pos - 1), node(r2, pos));
            double delta = rem + add;
            if (delta <= 0 || urand() < exp(-delta / T)) {
                R[r2].insert(R[r2].begin() + pos, c);
                if (r1 != r2) { load[r1] -= D[c]; load[r2] += D[c]; }
                cur += delta;
            } else R[r1].insert(R[r1].begin() + i, c);
        } else {  // swap two customers of different routes
            int r1 = rndi(k), r2 = rndi(k);
            if (r1 == r2 || R[r1].empty() || R[r2].empty()) continue;
            int i = rndi(R[r1].size()), j = rndi(R[r2].size()), a = R[r1][i], b = R[r2][j];
            if (load[r1] - D[a] + D[b] > q || load[r2] - D[b] + D[a] > q) continue;
            int p1 = node(r1, i - 1), n1 = node(r1, i + 1), p2 = node(r2, j - 1), n2 = node(r2, j + 1);
            double delta = dd(p1, b) + dd(b, n1) - dd(p1, a) - dd(a, n1) + dd(p2, a) + dd(a, n2) - dd(p2, b) - dd(b, n2);
            if (delta <= 0 || urand() < exp(-delta / T)) {
                R[r1][i] = b; R[r2][j] = a;
                load[r1] += D[b] - D[a]; load[r2] += D[a] - D[b];
                cur += delta;
            }
        }
        if (cur < best - 1e-9) { best = cur; bestR = R; }
    }
    for (auto& route : bestR) {
        printf("%d", (int)route.size());
        for (int c : route) printf(" %d", c);
        printf("\n");
    }
}
