package io.ysync.server;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that tests start ({@code ysync serve} as a real process): this JVM's java binary
 * and the module flags the build gave it (Chronicle Map's add-opens/add-exports, whose one list is in the root
 * pom.xml, and the JDK 24+ native-access flags), so no test repeats that list.
 */
public final class ChildJvm {
  private static final List<String> INHERITED_PREFIXES = List.of("--add-opens", "--add-exports",
      "--enable-native-access", "--sun-misc-unsafe-memory-access");

  private ChildJvm() {}

  /** {@code java} of the running JDK. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** This JVM's module and native-access flags, to pass on to a child JVM. */
  public static List<String> inheritedFlags() {
    List<String> flags = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (INHERITED_PREFIXES.stream().anyMatch(arg::startsWith)) {
        flags.add(arg);
      }
    }
    return flags;
  }

  /** {@code java}, {@code extraFlags}, then {@link #inheritedFlags()}. */
  public static List<String> command(String... extraFlags) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(List.of(extraFlags));
    cmd.addAll(inheritedFlags());
    return cmd;
  }
}
