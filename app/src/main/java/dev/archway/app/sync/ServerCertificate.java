package dev.archway.app.sync;

import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync server's certificate, renewed in place: TLS takes the key and certificate from {@link
 * #keyManagerFactory()} at every handshake, so a renewed certificate is served to the next
 * connection without restarting the server (open streams keep the session they have). Renewed, like
 * the proxies' certificates, once less than a third of its validity is left ({@link #renewIfDue()},
 * checked every {@link #checkInterval()} once {@link #startRenewing()} ran).
 */
final class ServerCertificate implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);

  /** A certificate with the alias it is served under (new for each, so no cache mixes them). */
  private record Entry(String alias, CertificateAuthority.Issued issued) {}

  private final CertificateAuthority ca;
  private final List<String> names;
  private final Duration validity;
  private final Clock clock;
  private final AtomicLong generation = new AtomicLong();
  // The one served, and the one before it: a handshake may have chosen its alias just before a
  // renewal and ask for that alias's key just after.
  private volatile Entry current;
  private volatile Entry previous;
  private final ScheduledExecutorService renewer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("archway-sync-cert").factory());

  ServerCertificate(CertificateAuthority ca, List<String> names, Duration validity, Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.names = List.copyOf(names);
    this.validity = Objects.requireNonNull(validity, "validity");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.current = issue();
    this.previous = current;
  }

  private Entry issue() {
    return new Entry(
        "archway-sync-" + generation.incrementAndGet(), ca.issueServer(names, validity));
  }

  /** The certificate served now. */
  X509Certificate certificate() {
    return current.issued().certificate();
  }

  /** How often {@link #renewIfDue()} should run: a tenth of the validity, at most an hour. */
  Duration checkInterval() {
    Duration tenth = validity.dividedBy(10);
    return tenth.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : tenth;
  }

  /** Issues a new certificate when less than a third of the current one's validity is left. */
  boolean renewIfDue() {
    Instant notAfter = current.issued().certificate().getNotAfter().toInstant();
    if (clock.instant().isBefore(notAfter.minus(validity.dividedBy(3)))) {
      return false;
    }
    Entry renewed = issue();
    previous = current;
    current = renewed;
    LOG.info(
        "config sync server certificate renewed (valid until {})",
        renewed.issued().certificate().getNotAfter().toInstant());
    return true;
  }

  /** Checks every {@link #checkInterval()} whether to renew, until closed. */
  void startRenewing() {
    long every = checkInterval().toMillis();
    renewer.scheduleWithFixedDelay(
        () -> {
          try {
            renewIfDue();
          } catch (RuntimeException e) {
            LOG.error("renewing the config sync server certificate failed; retrying", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    renewer.shutdownNow();
  }

  /** Key material for the server's TLS context, read at each handshake. */
  KeyManagerFactory keyManagerFactory() {
    KeyManager manager = new RenewingKeyManager();
    return new SimpleKeyManagerFactory() {
      @Override
      protected void engineInit(KeyStore keyStore, char[] password) {}

      @Override
      protected void engineInit(ManagerFactoryParameters params) {}

      @Override
      protected KeyManager[] engineGetKeyManagers() {
        return new KeyManager[] {manager};
      }
    };
  }

  private Entry entry(String alias) {
    Entry c = current;
    if (c.alias().equals(alias)) {
      return c;
    }
    Entry p = previous;
    return p.alias().equals(alias) ? p : null;
  }

  /** Serves {@link #current}; the server side only. */
  private final class RenewingKeyManager extends X509ExtendedKeyManager {
    private String serverAlias(String keyType) {
      Entry c = current;
      return c.issued().key().getAlgorithm().equals(keyType) ? c.alias() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return serverAlias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return serverAlias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      String alias = serverAlias(keyType);
      return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Entry e = entry(alias);
      return e == null ? null : new X509Certificate[] {e.issued().certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Entry e = entry(alias);
      return e == null ? null : e.issued().key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
