package io.ysync.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of a JVM server process after a full GC, read with {@code jcmd <pid> GC.run} and
 * {@code GC.heap_info} (JDK tools of the JVM running the load generator). Used for the heap per idle connection.
 */
public final class JvmHeap {
  /**
   * A generation line of GC.heap_info: "PSYoungGen total 113152K, used 0K" (Serial, Parallel) or the whole heap's
   * "garbage-first heap total reserved 6172672K, committed 393216K, used 11225K" (G1).
   */
  private static final Pattern USED = Pattern.compile(
      "^\\S.*total (?:reserved \\d+K, committed )?\\d+K, used (\\d+)K", Pattern.MULTILINE);

  private JvmHeap() {}

  /**
   * Runs a full GC in the process and returns the heap in use afterwards.
   *
   * @param pid the process id
   * @return used heap in KiB, or -1 when the process is not a JVM or cannot be attached to
   */
  public static long usedKibAfterGc(long pid) {
    if (pid <= 0 || !isJava(pid)) {
      return -1;
    }
    if (jcmd(pid, "GC.run") == null) {
      return -1;
    }
    String info = jcmd(pid, "GC.heap_info");
    if (info == null) {
      return -1;
    }
    return usedKib(info);
  }

  /** @return the used KiB summed over the generation lines of a GC.heap_info answer, or -1 when it has none */
  static long usedKib(String heapInfo) {
    long used = 0;
    boolean any = false;
    Matcher m = USED.matcher(heapInfo);
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      any = true;
    }
    return any ? used : -1;
  }

  private static boolean isJava(long pid) {
    try {
      String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8);
      return cmd.contains("java");
    } catch (IOException e) {
      return false;
    }
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
