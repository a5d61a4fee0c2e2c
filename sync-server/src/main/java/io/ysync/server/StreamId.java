package io.ysync.server;

/**
 * The id of an entry in a document's shared log: a Redis stream id {@code <milliseconds>-<sequence>}, ordered by
 * milliseconds, then sequence. {@link #ZERO} ({@code 0-0}) comes before every entry.
 *
 * @param millis the millisecond part (at least 0)
 * @param sequence the sequence part (at least 0)
 */
public record StreamId(long millis, long sequence) implements Comparable<StreamId> {
  /** Before every entry: the position of a reader that has read nothing. */
  public static final StreamId ZERO = new StreamId(0, 0);

  /** Validates the parts. */
  public StreamId {
    if (millis < 0 || sequence < 0) {
      throw new IllegalArgumentException("stream id parts must not be negative: " + millis + "-" + sequence);
    }
  }

  /**
   * Parses {@code <milliseconds>-<sequence>}.
   *
   * @param text the id as Redis writes it
   * @return the id
   * @throws IllegalArgumentException if the text is not a stream id
   */
  public static StreamId parse(String text) {
    int dash = text.indexOf('-');
    try {
      if (dash <= 0 || dash == text.length() - 1) {
        throw new NumberFormatException();
      }
      return new StreamId(Long.parseLong(text, 0, dash, 10), Long.parseLong(text, dash + 1, text.length(), 10));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a stream id: '" + LogText.safe(text) + "'");
    }
  }

  /**
   * The smallest id after this one: the {@code MINID} that trims every entry up to this one.
   *
   * @return the next id
   */
  public StreamId next() {
    return sequence == Long.MAX_VALUE ? new StreamId(millis + 1, 0) : new StreamId(millis, sequence + 1);
  }

  @Override
  public int compareTo(StreamId o) {
    int c = Long.compare(millis, o.millis);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }

  /** Whether this id comes after {@code o}. */
  public boolean isAfter(StreamId o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return millis + "-" + sequence;
  }
}
