package dev.archway.dataplane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** A raw TCP client for tests that must send bytes no HTTP client would. */
public final class RawHttp {
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] \\d{3} ");

  private RawHttp() {}

  /**
   * Reads one message head (through the blank line) from a socket, as a test backend does; null
   * when the peer closed the connection first.
   */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * What came back on a connection.
   *
   * @param text everything the server sent (ISO-8859-1)
   * @param closed whether the server closed the connection before the read timeout
   */
  public record Exchange(String text, boolean closed) {
    /** The status code of the first response, or -1 when there was none. */
    public int status() {
      if (!text.startsWith("HTTP/1.")) {
        return -1;
      }
      return Integer.parseInt(text.substring(9, 12));
    }

    /** How many responses the text holds (status lines). */
    public int responses() {
      return (int) STATUS_LINE.matcher(text).results().count();
    }
  }

  /** Sends {@code request}, then reads until the server closes or {@code timeoutMillis} pass. */
  public static Exchange send(int port, String request, int timeoutMillis) {
    return send(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMillis);
  }

  public static Exchange send(int port, byte[] request, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(timeoutMillis);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      boolean closed;
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
        }
        closed = true;
      } catch (SocketTimeoutException e) {
        closed = false;
      } catch (IOException e) {
        closed = true; // reset by peer also ends the connection
      }
      return new Exchange(out.toString(StandardCharsets.ISO_8859_1), closed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
