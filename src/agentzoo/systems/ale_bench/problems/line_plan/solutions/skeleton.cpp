// line_plan, skeleton: an untuned simulated annealing whose knobs are marked for typed edits.
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

const double T0 = 2000.0;  // @param T0=2000 [1,100000] log
const double T1 = 200.0;  // @param T1=200 [0.01,1000] log
const double TIME_FRAC = 0.2;  // @param TIME_FRAC=0.2 [0.05,0.9]
const bool EDD_INIT = false;  // @switch EDD_INIT
const bool USE_REMOVE = false;  // @switch USE_REMOVE

static uint64_t rs = 88172645463325252ULL;
static inline uint64_t rnd() { rs ^= rs << 7; rs ^= rs >> 9; return rs; }
static inline int rndi(int m) { return (int)(rnd() % (uint64_t)m); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }
int n, k, H, sg, F;
vector<int> e, s, P, D, V, Wt, Fm;
const long long BAD = -(1LL << 60);
long long eval(int m, const vector<int>& seq) {
    long long t = 0, profit = 0;
    int fam = -1;
    for (int j : seq) {
        if (fam >= 0 && fam != Fm[j]) { t += s[fam * F + Fm[j]]; profit -= (long long)sg * s[fam * F + Fm[j]]; }
        fam = Fm[j];
        t += (P[j] * 100 + e[m] - 1) / e[m];
        if (t > H) return BAD;
        profit += V[j] - (long long)Wt[j] * max(0LL, t - D[j]);
    }
    return profit;
}
int main() {
    if (scanf("%d %d %d %d", &n, &k, &H, &sg) != 4) return 1;
    e.resize(k);
    for (auto& x : e) if (scanf("%d", &x) != 1) return 1;
    if (scanf("%d", &F) != 1) return 1;
    s.resize(F * F);
    for (auto& x : s) if (scanf("%d", &x) != 1) return 1;
    P.resize(n); D.resize(n); V.resize(n); Wt.resize(n); Fm.resize(n);
    for (int j = 0; j < n; j++) if (scanf("%d %d %d %d %d", &P[j], &D[j], &V[j], &Wt[j], &Fm[j]) != 5) return 1;
    const char* env = getenv("AGENTZOO_TIME_LIMIT");
    double tl = env ? atof(env) : 2.0;
    env = getenv("AGENTZOO_ITER_BUDGET");
    long long budget = env ? (long long)(atoll(env) * TIME_FRAC) : 0;
    env = getenv("AGENTZOO_SEED");
    if (env) rs ^= (uint64_t)atoll(env) * 0x9E3779B97F4A7C15ULL + 1;
    auto start = chrono::steady_clock::now();
    vector<int> order(n);
    for (int j = 0; j < n; j++) order[j] = j;
    if (EDD_INIT) stable_sort(order.begin(), order.end(), [&](int a, int b) { return D[a] < D[b]; });
    vector<vector<int>> L(k);
    vector<int> out;
    for (int j : order) {  // append to the first machine where it fits and adds profit
        bool placed = false;
        for (int m = 0; m < k && !placed; m++) {
            long long before = eval(m, L[m]);
            L[m].push_back(j);
            long long after = eval(m, L[m]);
            if (after == BAD || after <= before) L[m].pop_back(); else placed = true;
        }
        if (!placed) out.push_back(j);
    }
    vector<long long> val(k);
    long long cur = 0;
    for (int m = 0; m < k; m++) { val[m] = eval(m, L[m]); cur += val[m]; }
    long long best = cur;
    auto bestL = L;
    double temp = T0, progress = 0;
    for (long long it = 0;; it++) {
        if ((it & 127) == 0) {
            progress = budget > 0 ? (double)it / budget : chrono::duration<double>(chrono::steady_clock::now() - start).count() / (tl * TIME_FRAC);
            if (progress >= 1.0) break;
            temp = T0 * pow(T1 / T0, progress);
        }
        int mv = rndi(100);
        if (mv < 30 && !out.empty()) {
            int oi = rndi(out.size()), m = rndi(k);
            vector<int> seq = L[m];
            seq.insert(seq.begin() + rndi(seq.size() + 1), out[oi]);
            long long nv = eval(m, seq);
            if (nv == BAD) continue;
            long long delta = nv - val[m];
            if (delta >= 0 || urand() < exp(delta / temp)) { L[m] = seq; val[m] = nv; cur += delta; out[oi] = out.back(); out.pop_back(); }
        } else if (mv < 45 && USE_REMOVE) {
            int m = rndi(k);
            if (L[m].empty()) continue;
            vector<int> seq = L[m];
            int i = rndi(seq.size()), j = seq[i];
            seq.erase(seq.begin() + i);
            long long nv = eval(m, seq), delta = nv - val[m];
            if (delta >= 0 || urand() < exp(delta / temp)) { L[m] = seq; val[m] = nv; cur += delta; out.push_back(j); }
        } else {
            int m1 = rndi(k), m2 = rndi(k);
            if (L[m1].empty()) continue;
            vector<int> a = L[m1];
            int i = rndi(a.size()), j = a[i];
            a.erase(a.begin() + i);
            vector<int> b = (m1 == m2) ? a : L[m2];
            b.insert(b.begin() + rndi(b.size() + 1), j);
            long long na = m1 == m2 ? 0 : eval(m1, a), nb = eval(m2, b);
            if (na == BAD || nb == BAD) continue;
            long long delta = m1 == m2 ? nb - val[m1] : na + nb - val[m1] - val[m2];
            if (delta >= 0 || urand() < exp(delta / temp)) {
                if (m1 != m2) { L[m1] = a; val[m1] = na; }
                L[m2] = b; val[m2] = nb; cur += delta;
            }
        }
        if (cur > best) { best = cur; bestL = L; }
    }
    for (auto& l : bestL) { printf("%d", (int)l.size()); for (int j : l) printf(" %d", j + 1); printf("\n"); }
}
