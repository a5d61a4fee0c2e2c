package io.ysync.storage;

import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributesTest {
  @TempDir Path dir;

  @Test
  void attributes_surviveReopen_andStayOutOfTheLog() throws Exception {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("doc", utf8("u1"), "test").get();
      storage.putAttribute("doc", "pos", utf8("1733-4"), false);
      storage.putAttribute("doc", "dirty", new byte[] {1}, true);
      storage.putAttribute("other", "pos", utf8("9-9"), false);
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertArrayEquals(utf8("1733-4"), storage.attribute("doc", "pos").orElseThrow());
      assertArrayEquals(new byte[] {1}, storage.attribute("doc", "dirty").orElseThrow());
      assertArrayEquals(utf8("9-9"), storage.attribute("other", "pos").orElseThrow());
      assertTrue(storage.attribute("doc", "missing").isEmpty());
      // only the appended update is in the log; the attributes are not documents of their own
      assertEquals(1, storage.load("doc").updates().size());
      assertEquals(List.of("doc"), storage.documentIds());
      assertTrue(storage.check().problems().isEmpty());
    }
  }

  @Test
  void documentsWithAttribute_listsOnlyThatName_andRemovalWorks() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.putAttribute("b", "dirty", new byte[] {1}, false);
      storage.putAttribute("a", "dirty", new byte[] {1}, false);
      storage.putAttribute("ab", "dirty", new byte[] {1}, false);
      storage.putAttribute("c", "dirtier", new byte[] {1}, false); // a name that extends "dirty"
      storage.putAttribute("d", "pos", new byte[] {1}, false);
      assertEquals(List.of("a", "b", "ab"), storage.documentsWithAttribute("dirty"));
      storage.putAttribute("b", "dirty", null, true);
      assertEquals(List.of("a", "ab"), storage.documentsWithAttribute("dirty"));
      assertTrue(storage.attribute("b", "dirty").isEmpty());
    }
  }

  @Test
  void limits_areEnforced() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertThrows(IllegalArgumentException.class, () -> storage.putAttribute("d", "", new byte[] {1}, false));
      assertThrows(IllegalArgumentException.class, () -> storage.putAttribute("d", "n".repeat(65), null, false));
      assertThrows(IllegalArgumentException.class,
          () -> storage.putAttribute("d", "n", new byte[DocumentStorage.MAX_ATTRIBUTE_VALUE_BYTES + 1], false));
    }
  }
}
