// probe_map, trivial: answer at once with no deposits.
#include <cstdio>
int main() {
    int n, d, l;
    if (scanf("%d %d %d", &n, &d, &l) != 3) return 1;
    printf("a 0\n");
    fflush(stdout);
}
