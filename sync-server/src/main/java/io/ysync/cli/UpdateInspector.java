package io.ysync.cli;

import io.ysync.crdt.Id;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateDecoderV1;
import io.ysync.crdt.codec.UpdateDecoderV2;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A readable dump of an update's structs and delete set, like Yjs's {@code logUpdate} / {@code decodeUpdate}.
 *
 * <p>Design note: this reads the update with the public codec ({@link UpdateDecoder}) and never builds a document,
 * so it also shows updates that depend on missing structs. It follows {@code readClientsStructRefs},
 * {@code readItemContent} and {@code readDeleteSet} of yjs {@code src/utils/encoding.js},
 * {@code src/structs/Item.js} and {@code src/utils/DeleteSet.js} (v13.6.33).
 */
final class UpdateInspector {
  /** Upper bound on the structs listed: a hostile V2 update can announce more than it holds. */
  static final long MAX_STRUCTS = 1_000_000;
  /** Longest content summary printed per struct. */
  static final int MAX_SUMMARY = 80;

  private static final String[] TYPE_NAMES = {
      "YArray", "YMap", "YText", "YXmlElement", "YXmlFragment", "YXmlHook", "YXmlText"};

  private final PrintWriter out;

  private UpdateInspector(PrintWriter out) {
    this.out = out;
  }

  /**
   * Decodes {@code update} and prints the dump.
   *
   * @throws DecodeException when the bytes are malformed (what was printed so far stays printed)
   */
  static void inspect(byte[] update, boolean v2, PrintWriter out) throws DecodeException {
    UpdateDecoder decoder = v2
        ? new UpdateDecoderV2(new Lib0Decoder(update))
        : new UpdateDecoderV1(new Lib0Decoder(update));
    out.println("update " + (v2 ? "V2" : "V1") + ", " + update.length + " bytes");
    UpdateInspector inspector = new UpdateInspector(out);
    inspector.structs(decoder);
    inspector.deleteSet(decoder);
    out.flush();
  }

  // Port of readClientsStructRefs (listing instead of building structs), yjs src/utils/encoding.js v13.6.33
  private void structs(UpdateDecoder decoder) throws DecodeException {
    Lib0Decoder rest = decoder.restDecoder();
    long clients = rest.readVarUint();
    out.println("structs: " + clients + (clients == 1 ? " client" : " clients"));
    long total = 0;
    for (long i = 0; i < clients; i++) {
      long count = rest.readVarUint();
      long client = decoder.readClient();
      long clock = rest.readVarUint();
      out.println("  client " + client + ": " + count + (count == 1 ? " struct" : " structs") + " from clock " + clock);
      for (long j = 0; j < count; j++) {
        if (++total > MAX_STRUCTS) {
          throw new DecodeException("more than " + MAX_STRUCTS + " structs", rest.position());
        }
        int info = decoder.readInfo();
        long length;
        String line;
        switch (info & 0x1F) {
          case 0 -> {
            length = decoder.readLen();
            line = "GC";
          }
          case 10 -> {
            length = rest.readVarUint();
            line = "Skip";
          }
          default -> {
            StringBuilder s = new StringBuilder("Item");
            item(decoder, info, s);
            Content c = content(decoder, info & 0x1F);
            length = c.length;
            s.append(' ').append(c.summary);
            line = s.toString();
          }
        }
        out.println("    " + client + ":" + clock + " len=" + length + " " + line);
        clock += length;
      }
    }
  }

  private static void item(UpdateDecoder decoder, int info, StringBuilder s) throws DecodeException {
    boolean cantCopyParentInfo = (info & (0x80 | 0x40)) == 0;
    if ((info & 0x80) != 0) {
      s.append(" origin=").append(id(decoder.readLeftId()));
    }
    if ((info & 0x40) != 0) {
      s.append(" rightOrigin=").append(id(decoder.readRightId()));
    }
    if (cantCopyParentInfo) {
      if (decoder.readParentInfo()) {
        s.append(" parent=root:").append(quote(decoder.readString()));
      } else {
        s.append(" parent=").append(id(decoder.readLeftId()));
      }
      if ((info & 0x20) != 0) {
        s.append(" parentSub=").append(quote(decoder.readString()));
      }
    }
  }

  private record Content(long length, String summary) {}

  // Port of readItemContent and the Content*#read functions, yjs src/structs/Content*.js v13.6.33
  private static Content content(UpdateDecoder decoder, int ref) throws DecodeException {
    switch (ref) {
      case 1 -> {
        long len = decoder.readLen();
        return new Content(len, "deleted");
      }
      case 2 -> {
        long len = decoder.readLen();
        List<Object> values = new ArrayList<>();
        for (long i = 0; i < len; i++) {
          values.add(decoder.readString());
        }
        return new Content(len, "json " + truncate(values.toString()));
      }
      case 3 -> {
        byte[] buf = decoder.readBuf();
        return new Content(1, "binary " + buf.length + " bytes");
      }
      case 4 -> {
        String str = decoder.readString();
        return new Content(str.length(), "string " + truncate(quote(str)));
      }
      case 5 -> {
        return new Content(1, "embed " + truncate(json(decoder.readJson())));
      }
      case 6 -> {
        String key = decoder.readKey();
        return new Content(1, "format " + quote(key) + "=" + truncate(json(decoder.readJson())));
      }
      case 7 -> {
        int typeRef = decoder.readTypeRef();
        String name = typeRef >= 0 && typeRef < TYPE_NAMES.length ? TYPE_NAMES[typeRef] : "unknown type " + typeRef;
        if (typeRef == 3 || typeRef == 5) {
          name += " " + quote(decoder.readKey());
        }
        return new Content(1, "type " + name);
      }
      case 8 -> {
        long len = decoder.readLen();
        List<Object> values = new ArrayList<>();
        for (long i = 0; i < len; i++) {
          values.add(decoder.readAny());
        }
        return new Content(len, "any " + truncate(json(values)));
      }
      case 9 -> {
        String guid = decoder.readString();
        Object opts = decoder.readAny();
        return new Content(1, "doc guid=" + quote(guid) + " opts=" + truncate(json(opts)));
      }
      default -> throw new DecodeException("unknown content type " + ref, decoder.restDecoder().position());
    }
  }

  // Port of readDeleteSet (listing only), yjs src/utils/DeleteSet.js v13.6.33
  private void deleteSet(UpdateDecoder decoder) throws DecodeException {
    Lib0Decoder rest = decoder.restDecoder();
    long clients = rest.readVarUint();
    out.println("delete set: " + clients + (clients == 1 ? " client" : " clients"));
    for (long i = 0; i < clients; i++) {
      decoder.resetDsCurVal();
      long client = rest.readVarUint();
      long count = rest.readVarUint();
      StringBuilder s = new StringBuilder("  client " + client + ":");
      for (long j = 0; j < count; j++) {
        if (j >= MAX_STRUCTS) {
          throw new DecodeException("more than " + MAX_STRUCTS + " delete ranges", rest.position());
        }
        long clock = decoder.readDsClock();
        long len = decoder.readDsLen();
        s.append(" [").append(clock).append(',').append(clock + len).append(')');
      }
      out.println(s);
    }
  }

  private static String id(Id id) {
    return id.client() + ":" + id.clock();
  }

  private static String quote(String s) {
    return json(s);
  }

  private static String json(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsJson.write(bytes, value);
    return bytes.toString(StandardCharsets.UTF_8).strip();
  }

  private static String truncate(String s) {
    return s.length() <= MAX_SUMMARY ? s : s.substring(0, MAX_SUMMARY - 3) + "...";
  }
}
