// line_plan, trivial: job j goes to machine j mod K, in index order, if it still fits the horizon.
#include <cstdio>
#include <vector>
int main() {
    int n, k, H, sg, F;
    scanf("%d %d %d %d", &n, &k, &H, &sg);
    std::vector<int> e(k);
    for (auto& x : e) scanf("%d", &x);
    scanf("%d", &F);
    std::vector<int> s(F * F);
    for (auto& x : s) scanf("%d", &x);
    std::vector<int> t(k, 0), fam(k, -1);
    std::vector<std::vector<int>> L(k);
    for (int j = 0; j < n; j++) {
        int p, d, v, w, f;
        scanf("%d %d %d %d %d", &p, &d, &v, &w, &f);
        int m = j % k;
        int end = t[m] + (fam[m] >= 0 ? s[fam[m] * F + f] : 0) + (p * 100 + e[m] - 1) / e[m];
        if (end <= H) { t[m] = end; fam[m] = f; L[m].push_back(j + 1); }
    }
    for (auto& l : L) { printf("%d", (int)l.size()); for (int j : l) printf(" %d", j); printf("\n"); }
}
