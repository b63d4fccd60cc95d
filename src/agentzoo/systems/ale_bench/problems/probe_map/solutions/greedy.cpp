// probe_map, greedy: read the centre of every 3x3 block (twice if the first reading is 0) and
// drill every cell of the blocks that read positive. AGENTZOO_SEED > 0 reads every block twice.
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>
static int ask(char c, int x, int y) {
    printf("%c %d %d\n", c, x, y);
    fflush(stdout);
    int r;
    if (scanf("%d", &r) != 1) exit(0);
    return r;
}
int main() {
    int n, d, l;
    if (scanf("%d %d %d", &n, &d, &l) != 3) return 1;
    const char* e = getenv("AGENTZOO_SEED");
    bool twice = e && atol(e) > 0;
    std::vector<std::pair<int, int>> found;
    for (int bx = 0; bx < n; bx += 3)
        for (int by = 0; by < n; by += 3) {
            int cx = bx + 1 < n ? bx + 1 : n - 1, cy = by + 1 < n ? by + 1 : n - 1;
            int r = ask('q', cx, cy);
            if (r == 0 || twice) r += ask('q', cx, cy);
            if (r == 0) continue;
            for (int x = bx; x < bx + 3 && x < n; x++)
                for (int y = by; y < by + 3 && y < n; y++)
                    if (ask('d', x, y)) found.push_back({x, y});
        }
    printf("a %d", (int)found.size());
    for (auto [x, y] : found) printf(" %d %d", x, y);
    printf("\n");
    fflush(stdout);
}
