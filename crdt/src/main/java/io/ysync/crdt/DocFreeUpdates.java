package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.Lib0Encoder;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateDecoderV1;
import io.ysync.crdt.codec.UpdateDecoderV2;
import io.ysync.crdt.codec.UpdateEncoder;
import io.ysync.crdt.codec.UpdateEncoderV1;
import io.ysync.crdt.codec.UpdateEncoderV2;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The update operations of Yjs that need no document: merging updates, diffing an update against a state vector,
 * the state vector / meta data of an update, and V1 &lt;-&gt; V2 conversion. Everything works on the bytes, struct
 * by struct ({@link LazyStructReader} / {@link LazyStructWriter}), in time linear in the size of the updates (for
 * merging: times the number of merged updates, as in Yjs), and produces the same bytes as Yjs 13.6.33.
 *
 * <p>Every malformed input throws {@link DecodeException}. Yjs validates nothing here; in addition to what the
 * readers check, the delete set of every input is read (Yjs skips it in {@code encodeStateVectorFromUpdate},
 * {@code parseUpdateMeta} and when {@code mergeUpdates} gets a single update, which it returns as is).
 */
// Port of yjs src/utils/updates.js v13.6.33 (obfuscateUpdate, logUpdate and decodeUpdate are not ported)
final class DocFreeUpdates {
  private DocFreeUpdates() {}

  /** Yjs passes the decoder class ({@code YDecoder}); this is its stand-in. */
  private interface DecoderFactory {
    UpdateDecoder create(byte[] update) throws DecodeException;

    boolean v2();

    /** A reader of the structs of {@code update}, decoded with {@code decoder}. */
    default LazyStructReader reader(UpdateDecoder decoder, byte[] update, boolean filterSkips)
        throws DecodeException {
      return new LazyStructReader(decoder, filterSkips, LazyStructReader.maxStructsFor(update.length, v2()));
    }
  }

  private static final DecoderFactory V1 = new DecoderFactory() {
    @Override
    public UpdateDecoder create(byte[] update) {
      return new UpdateDecoderV1(new Lib0Decoder(update));
    }

    @Override
    public boolean v2() {
      return false;
    }
  };

  private static final DecoderFactory V2 = new DecoderFactory() {
    @Override
    public UpdateDecoder create(byte[] update) throws DecodeException {
      return new UpdateDecoderV2(new Lib0Decoder(update));
    }

    @Override
    public boolean v2() {
      return true;
    }
  };

  // ---------------------------------------------------------------- merge

  /** Merges V1 updates into one V1 update. */
  // Port of mergeUpdates, yjs src/utils/updates.js v13.6.33
  static byte[] mergeUpdates(List<byte[]> updates) throws DecodeException {
    return mergeUpdates(updates, V1, UpdateEncoderV1::new);
  }

  /** Merges V2 updates into one V2 update. */
  // Port of mergeUpdatesV2, yjs src/utils/updates.js v13.6.33
  static byte[] mergeUpdatesV2(List<byte[]> updates) throws DecodeException {
    return mergeUpdates(updates, V2, UpdateEncoderV2::new);
  }

  /**
   * Yjs's sort order of the readers: higher clients first, then lower clocks. Not consistent for an Item and a GC
   * at the same id (both compare as smaller); {@link JsArraySort} resolves that exactly as V8 does.
   */
  private static final Comparator<LazyStructReader> READER_ORDER = (dec1, dec2) -> {
    AbstractStruct c1 = dec1.curr;
    AbstractStruct c2 = dec2.curr;
    if (c1.id.client() == c2.id.client()) {
      long clockDiff = c1.id.clock() - c2.id.clock();
      if (clockDiff == 0) {
        // @todo remove references to skip since the structDecoders must filter Skips.
        return c1.getClass() == c2.getClass() ? 0 : c1 instanceof Skip ? 1 : -1; // we are filtering skips anyway.
      }
      return clockDiff < 0 ? -1 : 1;
    }
    return Long.compare(c2.id.client(), c1.id.client());
  };

  // Port of mergeUpdatesV2, yjs src/utils/updates.js v13.6.33
  private static byte[] mergeUpdates(List<byte[]> updates, DecoderFactory yDecoder, Supplier<UpdateEncoder> yEncoder)
      throws DecodeException {
    if (updates.size() == 1) {
      // Yjs returns the update unchecked; we validate it and return a copy of the same bytes
      validate(updates.get(0), yDecoder);
      return updates.get(0).clone();
    }
    List<UpdateDecoder> updateDecoders = new ArrayList<>(updates.size());
    List<LazyStructReader> lazyStructDecoders = new ArrayList<>(updates.size());
    for (byte[] update : updates) {
      UpdateDecoder decoder = yDecoder.create(update);
      updateDecoders.add(decoder);
      lazyStructDecoders.add(yDecoder.reader(decoder, update, true));
    }
    // @todo we don't need offset because we always slice before (Yjs keeps {struct, offset}; offset is always 0)
    AbstractStruct currWrite = null;
    UpdateEncoder updateEncoder = yEncoder.get();
    // write structs lazily
    LazyStructWriter lazyStructEncoder = new LazyStructWriter(updateEncoder);

    // Note: We need to ensure that all lazyStructDecoders are fully consumed
    // Note: Should merge document updates whenever possible - even from different updates
    // Note: Should handle that some operations cannot be applied yet ()
    while (true) {
      // Write higher clients first ⇒ sort by clientID & clock and remove decoders without content
      lazyStructDecoders.removeIf(dec -> dec.curr == null);
      sortReaders(lazyStructDecoders);
      if (lazyStructDecoders.isEmpty()) {
        break;
      }
      LazyStructReader currDecoder = lazyStructDecoders.get(0);
      // write from currDecoder until the next operation is from another client or if filler-struct
      // then we need to reorder the decoders and find the next operation to write
      long firstClient = currDecoder.curr.id.client();

      if (currWrite != null) {
        AbstractStruct curr = currDecoder.curr;
        boolean iterated = false;
        // iterate until we find something that we haven't written already
        // remember: first the high client-ids are written
        while (curr != null && curr.clockEnd() <= currWrite.clockEnd()
            && curr.id.client() >= currWrite.id.client()) {
          curr = currDecoder.next();
          iterated = true;
        }
        if (curr == null // current decoder is empty
            || curr.id.client() != firstClient // check whether there is another decoder that has updates from `firstClient`
            || (iterated && curr.id.clock() > currWrite.clockEnd())) { // the above while loop was used and we are potentially missing updates
          continue;
        }
        if (firstClient != currWrite.id.client()) {
          lazyStructEncoder.write(currWrite, 0);
          currWrite = curr;
          currDecoder.next();
        } else {
          if (currWrite.clockEnd() < curr.id.clock()) {
            // @todo write currStruct & set currStruct = Skip(clock = currStruct.id.clock + currStruct.length, length = curr.id.clock - self.clock)
            if (currWrite instanceof Skip) {
              // extend existing skip
              currWrite = skipOver(lazyStructEncoder, firstClient, currWrite.id.clock(), curr.clockEnd());
            } else {
              lazyStructEncoder.write(currWrite, 0);
              currWrite = skipOver(lazyStructEncoder, firstClient, currWrite.clockEnd(), curr.id.clock());
            }
          } else { // if (currWrite.struct.id.clock + currWrite.struct.length >= curr.id.clock) {
            long diff = currWrite.clockEnd() - curr.id.clock();
            if (diff > 0) {
              if (currWrite instanceof Skip) {
                // prefer to slice Skip because the other struct might contain more information
                currWrite.length -= (int) diff;
              } else {
                curr = sliceStruct(curr, (int) diff);
              }
            }
            if (!mergeWith(currWrite, curr)) {
              lazyStructEncoder.write(currWrite, 0);
              currWrite = curr;
              currDecoder.next();
            }
          }
        }
      } else {
        currWrite = currDecoder.curr;
        currDecoder.next();
      }
      for (AbstractStruct next = currDecoder.curr;
          next != null && next.id.client() == firstClient && next.id.clock() == currWrite.clockEnd()
              && !(next instanceof Skip);
          next = currDecoder.next()) {
        lazyStructEncoder.write(currWrite, 0);
        currWrite = next;
      }
    }
    if (currWrite != null) {
      lazyStructEncoder.write(currWrite, 0);
    }
    lazyStructEncoder.finish();

    List<DeleteSet> dss = new ArrayList<>(updateDecoders.size());
    for (UpdateDecoder decoder : updateDecoders) {
      dss.add(DeleteSet.read(decoder));
    }
    DeleteSet ds = DeleteSet.mergeDeleteSets(dss);
    writeDeleteSet(updateEncoder, ds, updateDecoders.isEmpty() ? null : updateDecoders.get(0));
    return updateEncoder.toByteArray();
  }

  private static void sortReaders(List<LazyStructReader> readers) {
    try {
      JsArraySort.sort(readers, READER_ORDER);
    } catch (IndexOutOfBoundsException e) {
      // not expected (V8 runs the same algorithm on the same comparator); never let it escape. A consistent
      // comparator is required here: java.util's TimSort rejects READER_ORDER with an IllegalArgumentException.
      readers.sort(Comparator.comparing((LazyStructReader r) -> r.curr.id.client(), Comparator.reverseOrder())
          .thenComparingLong(r -> r.curr.id.clock())
          .thenComparingInt(r -> r.curr instanceof Skip ? 1 : 0));
    }
  }

  /** {@code left.mergeWith(right)}, except that GC/Skip lengths that would overflow an int are not merged. */
  private static boolean mergeWith(AbstractStruct left, AbstractStruct right) {
    if ((left instanceof GC || left instanceof Skip) && (long) left.length + right.length > Integer.MAX_VALUE) {
      return false;
    }
    return left.mergeWith(right);
  }

  /**
   * A Skip of {@code client} over [from, to) as the new {@code currWrite}. Yjs creates (or extends) one Skip; a gap
   * longer than an int (clock gaps beyond 2^31 only) is written as several Skips, all but the last one at once.
   */
  private static AbstractStruct skipOver(LazyStructWriter writer, long client, long from, long to) {
    long start = from;
    while (to - start > Integer.MAX_VALUE) {
      writer.write(new Skip(new Id(client, start), Integer.MAX_VALUE), 0);
      start += Integer.MAX_VALUE;
    }
    return new Skip(new Id(client, start), (int) (to - start));
  }

  /**
   * Slices any kind of struct and returns the right part (from {@code diff} on). Does not handle side effects;
   * only for the lazy encoder.
   */
  // Port of sliceStruct, yjs src/utils/updates.js v13.6.33
  private static AbstractStruct sliceStruct(AbstractStruct left, int diff) {
    long client = left.id.client();
    long clock = left.id.clock();
    if (left instanceof GC) {
      return new GC(new Id(client, clock + diff), left.length - diff);
    } else if (left instanceof Skip) {
      return new Skip(new Id(client, clock + diff), left.length - diff);
    } else {
      Item leftItem = (Item) left;
      Item item = new Item(new Id(client, clock + diff), null, new Id(client, clock + diff - 1), null,
          leftItem.rightOrigin, leftItem.parent, leftItem.parentSub, leftItem.content.splice(diff));
      item.parentYKey = leftItem.parentYKey;
      item.parentId = leftItem.parentId;
      return item;
    }
  }

  // ---------------------------------------------------------------- diff

  /**
   * The part of a V1 update that the holder of the encoded state vector {@code sv} misses (all deletions
   * included), as a V1 update.
   */
  // Port of diffUpdate, yjs src/utils/updates.js v13.6.33
  static byte[] diffUpdate(byte[] update, byte[] sv) throws DecodeException {
    return diffUpdate(update, sv, V1, new UpdateEncoderV1());
  }

  /** Like {@link #diffUpdate} for V2 updates. */
  // Port of diffUpdateV2, yjs src/utils/updates.js v13.6.33
  static byte[] diffUpdateV2(byte[] update, byte[] sv) throws DecodeException {
    return diffUpdate(update, sv, V2, new UpdateEncoderV2());
  }

  // Port of diffUpdateV2, yjs src/utils/updates.js v13.6.33
  private static byte[] diffUpdate(byte[] update, byte[] sv, DecoderFactory yDecoder, UpdateEncoder encoder)
      throws DecodeException {
    Map<Long, Long> state = StateVector.decode(sv).toMap();
    LazyStructWriter lazyStructWriter = new LazyStructWriter(encoder);
    UpdateDecoder decoder = yDecoder.create(update);
    LazyStructReader reader = yDecoder.reader(decoder, update, false);
    while (reader.curr != null) {
      AbstractStruct curr = reader.curr;
      long currClient = curr.id.client();
      long svClock = state.getOrDefault(currClient, 0L);
      if (curr instanceof Skip) {
        // the first written struct shouldn't be a skip
        reader.next();
        continue;
      }
      if (curr.clockEnd() > svClock) {
        lazyStructWriter.write(curr, (int) Math.max(svClock - curr.id.clock(), 0));
        reader.next();
        while (reader.curr != null && reader.curr.id.client() == currClient) {
          lazyStructWriter.write(reader.curr, 0);
          reader.next();
        }
      } else {
        // read until something new comes up
        while (reader.curr != null && reader.curr.id.client() == currClient && reader.curr.clockEnd() <= svClock) {
          reader.next();
        }
      }
    }
    lazyStructWriter.finish();
    // write ds
    DeleteSet ds = DeleteSet.read(decoder);
    writeDeleteSet(encoder, ds, decoder);
    return encoder.toByteArray();
  }

  // ---------------------------------------------------------------- state vector and meta data

  /** The state vector of a V1 update (encoded like {@code encodeStateVector}). */
  // Port of encodeStateVectorFromUpdate, yjs src/utils/updates.js v13.6.33
  static byte[] encodeStateVectorFromUpdate(byte[] update) throws DecodeException {
    return encodeStateVectorFromUpdate(update, V1);
  }

  /** The state vector of a V2 update (V1 and V2 state vectors are the same bytes). */
  // Port of encodeStateVectorFromUpdateV2, yjs src/utils/updates.js v13.6.33
  static byte[] encodeStateVectorFromUpdateV2(byte[] update) throws DecodeException {
    return encodeStateVectorFromUpdate(update, V2);
  }

  // Port of encodeStateVectorFromUpdateV2, yjs src/utils/updates.js v13.6.33
  private static byte[] encodeStateVectorFromUpdate(byte[] update, DecoderFactory yDecoder) throws DecodeException {
    // DSEncoderV1/V2 only use their rest encoder here and return its bytes
    Lib0Encoder restEncoder = new Lib0Encoder();
    UpdateDecoder decoder = yDecoder.create(update);
    LazyStructReader updateDecoder = yDecoder.reader(decoder, update, false);
    AbstractStruct curr = updateDecoder.curr;
    byte[] result;
    if (curr != null) {
      int size = 0;
      long currClient = curr.id.client();
      boolean stopCounting = curr.id.clock() != 0; // must start at 0
      long currClock = stopCounting ? 0 : curr.clockEnd();
      for (; curr != null; curr = updateDecoder.next()) {
        if (currClient != curr.id.client()) {
          if (currClock != 0) {
            size++;
            // We found a new client
            // write what we have to the encoder
            restEncoder.writeVarUint(currClient);
            restEncoder.writeVarUint(currClock);
          }
          currClient = curr.id.client();
          currClock = 0;
          stopCounting = curr.id.clock() != 0;
        }
        // we ignore skips
        if (curr instanceof Skip) {
          stopCounting = true;
        }
        if (!stopCounting) {
          currClock = curr.clockEnd();
        }
      }
      // write what we have
      if (currClock != 0) {
        size++;
        restEncoder.writeVarUint(currClient);
        restEncoder.writeVarUint(currClock);
      }
      // prepend the size of the state vector
      Lib0Encoder enc = new Lib0Encoder();
      enc.writeVarUint(size);
      enc.writeEncoder(restEncoder);
      result = enc.toByteArray();
    } else {
      restEncoder.writeVarUint(0);
      result = restEncoder.toByteArray();
    }
    DeleteSet.read(decoder); // validation only (Yjs does not read the delete set)
    return result;
  }

  /** The clock ranges a V1 update covers: per client the first clock ({@code from}) and the end ({@code to}). */
  // Port of parseUpdateMeta, yjs src/utils/updates.js v13.6.33
  static UpdateMeta parseUpdateMeta(byte[] update) throws DecodeException {
    return parseUpdateMeta(update, V1);
  }

  /** Like {@link #parseUpdateMeta} for a V2 update. */
  // Port of parseUpdateMetaV2, yjs src/utils/updates.js v13.6.33
  static UpdateMeta parseUpdateMetaV2(byte[] update) throws DecodeException {
    return parseUpdateMeta(update, V2);
  }

  // Port of parseUpdateMetaV2, yjs src/utils/updates.js v13.6.33
  private static UpdateMeta parseUpdateMeta(byte[] update, DecoderFactory yDecoder) throws DecodeException {
    Map<Long, Long> from = new LinkedHashMap<>();
    Map<Long, Long> to = new LinkedHashMap<>();
    UpdateDecoder decoder = yDecoder.create(update);
    LazyStructReader updateDecoder = yDecoder.reader(decoder, update, false);
    AbstractStruct curr = updateDecoder.curr;
    if (curr != null) {
      long currClient = curr.id.client();
      long currClock = curr.id.clock();
      // write the beginning to `from`
      from.put(currClient, currClock);
      for (; curr != null; curr = updateDecoder.next()) {
        if (currClient != curr.id.client()) {
          // We found a new client
          // write the end to `to`
          to.put(currClient, currClock);
          // write the beginning to `from`
          from.put(curr.id.client(), curr.id.clock());
          // update currClient
          currClient = curr.id.client();
        }
        currClock = curr.clockEnd();
      }
      // write the end to `to`
      to.put(currClient, currClock);
    }
    DeleteSet.read(decoder); // validation only (Yjs does not read the delete set)
    return new UpdateMeta(StateVector.of(from), StateVector.of(to));
  }

  // ---------------------------------------------------------------- format conversion

  /** Converts a V1 update to V2. */
  // Port of convertUpdateFormatV1ToV2, yjs src/utils/updates.js v13.6.33
  static byte[] convertUpdateFormatV1ToV2(byte[] update) throws DecodeException {
    return convertUpdateFormat(update, V1, new UpdateEncoderV2());
  }

  /** Converts a V2 update to V1. */
  // Port of convertUpdateFormatV2ToV1, yjs src/utils/updates.js v13.6.33
  static byte[] convertUpdateFormatV2ToV1(byte[] update) throws DecodeException {
    return convertUpdateFormat(update, V2, new UpdateEncoderV1());
  }

  // Port of convertUpdateFormat (with the identity block transformer), yjs src/utils/updates.js v13.6.33
  private static byte[] convertUpdateFormat(byte[] update, DecoderFactory yDecoder, UpdateEncoder updateEncoder)
      throws DecodeException {
    UpdateDecoder updateDecoder = yDecoder.create(update);
    LazyStructReader lazyDecoder = yDecoder.reader(updateDecoder, update, false);
    LazyStructWriter lazyWriter = new LazyStructWriter(updateEncoder);
    for (AbstractStruct curr = lazyDecoder.curr; curr != null; curr = lazyDecoder.next()) {
      try {
        lazyWriter.write(curr, 0);
      } catch (RuntimeException e) {
        // V2 -> V1: a JSON/embed/format value read with readAny that JSON.stringify cannot write (a BigInt,
        // undefined). Yjs throws a TypeError here.
        throw new DecodeException("struct " + curr.id + " cannot be written in the target format: " + e.getMessage(),
            updateDecoder.restDecoder().position(), e);
      }
    }
    lazyWriter.finish();
    DeleteSet ds = DeleteSet.read(updateDecoder);
    writeDeleteSet(updateEncoder, ds, updateDecoder);
    return updateEncoder.toByteArray();
  }

  // ---------------------------------------------------------------- helpers

  /** Reads all structs and the delete set of {@code update}. */
  private static void validate(byte[] update, DecoderFactory yDecoder) throws DecodeException {
    UpdateDecoder decoder = yDecoder.create(update);
    LazyStructReader reader = yDecoder.reader(decoder, update, false);
    while (reader.curr != null) {
      reader.next();
    }
    DeleteSet.read(decoder);
  }

  /**
   * {@code writeDeleteSet}; for a V2 encoder first checks what the V2 delete-set encoding can represent (per client
   * ascending, non-overlapping ranges of length &gt; 0; Yjs would write corrupt bytes or throw otherwise). Only a
   * V1 delete set that no Yjs version writes fails the check.
   */
  private static void writeDeleteSet(UpdateEncoder encoder, DeleteSet ds, UpdateDecoder source)
      throws DecodeException {
    if (encoder instanceof UpdateEncoderV2) {
      for (Map.Entry<Long, ArrayList<DeleteItem>> e : ds.clients.entrySet()) {
        long prevEnd = 0;
        for (DeleteItem item : e.getValue()) {
          if (item.len() <= 0 || item.clock() < prevEnd) {
            throw new DecodeException("delete set of client " + e.getKey() + " is not representable in V2 at "
                + item, source == null ? 0 : source.restDecoder().position());
          }
          prevEnd = item.clock() + item.len();
        }
      }
    }
    ds.write(encoder);
  }
}
