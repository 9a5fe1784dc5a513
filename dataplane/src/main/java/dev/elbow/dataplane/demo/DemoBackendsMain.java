package dev.elbow.dataplane.demo;

import java.util.concurrent.CountDownLatch;

/**
 * Starts demo backends on 127.0.0.1 for the quick start: {@code http:PORT} or {@code tcp:PORT}
 * arguments, one backend each, named after their port.
 */
public final class DemoBackendsMain {

  private DemoBackendsMain() {}

  public static void main(String[] args) throws InterruptedException {
    for (String arg : args) {
      String[] kindAndPort = arg.split(":", 2);
      int port = Integer.parseInt(kindAndPort[1]);
      String name = kindAndPort[0] + "-backend-" + port;
      if (kindAndPort[0].equals("http")) {
        DemoBackend.http(name, port);
      } else {
        DemoBackend.tcp(name, port);
      }
      System.out.println("started " + name + " on 127.0.0.1:" + port);
    }
    new CountDownLatch(1).await();
  }
}
