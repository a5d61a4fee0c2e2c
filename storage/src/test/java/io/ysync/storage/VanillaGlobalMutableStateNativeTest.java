package io.ysync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.values.ValueModel;
import org.junit.jupiter.api.Test;

/**
 * The checked-in {@code net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native} (which keeps Chronicle Values
 * from compiling it with javac inside the server) is the class Chronicle uses, and is what the Chronicle versions on
 * the class path would generate.
 */
class VanillaGlobalMutableStateNativeTest {
  private static final String STATE = "net.openhft.chronicle.hash.VanillaGlobalMutableState";
  private static final Path SOURCE =
      Path.of("src/main/java/net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native.java");

  @Test
  void nativeClass_isThePrecompiledOne() throws Exception {
    Class<?> precompiled = Class.forName(STATE + "$$Native");
    // a class javac compiled at run time has no code source; ours comes from storage's classes
    assertNotNull(precompiled.getProtectionDomain().getCodeSource(), "the $$Native class was generated at run time");
    assertSame(precompiled, ValueModel.acquire(Class.forName(STATE)).nativeClass());
  }

  @Test
  void checkedInSource_equalsWhatChronicleValuesGenerates() throws Exception {
    Class<?> state = Class.forName(STATE);
    Method generate = Class.forName("net.openhft.chronicle.values.Generators")
        .getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
    generate.setAccessible(true);
    String generated = (String) generate.invoke(null, ValueModel.acquire(state), state.getSimpleName() + "$$Native");
    String checkedIn = Files.readString(SOURCE, StandardCharsets.UTF_8);
    String body = checkedIn.substring(checkedIn.indexOf("package "));
    assertEquals(generated, body, () -> "Chronicle Values generates a different class now: replace the code below the "
        + "header comment of " + SOURCE + " with:\n" + generated);
  }
}
