package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.DsDecoder;
import io.ysync.crdt.codec.Json;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.Lib0Encoder;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import io.ysync.crdt.codec.UpdateEncoderV2;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Struct encoding and decoding (update format V1/V2 through {@link UpdateEncoder}/{@link UpdateDecoder}), state
 * vectors and whole-document encoding. Update integration lives in {@link UpdateIntegration}.
 */
// Port of yjs src/utils/encoding.js v13.6.33 (writing and reading parts)
final class Encoding {
  /** Largest clock (or clock + length) accepted from an update: JS safe integers. */
  static final long MAX_CLOCK = (1L << 53) - 1;
  /** Largest client id accepted from an update (Yjs uses uint32; 53-bit ids are tolerated). */
  static final long MAX_CLIENT = (1L << 53) - 1;

  private Encoding() {}

  // ---------------------------------------------------------------- validation helpers

  static DecodeException decodeError(DsDecoder decoder, String message) {
    return new DecodeException(message, decoder.restDecoder().position());
  }

  static DecodeException decodeError(Lib0Decoder decoder, String message) {
    return new DecodeException(message, decoder.position());
  }

  /** Reads a struct/content length and checks it fits an int. */
  static int readLength(UpdateDecoder decoder) throws DecodeException {
    long len = decoder.readLen();
    if (len < 0 || len > Integer.MAX_VALUE) {
      throw decodeError(decoder, "invalid length " + len);
    }
    return (int) len;
  }

  static Object parseJson(UpdateDecoder decoder, String json) throws DecodeException {
    try {
      return Json.parse(json);
    } catch (RuntimeException e) {
      throw decodeError(decoder, "invalid JSON content: " + e.getMessage());
    }
  }

  static long checkClient(DsDecoder decoder, long client) throws DecodeException {
    if (client < 0 || client > MAX_CLIENT) {
      throw decodeError(decoder, "invalid client id " + client);
    }
    return client;
  }

  static void checkRange(DsDecoder decoder, long clock, long len) throws DecodeException {
    if (clock < 0 || len < 0 || clock > MAX_CLOCK || len > MAX_CLOCK - clock) {
      throw decodeError(decoder, "invalid clock range " + clock + "+" + len);
    }
  }

  private static void checkRef(UpdateDecoder decoder, Id ref, long client, long clock) throws DecodeException {
    if (ref.client() < 0 || ref.clock() < 0 || ref.clock() > MAX_CLOCK) {
      throw decodeError(decoder, "invalid id " + ref);
    }
    if (ref.client() == client && ref.clock() >= clock) {
      throw decodeError(decoder, "struct " + client + ":" + clock + " references its own future " + ref);
    }
  }

  // ---------------------------------------------------------------- writing structs

  // Port of writeStructs, yjs src/utils/encoding.js v13.6.33
  static void writeStructs(UpdateEncoder encoder, ArrayList<AbstractStruct> structs, long client, long clock) {
    // write first id
    clock = Math.max(clock, structs.get(0).id.clock()); // make sure the first id exists
    int startNewStructs = StructStore.findIndexSS(structs, clock);
    // write # encoded structs
    encoder.restEncoder().writeVarUint(structs.size() - startNewStructs);
    encoder.writeClient(client);
    encoder.restEncoder().writeVarUint(clock);
    AbstractStruct firstStruct = structs.get(startNewStructs);
    // write first struct with an offset
    firstStruct.write(encoder, (int) (clock - firstStruct.id.clock()));
    for (int i = startNewStructs + 1; i < structs.size(); i++) {
      structs.get(i).write(encoder, 0);
    }
  }

  // Port of writeClientsStructs, yjs src/utils/encoding.js v13.6.33
  static void writeClientsStructs(UpdateEncoder encoder, StructStore store, Map<Long, Long> sv) {
    // we filter all valid sv entries into sm: the clients of the store with structs beyond sv (a client missing in sv
    // starts at 0; sv entries of clients the store doesn't know have nothing to write)
    ClientClocks states = store.states();
    // a copy of the live state (a transaction's beforeState) names the same clients at the same positions
    ClientClocks copy = sv instanceof ClientClocks clocks && clocks.isCopyOf(states) ? clocks : null;
    long[] sm = new long[Math.min(states.size(), 8)];
    int n = 0;
    for (int i = 0; i < states.size(); i++) {
      long client = states.clientAt(i);
      if (states.clockAt(i) > (copy != null ? copy.clockAtOr(i, 0) : clockOf(sv, client))) {
        if (n == sm.length) {
          sm = Arrays.copyOf(sm, n * 2);
        }
        sm[n++] = client;
      }
    }
    // write # states that were updated
    encoder.restEncoder().writeVarUint(n);
    // Write items with higher client ids first. This heavily improves the conflict algorithm.
    if (n > 1) {
      Arrays.sort(sm, 0, n);
    }
    for (int i = n - 1; i >= 0; i--) {
      long client = sm[i];
      writeStructs(encoder, store.clients.get(client), client, clockOf(sv, client));
    }
  }

  /** The clock of {@code client} in {@code sv}, 0 if absent. */
  private static long clockOf(Map<Long, Long> sv, long client) {
    if (sv instanceof ClientClocks clocks) {
      return clocks.clockOf(client, 0);
    }
    Long clock = sv.get(client);
    return clock == null ? 0 : clock;
  }

  static Long[] sortedDesc(java.util.Collection<Long> clients) {
    Long[] keys = clients.toArray(new Long[0]);
    Arrays.sort(keys, Collections.reverseOrder());
    return keys;
  }

  // ---------------------------------------------------------------- reading structs

  /**
   * Reads all structs of an update without touching any document.
   *
   * @param maxStructs upper bound for the number of structs (guards hostile counts)
   */
  // Port of readClientsStructRefs, yjs src/utils/encoding.js v13.6.33
  static LinkedHashMap<Long, ArrayList<AbstractStruct>> readClientsStructRefs(UpdateDecoder decoder,
      long maxStructs) throws DecodeException {
    LinkedHashMap<Long, ArrayList<AbstractStruct>> clientRefs = new LinkedHashMap<>();
    Lib0Decoder rest = decoder.restDecoder();
    long numOfStateUpdates = rest.readVarUint();
    long total = 0;
    for (long i = 0; i < numOfStateUpdates; i++) {
      long numberOfStructs = rest.readVarUint();
      total += numberOfStructs;
      if (numberOfStructs < 0 || total > maxStructs) {
        throw decodeError(decoder, "too many structs: " + numberOfStructs);
      }
      long client = checkClient(decoder, decoder.readClient());
      long clock = rest.readVarUint();
      checkRange(decoder, clock, 0);
      ArrayList<AbstractStruct> refs = new ArrayList<>((int) Math.min(numberOfStructs, 1024));
      clientRefs.put(client, refs);
      for (long j = 0; j < numberOfStructs; j++) {
        int info = decoder.readInfo();
        switch (info & 0x1F) {
          case 0 -> { // GC
            int len = readLength(decoder);
            checkStructLength(decoder, clock, len);
            refs.add(new GC(new Id(client, clock), len));
            clock += len;
          }
          case 10 -> { // Skip Struct (nothing to apply)
            long len = rest.readVarUint();
            if (len > Integer.MAX_VALUE) {
              throw decodeError(decoder, "invalid skip length " + len);
            }
            checkRange(decoder, clock, len);
            refs.add(new Skip(new Id(client, clock), (int) len));
            clock += len;
          }
          default -> {
            Item struct = readItem(decoder, info, client, clock);
            refs.add(struct);
            clock += struct.length;
          }
        }
      }
    }
    return clientRefs;
  }

  private static void checkStructLength(UpdateDecoder decoder, long clock, int len) throws DecodeException {
    if (len <= 0) {
      throw decodeError(decoder, "struct of length " + len + " at clock " + clock);
    }
    checkRange(decoder, clock, len);
  }

  private static Item readItem(UpdateDecoder decoder, int info, long client, long clock) throws DecodeException {
    boolean cantCopyParentInfo = (info & (0x40 | 0x80)) == 0;
    // The item that was originally to the left / right of this item.
    Id origin = (info & 0x80) == 0x80 ? decoder.readLeftId() : null;
    Id rightOrigin = (info & 0x40) == 0x40 ? decoder.readRightId() : null;
    String parentYKey = null;
    Id parentId = null;
    if (cantCopyParentInfo) {
      // If parent = null and neither left nor right are defined, then we know that `parent` is child of `y`
      if (decoder.readParentInfo()) {
        parentYKey = decoder.readString();
      } else {
        parentId = decoder.readLeftId();
      }
    }
    String parentSub = cantCopyParentInfo && (info & 0x20) == 0x20 ? decoder.readString() : null;
    Content content = Item.readItemContent(decoder, info);
    Id id = new Id(client, clock);
    Item item = new Item(id, null, origin, null, rightOrigin, null, parentSub, content);
    item.parentId = parentId;
    item.parentYKey = parentYKey;
    checkStructLength(decoder, clock, item.length);
    if (origin != null) {
      checkRef(decoder, origin, client, clock);
    }
    if (rightOrigin != null) {
      checkRef(decoder, rightOrigin, client, clock);
    }
    if (parentId != null) {
      checkRef(decoder, parentId, client, clock);
    }
    return item;
  }

  // ---------------------------------------------------------------- whole document

  // Port of writeStateAsUpdate, yjs src/utils/encoding.js v13.6.33
  static void writeStateAsUpdate(UpdateEncoder encoder, Doc doc, Map<Long, Long> targetStateVector) {
    writeClientsStructs(encoder, doc.store, targetStateVector);
    DeleteSet.createFromStructStore(doc.store).write(encoder);
  }

  /**
   * The document state as an update, including pending structs and deletions, as Yjs: with pending state the state
   * update, the pending deletions and the part of the pending structs beyond {@code targetStateVector} are merged
   * with {@code mergeUpdates} (V1) / {@code mergeUpdatesV2}, which decodes and re-encodes every struct (e.g. an item
   * with an origin loses its parentSub flag bit, adjacent GCs are merged), so the bytes are Yjs's in every case.
   */
  // Port of encodeStateAsUpdateV2, yjs src/utils/encoding.js v13.6.33
  static byte[] encodeStateAsUpdate(Doc doc, Map<Long, Long> targetStateVector, UpdateEncoder encoder) {
    writeStateAsUpdate(encoder, doc, targetStateVector);
    StructStore store = doc.store;
    if (store.pendingStructs == null && store.pendingDs == null) {
      return encoder.toByteArray();
    }
    List<byte[]> updates = new ArrayList<>(3);
    updates.add(encoder.toByteArray());
    try {
      // also add the pending updates (if there are any)
      if (store.pendingDs != null) {
        updates.add(pendingDsUpdate(store.pendingDs));
      }
      if (store.pendingStructs != null) {
        updates.add(DocFreeUpdates.diffUpdateV2(store.pendingStructs.encodeV2(), encodeStateVector(targetStateVector)));
      }
      if (encoder instanceof UpdateEncoderV2) {
        return DocFreeUpdates.mergeUpdatesV2(updates);
      }
      for (int i = 1; i < updates.size(); i++) {
        updates.set(i, DocFreeUpdates.convertUpdateFormatV2ToV1(updates.get(i)));
      }
      return DocFreeUpdates.mergeUpdates(updates);
    } catch (DecodeException e) {
      // our own bytes; only what Yjs cannot convert either (a BigInt in a V2 embed/format value written as V1 JSON)
      throw new IllegalStateException("the document state with its pending structs cannot be encoded: "
          + e.getMessage(), e);
    }
  }

  /**
   * Pending deletions as the V2 update Yjs keeps in {@code store.pendingDs}: no structs, then the delete set (here
   * sorted and merged first; the V2 delete-set encoding needs ascending ranges, and {@code mergeUpdates} sorts and
   * merges all delete sets anyway).
   */
  // Port of the dsRest encoding in readAndApplyDeleteSet, yjs src/utils/DeleteSet.js v13.6.33
  private static byte[] pendingDsUpdate(DeleteSet pendingDs) {
    UpdateEncoderV2 ds = new UpdateEncoderV2();
    ds.restEncoder().writeVarUint(0); // encode 0 structs, because we only encode deletes in pendingdsupdate
    DeleteSet.mergeDeleteSets(List.of(pendingDs)).write(ds);
    return ds.toByteArray();
  }

  // ---------------------------------------------------------------- state vectors

  // Port of readStateVector, yjs src/utils/encoding.js v13.6.33
  static Map<Long, Long> readStateVector(Lib0Decoder decoder) throws DecodeException {
    Map<Long, Long> ss = new LinkedHashMap<>();
    long ssLength = decoder.readVarUint();
    for (long i = 0; i < ssLength; i++) {
      long client = decoder.readVarUint();
      long clock = decoder.readVarUint();
      if (client < 0 || client > MAX_CLIENT || clock < 0 || clock > MAX_CLOCK) {
        throw decodeError(decoder, "invalid state vector entry " + client + ":" + clock);
      }
      ss.put(client, clock);
    }
    return ss;
  }

  // Port of writeStateVector, yjs src/utils/encoding.js v13.6.33
  static void writeStateVector(Lib0Encoder encoder, Map<Long, Long> sv) {
    encoder.writeVarUint(sv.size());
    if (sv instanceof ClientClocks clocks) {
      long[] clients = new long[clocks.size()];
      for (int i = 0; i < clients.length; i++) {
        clients[i] = clocks.clientAt(i);
      }
      Arrays.sort(clients);
      for (int i = clients.length - 1; i >= 0; i--) {
        encoder.writeVarUint(clients[i]); // @todo use a special client decoder that is based on mapping
        encoder.writeVarUint(clocks.clockOf(clients[i], 0));
      }
      return;
    }
    for (Long client : sortedDesc(sv.keySet())) {
      encoder.writeVarUint(client); // @todo use a special client decoder that is based on mapping
      encoder.writeVarUint(sv.get(client));
    }
  }

  // Port of encodeStateVector, yjs src/utils/encoding.js v13.6.33
  static byte[] encodeStateVector(Map<Long, Long> sv) {
    Lib0Encoder encoder = new Lib0Encoder();
    writeStateVector(encoder, sv);
    return encoder.toByteArray();
  }

  // Port of decodeStateVector, yjs src/utils/encoding.js v13.6.33
  static Map<Long, Long> decodeStateVector(byte[] encoded) throws DecodeException {
    return readStateVector(new Lib0Decoder(encoded));
  }
}
