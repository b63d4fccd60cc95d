// grid_power scorer, the independent C++ twin of scorer.py (tests only).
// usage: scorer INPUT OUTPUT -> prints "SCORE" or "WA <reason>"
#include <cstdio>
#include <cstdlib>
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
    long long G, T;
    fin >> G >> T;
    vector<long long> D(T);
    for (auto& x : D) fin >> x;
    vector<vector<long long>> u(G, vector<long long>(8));
    for (auto& r : u) for (auto& x : r) fin >> x;
    long long LB; fin >> LB;
    vector<long long> a; string t;
    while (fout >> t) { long long x; if (!as_int(t, x)) { printf("WA not an integer\n"); return 0; } a.push_back(x); }
    if ((long long)a.size() != G * T) { printf("WA count\n"); return 0; }
    auto P = [&](long long tt, long long g) { return a[tt * G + g]; };
    long long cost = 0;
    for (long long tt = 0; tt < T; tt++) {
        long long sum = 0;
        for (long long g = 0; g < G; g++) sum += P(tt, g);
        if (sum < D[tt]) { printf("WA demand\n"); return 0; }
    }
    for (long long g = 0; g < G; g++) {
        long long pmin = u[g][0], pmax = u[g][1], R = u[g][2], U = u[g][3], Dn = u[g][4];
        for (long long tt = 0; tt < T; tt++) {
            long long x = P(tt, g);
            if (x != 0 && (x < pmin || x > pmax)) { printf("WA range\n"); return 0; }
            bool on = x > 0, prev = tt > 0 && P(tt - 1, g) > 0;
            if (on && prev && llabs(x - P(tt - 1, g)) > R) { printf("WA ramp\n"); return 0; }
            if (on) cost += u[g][6] + u[g][7] * x + (prev ? 0 : u[g][5]);
        }
        long long s = 0;
        while (s < T) {
            bool v = P(s, g) > 0;
            long long e = s;
            while (e + 1 < T && (P(e + 1, g) > 0) == v) e++;
            long long len = e - s + 1;
            if (v && e < T - 1 && len < U) { printf("WA min up\n"); return 0; }
            if (!v && s > 0 && e < T - 1 && len < Dn) { printf("WA min down\n"); return 0; }
            s = e + 1;
        }
    }
    printf("%lld\n", (200000000LL * LB + cost) / (2 * cost));
}
