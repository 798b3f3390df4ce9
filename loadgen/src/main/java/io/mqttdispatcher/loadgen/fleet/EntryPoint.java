package io.mqttdispatcher.loadgen.fleet;

import io.mqttdispatcher.cli.HostPort;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** How the fleet's devices find a broker, first and after losing one. */
public sealed interface EntryPoint {
  /** Shown in logs and reports. */
  String describe();

  /**
   * Every device connects to the dispatcher and follows its redirect, and goes back through it
   * after a loss.
   */
  static EntryPoint dispatcher(HostPort address) {
    return new Dispatcher(address);
  }

  /**
   * Several dispatcher replicas: device {@code i} connects through replica {@code i mod n}, and
   * goes back through that same replica after a loss, as devices configured with different replicas
   * (or a DNS name resolved once) do.
   */
  static EntryPoint replicas(List<HostPort> addresses) {
    return new Replicas(addresses);
  }

  /**
   * What a DNS name with one A record per broker gives: each lookup answers the next address of a
   * fixed list (the server rotates its answers), whether that broker is alive or not. Every
   * connection attempt, first or after a loss or a failure, takes the next address.
   */
  static EntryPoint dnsRoundRobin(List<HostPort> addresses) {
    return new DnsRoundRobin(addresses);
  }

  /**
   * A TCP load balancer in front of the brokers (HAProxy): every attempt goes to its one address;
   * after a loss a device connects again at once, after a failure with backoff, as with {@link
   * #dnsRoundRobin}.
   */
  static EntryPoint loadBalancer(HostPort address) {
    return new LoadBalancer(address);
  }

  /**
   * @param address the load balancer's device listener
   */
  record LoadBalancer(HostPort address) implements EntryPoint {
    public LoadBalancer {
      Objects.requireNonNull(address, "address");
    }

    @Override
    public String describe() {
      return "HAProxy (TCP, leastconn) on " + address;
    }
  }

  /**
   * @param address the dispatcher's device listener
   */
  record Dispatcher(HostPort address) implements EntryPoint {
    public Dispatcher {
      Objects.requireNonNull(address, "address");
    }

    @Override
    public String describe() {
      return "dispatcher " + address;
    }
  }

  /**
   * @param addresses the replicas' device listeners
   */
  record Replicas(List<HostPort> addresses) implements EntryPoint {
    public Replicas {
      addresses = List.copyOf(addresses);
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("dispatcher replicas: at least one address");
      }
    }

    @Override
    public String describe() {
      return "dispatcher replicas "
          + addresses
          + ", device i through replica i mod "
          + addresses.size();
    }

    /** The replica device {@code index} goes through. */
    public HostPort of(int index) {
      return addresses.get(Math.floorMod(index, addresses.size()));
    }
  }

  /**
   * @param addresses the broker addresses the name resolves to, in the order the server rotates
   *     them
   */
  record DnsRoundRobin(List<HostPort> addresses) implements EntryPoint {
    public DnsRoundRobin {
      addresses = List.copyOf(addresses);
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("DNS round-robin needs at least one address");
      }
    }

    @Override
    public String describe() {
      return "DNS round-robin over " + addresses;
    }

    /** The rotating answer, shared by every device as the name server is. */
    Resolver resolver() {
      return new Resolver(addresses);
    }
  }

  /** One name server: each lookup answers the next address. */
  final class Resolver {
    private final List<HostPort> addresses;
    private final AtomicLong lookups = new AtomicLong();

    Resolver(List<HostPort> addresses) {
      this.addresses = addresses;
    }

    HostPort next() {
      return addresses.get((int) Math.floorMod(lookups.getAndIncrement(), (long) addresses.size()));
    }
  }
}
