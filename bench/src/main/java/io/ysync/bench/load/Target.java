package io.ysync.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * A server under test: one or several instances (processes) on 127.0.0.1 that serve the same documents. Clients of a
 * run are spread over the instances round-robin; CPU and RSS are summed over the instances' processes.
 *
 * @param name the column name in reports
 * @param protocol the wire dialect
 * @param instances the instances, at least one
 */
public record Target(String name, Protocol protocol, List<Instance> instances) {

  /**
   * One server process.
   *
   * @param port its WebSocket port on 127.0.0.1
   * @param pid its process id for CPU and RSS, 0 when unknown
   */
  public record Instance(int port, long pid) {}

  /** Validates and copies. */
  public Target {
    if (instances.isEmpty()) {
      throw new IllegalArgumentException("target " + name + " has no instance");
    }
    instances = List.copyOf(instances);
  }

  /**
   * Parses {@code name=port[:pid][,port[:pid]...]}.
   *
   * @param spec the flag value
   * @param protocol the wire dialect
   * @return the target
   */
  public static Target parse(String spec, Protocol protocol) {
    String[] nv = spec.split("=", 2);
    if (nv.length != 2 || nv[0].isBlank()) {
      throw new IllegalArgumentException("target must be name=port[:pid][,port[:pid]...]: " + spec);
    }
    List<Instance> list = new ArrayList<>();
    for (String one : nv[1].split(",")) {
      String[] pp = one.split(":");
      list.add(new Instance(Integer.parseInt(pp[0].trim()), pp.length > 1 ? Long.parseLong(pp[1].trim()) : 0));
    }
    return new Target(nv[0], protocol, list);
  }

  /** @return the CPU time of all instances in milliseconds, or -1 when any is unknown */
  public long cpuMillis() {
    long sum = 0;
    for (Instance i : instances) {
      long v = ProcStats.cpuMillis(i.pid());
      if (v < 0) {
        return -1;
      }
      sum += v;
    }
    return sum;
  }

  /** @return the RSS of all instances in KiB, or -1 when any is unknown */
  public long rssKib() {
    long sum = 0;
    for (Instance i : instances) {
      long v = ProcStats.rssKib(i.pid());
      if (v < 0) {
        return -1;
      }
      sum += v;
    }
    return sum;
  }
}
