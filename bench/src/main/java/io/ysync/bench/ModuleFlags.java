package io.ysync.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The JVM flags a forked benchmark JVM needs for Chronicle Map and RocksDB (the storage benchmarks), from a single
 * source: the root pom's properties {@code ysync.addOpens} / {@code ysync.addExports}. They reach this code two ways,
 * and both are used:
 *
 * <ul>
 *   <li>the {@code Add-Opens}, {@code Add-Exports} and {@code Enable-Native-Access} entries of the manifest of
 *       {@code benchmarks.jar} (bench/pom.xml writes them from those properties), which {@code java -jar} applies to
 *       the launching JVM only;
 *   <li>this JVM's own {@code --add-opens}, {@code --add-exports}, {@code --enable-native-access} and
 *       {@code --sun-misc-unsafe-memory-access} options (a test JVM, or a JVM started with the flags by hand).
 * </ul>
 */
public final class ModuleFlags {
  private static final List<String> PREFIXES = List.of("--add-opens", "--add-exports", "--enable-native-access",
      "--sun-misc-unsafe-memory-access");

  private ModuleFlags() {}

  /** This JVM's own module and native-access options, in the order given. */
  public static List<String> ofThisJvm() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> PREFIXES.stream().anyMatch(a::startsWith))
        .toList();
  }

  /**
   * The options equivalent to the {@code Add-Opens}, {@code Add-Exports} and {@code Enable-Native-Access} entries of
   * the manifest of the jar holding {@code type}; empty if {@code type} was not loaded from a jar or the jar has none.
   */
  public static List<String> ofManifest(Class<?> type) {
    Path jar;
    try {
      var source = type.getProtectionDomain().getCodeSource();
      if (source == null) {
        return List.of();
      }
      jar = Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return List.of();
    }
    if (!Files.isRegularFile(jar)) {
      return List.of();
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      return manifest == null ? List.of() : fromManifest(manifest.getMainAttributes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the manifest of " + jar, e);
    }
  }

  /** {@code Add-Opens: m/p ...} becomes {@code --add-opens=m/p=ALL-UNNAMED ...}, and so on. */
  static List<String> fromManifest(Attributes attributes) {
    List<String> flags = new ArrayList<>();
    for (String[] entry : new String[][] {{"Add-Opens", "--add-opens="}, {"Add-Exports", "--add-exports="}}) {
      String value = attributes.getValue(entry[0]);
      if (value != null) {
        for (String modulePackage : value.trim().split("\\s+")) {
          if (!modulePackage.isEmpty()) {
            flags.add(entry[1] + modulePackage + "=ALL-UNNAMED");
          }
        }
      }
    }
    String nativeAccess = attributes.getValue("Enable-Native-Access");
    if (nativeAccess != null && !nativeAccess.isBlank()) {
      flags.add("--enable-native-access=" + nativeAccess.trim());
    }
    return flags;
  }

  /** The flags a child JVM needs: this JVM's own, then those of the manifest that it does not have yet. */
  public static List<String> forChildJvm() {
    Set<String> flags = new LinkedHashSet<>(ofThisJvm());
    flags.addAll(ofManifest(ModuleFlags.class));
    return List.copyOf(flags);
  }
}
