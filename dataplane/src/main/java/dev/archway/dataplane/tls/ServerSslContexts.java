package dev.archway.dataplane.tls;

import dev.archway.ir.ClientValidation;
import dev.archway.ir.TlsCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Builds server {@link SslContext}s and keeps them across applies: a context is keyed by the PEM it
 * was made from, so an unchanged certificate keeps its context (and its session cache), and a
 * rotated one gets a new context that the next handshake uses. Each apply starts a new generation
 * from the previous one with {@link #nextGeneration()}, which holds only what that apply used.
 *
 * <p>Defaults are the strongest sane ones for public clients: TLS 1.3 and 1.2 only, ECDHE key
 * exchange with AEAD ciphers only, no compression (neither provider offers it) and no renegotiation
 * (BoringSSL refuses it; TLS 1.3 has none).
 */
public final class ServerSslContexts {
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** TLS 1.3 suites (BoringSSL always enables its own), then TLS 1.2 ECDHE with AEAD. */
  static final List<String> CIPHERS =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private static final ApplicationProtocolConfig HTTP_ALPN =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2,
          ApplicationProtocolNames.HTTP_1_1);

  /** What a context is made from; equal inputs share one context. */
  private record Key(String chainPem, String keyPem, ClientValidation validation, boolean http) {}

  private final Map<Key, SslContext> previous;
  private final Map<Key, SslContext> current = new HashMap<>();

  private ServerSslContexts(Map<Key, SslContext> previous) {
    this.previous = previous;
  }

  /** An empty cache. */
  public static ServerSslContexts empty() {
    return new ServerSslContexts(Map.of());
  }

  /** A cache that reuses this one's contexts and keeps only those asked for from now on. */
  public ServerSslContexts nextGeneration() {
    return new ServerSslContexts(Map.copyOf(current));
  }

  /** BoringSSL through netty-tcnative when its native library loads, else the JDK's TLS. */
  public static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /**
   * The context for one certificate of one Gateway listener.
   *
   * @param validation client certificate validation, or null
   * @param http whether to offer ALPN {@code h2} and {@code http/1.1} (HTTPS listeners)
   * @throws GeneralSecurityException when the PEM does not parse or the key does not fit
   */
  public SslContext get(TlsCertificate certificate, ClientValidation validation, boolean http)
      throws GeneralSecurityException {
    Key key =
        new Key(certificate.certificateChainPem(), certificate.privateKeyPem(), validation, http);
    SslContext context = current.get(key);
    if (context == null) {
      context = previous.get(key);
      if (context == null) {
        context = build(key);
      }
      current.put(key, context);
    }
    return context;
  }

  private static SslContext build(Key key) throws GeneralSecurityException {
    SslContextBuilder builder =
        SslContextBuilder.forServer(
                PemKeys.privateKey(key.keyPem()), PemKeys.certificates(key.chainPem()))
            .sslProvider(provider())
            .protocols(PROTOCOLS)
            .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
    if (key.http()) {
      builder.applicationProtocolConfig(HTTP_ALPN);
    }
    ClientValidation validation = key.validation();
    if (validation != null) {
      var trust = ClientTrust.of(PemKeys.certificates(validation.caBundlePem()), validation.mode());
      builder
          .trustManager(trust)
          .clientAuth(
              validation.mode() == ClientValidation.Mode.ALLOW_VALID_ONLY
                  ? ClientAuth.REQUIRE
                  : ClientAuth.OPTIONAL);
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }
}
