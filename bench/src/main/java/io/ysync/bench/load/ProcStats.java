package io.ysync.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's CPU time ({@code /proc/<pid>/stat} utime+stime) and RSS ({@code /proc/<pid>/status}). */
public final class ProcStats {
  /** Clock ticks per second; Linux reports 100 on every common configuration. */
  static final long CLK_TCK = 100;

  private ProcStats() {}

  /**
   * @param pid the process id; 0 or less means unknown
   * @return the CPU time used so far in milliseconds, or -1 when unavailable
   */
  public static long cpuMillis(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": f[0] = state (field 3), utime = field 14, stime = field 15
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLK_TCK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * @param pid the process id; 0 or less means unknown
   * @return the resident set size in KiB, or -1 when unavailable
   */
  public static long rssKib(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
