package io.ysync.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Main class of {@code benchmarks.jar}: JMH's {@link org.openjdk.jmh.Main} with the module flags of
 * {@link ModuleFlags} passed on to every forked benchmark JVM, so that {@code java -jar benchmarks.jar} runs the
 * storage benchmarks (Chronicle Map) without a hand-written list of {@code --add-opens} flags anywhere.
 *
 * <p>JMH gives a fork the launching JVM's own options unless {@code -jvmArgs} is given; the flags that
 * {@code java -jar} took from the manifest are not among those options. This class therefore passes
 * {@code -jvmArgs} = the launching JVM's options plus the missing module flags, or, if the command line already has
 * {@code -jvmArgs}, adds the module flags to it. The benchmarks' own {@code @Fork(jvmArgsPrepend/jvmArgsAppend)}
 * (heap, GC) are not touched.
 */
public final class BenchmarksMain {
  private BenchmarksMain() {}

  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(withModuleFlags(args, ManagementFactory.getRuntimeMXBean().getInputArguments(),
        ModuleFlags.forChildJvm()));
  }

  /** {@code args} plus {@code -jvmArgs} options carrying {@code moduleFlags} (see the class comment). */
  static String[] withModuleFlags(String[] args, List<String> ownOptions, List<String> moduleFlags) {
    List<String> out = new ArrayList<>();
    List<String> given = new ArrayList<>();
    boolean hasJvmArgs = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-jvmArgs") && i + 1 < args.length) {
        hasJvmArgs = true;
        given.add(args[++i]);
      } else {
        out.add(args[i]);
      }
    }
    if (given.size() == 1) {
      // JMH reads a single -jvmArgs value as a space-separated option line.
      given = Arrays.stream(given.get(0).trim().split("\\s+")).filter(a -> !a.isEmpty()).toList();
    }
    Set<String> jvmArgs = new LinkedHashSet<>(hasJvmArgs ? given : ownOptions);
    int before = jvmArgs.size();
    jvmArgs.addAll(moduleFlags);
    if (!hasJvmArgs && jvmArgs.size() == before) {
      return args; // nothing missing: JMH passes the launching JVM's options by itself
    }
    // Several -jvmArgs values are taken as given (one option each).
    for (String a : jvmArgs) {
      out.add("-jvmArgs");
      out.add(a);
    }
    return out.toArray(String[]::new);
  }
}
