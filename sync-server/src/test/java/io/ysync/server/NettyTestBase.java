package io.ysync.server;

import org.junit.jupiter.api.AfterAll;

/** Base of tests that use Netty buffers: paranoid leak detection that fails the test class on a leak. */
public abstract class NettyTestBase {
  static {
    LeakTracking.install();
  }

  @AfterAll
  static void noLeaks() throws InterruptedException {
    LeakTracking.assertNoLeaks();
  }
}
