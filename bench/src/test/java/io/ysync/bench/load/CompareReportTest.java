package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareReportTest {

  private static Result idle(String target, int connections, double rssMib) {
    return new Result("idle", target, connections + " conns",
        Map.of(Result.CONNECTED, (double) connections, Result.RSS_MIB, rssMib));
  }

  @Test
  void marginalIdleRowIsTheRssDifferenceOverTheConnectionDifference() {
    List<Result> results = List.of(
        idle("a", 10_000, 110.0), idle("a", 5_000, 100.0), idle("a", 2_000, 97.0),
        idle("b", 10_000, 50.0));
    String md = CompareReport.markdown(results, List.of());
    // a: (100 - 97) MiB over 3,000 connections = 1.024 KiB; (110 - 100) MiB over 5,000 = 2.048 KiB; b has one run
    String lowPrefix = "| idle, 2,000 -> 5,000 conns: RSS per added connection KiB";
    String highPrefix = "| idle, 5,000 -> 10,000 conns: RSS per added connection KiB";
    String low = md.lines().filter(l -> l.startsWith(lowPrefix)).findFirst().orElseThrow();
    String high = md.lines().filter(l -> l.startsWith(highPrefix)).findFirst().orElseThrow();
    assertTrue(low.endsWith("| 1.02 | - |"), low);
    assertTrue(high.endsWith("| 2.05 | - |"), high);
  }

  @Test
  void noMarginalRowsFromASingleIdleRunOrNone() {
    List<Result> one = List.of(idle("a", 10_000, 110.0));
    assertEquals(one, CompareReport.withMarginalIdle(one));
    assertTrue(CompareReport.markdown(one, List.of()).lines().noneMatch(l -> l.contains("per added connection")));
  }
}
