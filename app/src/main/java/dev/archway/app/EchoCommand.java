package dev.archway.app;

import dev.archway.echo.EchoServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code archway echo}: echo backends for examples and tests. Each answers every request with JSON
 * describing what it received and its own name, like the Gateway API conformance echo server.
 */
@Command(
    name = "echo",
    description = {
      "Run echo backends that answer every request with JSON describing what they received.",
      "Example: archway echo --server coffee=127.0.0.1:9101 --server tea=127.0.0.1:9102"
    })
final class EchoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "NAME=HOST:PORT",
      description = "A backend name and the address it listens on; repeatable.")
  List<String> servers;

  @Override
  public Integer call() throws InterruptedException {
    List<EchoServer> started = new ArrayList<>();
    for (String server : servers) {
      int eq = server.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--server: " + server + " (expected: NAME=HOST:PORT)");
      }
      InetSocketAddress address = Addresses.parse(server.substring(eq + 1), "--server");
      String name = server.substring(0, eq);
      EchoServer echo;
      try {
        echo = EchoServer.start(name, address);
      } catch (Exception e) { // a BindException, rethrown unchecked by Netty
        System.err.println(
            "error: echo "
                + name
                + " cannot listen on "
                + address.getHostString()
                + ":"
                + address.getPort()
                + ": "
                + e.getMessage());
        started.forEach(EchoServer::close);
        return 1;
      }
      started.add(echo);
      System.out.println(
          "echo " + echo.name() + " listening on " + address.getHostString() + ":" + echo.port());
    }
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(EchoServer::close)));
    new CountDownLatch(1).await();
    return 0;
  }
}
