package dev.archway.app.sync;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The TLS material of the sync stream. A proxy reads its files from {@code --tls-dir} at every
 * connection attempt, so a certificate renewed in the mounted Secret is picked up on reconnect.
 */
public final class TlsFiles {
  /** The proxy's certificate. */
  public static final String CERT = "tls.crt";

  /** The proxy's private key (PKCS#8 PEM). */
  public static final String KEY = "tls.key";

  /** The CA that signed the controller's certificate. */
  public static final String CA = "ca.crt";

  private TlsFiles() {}

  /** The proxy side: its certificate from {@code dir}, trusting only {@code dir/ca.crt}. */
  static SslContext client(Path dir) throws IOException {
    for (String file : List.of(CERT, KEY, CA)) {
      if (!Files.isReadable(dir.resolve(file))) {
        throw new IOException("--tls-dir: " + dir.resolve(file) + " is missing or unreadable");
      }
    }
    return GrpcSslContexts.forClient()
        .keyManager(dir.resolve(CERT).toFile(), dir.resolve(KEY).toFile())
        .trustManager(dir.resolve(CA).toFile())
        .build();
  }

  /**
   * The controller side: its key material from {@code keys} at each handshake (see {@link
   * ServerCertificate}); requires a client certificate signed by the sync CA.
   */
  static SslContext server(KeyManagerFactory keys, X509Certificate ca) throws SSLException {
    return GrpcSslContexts.configure(io.netty.handler.ssl.SslContextBuilder.forServer(keys))
        .trustManager(ca)
        .clientAuth(ClientAuth.REQUIRE)
        .build();
  }
}
