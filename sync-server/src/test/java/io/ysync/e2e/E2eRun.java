package io.ysync.e2e;

import io.ysync.e2e.Step.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one {@link Schedule} against the {@link Harness}'s servers: a fresh room, one {@link DelayProxy} and one client
 * per schedule client (Yjs client ids 1..n; with several instances, client i uses instance i modulo their number),
 * the steps in order (edits apply at once, the network carries them in the background), then healing: every network
 * healed and undelayed, every stopped server started, every client online; wait until every client is synced and all
 * replicas hold the same normalized state (at most {@link #CONVERGE_SECONDS}), and let the {@link Convergence} judge
 * compare them. With {@code reloadAtEnd} every server is restarted once more and its reloaded document must be the
 * same. Every step is logged as executed; a failure's message carries the log and the replay form.
 */
final class E2eRun {
  /** Time allowed for healing: every client synced, then every replica equal. */
  static final int CONVERGE_SECONDS = 60;

  private final Harness harness;
  private final Schedule schedule;
  private final String room;
  private final List<String> log = new ArrayList<>();
  private final List<DelayProxy> proxies = new ArrayList<>();
  private final List<E2eClient> clients = new ArrayList<>();
  private final List<String> javaClients = new ArrayList<>();
  private boolean[] offline;
  private boolean[] partitioned;

  E2eRun(Harness harness, Schedule schedule, String room) {
    this.harness = harness;
    this.schedule = schedule;
    this.room = room;
  }

  /** Runs the schedule and judges the result; throws {@link AssertionError} with the executed log on failure. */
  Convergence.Verdict run() throws Exception {
    int n = schedule.clients().size();
    offline = new boolean[n];
    partitioned = new boolean[n];
    try {
      for (ServerProcess server : harness.servers()) {
        server.start();
      }
      for (int i = 0; i < n; i++) {
        DelayProxy proxy = new DelayProxy(serverOf(i).port());
        proxies.add(proxy);
        String url = "ws://127.0.0.1:" + proxy.port();
        String name = schedule.names().get(i);
        clients.add(switch (schedule.clients().get(i)) {
          case JS -> new JsClient(harness.node(), name, url, room, i + 1);
          case JAVA -> {
            javaClients.add(name);
            yield harness.javaClient(name, url, room, i + 1);
          }
        });
      }
      log.add("room " + room + "; clients " + String.join(", ", clients.stream().map(E2eClient::name).toList())
          + " (Yjs client ids 1.." + n + ") connect" + (harness.servers().size() == 1 ? "" : " to "
          + String.join(", ", java.util.stream.IntStream.range(0, n).mapToObj(i -> serverOf(i).name()).toList())));
      for (Step step : schedule.steps()) {
        execute(step.action());
      }
      heal();
      Convergence.Verdict verdict = Convergence.check(harness.node(), awaitConvergence(), javaClients);
      if (schedule.reloadAtEnd()) {
        log.add("reload: every server stops (SIGTERM) and starts again; its document must not change");
        for (ServerProcess server : harness.servers()) {
          byte[] before = Convergence.javaView(server.name(), server.document(room)).state();
          server.stop(true);
          server.start();
          byte[] after = Convergence.javaView(server.name(), server.document(room)).state();
          if (!java.util.Arrays.equals(before, after)) {
            throw new AssertionError("the reloaded document of " + server.name() + " differs from the converged one");
          }
        }
      }
      return verdict;
    } catch (AssertionError | Exception e) {
      throw new AssertionError(e.getMessage() + "\nschedule as executed:\n" + executedLog() + "\n"
          + schedule.toString(), e);
    } finally {
      for (E2eClient c : clients) {
        try {
          c.close();
        } catch (RuntimeException e) {
          // the node driver died: the harness notices
        }
      }
      proxies.forEach(DelayProxy::close);
    }
  }

  /** The steps as executed, numbered. */
  String executedLog() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < log.size(); i++) {
      sb.append(String.format("  %3d. %s%n", i + 1, log.get(i)));
    }
    return sb.toString();
  }

  private void execute(Action action) throws Exception {
    int n = clients.size();
    switch (action) {
      case Step.Nop nop -> { }
      case Step.Edit e -> {
        int i = e.client() % n;
        String did = clients.get(i).edit(e.op());
        log.add(clients.get(i).name() + ": " + did + (offline[i] || partitioned[i] || !serverOf(i).running()
            ? " (offline)" : ""));
      }
      case Step.ToggleOffline t -> {
        int i = t.client() % n;
        offline[i] = !offline[i];
        if (offline[i]) {
          clients.get(i).disconnect();
          log.add(clients.get(i).name() + " goes offline (disconnect)");
        } else {
          clients.get(i).connect();
          log.add(clients.get(i).name() + " comes back online (connect)");
        }
      }
      case Step.TogglePartition p -> {
        int i = p.client() % n;
        partitioned[i] = !partitioned[i];
        proxies.get(i).partition(partitioned[i]);
        log.add(clients.get(i).name() + (partitioned[i] ? "'s network is cut and refuses connections"
            : "'s network heals"));
      }
      case Step.Cut c -> {
        int i = c.client() % n;
        proxies.get(i).cutAll();
        log.add(clients.get(i).name() + "'s connection is cut abruptly");
      }
      case Step.Delay d -> {
        int i = d.client() % n;
        proxies.get(i).delayMillis(d.millis());
        log.add(clients.get(i).name() + "'s network delay is now " + d.millis() + " ms each way");
      }
      case Step.Pause p -> {
        Thread.sleep(p.millis());
        log.add("pause " + p.millis() + " ms");
      }
      case Step.StopServer s -> {
        ServerProcess server = instance(s.instance());
        if (server.running()) {
          long t0 = System.nanoTime();
          server.stop(s.graceful());
          harness.countRestart();
          log.add(server.name() + " stops " + (s.graceful() ? "gracefully (SIGTERM)" : "abruptly (SIGKILL)")
              + millisSince(t0));
        } else {
          log.add(server.name() + " stop: already down");
        }
      }
      case Step.StartServer s -> {
        ServerProcess server = instance(s.instance());
        if (server.running()) {
          log.add(server.name() + " start: already running");
        } else {
          long t0 = System.nanoTime();
          server.start();
          log.add(server.name() + " starts (same port, same data directory)" + millisSince(t0));
        }
      }
    }
  }

  private static String millisSince(long t0) {
    return " [" + (System.nanoTime() - t0) / 1_000_000 + " ms]";
  }

  private void heal() throws Exception {
    long t0 = System.nanoTime();
    List<String> down = harness.servers().stream().filter(s -> !s.running()).map(ServerProcess::name).toList();
    for (DelayProxy p : proxies) {
      p.partition(false);
      p.delayMillis(0);
    }
    for (ServerProcess server : harness.servers()) {
      server.start();
    }
    for (int i = 0; i < clients.size(); i++) {
      if (offline[i]) {
        clients.get(i).connect();
        offline[i] = false;
      }
    }
    log.add("heal: networks healed, delays 0, " + (down.isEmpty() ? "servers up" : String.join(", ", down) + " start")
        + ", every client online" + millisSince(t0));
  }

  /** Waits until every client is synced and every replica holds the same normalized state; returns the states. */
  private List<ReplicaState> awaitConvergence() throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(CONVERGE_SECONDS);
    for (E2eClient c : clients) {
      await(c.name() + " synced", c::synced, deadline);
    }
    long synced = System.nanoTime();
    List<ReplicaState> states = states();
    while (!Convergence.sameNormalizedState(states) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      states = states();
    }
    log.add(String.format("judge: %d replicas compared (clients synced after %d ms, equal after %d ms more)",
        states.size(), (synced - start) / 1_000_000, (System.nanoTime() - synced) / 1_000_000));
    return states;
  }

  /** The server a client connects to: instances take turns. */
  private ServerProcess serverOf(int client) {
    return instance(client);
  }

  private ServerProcess instance(int draw) {
    return harness.servers().get(draw % harness.servers().size());
  }

  /** Every server's state (first) and every client's. */
  private List<ReplicaState> states() throws Exception {
    List<ReplicaState> states = new ArrayList<>();
    for (ServerProcess server : harness.servers()) {
      byte[] state = server.document(room);
      ReplicaState y = harness.node().analyze(server.name(), state);
      states.add(new ReplicaState(server.name(), state, y.stateVector(), y.json()));
    }
    for (E2eClient c : clients) {
      states.add(c.dump());
    }
    return states;
  }

  private void await(String what, BooleanSupplier condition, long deadline) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after healing waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
