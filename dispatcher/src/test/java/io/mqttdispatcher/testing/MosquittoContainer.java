package io.mqttdispatcher.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Mosquitto in a container (Testcontainers), published on a fixed free loopback port so that a
 * restart keeps its endpoint: the tests' broker where a Docker engine runs but the mosquitto binary
 * is not installed. Configured as {@link Mosquitto} is, {@code $SYS} every second included.
 */
public final class MosquittoContainer implements TestBroker {
  private static final DockerImageName IMAGE = DockerImageName.parse("eclipse-mosquitto:2.0.20");
  private static final int BROKER_PORT = 1883;

  private final int port;
  private final GenericContainer<?> container;

  private MosquittoContainer(int port) {
    this.port = port;
    this.container =
        new GenericContainer<>(IMAGE)
            .withCopyToContainer(
                Transferable.of(Mosquitto.configuration(String.valueOf(BROKER_PORT))),
                "/mosquitto/config/mosquitto.conf")
            .withExposedPorts(BROKER_PORT)
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.getHostConfig()
                        .withPortBindings(
                            new PortBinding(
                                Ports.Binding.bindIpAndPort("127.0.0.1", port),
                                ExposedPort.tcp(BROKER_PORT))))
            .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofSeconds(60)));
  }

  public static MosquittoContainer start() {
    MosquittoContainer m = new MosquittoContainer(FreePort.find());
    m.container.start();
    return m;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public long pid() {
    return container.getContainerInfo().getState().getPidLong();
  }

  @Override
  public boolean isAlive() {
    return container.isRunning();
  }

  @Override
  public boolean hasSysTree() {
    return true;
  }

  @Override
  public void kill() {
    container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public void restart() {
    kill();
    container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    Listening.await(
        port, Duration.ofSeconds(30), null, "docker logs " + container.getContainerId());
  }

  @Override
  public void close() {
    container.stop();
  }

  @Override
  public String toString() {
    return "Mosquitto container on " + endpoint();
  }
}
