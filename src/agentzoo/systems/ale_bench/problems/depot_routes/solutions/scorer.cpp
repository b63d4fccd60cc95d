// depot_routes scorer, the independent C++ twin of scorer.py (tests only).
// usage: scorer INPUT OUTPUT -> prints "SCORE" or "WA <reason>"
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
using namespace std;
static bool as_int(const string& t, long long& v) {
    size_t i = (t.size() > 0 && t[0] == '-') ? 1 : 0;
    if (i == t.size() || t.size() > 18) return false;
    for (size_t j = i; j < t.size(); j++) if (t[j] < '0' || t[j] > '9') return false;
    v = stoll(t);
    return true;
}
int main(int argc, char** argv) {
    if (argc < 3) return 2;
    ifstream fin(argv[1]), fout(argv[2]);
    int n, k, q;
    fin >> n >> k >> q;
    vector<long long> x(n + 1), y(n + 1), d(n + 1);
    fin >> x[0] >> y[0];
    for (int i = 1; i <= n; i++) fin >> x[i] >> y[i] >> d[i];
    vector<string> tok;
    string t;
    while (fout >> t) tok.push_back(t);
    size_t p = 0;
    vector<int> seen(n + 1, 0);
    double total = 0;
    long long served = 0;
    for (int r = 0; r < k; r++) {
        long long m;
        if (p >= tok.size() || !as_int(tok[p++], m) || m < 0 || m > n) { printf("WA route length\n"); return 0; }
        long long load = 0, px = x[0], py = y[0];
        for (long long i = 0; i < m; i++) {
            long long c;
            if (p >= tok.size() || !as_int(tok[p++], c) || c < 1 || c > n) { printf("WA customer\n"); return 0; }
            if (seen[c]) { printf("WA twice\n"); return 0; }
            seen[c] = 1; served++;
            load += d[c];
            total += sqrt((double)((x[c] - px) * (x[c] - px) + (y[c] - py) * (y[c] - py)));
            px = x[c]; py = y[c];
        }
        if (m > 0) total += sqrt((double)((x[0] - px) * (x[0] - px) + (y[0] - py) * (y[0] - py)));
        if (load > q) { printf("WA overload\n"); return 0; }
    }
    if (p != tok.size()) { printf("WA extra\n"); return 0; }
    long long cost = (long long)ceil(total) + 10000LL * (n - served);
    printf("%lld\n", cost);
}
