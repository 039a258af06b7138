// SPDX-License-Identifier: MIT
// bench/spawn: runs one command as a whole process and reports its cost.
//   spawn RESULT_FILE CMD [ARG...]
// Writes "wall_ns user_us sys_us maxrss_kib exit_code" to RESULT_FILE and exits 0 (or 127
// when CMD cannot be run). Wall time is CLOCK_MONOTONIC from fork to reap; CPU and peak RSS
// come from wait4(2). The command is forked from this small process, not from Python:
// Linux carries the forking process's RSS high-water mark into the child's ru_maxrss
// across execve, so a Python parent (~16 MiB) would hide the RSS of small tools.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: spawn RESULT_FILE CMD [ARG...]\n");
    return 64;
  }
  FILE* result = fopen(argv[1], "w");
  if (!result) {
    perror(argv[1]);
    return 73;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  const pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 71;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  const long long wall_ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  fprintf(result, "%lld %lld %lld %ld %d\n", wall_ns,
          (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
          (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec, ru.ru_maxrss, code);
  return fclose(result) == 0 ? 0 : 74;
}
