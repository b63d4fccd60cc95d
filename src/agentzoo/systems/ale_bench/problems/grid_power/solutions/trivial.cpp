// grid_power, trivial: every generator on at Pmax in every interval.
#include <cstdio>
#include <vector>
int main() {
    int G, T;
    scanf("%d %d", &G, &T);
    std::vector<int> d(T), pmax(G);
    for (auto& x : d) scanf("%d", &x);
    for (int g = 0; g < G; g++) { int a[8]; for (auto& x : a) scanf("%d", &x); pmax[g] = a[1]; }
    for (int t = 0; t < T; t++) { for (int g = 0; g < G; g++) printf(g ? " %d" : "%d", pmax[g]); printf("\n"); }
}
