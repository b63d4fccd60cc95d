// probe_map, skeleton: an untuned simulated annealing whose knobs are marked for typed edits.
// `// @param NAME=VALUE [LO,HI] (log)` marks a tunable constant, `// @switch NAME` an on/off feature.
// Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET (iterations = budget * TIME_FRAC) and AGENTZOO_SEED.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
using namespace std;

const double T0 = 20.0;  // @param T0=20 [0.01,100] log
const double T1 = 2.0;  // @param T1=2 [0.001,10] log
const double TIME_FRAC = 0.2;  // @param TIME_FRAC=0.2 [0.05,0.8]
const int RESTARTS = 1;  // @param RESTARTS=1 [1,8]
const bool VERIFY_DRILL = false;  // @switch VERIFY_DRILL
const bool LOCAL_MOVES = false;  // @switch LOCAL_MOVES
static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
static inline int rndi(int m) { return (int)(rnd() % (uint64_t)m); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }
static int ask(char c, int x, int y) {
    printf("%c %d %d\n", c, x, y);
    fflush(stdout);
    int r;
    if (scanf("%d", &r) != 1) exit(0);
    return r;
}
int n, D;
double pen[10][12];  // -log P(reading r | true count c)
int main() {
    int L;
    if (scanf("%d %d %d", &n, &D, &L) != 3) return 1;
    const char* e = getenv("AGENTZOO_TIME_LIMIT");
    double tl = e ? atof(e) : 2.0;
    e = getenv("AGENTZOO_ITER_BUDGET");
    long long budget = e ? (long long)(atoll(e) * TIME_FRAC) : 0;
    e = getenv("AGENTZOO_SEED");
    if (e) rs ^= (uint64_t)atoll(e) * 0x9E3779B97F4A7C15ULL + 1;
    auto start = chrono::steady_clock::now();
    for (int c = 0; c < 10; c++)
        for (int r = 0; r < 12; r++) {
            double p = 0;
            if (c == 0) p = r == 0 ? 0.85 : (r == 1 ? 0.15 : 0);
            else p = r == c ? 0.7 : (abs(r - c) == 1 ? 0.15 : 0);
            pen[c][r] = p > 0 ? -log(p) : 12.0 + 4.0 * abs(r - c);
        }
    vector<int> R(n * n);
    for (int x = 0; x < n; x++) for (int y = 0; y < n; y++) R[x * n + y] = min(11, ask('q', x, y));
    vector<int> votes(n * n, 0);
    double limit = tl * TIME_FRAC - chrono::duration<double>(chrono::steady_clock::now() - start).count();
    for (int run = 0; run < RESTARTS; run++) {
        vector<char> dep(n * n, 0);
        vector<int> cnt(n * n, 0), pos;
        while ((int)pos.size() < D) { int c = rndi(n * n); if (!dep[c]) { dep[c] = 1; pos.push_back(c); } }
        auto bump = [&](int c, int v) {
            int x = c / n, y = c % n;
            for (int dx = -1; dx <= 1; dx++) for (int dy = -1; dy <= 1; dy++) {
                int a = x + dx, b = y + dy;
                if (a >= 0 && a < n && b >= 0 && b < n) cnt[a * n + b] += v;
            }
        };
        for (int c : pos) bump(c, 1);
        double cur = 0;
        for (int c = 0; c < n * n; c++) cur += pen[min(cnt[c], 9)][R[c]];
        double best = cur;
        vector<int> bestpos = pos;
        auto t0 = chrono::steady_clock::now();
        double mylimit = limit / RESTARTS;
        long long mybudget = budget / RESTARTS;
        double temp = T0;
        vector<int> area;
        for (long long it = 0;; it++) {
            if ((it & 255) == 0) {
                double progress = mybudget > 0 ? (double)it / mybudget : chrono::duration<double>(chrono::steady_clock::now() - t0).count() / mylimit;
                if (progress >= 1.0) break;
                temp = T0 * pow(T1 / T0, progress);
            }
            int i = rndi(D), from = pos[i], to;
            if (LOCAL_MOVES && rndi(2)) { int x = from / n + rndi(3) - 1, y = from % n + rndi(3) - 1; if (x < 0 || x >= n || y < 0 || y >= n) continue; to = x * n + y; }
            else to = rndi(n * n);
            if (dep[to]) continue;
            area.clear();
            for (int c : {from, to}) {
                int x = c / n, y = c % n;
                for (int dx = -1; dx <= 1; dx++) for (int dy = -1; dy <= 1; dy++) {
                    int a = x + dx, b = y + dy;
                    if (a >= 0 && a < n && b >= 0 && b < n) area.push_back(a * n + b);
                }
            }
            sort(area.begin(), area.end());
            area.erase(unique(area.begin(), area.end()), area.end());
            double before = 0, after = 0;
            for (int c : area) before += pen[min(cnt[c], 9)][R[c]];
            bump(from, -1); bump(to, 1);
            for (int c : area) after += pen[min(cnt[c], 9)][R[c]];
            double delta = after - before;
            if (delta <= 0 || urand() < exp(-delta / temp)) {
                dep[from] = 0; dep[to] = 1; pos[i] = to; cur += delta;
                if (cur < best - 1e-9) { best = cur; bestpos = pos; }
            } else { bump(to, -1); bump(from, 1); }
        }
        for (int c : bestpos) votes[c]++;
    }
    // verify by drilling: cells every restart agrees on, then disputed cells, then the
    // neighbours of agreed cells that turned out empty; stop once all D deposits are found
    vector<int> known(n * n, -1), order;
    for (int want = RESTARTS; want >= 1; want--)
        for (int c = 0; c < n * n; c++) if (votes[c] == want) order.push_back(c);
    int found = 0;
    vector<int> empty_agreed;
    for (int c : order) {
        if (!VERIFY_DRILL) { if (votes[c] * 2 > RESTARTS) known[c] = 1; continue; }
        if (found >= D) break;
        known[c] = ask('d', c / n, c % n);
        found += known[c];
        if (!known[c] && votes[c] == RESTARTS) empty_agreed.push_back(c);
    }
    for (int c : empty_agreed) {
        int x = c / n, y = c % n;
        for (int dx = -1; dx <= 1 && found < D; dx++)
            for (int dy = -1; dy <= 1 && found < D; dy++) {
                int a = x + dx, b = y + dy;
                if (a < 0 || a >= n || b < 0 || b >= n || known[a * n + b] >= 0) continue;
                known[a * n + b] = ask('d', a, b);
                found += known[a * n + b];
            }
    }
    vector<pair<int, int>> ans;
    for (int c = 0; c < n * n; c++) if (known[c] == 1) ans.push_back({c / n, c % n});
    printf("a %d", (int)ans.size());
    for (auto [x, y] : ans) printf(" %d %d", x, y);
    printf("\n");
    fflush(stdout);
}
