package dev.archway.dataplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Byte-level backends for TCP, TLS and UDP tests. A TCP backend greets each connection with one
 * line naming itself (and, over TLS, the SNI it saw), then echoes every byte back. A UDP backend
 * answers each datagram with its name, a colon and the datagram.
 */
public final class L4Servers {
  private L4Servers() {}

  /** A running backend; closing it stops accepting. */
  public interface Backend extends AutoCloseable {
    int port();

    @Override
    void close();
  }

  /**
   * A TCP echo backend; with {@code tls} non-null it terminates TLS itself (passthrough target).
   */
  public static Backend tcpEcho(String name, SSLContext tls) {
    try {
      ServerSocket server =
          tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      Thread.ofVirtual()
          .start(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> serve(name, socket));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      return backend(server.getLocalPort(), server::close);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void serve(String name, Socket socket) {
    try (socket) {
      String greeting = name;
      if (socket instanceof SSLSocket ssl) {
        ssl.startHandshake();
        String sni =
            ((ExtendedSSLSession) ssl.getSession())
                .getRequestedServerNames().stream()
                    .filter(SNIHostName.class::isInstance)
                    .map(n -> ((SNIHostName) n).getAsciiName())
                    .findFirst()
                    .orElse("-");
        greeting += " sni=" + sni;
      }
      OutputStream out = socket.getOutputStream();
      out.write((greeting + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.getInputStream().transferTo(out);
    } catch (IOException e) {
      // the client went away
    }
  }

  /** A UDP backend answering {@code name:payload}. */
  public static Backend udpEcho(String name) {
    try {
      DatagramSocket socket =
          new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread.ofVirtual()
          .start(
              () -> {
                byte[] buffer = new byte[2048];
                while (!socket.isClosed()) {
                  try {
                    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    socket.receive(in);
                    byte[] reply =
                        (name
                                + ":"
                                + new String(
                                    in.getData(), 0, in.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      return backend(socket.getLocalPort(), socket::close);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the greeting line a TCP backend sends first. */
  public static String greeting(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new IOException("closed before the greeting");
      }
      line.append((char) b);
    }
    return line.toString();
  }

  /** Writes {@code payload} from another thread while reading its echo; returns what came back. */
  public static byte[] echo(Socket socket, byte[] payload) throws IOException {
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    socket.getOutputStream().write(payload);
                    socket.getOutputStream().flush();
                  } catch (IOException e) {
                    // the read below fails too
                  }
                });
    byte[] back = socket.getInputStream().readNBytes(payload.length);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return back;
  }

  /** A UDP client socket bound to loopback, with a receive timeout. */
  public static DatagramSocket udpClient() throws IOException {
    DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    socket.setSoTimeout(5_000);
    return socket;
  }

  /** Sends {@code text} to {@code port} and returns the reply's text. */
  public static String udpExchange(DatagramSocket socket, int port, String text)
      throws IOException {
    byte[] out = text.getBytes(StandardCharsets.UTF_8);
    socket.send(
        new DatagramPacket(
            out, out.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    byte[] buffer = new byte[2048];
    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
    socket.receive(in);
    return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
  }

  private interface Closer {
    void close() throws IOException;
  }

  private static Backend backend(int port, Closer closer) {
    return new Backend() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() {
        try {
          closer.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    };
  }
}
