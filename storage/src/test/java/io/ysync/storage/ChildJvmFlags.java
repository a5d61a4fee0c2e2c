package io.ysync.storage;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The JVM flags a child JVM of a test needs for Chronicle Map and RocksDB: this JVM's own {@code --add-opens},
 * {@code --add-exports}, {@code --enable-native-access} and {@code --sun-misc-unsafe-memory-access} options, as the
 * build put them on the test JVM (the root pom's {@code ysync.addOpens} / {@code ysync.addExports}). No list of
 * modules is written down here.
 */
final class ChildJvmFlags {
  private static final List<String> PREFIXES = List.of("--add-opens", "--add-exports", "--enable-native-access",
      "--sun-misc-unsafe-memory-access");

  private ChildJvmFlags() {}

  /** This JVM's module and native-access flags, in the order given. */
  static List<String> moduleFlags() {
    List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> PREFIXES.stream().anyMatch(a::startsWith))
        .toList();
    if (flags.stream().noneMatch(f -> f.startsWith("--add-opens"))) {
      throw new AssertionError("this JVM was started without --add-opens flags, so its child JVMs cannot open "
          + "Chronicle Map: run the test through Maven (the root pom puts ysync.addOpens / ysync.addExports on the "
          + "test JVM) or add those flags to the run configuration. Input arguments: "
          + ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
    return flags;
  }
}
