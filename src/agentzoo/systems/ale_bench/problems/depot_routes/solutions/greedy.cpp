// depot_routes, greedy: nearest neighbour, one vehicle after another.
// AGENTZOO_SEED > 0 perturbs distances by up to 2% to break ties differently.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
static uint64_t rs = 88172645463325252ULL;
static double urand() { rs ^= rs << 7; rs ^= rs >> 9; return (rs >> 11) * (1.0 / 9007199254740992.0); }
int main() {
    int n, k, q;
    if (scanf("%d %d %d", &n, &k, &q) != 3) return 1;
    std::vector<int> x(n + 1), y(n + 1), d(n + 1, 0);
    scanf("%d %d", &x[0], &y[0]);
    for (int i = 1; i <= n; i++) scanf("%d %d %d", &x[i], &y[i], &d[i]);
    const char* s = getenv("AGENTZOO_SEED");
    long seed = s ? atol(s) : 0;
    if (seed > 0) rs ^= (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
    std::vector<bool> done(n + 1, false);
    for (int r = 0; r < k; r++) {
        std::vector<int> route;
        int cur = 0, load = 0;
        for (;;) {
            int best = -1; double bd = 1e18;
            for (int i = 1; i <= n; i++) {
                if (done[i] || load + d[i] > q) continue;
                double dist = std::hypot((double)(x[i] - x[cur]), (double)(y[i] - y[cur]));
                if (seed > 0) dist *= 1.0 + 0.02 * urand();
                if (dist < bd) { bd = dist; best = i; }
            }
            if (best < 0) break;
            done[best] = true; load += d[best]; route.push_back(best); cur = best;
        }
        printf("%d", (int)route.size());
        for (int c : route) printf(" %d", c);
        printf("\n");
    }
}
