// line_plan, greedy: jobs by due date; each goes to the machine where appending it gains most.
// AGENTZOO_SEED > 0 adds a small random jitter to the gains (different tie-breaks).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
static uint64_t rs = 88172645463325252ULL;
static double urand() { rs ^= rs << 7; rs ^= rs >> 9; return (rs >> 11) * (1.0 / 9007199254740992.0); }
int main() {
    int n, k, H, sg, F;
    scanf("%d %d %d %d", &n, &k, &H, &sg);
    std::vector<int> e(k);
    for (auto& x : e) scanf("%d", &x);
    scanf("%d", &F);
    std::vector<int> s(F * F);
    for (auto& x : s) scanf("%d", &x);
    std::vector<int> P(n), D(n), V(n), Wt(n), Fm(n), order(n);
    for (int j = 0; j < n; j++) { scanf("%d %d %d %d %d", &P[j], &D[j], &V[j], &Wt[j], &Fm[j]); order[j] = j; }
    const char* env = getenv("AGENTZOO_SEED");
    long seed = env ? atol(env) : 0;
    if (seed > 0) rs ^= (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return D[a] < D[b]; });
    std::vector<int> t(k, 0), fam(k, -1);
    std::vector<std::vector<int>> L(k);
    for (int j : order) {
        double best = 0; int bm = -1, bend = 0;
        for (int m = 0; m < k; m++) {
            int st = fam[m] >= 0 ? s[fam[m] * F + Fm[j]] : 0;
            int end = t[m] + st + (P[j] * 100 + e[m] - 1) / e[m];
            if (end > H) continue;
            double gain = V[j] - Wt[j] * std::max(0, end - D[j]) - sg * st;
            if (seed > 0) gain += 3.0 * urand();
            if (gain > best) { best = gain; bm = m; bend = end; }
        }
        if (bm >= 0) { t[bm] = bend; fam[bm] = Fm[j]; L[bm].push_back(j + 1); }
    }
    for (auto& l : L) { printf("%d", (int)l.size()); for (int j : l) printf(" %d", j); printf("\n"); }
}
