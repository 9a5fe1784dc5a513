package dev.elbow.dataplane.demo;

import java.util.concurrent.CountDownLatch;

/**
 * Starts demo backends for the quick start and the real-node tests: {@code http:PORT} or {@code
 * tcp:PORT} arguments, one backend each, named after their port. On 127.0.0.1 unless {@code
 * --bind=ADDRESS} comes first (a pod binds 0.0.0.0); {@code --name=NAME} names HTTP backends (the
 * x-backend header), as a pod names itself after its pod.
 */
public final class DemoBackendsMain {

  private DemoBackendsMain() {}

  public static void main(String[] args) throws InterruptedException {
    String bind = "127.0.0.1";
    String named = null;
    for (String arg : args) {
      if (arg.startsWith("--bind=")) {
        bind = arg.substring("--bind=".length());
        continue;
      }
      if (arg.startsWith("--name=")) {
        named = arg.substring("--name=".length());
        continue;
      }
      String[] kindAndPort = arg.split(":", 2);
      int port = Integer.parseInt(kindAndPort[1]);
      String name = named != null ? named : kindAndPort[0] + "-backend-" + port;
      if (kindAndPort[0].equals("http")) {
        DemoBackend.http(name, bind, port);
      } else {
        DemoBackend.tcp(name, port);
      }
      System.out.println("started " + name + " on " + bind + ":" + port);
    }
    new CountDownLatch(1).await();
  }
}
