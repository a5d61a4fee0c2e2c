package io.ysync.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.jar.Attributes;
import org.junit.jupiter.api.Test;

/** The module flags of the benchmarks jar: manifest entries to options, and options to JMH's fork arguments. */
class BenchmarksMainTest {
  /** Made-up module/package names: the real list lives in the root pom only. */
  private static final List<String> FLAGS = List.of("--add-opens=mod.a/pkg.one=ALL-UNNAMED",
      "--add-exports=mod.b/pkg.three=ALL-UNNAMED");

  @Test
  void manifestEntries_becomeOptions() {
    Attributes a = new Attributes();
    a.putValue("Add-Opens", "mod.a/pkg.one  mod.a/pkg.two");
    a.putValue("Add-Exports", "mod.b/pkg.three");
    a.putValue("Enable-Native-Access", "ALL-UNNAMED");
    assertEquals(List.of("--add-opens=mod.a/pkg.one=ALL-UNNAMED", "--add-opens=mod.a/pkg.two=ALL-UNNAMED",
        "--add-exports=mod.b/pkg.three=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"),
        ModuleFlags.fromManifest(a));
    assertEquals(List.of(), ModuleFlags.fromManifest(new Attributes()));
  }

  @Test
  void thisTestJvm_hasTheBuildsModuleFlags() {
    // surefire's argLine carries the root pom's ysync.addOpens / ysync.addExports
    assertTrue(ModuleFlags.ofThisJvm().stream().anyMatch(f -> f.startsWith("--add-opens=")), ModuleFlags.ofThisJvm()
        .toString());
    assertTrue(ModuleFlags.forChildJvm().containsAll(ModuleFlags.ofThisJvm()));
  }

  @Test
  void withoutJvmArgs_forksGetTheOwnOptionsPlusTheModuleFlags() {
    String[] out = BenchmarksMain.withModuleFlags(new String[] {"CompactionBenchmark", "-f", "1"}, List.of("-Xmx1g"),
        FLAGS);
    assertArrayEquals(new String[] {"CompactionBenchmark", "-f", "1", "-jvmArgs", "-Xmx1g", "-jvmArgs", FLAGS.get(0),
        "-jvmArgs", FLAGS.get(1)}, out);
  }

  @Test
  void flagsTheJvmAlreadyHas_changeNothing() {
    String[] args = {"TraceBenchmark"};
    assertArrayEquals(args, BenchmarksMain.withModuleFlags(args, FLAGS, FLAGS));
  }

  @Test
  void givenJvmArgs_keepTheirOptionsAndGetTheModuleFlags() {
    String[] out = BenchmarksMain.withModuleFlags(new String[] {"-jvmArgs", "-Xms1g  -Xmx1g", "X"}, List.of("-Xss8m"),
        FLAGS);
    assertArrayEquals(new String[] {"X", "-jvmArgs", "-Xms1g", "-jvmArgs", "-Xmx1g", "-jvmArgs", FLAGS.get(0),
        "-jvmArgs", FLAGS.get(1)}, out);
  }
}
