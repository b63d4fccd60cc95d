// line_plan scorer, the independent C++ twin of scorer.py (tests only).
// usage: scorer INPUT OUTPUT -> prints "SCORE" or "WA <reason>"
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>
using namespace std;
static bool as_int(const string& t, long long& v) {
    size_t i = (!t.empty() && t[0] == '-') ? 1 : 0;
    if (i == t.size() || t.size() > 18) return false;
    for (size_t j = i; j < t.size(); j++) if (t[j] < '0' || t[j] > '9') return false;
    v = stoll(t);
    return true;
}
int main(int argc, char** argv) {
    if (argc < 3) return 2;
    ifstream fin(argv[1]), fout(argv[2]);
    long long J, K, H, sg, F;
    fin >> J >> K >> H >> sg;
    vector<long long> e(K);
    for (auto& x : e) fin >> x;
    fin >> F;
    vector<long long> s(F * F);
    for (auto& x : s) fin >> x;
    vector<long long> p(J), d(J), v(J), w(J), f(J);
    for (long long j = 0; j < J; j++) fin >> p[j] >> d[j] >> v[j] >> w[j] >> f[j];
    vector<long long> a; string t;
    while (fout >> t) { long long x; if (!as_int(t, x)) { printf("WA not an integer\n"); return 0; } a.push_back(x); }
    size_t pos = 0;
    vector<char> seen(J + 1, 0);
    long long profit = 0;
    for (long long k = 0; k < K; k++) {
        if (pos >= a.size()) { printf("WA short\n"); return 0; }
        long long m = a[pos++];
        if (m < 0 || m > J || pos + m > a.size()) { printf("WA count\n"); return 0; }
        long long time = 0, fam = -1;
        for (long long i = 0; i < m; i++) {
            long long j = a[pos++];
            if (j < 1 || j > J || seen[j]) { printf("WA job\n"); return 0; }
            seen[j] = 1;
            long long jj = j - 1;
            if (fam >= 0 && fam != f[jj]) { time += s[fam * F + f[jj]]; profit -= sg * s[fam * F + f[jj]]; }
            fam = f[jj];
            time += (p[jj] * 100 + e[k] - 1) / e[k];
            if (time > H) { printf("WA horizon\n"); return 0; }
            profit += v[jj] - w[jj] * max(0LL, time - d[jj]);
        }
    }
    if (pos != a.size()) { printf("WA extra\n"); return 0; }
    printf("%lld\n", max(1LL, profit));
}
