package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.UpdateDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Reads the structs of an update one at a time, without a document: every {@link #next()} decodes one transient
 * {@link Item}, {@link GC} or {@link Skip}. Items are not integrated; their unresolved parent is kept in
 * {@link Item#parentYKey} / {@link Item#parentId} (Yjs stores the string or id in {@code parent}), which is what
 * {@link Item#write} writes back.
 *
 * <p>Yjs uses a generator; this is the same loop as an explicit state machine, reading exactly the same bytes in
 * the same order. After {@link #curr} became null, the decoder is positioned at the delete set.
 *
 * <p>Validation (Yjs does none): client ids and clocks must be JS safe integers, GC and item lengths positive, and
 * the number of structs is bounded by {@code maxStructs} ({@link #maxStructsFor}). GC and Skip ranges longer than {@link Integer#MAX_VALUE} are
 * yielded as consecutive structs of at most that length (Yjs yields one).
 */
// Port of LazyStructReader and lazyStructReaderGenerator, yjs src/utils/updates.js v13.6.33
final class LazyStructReader {
  /** Largest clock (or clock + length) accepted: JS safe integers. */
  static final long MAX_CLOCK = (1L << 53) - 1;
  /** Largest client id accepted (Yjs uses uint32; 53-bit ids are tolerated, as in {@code Encoding}). */
  static final long MAX_CLIENT = (1L << 53) - 1;

  private static final int INFO_SKIP = 10;

  private final UpdateDecoder decoder;
  private final Lib0Decoder rest;
  private final boolean filterSkips;
  private final long maxStructs;

  /** The current struct, or null once all structs were read. */
  @Nullable AbstractStruct curr;

  private boolean started;
  private long remainingStateUpdates;
  private long remainingStructs;
  private long client;
  private long clock;
  /** Rest of a GC/Skip range longer than an int (0 = none); {@link #pendingIsSkip} tells which. */
  private long pendingLength;
  private boolean pendingIsSkip;
  private long structsRead;

  /**
   * @param filterSkips whether {@link Skip} structs are passed over
   * @param maxStructs upper bound for the number of structs in the update
   * @throws DecodeException if the first struct is malformed
   */
  LazyStructReader(UpdateDecoder decoder, boolean filterSkips, long maxStructs) throws DecodeException {
    this.decoder = decoder;
    this.rest = decoder.restDecoder();
    this.filterSkips = filterSkips;
    this.maxStructs = maxStructs;
    next();
  }

  /** Structs accepted from a V2 update regardless of its size (see {@link #maxStructsFor}). */
  static final long MIN_V2_STRUCT_LIMIT = 1L << 24;

  /**
   * The bound for the number of structs of an update of {@code updateLength} bytes. Every V1 struct takes at least
   * one byte. A V2 struct may take none: the column decoders repeat their last value forever, and legitimate V2
   * updates are that dense (36 bytes for 100,000 empty Y.Maps pushed at once), so the V2 bound is
   * {@code max(16 * updateLength, 2^24)}: it stops a few hostile bytes announcing billions of structs.
   */
  static long maxStructsFor(int updateLength, boolean v2) {
    return v2 ? Math.max(16L * updateLength, MIN_V2_STRUCT_LIMIT) : updateLength;
  }

  /**
   * Advances to the next struct (skipping {@link Skip}s if asked to).
   *
   * @return the new {@link #curr}, null at the end
   * @throws DecodeException on malformed bytes
   */
  // Port of LazyStructReader#next, yjs src/utils/updates.js v13.6.33
  @Nullable AbstractStruct next() throws DecodeException {
    // ignore "Skip" structs
    do {
      curr = read();
    } while (filterSkips && curr instanceof Skip);
    return curr;
  }

  /** The body of lazyStructReaderGenerator, one struct per call. */
  private @Nullable AbstractStruct read() throws DecodeException {
    if (pendingLength > 0) {
      return splitRange(pendingIsSkip, pendingLength);
    }
    if (!started) {
      started = true;
      remainingStateUpdates = rest.readVarUint();
    }
    while (remainingStructs == 0) {
      if (remainingStateUpdates <= 0) {
        return null;
      }
      remainingStateUpdates--;
      remainingStructs = rest.readVarUint();
      if (remainingStructs < 0 || remainingStructs > maxStructs) {
        throw error("too many structs: " + remainingStructs);
      }
      client = decoder.readClient();
      if (client < 0 || client > MAX_CLIENT) {
        throw error("invalid client id " + client);
      }
      clock = rest.readVarUint();
      checkRange(clock, 0);
    }
    remainingStructs--;
    int info = decoder.readInfo();
    if (info == INFO_SKIP) {
      long len = rest.readVarUint();
      checkRange(clock, len);
      // Skips of length 0 are tolerated (never integrated)
      return splitRange(true, len);
    } else if ((info & 0x1F) != 0) {
      Item struct = readItem(info);
      clock += struct.length;
      return counted(struct);
    } else {
      long len = decoder.readLen();
      if (len <= 0) {
        throw error("GC struct of length " + len + " at clock " + clock);
      }
      checkRange(clock, len);
      return splitRange(false, len);
    }
  }

  /** Yields a GC/Skip of {@code len} at {@link #clock}, keeping what does not fit an int for the next call. */
  private AbstractStruct splitRange(boolean skip, long len) throws DecodeException {
    int part = (int) Math.min(len, Integer.MAX_VALUE);
    pendingLength = len - part;
    pendingIsSkip = skip;
    Id id = new Id(client, clock);
    clock += part;
    return counted(skip ? new Skip(id, part) : new GC(id, part));
  }

  private AbstractStruct counted(AbstractStruct struct) throws DecodeException {
    if (++structsRead > maxStructs) {
      throw error("too many structs (more than " + maxStructs + ")");
    }
    return struct;
  }

  // Port of the Item branch of lazyStructReaderGenerator, yjs src/utils/updates.js v13.6.33
  private Item readItem(int info) throws DecodeException {
    boolean cantCopyParentInfo = (info & (0x40 | 0x80)) == 0;
    // If parent = null and neither left nor right are defined, then we know that `parent` is child of `y`
    // and we read the next string as parentYKey.
    Id origin = (info & 0x80) == 0x80 ? checkId(decoder.readLeftId()) : null;
    Id rightOrigin = (info & 0x40) == 0x40 ? checkId(decoder.readRightId()) : null;
    String parentYKey = null;
    Id parentId = null;
    if (cantCopyParentInfo) {
      if (decoder.readParentInfo()) {
        parentYKey = decoder.readString();
      } else {
        parentId = checkId(decoder.readLeftId());
      }
    }
    String parentSub = cantCopyParentInfo && (info & 0x20) == 0x20 ? decoder.readString() : null;
    Content content;
    try {
      content = Item.readItemContent(decoder, info);
    } catch (RuntimeException e) {
      // content readers are expected to throw DecodeException only; never let a runtime exception escape
      throw error("invalid item content: " + e);
    }
    Item item = new Item(new Id(client, clock), null, origin, null, rightOrigin, null, parentSub, content);
    item.parentYKey = parentYKey;
    item.parentId = parentId;
    if (item.length <= 0) {
      throw error("item of length " + item.length + " at " + client + ":" + clock);
    }
    checkRange(clock, item.length);
    return item;
  }

  private Id checkId(Id id) throws DecodeException {
    if (id.client() < 0 || id.client() > MAX_CLIENT || id.clock() < 0 || id.clock() > MAX_CLOCK) {
      throw error("invalid id " + id);
    }
    return id;
  }

  private void checkRange(long clock, long len) throws DecodeException {
    if (clock < 0 || len < 0 || clock > MAX_CLOCK || len > MAX_CLOCK - clock) {
      throw error("invalid clock range " + clock + "+" + len);
    }
  }

  private DecodeException error(String message) {
    return new DecodeException(message, rest.position());
  }
}
