// probe_map scorer, the independent C++ twin of scorer.py/judge.py: replays a transcript.
// The replies (noise) do not enter the cost, so the replay needs only the commands.
// usage: scorer INPUT TRANSCRIPT -> prints "SCORE" or "WA <reason>" 
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
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
    long long n, d, lim; unsigned long long seed;
    fin >> n >> d >> lim >> seed;
    set<pair<long long, long long>> dep;
    for (long long i = 0; i < d; i++) { long long x, y; fin >> x >> y; dep.insert({x, y}); }
    long long q = 0, dr = 0;
    string line;
    vector<string> lines;
    while (getline(fout, line)) {
        bool blank = true;
        for (char c : line) if (c != ' ' && c != '\t' && c != '\r') blank = false;
        if (!blank) lines.push_back(line);
    }
    for (size_t li = 0; li < lines.size(); li++) {
        istringstream ss(lines[li]);
        vector<string> tok; string t;
        while (ss >> t) tok.push_back(t);
        vector<long long> v(tok.size(), 0);
        for (size_t i = 1; i < tok.size(); i++) if (!as_int(tok[i], v[i])) { printf("WA int\n"); return 0; }
        if (tok[0] == "q" || tok[0] == "d") {
            if (tok.size() != 3 || v[1] < 0 || v[1] >= n || v[2] < 0 || v[2] >= n) { printf("WA cell\n"); return 0; }
            if (tok[0] == "q") {
                q++;
                if (q + dr > lim) { printf("WA limit\n"); return 0; }
            } else {
                dr++;
                if (q + dr > lim) { printf("WA limit\n"); return 0; }
            }
        } else if (tok[0] == "a") {
            if (tok.size() < 2 || v[1] < 0 || (long long)tok.size() != 2 + 2 * v[1]) { printf("WA answer\n"); return 0; }
            set<pair<long long, long long>> ans;
            for (long long i = 0; i < v[1]; i++) {
                long long x = v[2 + 2 * i], y = v[3 + 2 * i];
                if (x < 0 || x >= n || y < 0 || y >= n || ans.count({x, y})) { printf("WA answer cell\n"); return 0; }
                ans.insert({x, y});
            }
            if (li + 1 != lines.size()) { printf("WA after answer\n"); return 0; }
            long long miss = 0, fals = 0;
            for (auto& c : dep) miss += !ans.count(c);
            for (auto& c : ans) fals += !dep.count(c);
            printf("%lld\n", q + 10 * dr + 1000 * (miss + fals));
            return 0;
        } else { printf("WA command\n"); return 0; }
    }
    printf("WA no answer\n");
}
