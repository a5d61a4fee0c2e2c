package io.ysync.crdt;

/**
 * What an update covers, per client: {@code from} holds the first clock of the client's structs in the update,
 * {@code to} the clock after its last struct (Yjs {@code parseUpdateMeta}'s {@code {from, to}} maps, in the order
 * the clients appear in the update).
 *
 * @param from per client the first clock in the update
 * @param to per client the end clock (last clock + 1) in the update
 */
public record UpdateMeta(StateVector from, StateVector to) {}
