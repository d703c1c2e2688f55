package dev.archway.dataplane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Blocking TLS clients for end-to-end tests: explicit SNI, and HTTP/1.1 written by hand. */
public final class TlsClients {
  private TlsClients() {}

  /** A response read off a keep-alive connection. */
  public record Response(int status, Map<String, String> headers, String body) {}

  /**
   * Connects and completes the handshake.
   *
   * @param sni the server name to send, or null for none
   */
  public static SSLSocket connect(int port, String sni, SSLContext context, String... alpn)
      throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    if (alpn.length > 0) {
      parameters.setApplicationProtocols(alpn);
    }
    socket.setSSLParameters(parameters);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.startHandshake();
    return socket;
  }

  /** The CN of the certificate the server presents for {@code sni}. */
  public static String servedCn(int port, String sni, SSLContext context) {
    try (SSLSocket socket = connect(port, sni, context)) {
      X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      return dev.archway.dataplane.tls.TestPki.cnOf(leaf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one keep-alive GET and reads its response (Content-Length framed). */
  public static Response get(SSLSocket socket, String host, String path) throws IOException {
    String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, String> headers = new TreeMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(
        Integer.parseInt(statusLine.split(" ")[1]),
        headers,
        new String(body, StandardCharsets.UTF_8));
  }

  /** One GET on a new connection. */
  public static Response get(int port, String sni, SSLContext context, String host, String path)
      throws IOException {
    try (SSLSocket socket = connect(port, sni, context)) {
      return get(socket, host, path);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String s = out.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      out.write(b);
    }
    return out.size() == 0 ? null : out.toString(StandardCharsets.US_ASCII);
  }
}
