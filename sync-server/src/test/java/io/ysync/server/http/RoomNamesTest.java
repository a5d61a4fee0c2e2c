package io.ysync.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.ysync.storage.DocumentStorage;
import org.junit.jupiter.api.Test;

class RoomNamesTest {
  @Test
  void decodePath_validPaths_matchNettysDecoding() throws Exception {
    for (String uri : new String[] {"/room", "/a/b?token=x", "/caf%C3%A9", "/%F0%9F%98%80#frag", "/a+b%20c",
        "/line%0abreak", "/", "/%2F%3F"}) {
      assertEquals(new QueryStringDecoder(uri).path(), RoomNames.decodePath(uri), uri);
    }
    assertEquals("/café", RoomNames.decodePath("/caf\u00c3\u00a9")); // raw UTF-8 bytes as Netty hands them over
  }

  @Test
  void decodePath_invalidUtf8OrEscapes_isMalformed() {
    for (String uri : new String[] {"/%ff", "/caf%C3", "/%C3%28", "/%ED%A0%80", "/%zz", "/abc%", "/abc%4", "/\u00ff",
        "/\ufffd", "/%C0%AF"}) {
      assertThrows(RoomNames.MalformedPathException.class, () -> RoomNames.decodePath(uri), uri);
    }
  }

  @Test
  void decodePath_differentBytes_neverMapToOneName() throws Exception {
    // Netty's lenient decoding turns both into U+FFFD; strict decoding refuses the invalid one
    assertEquals("/\ufffd", RoomNames.decodePath("/%EF%BF%BD"));
    assertThrows(RoomNames.MalformedPathException.class, () -> RoomNames.decodePath("/%FF"));
  }

  @Test
  void fits_countsUtf8Bytes_upToTheStorageLimit() {
    assertEquals(DocumentStorage.MAX_DOCUMENT_ID_BYTES, RoomNames.MAX_BYTES);
    assertTrue(RoomNames.fits("a".repeat(512)));
    assertFalse(RoomNames.fits("a".repeat(513)));
    assertTrue(RoomNames.fits("é".repeat(256)));   // 2 bytes each
    assertFalse(RoomNames.fits("é".repeat(257)));
    assertTrue(RoomNames.fits("😀".repeat(128)));   // 4 bytes each
    assertFalse(RoomNames.fits("😀".repeat(128) + "a"));
  }

  @Test
  void isValid_refusesUnpairedSurrogates() {
    assertTrue(RoomNames.isValid("😀"));
    assertFalse(RoomNames.isValid("\ud83d"));
    assertFalse(RoomNames.isValid("a\ude00b"));
    assertFalse(RoomNames.isValid("x".repeat(513)));
  }
}
