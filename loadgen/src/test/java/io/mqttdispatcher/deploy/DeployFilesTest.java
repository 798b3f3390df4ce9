package io.mqttdispatcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqttdispatcher.deploy.DeployFiles.Invocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The deploy files are well-formed and agree with each other: what one file names (a Service's
 * selector, a port, a secret, a broker address) exists in the file it points to. Needs no Docker
 * and no jars; {@link DeployFilesIT} checks the options against the jars.
 */
class DeployFilesTest {
  private static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

  @Test
  void every_yaml_file_parses() {
    List<Path> files = DeployFiles.files(".yaml", ".yml");
    assertThat(files).as("YAML files under deploy/").hasSizeGreaterThanOrEqualTo(8);
    for (Path file : files) {
      assertThat(DeployFiles.documents(file)).as("documents in %s", file).isNotEmpty();
    }
  }

  @Test
  void every_k8s_object_has_api_version_kind_and_name() {
    for (JsonNode o : DeployFiles.k8sObjects()) {
      assertThat(o.path("apiVersion").asText()).as("apiVersion of %s", o).isNotEmpty();
      assertThat(o.path("kind").asText()).as("kind of %s", o).isNotEmpty();
      assertThat(o.path("metadata").path("name").asText()).as("name of %s", o).isNotEmpty();
    }
  }

  @Test
  void kustomization_lists_existing_files_and_every_manifest_is_listed_or_explained() {
    JsonNode k = DeployFiles.kustomization();
    Path dir = DeployFiles.deployDir().resolve("k8s");
    Set<String> listed = new HashSet<>();
    k.path("resources").forEach(r -> listed.add(r.asText()));
    for (String r : listed) {
      assertThat(dir.resolve(r)).as("kustomization resource %s", r).isRegularFile();
    }
    String text = DeployFiles.read(dir.resolve("kustomization.yaml"));
    for (Path file : DeployFiles.files(".yaml")) {
      String name = file.getFileName().toString();
      if (file.getParent().equals(dir)
          && !name.equals("kustomization.yaml")
          && !listed.contains(name)) {
        assertThat(text)
            .as("%s is neither a resource of kustomization.yaml nor mentioned there", name)
            .contains(name);
      }
    }
    assertThat(k.path("namespace").asText()).as("kustomization namespace").isNotEmpty();
  }

  @Test
  void workload_selectors_match_their_pod_labels() {
    for (JsonNode w : workloads()) {
      Map<String, String> labels =
          map(w.path("spec").path("template").path("metadata").path("labels"));
      Map<String, String> selector = map(w.path("spec").path("selector").path("matchLabels"));
      assertThat(selector).as("selector of %s", name(w)).isNotEmpty();
      assertThat(labels).as("pod labels of %s", name(w)).containsAllEntriesOf(selector);
    }
  }

  @Test
  void every_service_selects_pods_that_have_its_target_ports() {
    for (JsonNode service : kind("Service")) {
      Map<String, String> selector = map(service.path("spec").path("selector"));
      List<JsonNode> selected = workloads().stream().filter(w -> selects(selector, w)).toList();
      assertThat(selected)
          .as("workloads selected by Service %s %s", name(service), selector)
          .isNotEmpty();
      for (JsonNode port : service.path("spec").path("ports")) {
        JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
        for (JsonNode w : selected) {
          assertThat(hasContainerPort(podSpec(w), target))
              .as(
                  "Service %s port %s: targetPort %s is a container port of %s",
                  name(service), port.path("name").asText(), target.asText(), name(w))
              .isTrue();
        }
      }
    }
  }

  @Test
  void health_checks_use_ports_the_container_has() {
    for (JsonNode w : workloads()) {
      for (JsonNode c : DeployFiles.containers(podSpec(w))) {
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
          JsonNode p = c.path(probe);
          JsonNode port =
              p.path("httpGet").has("port")
                  ? p.path("httpGet").path("port")
                  : p.path("tcpSocket").path("port");
          if (!port.isMissingNode()) {
            assertThat(hasPort(c, port))
                .as(
                    "%s of %s/%s uses port %s",
                    probe, name(w), c.path("name").asText(), port.asText())
                .isTrue();
          }
        }
      }
    }
  }

  @Test
  void dispatcher_deployment_is_replicated_checked_limited_and_non_root() {
    JsonNode d = dispatcherDeployment();
    assertThat(d.path("spec").path("replicas").asInt())
        .as("dispatcher replicas")
        .isGreaterThanOrEqualTo(2);
    JsonNode pod = podSpec(d);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean())
        .as("runAsNonRoot")
        .isTrue();
    JsonNode c = dispatcherContainer(d);
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      assertThat(c.path(probe).path("httpGet").path("path").asText())
          .as("%s path", probe)
          .isEqualTo("/health");
    }
    assertThat(c.path("resources").path("requests").path("cpu").asText())
        .as("cpu request")
        .isNotEmpty();
    assertThat(c.path("resources").path("requests").path("memory").asText())
        .as("memory request")
        .isNotEmpty();
    assertThat(c.path("resources").path("limits").path("memory").asText())
        .as("memory limit")
        .isNotEmpty();
    assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true))
        .isFalse();

    // The kubelet reaches the admin port on the pod IP, so admin must not listen on loopback only.
    Invocation inv = invocationOf(c);
    String admin = single(inv.values("admin-listen"), "--admin-listen of the dispatcher container");
    assertThat(admin).as("--admin-listen").startsWith("0.0.0.0:");
    assertThat(containerPort(c, "admin")).as("admin containerPort").isEqualTo(port(admin));
    assertThat(containerPort(c, "mqtt")).isEqualTo(port(single(inv.values("listen"), "--listen")));
    assertThat(containerPort(c, "probe-reports"))
        .isEqualTo(port(single(inv.values("probe-listen"), "--probe-listen")));
  }

  @Test
  void devices_get_a_service_on_1883_selecting_the_dispatcher() {
    JsonNode devices = service("mqtt-dispatcher");
    assertThat(devices.path("spec").path("clusterIP").asText()).isNotEqualTo("None");
    assertThat(selects(map(devices.path("spec").path("selector")), dispatcherDeployment()))
        .isTrue();
    assertThat(devices.path("spec").path("ports").findValuesAsText("port")).contains("1883");
  }

  @Test
  void probes_reach_every_dispatcher_replica_through_a_headless_service() {
    JsonNode headless = service("mqtt-dispatcher-probes");
    assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
    assertThat(headless.path("spec").path("publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(selects(map(headless.path("spec").path("selector")), dispatcherDeployment()))
        .isTrue();
    String port = headless.path("spec").path("ports").get(0).path("port").asText();

    List<Invocation> probes =
        DeployFiles.k8sInvocations().stream().filter(i -> i.module().equals("probe")).toList();
    assertThat(probes).as("probe containers in k8s").isNotEmpty();
    for (Invocation probe : probes) {
      assertThat(probe.values("dispatcher"))
          .as("--dispatcher of %s", probe.source())
          .singleElement()
          .asString()
          .matches(
              "mqtt-dispatcher-probes(\\.\\$\\(POD_NAMESPACE\\)\\.svc\\.cluster\\.local)?:" + port);
    }
  }

  @Test
  void pod_disruption_budget_selects_the_dispatcher_and_leaves_room() {
    List<JsonNode> pdbs = kind("PodDisruptionBudget");
    assertThat(pdbs).isNotEmpty();
    JsonNode pdb =
        pdbs.stream()
            .filter(
                p ->
                    selects(
                        map(p.path("spec").path("selector").path("matchLabels")),
                        dispatcherDeployment()))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no PodDisruptionBudget selects the dispatcher pods"));
    int replicas = dispatcherDeployment().path("spec").path("replicas").asInt();
    assertThat(pdb.path("spec").path("minAvailable").asInt()).isBetween(1, replicas - 1);
  }

  @Test
  void broker_statefulset_has_headless_service_shared_process_namespace_and_probe_sidecar() {
    JsonNode sts = kind("StatefulSet").get(0);
    JsonNode governing = service(sts.path("spec").path("serviceName").asText());
    assertThat(governing.path("spec").path("clusterIP").asText())
        .as("StatefulSet's service is headless")
        .isEqualTo("None");
    assertThat(podSpec(sts).path("shareProcessNamespace").asBoolean())
        .as("shareProcessNamespace for --process")
        .isTrue();
    JsonNode probe =
        DeployFiles.containers(podSpec(sts)).stream()
            .filter(
                c -> DeployFiles.moduleOfImage(c.path("image").asText()).orElse("").equals("probe"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no probe sidecar in " + name(sts)));
    assertThat(invocationOf(probe).values("process")).containsExactly("mosquitto");
  }

  @Test
  void k8s_probe_endpoints_expand_to_names_the_dispatcher_allows() {
    JsonNode sts = kind("StatefulSet").get(0);
    JsonNode probe =
        DeployFiles.containers(podSpec(sts)).stream()
            .filter(
                c -> DeployFiles.moduleOfImage(c.path("image").asText()).orElse("").equals("probe"))
            .findFirst()
            .orElseThrow();
    String namespace = DeployFiles.kustomization().path("namespace").asText();
    List<String> allowed =
        invocationOf(dispatcherContainer(dispatcherDeployment())).values("allow");
    String endpoint =
        single(invocationOf(probe).values("endpoint"), "--endpoint of the probe sidecar");
    assertThat(endpoint).startsWith("mqtt=");
    int replicas = sts.path("spec").path("replicas").asInt();
    for (int i = 0; i < replicas; i++) {
      String expanded =
          endpoint
              .substring(5)
              .replace("$(POD_NAME)", name(sts) + "-" + i)
              .replace("$(POD_NAMESPACE)", namespace);
      assertThat(allowed)
          .as("--allow covers broker %d's advertised %s", i, expanded)
          .contains(host(expanded));
    }
  }

  @Test
  void container_args_only_use_env_vars_the_container_defines() {
    Pattern ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    for (JsonNode w : workloads()) {
      for (JsonNode c : DeployFiles.containers(podSpec(w))) {
        Set<String> defined = new HashSet<>(c.path("env").findValuesAsText("name"));
        for (JsonNode arg : c.path("args")) {
          Matcher m = ref.matcher(arg.asText());
          while (m.find()) {
            assertThat(defined)
                .as("env of %s/%s for %s", name(w), c.path("name").asText(), arg.asText())
                .contains(m.group(1));
          }
        }
      }
    }
  }

  @Test
  void volumes_mounts_secrets_and_config_maps_exist() {
    Set<String> secrets = new HashSet<>();
    DeployFiles.kustomization()
        .path("secretGenerator")
        .forEach(g -> secrets.add(g.path("name").asText()));
    kind("Secret").forEach(s -> secrets.add(name(s)));
    Set<String> configMaps =
        kind("ConfigMap").stream().map(DeployFilesTest::name).collect(Collectors.toSet());
    for (JsonNode w : workloads()) {
      JsonNode pod = podSpec(w);
      Set<String> volumes = new HashSet<>(pod.path("volumes").findValuesAsText("name"));
      for (JsonNode v : pod.path("volumes")) {
        if (v.has("secret")) {
          assertThat(secrets)
              .as("Secret of volume %s in %s", v.path("name").asText(), name(w))
              .contains(v.path("secret").path("secretName").asText());
        }
        if (v.has("configMap")) {
          assertThat(configMaps)
              .as("ConfigMap of volume %s in %s", v.path("name").asText(), name(w))
              .contains(v.path("configMap").path("name").asText());
        }
      }
      for (JsonNode c : DeployFiles.containers(pod)) {
        for (JsonNode m : c.path("volumeMounts")) {
          assertThat(volumes)
              .as("volume of mount %s in %s", m.path("mountPath").asText(), name(w))
              .contains(m.path("name").asText());
        }
      }
    }
    for (JsonNode g : DeployFiles.kustomization().path("secretGenerator")) {
      for (JsonNode f : g.path("files")) {
        String path = f.asText().replaceFirst("^[^=]*=", "");
        assertThat(
                DeployFiles.read(
                    DeployFiles.deployDir()
                        .resolve("k8s")
                        .resolve(path)
                        .getParent()
                        .resolve(".gitignore")))
            .as("%s is kept out of version control", path)
            .contains("*");
      }
    }
  }

  @Test
  void secret_file_paths_match_the_mounts() {
    for (var pod : DeployFiles.podSpecs()) {
      for (JsonNode c : DeployFiles.containers(pod.getValue())) {
        if (DeployFiles.moduleOfImage(c.path("image").asText()).isEmpty()) {
          continue;
        }
        Invocation inv = invocationOf(c);
        List<String> files = new ArrayList<>(inv.values("probe-secret-file"));
        files.addAll(inv.values("secret-file"));
        files.addAll(inv.values("admin-token-file"));
        for (String file : files) {
          JsonNode mount = null;
          for (JsonNode m : c.path("volumeMounts")) {
            if (file.startsWith(m.path("mountPath").asText() + "/")) {
              mount = m;
            }
          }
          assertThat(mount).as("a volume mounted above %s in %s", file, inv.source()).isNotNull();
          String key = file.substring(file.lastIndexOf('/') + 1);
          String volume = mount.path("name").asText();
          JsonNode secretVolume = null;
          for (JsonNode v : pod.getValue().path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
              secretVolume = v.path("secret");
            }
          }
          assertThat(secretVolume).as("volume %s", volume).isNotNull();
          String secretName = secretVolume.path("secretName").asText();
          List<String> keys = new ArrayList<>();
          DeployFiles.kustomization()
              .path("secretGenerator")
              .forEach(
                  g -> {
                    if (g.path("name").asText().equals(secretName)) {
                      g.path("files").forEach(f -> keys.add(f.asText().replaceFirst("=.*", "")));
                    }
                  });
          assertThat(keys)
              .as("keys of Secret %s used by %s", secretName, inv.source())
              .contains(key);
        }
      }
    }
  }

  // ---- compose ----

  @Test
  void compose_runs_dispatcher_three_brokers_with_probes_and_loadgen() {
    JsonNode services = DeployFiles.compose().path("services");
    Map<String, Integer> count = new HashMap<>();
    services
        .fields()
        .forEachRemaining(
            e -> {
              String image = e.getValue().path("image").asText();
              String module =
                  DeployFiles.moduleOfImage(image)
                      .orElse(image.startsWith("eclipse-mosquitto") ? "broker" : "other");
              count.merge(module, 1, Integer::sum);
              if (e.getValue().has("build")) {
                assertThat(
                        DeployFiles.deployDir()
                            .resolve(e.getValue().path("build").path("context").asText())
                            .resolve(e.getValue().path("build").path("dockerfile").asText()))
                    .as("Dockerfile of compose service %s", e.getKey())
                    .isRegularFile();
              }
              e.getValue()
                  .path("volumes")
                  .forEach(
                      v -> {
                        String source = v.asText().split(":")[0];
                        if (source.startsWith(".")) {
                          assertThat(DeployFiles.deployDir().resolve(source))
                              .as("bind mount of %s", e.getKey())
                              .exists();
                        }
                      });
            });
    assertThat(count)
        .containsEntry("dispatcher", 1)
        .containsEntry("broker", 3)
        .containsEntry("probe", 3)
        .containsEntry("loadgen", 1);
    assertThat(DeployFiles.read(DeployFiles.deployDir().resolve("mosquitto/mosquitto.conf")))
        .contains("sys_interval 1");
  }

  @Test
  void compose_probes_share_their_brokers_pid_namespace_and_advertise_allowed_names() {
    JsonNode services = DeployFiles.compose().path("services");
    Invocation dispatcher = composeInvocation("dispatcher").get(0);
    List<String> allowed = dispatcher.values("allow");
    String probePort =
        String.valueOf(
            port(
                single(
                    dispatcher.values("probe-listen"),
                    "--probe-listen of the compose dispatcher")));
    Set<String> advertised = new HashSet<>();
    for (Invocation probe : composeInvocation("probe")) {
      String service = probe.source().replace("compose.yaml service ", "");
      String endpoint =
          single(probe.values("endpoint"), "--endpoint of " + service).replaceFirst("^mqtt=", "");
      String broker = host(endpoint);
      advertised.add(endpoint);
      assertThat(services.has(broker))
          .as("%s advertises %s, a compose service", service, broker)
          .isTrue();
      assertThat(allowed).as("dispatcher --allow covers %s", broker).contains(broker);
      assertThat(services.path(service).path("pid").asText())
          .as("pid of %s", service)
          .isEqualTo("service:" + broker);
      assertThat(probe.values("process"))
          .as("--process of %s", service)
          .containsExactly("mosquitto");
      String target = single(probe.values("dispatcher"), "--dispatcher of " + service);
      assertThat(services.has(host(target)))
          .as("%s reports to a compose service", service)
          .isTrue();
      assertThat(String.valueOf(port(target)))
          .as("%s reports to the dispatcher's probe port", service)
          .isEqualTo(probePort);
    }
    Invocation loadgen = composeInvocation("loadgen").get(0);
    Set<String> brokers =
        new HashSet<>(
            List.of(single(loadgen.values("brokers"), "--brokers of loadgen").split(",")));
    assertThat(brokers)
        .as("loadgen --brokers are the probes' advertised endpoints")
        .isEqualTo(advertised);
    String target = single(loadgen.values("dispatcher"), "--dispatcher of loadgen");
    assertThat(port(target))
        .isEqualTo(port(single(dispatcher.values("listen"), "--listen of the compose dispatcher")));
  }

  @Test
  void compose_secrets_are_declared_and_the_dispatcher_reads_them_from_run_secrets() {
    JsonNode compose = DeployFiles.compose();
    Set<String> declared = new HashSet<>();
    compose.path("secrets").fieldNames().forEachRemaining(declared::add);
    compose
        .path("services")
        .fields()
        .forEachRemaining(
            e ->
                e.getValue()
                    .path("secrets")
                    .forEach(
                        s ->
                            assertThat(declared)
                                .as("secrets of %s", e.getKey())
                                .contains(s.asText())));
    for (Invocation inv : DeployFiles.composeInvocations()) {
      String service = inv.source().replace("compose.yaml service ", "");
      Set<String> mine =
          new HashSet<>(
              compose.path("services").path(service).path("secrets").findValuesAsText(""));
      compose.path("services").path(service).path("secrets").forEach(s -> mine.add(s.asText()));
      for (String flag : List.of("probe-secret-file", "secret-file", "admin-token-file")) {
        for (String file : inv.values(flag)) {
          assertThat(file).as("--%s of %s", flag, service).startsWith("/run/secrets/");
          assertThat(mine)
              .as("secrets of %s", service)
              .contains(file.substring("/run/secrets/".length()));
        }
      }
    }
    assertThat(DeployFiles.read(DeployFiles.deployDir().resolve("secrets/.gitignore")))
        .contains("*");
  }

  @Test
  void compose_depends_on_names_existing_services() {
    JsonNode services = DeployFiles.compose().path("services");
    services
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode deps = e.getValue().path("depends_on");
              List<String> names = new ArrayList<>();
              if (deps.isArray()) {
                deps.forEach(d -> names.add(d.asText()));
              } else {
                deps.fieldNames().forEachRemaining(names::add);
              }
              for (String n : names) {
                assertThat(services.has(n)).as("depends_on %s of %s", n, e.getKey()).isTrue();
              }
            });
  }

  // ---- Dockerfiles and systemd ----

  @Test
  void dockerfiles_copy_the_maven_jar_run_as_non_root_and_check_health() throws Exception {
    for (Path file : DeployFiles.files(".Dockerfile")) {
      String module = file.getFileName().toString().replace(".Dockerfile", "");
      String text = DeployFiles.read(file);
      assertThat(text)
          .as("%s copies the jar Maven builds", file)
          .contains(module + "/target/" + module + ".jar");
      String user = DeployFiles.dockerInstruction(file, "USER");
      assertThat(user).as("USER of %s", file).matches("[1-9][0-9]*(:[0-9]+)?");
      assertThat(DeployFiles.read(Path.of(file + ".dockerignore")))
          .as("%s.dockerignore", file)
          .contains("!" + module + "/target/" + module + ".jar");
      assertThat(text)
          .as("%s documents its build command", file)
          .contains("mvn -B -q package -DskipTests");
    }
    Path dispatcher = DeployFiles.deployDir().resolve("docker/dispatcher.Dockerfile");
    String health = DeployFiles.dockerInstruction(dispatcher, "HEALTHCHECK");
    Invocation inv =
        DeployFiles.dockerfileInvocations().stream()
            .filter(i -> i.module().equals("dispatcher"))
            .findFirst()
            .orElseThrow();
    String admin =
        single(inv.values("admin-listen"), "--admin-listen in the dispatcher image's CMD");
    assertThat(health).as("HEALTHCHECK").contains("/health").contains("/" + port(admin));
  }

  @Test
  void systemd_units_are_hardened_and_read_secrets_as_credentials() {
    List<Path> units = DeployFiles.files(".service");
    assertThat(units)
        .extracting(p -> p.getFileName().toString())
        .contains("mqtt-dispatcher.service", "mqtt-probe.service");
    for (Path unit : units) {
      Map<String, List<String>> keys = DeployFiles.unitKeys(unit);
      assertThat(keys.get("DynamicUser")).as("DynamicUser in %s", unit).containsExactly("yes");
      for (String k :
          List.of(
              "NoNewPrivileges",
              "ProtectSystem",
              "ProtectHome",
              "PrivateTmp",
              "CapabilityBoundingSet",
              "SystemCallFilter")) {
        assertThat(keys).as("%s sets %s", unit, k).containsKey(k);
      }
      assertThat(keys)
          .as("%s must not deny W+X memory: the JIT needs it", unit)
          .doesNotContainKey("MemoryDenyWriteExecute");
      Set<String> credentials = new HashSet<>();
      keys.getOrDefault("LoadCredential", List.of()).forEach(c -> credentials.add(c.split(":")[0]));
      Matcher m =
          Pattern.compile("%d/([A-Za-z0-9._-]+)")
              .matcher(String.join(" ", keys.getOrDefault("ExecStart", List.of())));
      int uses = 0;
      while (m.find()) {
        uses++;
        assertThat(credentials)
            .as("LoadCredential for %%d/%s in %s", m.group(1), unit)
            .contains(m.group(1));
      }
      assertThat(uses).as("secrets passed as credentials in %s", unit).isPositive();
    }
    Map<String, List<String>> probe =
        DeployFiles.unitKeys(DeployFiles.deployDir().resolve("systemd/mqtt-probe.service"));
    assertThat(probe.get("BindsTo")).containsExactly("mosquitto.service");
    assertThat(String.join(" ", probe.get("After"))).contains("mosquitto.service");
    assertThat(probe)
        .as("--process needs to see mosquitto in /proc")
        .doesNotContainKey("ProtectProc");
  }

  @Test
  void systemd_probe_sample_advertises_a_name_its_dispatcher_sample_allows() {
    Invocation dispatcher = systemd("dispatcher");
    Invocation probe = systemd("probe");
    String endpoint =
        single(
            probe.values("endpoint").stream().filter(e -> e.startsWith("mqtt=")).toList(),
            "mqtt endpoint");
    assertThat(dispatcher.values("allow")).contains(host(endpoint.substring(5)));
    assertThat(port(single(probe.values("dispatcher"), "--dispatcher")))
        .isEqualTo(port(single(dispatcher.values("probe-listen"), "--probe-listen")));
  }

  @Test
  void every_invocation_is_found() {
    // Guards the other tests: if the file readers missed a whole kind of file, they would pass
    // vacuously.
    Map<String, Long> bySource =
        DeployFiles.invocations().stream()
            .collect(
                Collectors.groupingBy(i -> i.source().split("[ /]")[0], Collectors.counting()));
    assertThat(bySource).containsKeys("compose.yaml", "k8s", "docker", "systemd");
    assertThat(DeployFiles.invocations().stream().map(Invocation::module).distinct())
        .contains("dispatcher", "probe", "loadgen");
  }

  // ---- helpers ----

  private static Invocation systemd(String module) {
    return DeployFiles.systemdInvocations().stream()
        .filter(i -> i.module().equals(module))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no systemd unit runs the " + module));
  }

  private static List<Invocation> composeInvocation(String module) {
    List<Invocation> list =
        DeployFiles.composeInvocations().stream().filter(i -> i.module().equals(module)).toList();
    assertThat(list).as("compose services running the %s", module).isNotEmpty();
    return list;
  }

  private static Invocation invocationOf(JsonNode container) {
    String module =
        DeployFiles.moduleOfImage(container.path("image").asText())
            .orElseThrow(
                () ->
                    new AssertionError(
                        "not one of our images: " + container.path("image").asText()));
    List<String> args = new ArrayList<>();
    container.path("command").forEach(a -> args.add(a.asText()));
    container.path("args").forEach(a -> args.add(a.asText()));
    return new Invocation(module, args, "container " + container.path("name").asText(), true);
  }

  private static JsonNode dispatcherDeployment() {
    return kind("Deployment").stream()
        .filter(
            d ->
                DeployFiles.containers(podSpec(d)).stream()
                    .anyMatch(
                        c ->
                            DeployFiles.moduleOfImage(c.path("image").asText())
                                .orElse("")
                                .equals("dispatcher")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment runs the dispatcher image"));
  }

  private static JsonNode dispatcherContainer(JsonNode deployment) {
    return DeployFiles.containers(podSpec(deployment)).stream()
        .filter(
            c ->
                DeployFiles.moduleOfImage(c.path("image").asText()).orElse("").equals("dispatcher"))
        .findFirst()
        .orElseThrow();
  }

  private static JsonNode service(String name) {
    return kind("Service").stream()
        .filter(s -> name(s).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Service named " + name));
  }

  private static List<JsonNode> kind(String kind) {
    return DeployFiles.k8sObjects().stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .toList();
  }

  private static List<JsonNode> workloads() {
    return DeployFiles.podSpecs().stream().map(Map.Entry::getKey).toList();
  }

  private static JsonNode podSpec(JsonNode workload) {
    return workload.path("spec").path("template").path("spec");
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  /**
   * Whether a Service selector picks pods of this workload (the StatefulSet pod-name label too).
   */
  private static boolean selects(Map<String, String> selector, JsonNode workload) {
    if (selector.isEmpty()) {
      return false;
    }
    Map<String, String> labels =
        new HashMap<>(map(workload.path("spec").path("template").path("metadata").path("labels")));
    String podName = selector.get(POD_NAME_LABEL);
    if (podName != null && workload.path("kind").asText().equals("StatefulSet")) {
      String prefix = name(workload) + "-";
      if (podName.startsWith(prefix)
          && podName.substring(prefix.length()).matches("\\d+")
          && Integer.parseInt(podName.substring(prefix.length()))
              < workload.path("spec").path("replicas").asInt(1)) {
        labels.put(POD_NAME_LABEL, podName);
      }
    }
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static boolean hasContainerPort(JsonNode podSpec, JsonNode port) {
    return DeployFiles.containers(podSpec).stream().anyMatch(c -> hasPort(c, port));
  }

  private static boolean hasPort(JsonNode container, JsonNode port) {
    for (JsonNode p : container.path("ports")) {
      if (port.isInt()
          ? p.path("containerPort").asInt() == port.asInt()
          : p.path("name").asText().equals(port.asText())) {
        return true;
      }
    }
    return false;
  }

  private static int containerPort(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("containerPort").asInt();
      }
    }
    return fail("no container port named " + name);
  }

  private static Map<String, String> map(JsonNode node) {
    Map<String, String> map = new HashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  private static String single(List<String> values, String what) {
    assertThat(values).as(what).hasSize(1);
    return values.get(0);
  }

  private static String host(String hostPort) {
    return hostPort.substring(0, hostPort.lastIndexOf(':'));
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }
}
