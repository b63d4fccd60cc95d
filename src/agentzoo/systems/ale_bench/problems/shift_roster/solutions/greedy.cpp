// shift_roster, greedy: day by day, staff each shift with the workers who most need shifts,
// avoiding requested days off, night-to-morning turns and long runs.
// AGENTZOO_SEED > 0 breaks priority ties at random.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>
static uint64_t rs = 88172645463325252ULL;
static uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
int main() {
    int n, D;
    scanf("%d %d", &n, &D);
    std::vector<int> sen(n), tg(n), pf(n);
    for (auto& x : sen) scanf("%d", &x);
    for (auto& x : tg) scanf("%d", &x);
    for (auto& x : pf) scanf("%d", &x);
    std::vector<std::vector<int>> need(D, std::vector<int>(6));
    for (auto& r : need) for (auto& x : r) scanf("%d", &x);
    int P;
    scanf("%d", &P);
    std::set<std::pair<int, int>> off;
    for (int i = 0; i < P; i++) { int w, d; scanf("%d %d", &w, &d); off.insert({w, d}); }
    const char* e = getenv("AGENTZOO_SEED");
    long seed = e ? atol(e) : 0;
    if (seed > 0) rs ^= (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
    std::vector<std::string> rows(n, std::string(D, '.'));
    std::vector<int> worked(n, 0), run(n, 0), tie(n, 0);
    const char* S = "MEN";
    for (int d = 0; d < D; d++) {
        std::vector<bool> used(n, false);
        for (int s = 0; s < 3; s++) {
            auto prio = [&](int w) {
                int p = 10 * (tg[w] - worked[w]);
                if (off.count({w, d})) p -= 100;
                if (d > 0 && rows[w][d - 1] == 'N' && S[s] != 'N') p -= 100;
                if (S[s] == 'M' && d > 0 && rows[w][d - 1] == 'E') p -= 50;
                if (pf[w] == s) p += 5;
                if (run[w] >= 5) p -= 40;
                return p;
            };
            int picked = 0;
            for (int pass = 0; pass < 2; pass++) {
                int quota = pass == 0 ? need[d][2 * s + 1] : need[d][2 * s];
                std::vector<int> c;
                for (int w = 0; w < n; w++) if (!used[w] && (sen[w] || pass == 1)) c.push_back(w);
                for (int w : c) tie[w] = seed > 0 ? (int)(rnd() % 1000) : w;
                std::sort(c.begin(), c.end(), [&](int a, int b) {
                    int pa = prio(a), pb = prio(b);
                    return pa != pb ? pa > pb : tie[a] < tie[b];
                });
                for (int w : c) {
                    if (picked >= quota) break;
                    used[w] = true; rows[w][d] = S[s]; picked++;
                }
            }
        }
        for (int w = 0; w < n; w++) { if (used[w]) { worked[w]++; run[w]++; } else run[w] = 0; }
    }
    for (auto& r : rows) printf("%s\n", r.c_str());
}
