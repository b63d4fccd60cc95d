// stamp_art scorer, the independent C++ twin of scorer.py (tests only).
// usage: scorer INPUT OUTPUT -> prints "SCORE" or "WA <reason>"
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
    long long H, W, C, M, K;
    fin >> H >> W >> C >> M >> K;
    vector<vector<string>> mask(M);
    for (auto& mk : mask) { int h, w; fin >> h >> w; mk.resize(h); for (auto& r : mk) fin >> r; }
    vector<string> T(H);
    for (auto& r : T) fin >> r;
    vector<string> tok; string t;
    while (fout >> t) tok.push_back(t);
    vector<long long> v(tok.size());
    for (size_t i = 0; i < tok.size(); i++) if (!as_int(tok[i], v[i])) { printf("WA not an integer\n"); return 0; }
    if (v.empty() || v[0] < 0 || v[0] > K || (long long)v.size() != 1 + 4 * v[0]) { printf("WA count\n"); return 0; }
    vector<vector<int>> cv(H, vector<int>(W, 0));
    for (long long i = 0; i < v[0]; i++) {
        long long m = v[1 + 4 * i], r = v[2 + 4 * i], c = v[3 + 4 * i], col = v[4 + 4 * i];
        if (m < 0 || m >= M || col < 0 || col >= C) { printf("WA shape/colour\n"); return 0; }
        long long h = mask[m].size(), w = mask[m][0].size();
        if (r < -(h - 1) || r > H - 1 || c < -(w - 1) || c > W - 1) { printf("WA position\n"); return 0; }
        for (long long a = 0; a < h; a++)
            for (long long b = 0; b < w; b++)
                if (mask[m][a][b] == '#' && r + a >= 0 && r + a < H && c + b >= 0 && c + b < W) cv[r + a][c + b] = (int)col;
    }
    long long matched = 0;
    for (long long i = 0; i < H; i++) for (long long j = 0; j < W; j++) matched += cv[i][j] == T[i][j] - '0';
    printf("%lld\n", (2000000LL * matched + H * W) / (2 * H * W));
}
