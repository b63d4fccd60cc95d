// shift_roster scorer, the independent C++ twin of scorer.py (tests only).
// usage: scorer INPUT OUTPUT -> prints "SCORE" or "WA <reason>"
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>
using namespace std;
int main(int argc, char** argv) {
    if (argc < 3) return 2;
    ifstream fin(argv[1]), fout(argv[2]);
    int n, D;
    fin >> n >> D;
    vector<int> sen(n), tg(n), pf(n);
    for (auto& x : sen) fin >> x;
    for (auto& x : tg) fin >> x;
    for (auto& x : pf) fin >> x;
    vector<vector<int>> need(D, vector<int>(6));
    for (auto& r : need) for (auto& x : r) fin >> x;
    int P; fin >> P;
    set<pair<int, int>> req;
    for (int i = 0; i < P; i++) { int w, d; fin >> w >> d; req.insert({w, d}); }
    vector<string> rows; string t;
    while (fout >> t) rows.push_back(t);
    if ((int)rows.size() != n) { printf("WA rows\n"); return 0; }
    const string S = "MEN";
    for (auto& r : rows) {
        if ((int)r.size() != D) { printf("WA row length\n"); return 0; }
        for (char c : r) if (c != '.' && S.find(c) == string::npos) { printf("WA char\n"); return 0; }
    }
    long long cost = 1;
    for (int d = 0; d < D; d++)
        for (int s = 0; s < 3; s++) {
            int c = 0, sc = 0;
            for (int w = 0; w < n; w++) if (rows[w][d] == S[s]) { c++; sc += sen[w]; }
            if (c < need[d][2 * s] || sc < need[d][2 * s + 1]) { printf("WA coverage\n"); return 0; }
            cost += 2LL * (c - need[d][2 * s]);
        }
    for (int w = 0; w < n; w++) {
        const string& r = rows[w];
        int worked = 0;
        for (int d = 0; d < D; d++) {
            if (r[d] == '.') continue;
            worked++;
            if (req.count({w, d})) cost += 6;
            if (r[d] != S[pf[w]]) cost += 1;
        }
        for (int d = 0; d + 1 < D; d++) {
            if (r[d] == 'N' && (r[d + 1] == 'M' || r[d + 1] == 'E')) cost += 8;
            if (r[d] == 'E' && r[d + 1] == 'M') cost += 4;
        }
        int d = 0;
        while (d < D) {
            if (r[d] == '.') { d++; continue; }
            int e = d;
            while (e < D && r[e] != '.') e++;
            cost += 3LL * max(0, e - d - 5);
            d = e;
        }
        cost += 2LL * abs(worked - tg[w]);
    }
    printf("%lld\n", cost);
}
