// line_plan, simulated annealing: due-date greedy start, then insert, remove, move and swap
// jobs, re-evaluating only the machines a move touches.
// Honours AGENTZOO_TIME_LIMIT, AGENTZOO_ITER_BUDGET and AGENTZOO_SEED.
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
static inline int rndi(int m) { return (int)(rnd() % (uint64_t)m); }
static inline double urand() { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }
int n, k, H, sg, F;
vector<int> e, s, P, D, V, Wt, Fm;
vector<vector<int>> PT;  // processing time of job j on machine m
const long long INF = -(1LL << 60);
long long eval(int m, const vector<int>& seq) {
    long long t = 0, profit = 0;
    int fam = -1;
    for (int j : seq) {
        if (fam >= 0 && fam != Fm[j]) { t += s[fam * F + Fm[j]]; profit -= (long long)sg * s[fam * F + Fm[j]]; }
        fam = Fm[j];
        t += PT[j][m];
        if (t > H) return INF;
        profit += V[j] - (long long)Wt[j] * max(0LL, t - D[j]);
    }
    return profit;
}
int main() {
    scanf("%d %d %d %d", &n, &k, &H, &sg);
    e.resize(k);
    for (auto& x : e) scanf("%d", &x);
    scanf("%d", &F);
    s.resize(F * F);
    for (auto& x : s) scanf("%d", &x);
    P.resize(n); D.resize(n); V.resize(n); Wt.resize(n); Fm.resize(n);
    for (int j = 0; j < n; j++) scanf("%d %d %d %d %d", &P[j], &D[j], &V[j], &Wt[j], &Fm[j]);
    PT.assign(n, vector<int>(k));
    for (int j = 0; j < n; j++) for (int m = 0; m < k; m++) PT[j][m] = (P[j] * 100 + e[m] - 1) / e[m];
    const char* env = getenv("AGENTZOO_TIME_LIMIT");
    double tl = env ? atof(env) : 2.0;
    env = getenv("AGENTZOO_ITER_BUDGET");
    long long budget = env ? atoll(env) : 0;
    env = getenv("AGENTZOO_SEED");
    if (env) rs ^= (uint64_t)atoll(env) * 0x9E3779B97F4A7C15ULL + 1;
    auto start = chrono::steady_clock::now();
    // greedy start (due-date order, best append)
    vector<int> order(n);
    for (int j = 0; j < n; j++) order[j] = j;
    stable_sort(order.begin(), order.end(), [&](int a, int b) { return D[a] < D[b]; });
    vector<vector<int>> L(k);
    vector<int> t(k, 0), fam(k, -1), out;
    for (int j : order) {
        long long best = 0; int bm = -1, bend = 0;
        for (int m = 0; m < k; m++) {
            int st = fam[m] >= 0 ? s[fam[m] * F + Fm[j]] : 0, end = t[m] + st + PT[j][m];
            if (end > H) continue;
            long long gain = V[j] - (long long)Wt[j] * max(0, end - D[j]) - (long long)sg * st;
            if (gain > best) { best = gain; bm = m; bend = end; }
        }
        if (bm >= 0) { t[bm] = bend; fam[bm] = Fm[j]; L[bm].push_back(j); } else out.push_back(j);
    }
    vector<long long> val(k);
    long long cur = 0;
    for (int m = 0; m < k; m++) { val[m] = eval(m, L[m]); cur += val[m]; }
    long long best = cur;
    auto bestL = L;
    const double T0 = 40.0, T1 = 0.5;
    double temp = T0, progress = 0, limit = tl * 0.8;
    for (long long it = 0;; it++) {
        if ((it & 127) == 0) {
            progress = budget > 0 ? (double)it / budget : chrono::duration<double>(chrono::steady_clock::now() - start).count() / limit;
            if (progress >= 1.0) break;
            temp = T0 * pow(T1 / T0, progress);
        }
        int mv = rndi(100);
        if (mv < 25 && !out.empty()) {  // insert an unscheduled job
            int oi = rndi(out.size()), j = out[oi], m = rndi(k);
            vector<int> seq = L[m];
            seq.insert(seq.begin() + rndi(seq.size() + 1), j);
            long long nv = eval(m, seq);
            if (nv == INF) continue;
            long long delta = nv - val[m];
            if (delta >= 0 || urand() < exp(delta / temp)) { L[m] = seq; val[m] = nv; cur += delta; out[oi] = out.back(); out.pop_back(); }
        } else if (mv < 35) {  // remove a job
            int m = rndi(k);
            if (L[m].empty()) continue;
            int i = rndi(L[m].size());
            vector<int> seq = L[m];
            int j = seq[i];
            seq.erase(seq.begin() + i);
            long long nv = eval(m, seq), delta = nv - val[m];
            if (delta >= 0 || urand() < exp(delta / temp)) { L[m] = seq; val[m] = nv; cur += delta; out.push_back(j); }
        } else if (mv < 70) {  // move a job
            int m1 = rndi(k), m2 = rndi(k);
            if (L[m1].empty()) continue;
            vector<int> a = L[m1];
            int i = rndi(a.size()), j = a[i];
            a.erase(a.begin() + i);
            vector<int> b = (m1 == m2) ? a : L[m2];
            b.insert(b.begin() + rndi(b.size() + 1), j);
            long long na = m1 == m2 ? 0 : eval(m1, a), nb = eval(m2, b);
            if (na == INF || nb == INF) continue;
            long long delta = m1 == m2 ? nb - val[m1] : na + nb - val[m1] - val[m2];
            if (delta >= 0 || urand() < exp(delta / temp)) {
                if (m1 != m2) { L[m1] = a; val[m1] = na; }
                L[m2] = b; val[m2] = nb; cur += delta;
            }
        } else {  // swap two jobs (or a job with an unscheduled one)
            int m1 = rndi(k);
            if (L[m1].empty()) continue;
            int i = rndi(L[m1].size());
            if (!out.empty() && mv < 85) {
                int oi = rndi(out.size());
                vector<int> a = L[m1];
                swap(a[i], out[oi]);
                long long na = eval(m1, a);
                if (na == INF) { swap(a[i], out[oi]); continue; }
                long long delta = na - val[m1];
                if (delta >= 0 || urand() < exp(delta / temp)) { L[m1] = a; val[m1] = na; cur += delta; }
                else swap(a[i], out[oi]);
            } else {
                int m2 = rndi(k);
                if (L[m2].empty()) continue;
                int j2 = rndi(L[m2].size());
                if (m1 == m2 && i == j2) continue;
                vector<int> a = L[m1], b = L[m2];
                if (m1 == m2) swap(a[i], a[j2]); else swap(a[i], b[j2]);
                long long na = eval(m1, a), nb = m1 == m2 ? 0 : eval(m2, b);
                if (na == INF || nb == INF) continue;
                long long delta = m1 == m2 ? na - val[m1] : na + nb - val[m1] - val[m2];
                if (delta >= 0 || urand() < exp(delta / temp)) {
                    L[m1] = a; val[m1] = na;
                    if (m1 != m2) { L[m2] = b; val[m2] = nb; }
                    cur += delta;
                }
            }
        }
        if (cur > best) { best = cur; bestL = L; }
    }
    for (auto& l : bestL) { printf("%d", (int)l.size()); for (int j : l) printf(" %d", j + 1); printf("\n"); }
}
