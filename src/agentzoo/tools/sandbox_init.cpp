// agentzoo sandbox init: the first process of every sandboxed run (compiled on first use by
// agentzoo/tools/_helper.py with `g++ -O2 -static`; plain C in a .cpp file, since g++ is the
// compiler the project already needs).
//
//   sandbox-init [--uid N --gid N] [--cpu S] [--fsize B] [--nproc N] [--data B]
//                [--status-fd FD] [--wait-fd FD] [--pdeathsig] [--kill-all] [--read-all]
//                -- PROGRAM ARGS...
//
// 1. applies the rlimits (core dumps off; CPU soft S / hard S+1 seconds; file size; processes;
//    data segment), drops every capability (bubblewrap run by root without a user namespace
//    keeps them all), switches to uid/gid when given, sets no_new_privs, and makes itself a
//    child subreaper. --read-all (rlimit mode, for a program under a directory only root may
//    search, such as a Python in /root/.pyenv) keeps one capability, CAP_DAC_READ_SEARCH, as
//    an ambient capability of the new uid: it may read every file, but the process limit
//    applies and it writes only where the uid may;
// 2. with --wait-fd, waits for one byte on FD (the supervisor first moves this process into a
//    cgroup), then forks PROGRAM. The fork matters: a process's max RSS starts from the memory of whoever
//    forked it, so forking from this tiny process (not from a large Python supervisor) makes
//    the reported max RSS the program's own;
// 3. waits for PROGRAM, then kills whatever it left behind (every process of the uid with
//    --kill-all, which is only honoured as pid 1 of a namespace or as a non-root uid; otherwise
//    its children, repeatedly, as orphans are reparented to it), and reaps everything;
// 4. reports on the status fd: "start T" right after the fork (T = CLOCK_MONOTONIC seconds, the
//    supervisor's clock, so the wall-clock limit counts from the program's start), then
//    "exit N|signal N <user_s> <system_s> <max_rss_kb> <wall_s>" ("error ERRNO ..." first when
//    PROGRAM cannot be executed), and exits with N (or 128 + N after a signal, as a shell would).
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>

static long long max_rss_kb = 0;
static double user_s = 0, system_s = 0;

static void die(const char* what) {
  fprintf(stderr, "sandbox-init: %s: %s\n", what, strerror(errno));
  _exit(125);
}

static void set_limit(int resource, rlim_t soft, rlim_t hard, const char* name) {
  struct rlimit lim;
  lim.rlim_cur = soft;
  lim.rlim_max = hard;
  if (setrlimit(resource, &lim) != 0) die(name);
}

static void account(const struct rusage* ru) {
  if (ru->ru_maxrss > max_rss_kb) max_rss_kb = ru->ru_maxrss;
  user_s += ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6;
  system_s += ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

// SIGKILL every direct child (orphans of the program are reparented to us, the subreaper).
static int kill_children(void) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
  FILE* f = fopen(path, "r");
  if (!f) return -1;
  int pid, n = 0;
  while (fscanf(f, "%d", &pid) == 1) {
    kill(pid, SIGKILL);
    n++;
  }
  fclose(f);
  return n;
}

// Empty the bounding and ambient sets but for `keep` (needs CAP_SETPCAP: before giving up root).
static void drop_capability_bounds(int keep) {
  for (int cap = 0; cap <= 63; cap++) {
    if (cap == keep) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) die("PR_CAPBSET_DROP");
  }
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

// Set the effective, permitted and inheritable sets to `keep` only (-1: empty).
static void set_capabilities(int keep) {
  struct __user_cap_header_struct header;
  struct __user_cap_data_struct data[2];
  memset(&header, 0, sizeof header);
  memset(data, 0, sizeof data);
  header.version = _LINUX_CAPABILITY_VERSION_3;
  if (keep >= 0) {
    unsigned bit = 1u << (keep % 32);
    data[keep / 32].effective = data[keep / 32].permitted = data[keep / 32].inheritable = bit;
  }
  if (syscall(SYS_capset, &header, data) != 0) die("capset");
}

int main(int argc, char** argv) {
  long long uid = -1, gid = -1, cpu = -1, fsize = -1, nproc = -1, data = -1;
  int status_fd = -1, wait_fd = -1, pdeathsig = 0, kill_all = 0, read_all = 0, i = 1;
  for (; i < argc; i++) {
    const char* a = argv[i];
    if (strcmp(a, "--") == 0) { i++; break; }
    if (strcmp(a, "--pdeathsig") == 0) { pdeathsig = 1; continue; }
    if (strcmp(a, "--kill-all") == 0) { kill_all = 1; continue; }
    if (strcmp(a, "--read-all") == 0) { read_all = 1; continue; }
    if (i + 1 >= argc) { fprintf(stderr, "sandbox-init: %s needs a value\n", a); return 125; }
    long long v = atoll(argv[++i]);
    if (strcmp(a, "--uid") == 0) uid = v;
    else if (strcmp(a, "--gid") == 0) gid = v;
    else if (strcmp(a, "--cpu") == 0) cpu = v;
    else if (strcmp(a, "--fsize") == 0) fsize = v;
    else if (strcmp(a, "--nproc") == 0) nproc = v;
    else if (strcmp(a, "--data") == 0) data = v;
    else if (strcmp(a, "--status-fd") == 0) status_fd = (int)v;
    else if (strcmp(a, "--wait-fd") == 0) wait_fd = (int)v;
    else { fprintf(stderr, "sandbox-init: unknown option %s\n", a); return 125; }
  }
  if (i >= argc) { fprintf(stderr, "sandbox-init: no program given\n"); return 125; }
  if (pdeathsig && prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die("PR_SET_PDEATHSIG");
  if (pdeathsig && getppid() == 1) _exit(125);  // the supervisor is already gone
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) die("PR_SET_CHILD_SUBREAPER");
  if (status_fd >= 0) fcntl(status_fd, F_SETFD, FD_CLOEXEC);

  set_limit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE");
  if (cpu > 0) set_limit(RLIMIT_CPU, (rlim_t)cpu, (rlim_t)cpu + 1, "RLIMIT_CPU");
  if (fsize >= 0) set_limit(RLIMIT_FSIZE, (rlim_t)fsize, (rlim_t)fsize, "RLIMIT_FSIZE");
  if (data > 0) set_limit(RLIMIT_DATA, (rlim_t)data, (rlim_t)data, "RLIMIT_DATA");
  // this process runs under the same uid, so it counts as one of the processes
  if (nproc > 0) set_limit(RLIMIT_NPROC, (rlim_t)nproc + 1, (rlim_t)nproc + 1, "RLIMIT_NPROC");
  int privileged = prctl(PR_CAPBSET_READ, CAP_SETPCAP, 0, 0, 0) == 1 && geteuid() == 0;
  int keep = (read_all && privileged && uid > 0) ? CAP_DAC_READ_SEARCH : -1;
  if (privileged) drop_capability_bounds(keep);
  if (keep >= 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) die("PR_SET_KEEPCAPS");
  if (gid >= 0) {
    if (setgroups(0, NULL) != 0) die("setgroups");
    if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0) die("setresgid");
  }
  if (uid >= 0 && setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) die("setresuid");
  set_capabilities(keep);
  if (keep >= 0) {
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, keep, 0, 0) != 0) die("PR_CAP_AMBIENT_RAISE");
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("PR_SET_NO_NEW_PRIVS");
  // kill(-1) as root outside a pid namespace would hit the whole machine: refuse it
  if (kill_all && getuid() == 0 && getpid() != 1) kill_all = 0;

  if (wait_fd >= 0) {  // the supervisor says go once this process is in its cgroup
    char go;
    ssize_t got_byte;
    do got_byte = read(wait_fd, &go, 1); while (got_byte < 0 && errno == EINTR);
    if (got_byte != 1) _exit(125);
    close(wait_fd);
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    execvp(argv[i], argv + i);
    int err = errno;
    fprintf(stderr, "sandbox-init: cannot execute %s: %s\n", argv[i], strerror(err));
    if (status_fd >= 0) dprintf(status_fd, "error %d\n", err);
    _exit(127);
  }
  if (status_fd >= 0) dprintf(status_fd, "start %ld.%09ld\n", (long)t0.tv_sec, (long)t0.tv_nsec);
  int status = 0, got = 0, wstatus;
  double wall_s = 0;
  struct rusage ru;
  for (;;) {
    pid_t pid = wait4(-1, &wstatus, 0, &ru);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: everything is reaped
    }
    account(&ru);
    if (pid == child) {
      clock_gettime(CLOCK_MONOTONIC, &t1);
      wall_s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
      status = wstatus;
      got = 1;
    }
    if (got) {  // the program is done: nothing of the run may outlive it
      if (kill_all) kill(-1, SIGKILL);
      else kill_children();
    }
  }
  int code;
  char line[160];
  if (got && WIFSIGNALED(status)) {
    code = 128 + WTERMSIG(status);
    snprintf(line, sizeof line, "signal %d", WTERMSIG(status));
  } else {
    code = got ? WEXITSTATUS(status) : 125;
    snprintf(line, sizeof line, "exit %d", code);
  }
  if (status_fd >= 0) {
    dprintf(status_fd, "%s %.6f %.6f %lld %.6f\n", line, user_s, system_s, max_rss_kb, wall_s);
  }
  return code;
}
