package io.ysync.bench.load;

/**
 * The shape of a fixed-rate scenario: rooms of clients, the first {@code writersPerRoom} of each room writing at
 * {@code editsPerSecond}.
 *
 * @param name the scenario name
 * @param rooms the number of rooms
 * @param clientsPerRoom clients per room
 * @param writersPerRoom writers per room (at most {@code clientsPerRoom})
 * @param editsPerSecond edits per second per writer (0 for idle scenarios)
 * @param awarenessForAll whether readers also send an awareness state (writers always do)
 * @param awarenessPerSecond cursor awareness updates per second per client after the first state (0: none); every
 *     client sends them, readers included
 */
public record Scenario(String name, int rooms, int clientsPerRoom, int writersPerRoom, double editsPerSecond,
    boolean awarenessForAll, double awarenessPerSecond) {

  /** Validates the shape. */
  public Scenario {
    if (rooms < 1 || clientsPerRoom < 1 || writersPerRoom < 0 || writersPerRoom > clientsPerRoom
        || editsPerSecond < 0 || awarenessPerSecond < 0) {
      throw new IllegalArgumentException("bad scenario shape " + name);
    }
  }

  /** A shape without cursor awareness. */
  public Scenario(String name, int rooms, int clientsPerRoom, int writersPerRoom, double editsPerSecond,
      boolean awarenessForAll) {
    this(name, rooms, clientsPerRoom, writersPerRoom, editsPerSecond, awarenessForAll, 0);
  }

  /**
   * The named scenarios of the issue.
   *
   * <ul>
   *   <li>{@code rooms}: 100 rooms x 4 clients, every client writes 5 edits/s;</li>
   *   <li>{@code everyday}: 100 rooms x 4 clients, 2 writers per room at 5 edits/s (3,000 deliveries/s; issue 17's
   *       everyday load);</li>
   *   <li>{@code everyday-awareness}: {@code everyday} plus a cursor awareness update 10 times a second from every
   *       client;</li>
   *   <li>{@code fanout}: one room with 200 clients, 5 of them write 20 edits/s;</li>
   *   <li>{@code cross}: one room of 40 clients, 8 of them write 20 edits/s (spread over several instances);</li>
   *   <li>{@code idle}: {@code idleConnections} connections in rooms of 10 that send one awareness state each;</li>
   *   <li>{@code tiny}: 2 rooms x 2 writers at 10 edits/s (tests).</li>
   * </ul>
   *
   * @param name the scenario name
   * @param idleConnections the connection count of {@code idle}
   * @return the scenario
   */
  public static Scenario named(String name, int idleConnections) {
    return switch (name) {
      case "rooms" -> new Scenario(name, 100, 4, 4, 5, false);
      case "everyday" -> new Scenario(name, 100, 4, 2, 5, false);
      case "everyday-awareness" -> new Scenario(name, 100, 4, 2, 5, true, 10);
      case "fanout" -> new Scenario(name, 1, 200, 5, 20, false);
      case "cross" -> new Scenario(name, 1, 40, 8, 20, false);
      case "idle" -> new Scenario(name, Math.max(1, (idleConnections + 9) / 10), 10, 0, 0, true);
      case "tiny" -> new Scenario(name, 2, 2, 2, 10, false);
      default -> throw new IllegalArgumentException("unknown scenario " + name);
    };
  }

  /**
   * The room layout of one saturation step.
   *
   * @param rooms rooms
   * @param clientsPerRoom clients per room
   * @param writersPerRoom writers per room (at most {@code clientsPerRoom})
   * @param editsPerSecond the offered rate per writer
   * @return the scenario
   */
  public static Scenario saturationStep(int rooms, int clientsPerRoom, int writersPerRoom, double editsPerSecond) {
    return new Scenario("saturate", rooms, clientsPerRoom, writersPerRoom, editsPerSecond, false);
  }

  /** @return the number of clients */
  public int clients() {
    return rooms * clientsPerRoom;
  }

  /** @return marker deliveries per second a server that keeps up produces (writes x other clients in the room) */
  public double expectedDeliveriesPerSecond() {
    return rooms * writersPerRoom * editsPerSecond * (clientsPerRoom - 1);
  }
}
