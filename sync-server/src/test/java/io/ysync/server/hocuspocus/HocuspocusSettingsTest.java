package io.ysync.server.hocuspocus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.cli.ServeCommand;
import io.ysync.server.HocuspocusSettings;
import io.ysync.server.ServerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code ysync serve} flags of the Hocuspocus endpoint and the validation of its settings. */
class HocuspocusSettingsTest {

  private static ServerConfig parse(String... args) {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.toConfig();
  }

  @Test
  void defaults_onAtSlashHocuspocus() {
    HocuspocusSettings s = parse().hocuspocus();
    assertEquals("/hocuspocus", s.path());
    assertTrue(s.enabled());
    assertEquals(100, s.maxDocumentsPerSocket());
    assertEquals(65536, s.maxStatelessBytes());
    assertEquals("/hocuspocus", parse().describe().get("hocuspocus-path"));
  }

  @Test
  void flags_pathLimitsAndOff() {
    HocuspocusSettings s = parse("--hocuspocus-path", "/collab/hp", "--hocuspocus-max-documents", "7",
        "--stateless-max-bytes", "1000").hocuspocus();
    assertEquals("/collab/hp", s.path());
    assertEquals(7, s.maxDocumentsPerSocket());
    assertEquals(1000, s.maxStatelessBytes());
    HocuspocusSettings off = parse("--no-hocuspocus").hocuspocus();
    assertFalse(off.enabled());
    assertNull(off.path());
    assertEquals("off", parse("--no-hocuspocus").describe().get("hocuspocus-path"));
  }

  @Test
  void invalidSettings_areRefusedNamingTheFlag() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--hocuspocus-path", "hocuspocus"))
        .getMessage().contains("hocuspocus-path"));
    assertThrows(IllegalArgumentException.class, () -> parse("--hocuspocus-path", "/hp/"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--hocuspocus-max-documents", "0"))
        .getMessage().contains("hocuspocus-max-documents"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--stateless-max-bytes", "0"))
        .getMessage().contains("stateless-max-bytes"));
  }
}
