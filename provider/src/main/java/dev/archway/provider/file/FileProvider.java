package dev.archway.provider.file;

import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads manifests from paths and reloads them whenever something under those paths changes.
 *
 * <p>Changes are coalesced: after the first event the provider waits until the files have been
 * quiet for {@code settle} before it reloads, so that an editor's save (often a write, a rename and
 * a chmod) or a {@code cp -r} causes one reload, not several. A load that fails is reported to the
 * listener and nothing else happens: whatever was applied last keeps serving.
 */
public final class FileProvider implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileProvider.class);

  /** Receives each successful load and each failed one. */
  public interface Listener {
    /** A complete, readable set of manifests. */
    void loaded(LoadResult result);

    /** The manifests could not be read; the previous load stays in force. */
    void failed(ManifestException error);
  }

  private final List<Path> paths;
  private final Listener listener;
  private final Duration settle;
  private final WatchService watcher;
  private final Set<Path> watchedDirectories = new HashSet<>();
  private final ParsedFiles parsedFiles = new ParsedFiles();
  private final Thread thread;
  private volatile boolean closed;

  private FileProvider(List<Path> paths, Listener listener, Duration settle) throws IOException {
    this.paths = paths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.listener = Objects.requireNonNull(listener, "listener");
    this.settle = Objects.requireNonNull(settle, "settle");
    this.watcher = FileSystems.getDefault().newWatchService();
    this.thread = Thread.ofPlatform().daemon().name("archway-file-provider").unstarted(this::run);
  }

  /**
   * Loads the paths once, reports the result to the listener on the calling thread, then watches
   * for changes on a background thread.
   */
  public static FileProvider start(List<Path> paths, Listener listener, Duration settle)
      throws IOException {
    FileProvider provider = new FileProvider(paths, listener, settle);
    provider.registerAll();
    provider.reload();
    provider.thread.start();
    return provider;
  }

  private void run() {
    try {
      while (!closed) {
        WatchKey key = watcher.take();
        boolean changed = drain(key);
        // Keep absorbing events until the files have been quiet for the settle time.
        while ((key = watcher.poll(settle.toMillis(), TimeUnit.MILLISECONDS)) != null) {
          changed |= drain(key);
        }
        if (changed) {
          registerAll();
          reload();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  private boolean drain(WatchKey key) {
    boolean relevant = !key.pollEvents().isEmpty();
    if (!key.reset()) {
      watchedDirectories.remove((Path) key.watchable());
    }
    return relevant;
  }

  private void reload() {
    try {
      listener.loaded(parsedFiles.load(paths));
    } catch (ManifestException e) {
      listener.failed(e);
    } catch (RuntimeException e) {
      LOG.error("unexpected error while loading manifests", e);
    }
  }

  /**
   * Watches each directory given, and everything below it, and the parent directory of each file
   * given: watching the parent sees a file that an editor replaces by renaming a new one over it.
   */
  private void registerAll() {
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> dirs = Files.walk(path)) {
          dirs.filter(Files::isDirectory).forEach(this::register);
        } catch (IOException e) {
          LOG.warn("cannot watch {}: {}", path, e.getMessage());
        }
      } else if (path.getParent() != null) {
        register(path.getParent());
      }
    }
  }

  private void register(Path directory) {
    if (!watchedDirectories.add(directory)) {
      return;
    }
    try {
      directory.register(
          watcher,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      watchedDirectories.remove(directory);
      LOG.warn("cannot watch {}: {}", directory, e.getMessage());
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    watcher.close();
    thread.interrupt();
  }
}
