package io.ysync.crdt;

/**
 * A deleted range {@code [clock, clock + len)} of one client.
 *
 * @param clock first deleted clock
 * @param len number of deleted clocks
 */
// Port of DeleteItem, yjs src/utils/DeleteSet.js v13.6.33
public record DeleteItem(long clock, long len) {}
