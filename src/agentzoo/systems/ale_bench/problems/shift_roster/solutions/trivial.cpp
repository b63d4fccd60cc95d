// shift_roster, trivial: each day, fill every shift's seniors then its headcount in index order.
#include <cstdio>
#include <string>
#include <vector>
int main() {
    int n, D;
    scanf("%d %d", &n, &D);
    std::vector<int> sen(n), tg(n);
    for (auto& x : sen) scanf("%d", &x);
    for (auto& x : tg) scanf("%d", &x);
    for (int w = 0; w < n; w++) { int pref; scanf("%d", &pref); }
    std::vector<std::string> rows(n, std::string(D, '.'));
    const char* S = "MEN";
    for (int d = 0; d < D; d++) {
        int need[6];
        for (auto& x : need) scanf("%d", &x);
        std::vector<bool> used(n, false);
        for (int s = 0; s < 3; s++) {
            int count = 0, seniors = 0;
            for (int w = 0; w < n; w++)
                if (seniors < need[2 * s + 1] && sen[w] && !used[w]) { used[w] = true; rows[w][d] = S[s]; seniors++; count++; }
            for (int w = 0; w < n; w++)
                if (count < need[2 * s] && !used[w]) { used[w] = true; rows[w][d] = S[s]; count++; }
        }
    }
    for (auto& r : rows) printf("%s\n", r.c_str());
}
