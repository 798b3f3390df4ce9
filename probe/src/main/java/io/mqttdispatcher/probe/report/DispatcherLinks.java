package io.mqttdispatcher.probe.report;

import io.mqttdispatcher.backoff.Backoff;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.probe.config.DispatcherTls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every dispatcher this probe reports to: each {@code --dispatcher} name is resolved to all its
 * addresses (replicas behind one DNS name) with one {@link DispatcherLink} per address, and
 * resolved again periodically so replicas that come and go are followed. Name lookups run on a
 * worker thread; everything else on one event-loop context, so no lock is needed.
 */
public final class DispatcherLinks {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherLinks.class);

  /** How often names are looked up again. */
  public static final Duration RESOLVE_EVERY = Duration.ofSeconds(30);

  /** How soon a name that could not be resolved is tried again. */
  static final Duration RESOLVE_RETRY = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final Context context;
  private final List<HostPort> dispatchers;
  private final String brokerId;
  private final byte[] secret;
  private final NetClient client;
  private final Backoff backoff = new Backoff(Backoff.DEFAULT_INITIAL, Backoff.DEFAULT_CAP);

  /** Links by dispatcher option, then by resolved address. */
  private final Map<HostPort, Map<String, DispatcherLink>> links = new LinkedHashMap<>();

  private @Nullable String latest;
  private final ControlChannel control;
  private int lastReady;
  private long resolveTimer = -1;
  private boolean closed;

  public DispatcherLinks(Vertx vertx, List<HostPort> dispatchers, String brokerId, byte[] secret) {
    this(vertx, dispatchers, brokerId, secret, null, ControlChannel.NONE);
  }

  /**
   * @param tls how to reach the dispatchers over TLS, or null for plain TCP
   * @param control where v2 dispatchers' commands and client ids go
   */
  public DispatcherLinks(
      Vertx vertx,
      List<HostPort> dispatchers,
      String brokerId,
      byte[] secret,
      @Nullable DispatcherTls tls,
      ControlChannel control) {
    this.vertx = vertx;
    this.control = control;
    this.context = vertx.getOrCreateContext();
    this.dispatchers = List.copyOf(dispatchers);
    this.brokerId = brokerId;
    this.secret = secret.clone();
    this.client = vertx.createNetClient(clientOptions(tls));
  }

  private static NetClientOptions clientOptions(@Nullable DispatcherTls tls) {
    NetClientOptions options =
        new NetClientOptions().setConnectTimeout(5000).setTcpNoDelay(true).setTcpKeepAlive(true);
    if (tls != null) {
      options
          .setSsl(true)
          .setHostnameVerificationAlgorithm("HTTPS")
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.trust().toString()));
      if (tls.cert() != null && tls.key() != null) {
        options.setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(tls.cert().toString())
                .setKeyPath(tls.key().toString()));
      }
    }
    return options;
  }

  /** Resolves every dispatcher name and starts connecting; returns at once. */
  public void start() {
    context.runOnContext(
        v -> {
          for (HostPort d : dispatchers) {
            links.put(d, new LinkedHashMap<>());
          }
          resolveAll();
        });
  }

  /**
   * Makes {@code line} the latest report (sent to each dispatcher right after its welcome) and, if
   * {@code send}, writes it to every welcomed dispatcher now. Callable from any thread.
   */
  public void publish(String line, boolean send) {
    context.runOnContext(
        v -> {
          latest = line;
          if (send) {
            for (Map<String, DispatcherLink> byAddress : links.values()) {
              for (DispatcherLink link : byAddress.values()) {
                link.send(line);
              }
            }
          }
        });
  }

  /** Closes every report connection; completes when all sockets are closed. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          closed = true;
          vertx.cancelTimer(resolveTimer);
          List<Future<Void>> closing = new ArrayList<>();
          for (Map<String, DispatcherLink> byAddress : links.values()) {
            for (DispatcherLink link : byAddress.values()) {
              closing.add(link.close());
            }
          }
          links.clear();
          Future.join(closing)
              .<Void>mapEmpty()
              .onComplete(ar -> client.close().onComplete(c -> done.complete()));
        });
    return done.future();
  }

  private void resolveAll() {
    List<Future<Boolean>> lookups = new ArrayList<>();
    for (HostPort d : dispatchers) {
      lookups.add(
          vertx
              .<Set<String>>executeBlocking(() -> addresses(d.host()), false)
              .map(
                  addresses -> {
                    reconcile(d, addresses);
                    return true;
                  })
              .otherwise(
                  e -> {
                    LOG.warn(
                        "cannot resolve dispatcher {}: {}; trying again in {} s",
                        d,
                        e.getMessage(),
                        links.getOrDefault(d, Map.of()).isEmpty()
                            ? RESOLVE_RETRY.toSeconds()
                            : RESOLVE_EVERY.toSeconds());
                    return !links.getOrDefault(d, Map.of()).isEmpty();
                  }));
    }
    Future.join(lookups)
        .onComplete(
            ar -> {
              if (closed) {
                return;
              }
              boolean allResolved = lookups.stream().allMatch(f -> f.succeeded() && f.result());
              Duration next = allResolved ? RESOLVE_EVERY : RESOLVE_RETRY;
              resolveTimer = vertx.setTimer(next.toMillis(), t -> resolveAll());
            });
  }

  private void reconcile(HostPort dispatcher, Set<String> addresses) {
    Map<String, DispatcherLink> byAddress = links.get(dispatcher);
    if (closed || byAddress == null) {
      return;
    }
    for (String gone : new ArrayList<>(byAddress.keySet())) {
      if (!addresses.contains(gone)) {
        LOG.info(
            "dispatcher {} no longer resolves to {}; closing that connection", dispatcher, gone);
        Objects.requireNonNull(byAddress.remove(gone), "listed above").close();
      }
    }
    for (String address : addresses) {
      if (!byAddress.containsKey(address)) {
        if (!address.equals(dispatcher.host())) {
          LOG.info("dispatcher {} resolves to {}", dispatcher, address);
        }
        DispatcherLink link =
            new DispatcherLink(
                vertx,
                client,
                address,
                dispatcher.host(),
                dispatcher.port(),
                brokerId,
                secret,
                backoff,
                () -> latest,
                control,
                this::readyChanged);
        byAddress.put(address, link);
        link.start();
      }
    }
  }

  /** Counts the welcomed connections and tells the control channel when the number changed. */
  private void readyChanged() {
    int ready = 0;
    for (Map<String, DispatcherLink> byAddress : links.values()) {
      for (DispatcherLink link : byAddress.values()) {
        ready += link.ready() ? 1 : 0;
      }
    }
    if (ready != lastReady) {
      lastReady = ready;
      control.readyConnections(ready);
    }
  }

  private static Set<String> addresses(String host) throws UnknownHostException {
    Set<String> result = new LinkedHashSet<>();
    Arrays.stream(InetAddress.getAllByName(host))
        .map(InetAddress::getHostAddress)
        .forEach(result::add);
    return result;
  }
}
