// depot_routes, trivial: first fit in index order; each route visits its customers by index.
#include <cstdio>
#include <vector>
int main() {
    int n, k, q, dx, dy;
    if (scanf("%d %d %d %d %d", &n, &k, &q, &dx, &dy) != 5) return 1;
    std::vector<int> d(n);
    for (int i = 0; i < n; i++) { int x, y; scanf("%d %d %d", &x, &y, &d[i]); }
    std::vector<std::vector<int>> routes(k);
    std::vector<int> load(k, 0);
    for (int i = 0; i < n; i++)
        for (int r = 0; r < k; r++)
            if (load[r] + d[i] <= q) { load[r] += d[i]; routes[r].push_back(i + 1); break; }
    for (auto& r : routes) {
        printf("%d", (int)r.size());
        for (int c : r) printf(" %d", c);
        printf("\n");
    }
}
