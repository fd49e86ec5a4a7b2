package dev.updraft.console.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The microVM API sockets the console watches (given on its command line or added on the page),
 * what each reports, and the pause, resume and snapshot calls made on them. A socket can also be
 * the management socket of {@code updraft vm serve}: then every VM that process hosts is listed,
 * through the API socket serve gives it, and the list follows VMs being created and removed.
 */
public final class Vms {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Path> sockets = new CopyOnWriteArrayList<>();

  /**
   * What each socket turned out to be once it answered: true for a serve management socket. Asked
   * once, because every question is a line in a Firecracker VMM's log.
   */
  private final Map<Path, Boolean> serve = new ConcurrentHashMap<>();

  private final FirecrackerClient client;

  public Vms(FirecrackerClient client, List<Path> sockets) {
    this.client = client;
    sockets.forEach(this::add);
  }

  /**
   * Adds a socket to watch.
   *
   * @throws VmException when {@code socket} is no Unix socket
   */
  public void add(Path socket) {
    Path path = socket.toAbsolutePath().normalize();
    if (!Files.exists(path) || Files.isDirectory(path) || Files.isRegularFile(path)) {
      throw new VmException("socket: " + socket + " (expected: a microVM's API socket)");
    }
    if (!sockets.contains(path)) {
      sockets.add(path);
    }
  }

  public List<Path> sockets() {
    return List.copyOf(sockets);
  }

  /**
   * The API socket of the VM numbered {@code index} on the page, if it is still {@code expected}:
   * serve's VMs come and go between the page and the click, and a button must not act on another VM
   * than the one it was shown beside. Lists the sockets only: no VM is asked for its state.
   */
  public Optional<Path> socket(int index, String expected) {
    List<Path> listed = new ArrayList<>();
    for (Path socket : sockets) {
      if (!isServe(socket)) {
        listed.add(socket);
        continue;
      }
      try {
        served(socket).forEach(vm -> listed.add(path(vm.path("api_sock"))));
      } catch (VmException | com.fasterxml.jackson.core.JacksonException e) {
        listed.add(socket); // shown as one unreachable row, as all() does
      }
    }
    if (index < 0 || index >= listed.size()) {
      return Optional.empty();
    }
    Path socket = listed.get(index);
    return socket.toString().equals(expected) ? Optional.of(socket) : Optional.empty();
  }

  /** Every VM: those added by their API socket, and those of each serve process, in order. */
  public List<VmView> all() {
    List<VmView> views = new ArrayList<>();
    for (Path socket : sockets) {
      if (isServe(socket)) {
        views.addAll(hosted(socket));
      } else {
        views.add(view(socket));
      }
    }
    return views;
  }

  /**
   * Whether {@code socket} is a serve management socket: asks {@code GET /vms}, which only serve
   * answers with 200, until the socket answers at all; false while it is silent.
   */
  private boolean isServe(Path socket) {
    Boolean known = serve.get(socket);
    if (known != null) {
      return known;
    }
    try {
      FirecrackerClient.Reply reply = client.call(socket, HttpMethod.GET, "/vms", null);
      boolean isServe = reply.ok() && JSON.readTree(reply.body()).path("vms").isArray();
      serve.put(socket, isServe);
      return isServe;
    } catch (VmException | com.fasterxml.jackson.core.JacksonException e) {
      return false;
    }
  }

  /**
   * serve's list of its VMs ({@code GET /vms}), those with an API socket.
   *
   * @throws VmException when serve does not answer, or answers with an error status
   */
  private List<JsonNode> served(Path management)
      throws com.fasterxml.jackson.core.JacksonException {
    FirecrackerClient.Reply reply = client.call(management, HttpMethod.GET, "/vms", null);
    if (!reply.ok()) {
      throw new VmException("GET /vms answered " + reply.status());
    }
    List<JsonNode> vms = new ArrayList<>();
    for (JsonNode vm : JSON.readTree(reply.body()).path("vms")) {
      if (path(vm.path("api_sock")) != null) {
        vms.add(vm);
      }
    }
    return vms;
  }

  /** The VMs a serve process hosts, as their own API sockets report them. */
  private List<VmView> hosted(Path management) {
    List<VmView> views = new ArrayList<>();
    try {
      for (JsonNode vm : served(management)) {
        Path socket = path(vm.path("api_sock"));
        VmView view =
            vm.path("state").asText().equals("Serving")
                ? view(socket)
                : new VmView(
                    socket,
                    vm.path("id").asText(""),
                    VmState.ENDED,
                    0,
                    0,
                    "",
                    vm.path("end_reason").asText("ended"),
                    null,
                    Map.of(),
                    null);
        views.add(view.hostedBy(management));
      }
    } catch (VmException e) {
      return List.of(VmView.unreachable(management, e.getMessage()));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return List.of(
          VmView.unreachable(management, "not serve's management API: " + e.getOriginalMessage()));
    }
    return views;
  }

  VmView view(Path socket) {
    try {
      FirecrackerClient.Reply info = client.call(socket, HttpMethod.GET, "/", null);
      FirecrackerClient.Reply machine =
          client.call(socket, HttpMethod.GET, "/machine-config", null);
      if (!info.ok()) {
        return VmView.unreachable(socket, "GET / answered " + info.status());
      }
      JsonNode i = JSON.readTree(info.body());
      JsonNode m = machine.ok() ? JSON.readTree(machine.body()) : JSON.createObjectNode();
      FirecrackerClient.Reply config = client.call(socket, HttpMethod.GET, "/vm/config", null);
      JsonNode c = config.ok() ? JSON.readTree(config.body()) : JSON.createObjectNode();
      Path log = path(c.path("logger").path("log_path"));
      Path metrics = path(c.path("metrics").path("metrics_path"));
      return new VmView(
          socket,
          i.path("id").asText(""),
          VmState.ofApi(i.path("state").asText("")),
          m.path("vcpu_count").asInt(0),
          m.path("mem_size_mib").asInt(0),
          i.path("vmm_version").asText(""),
          null,
          log == null ? null : VmTelemetry.bootTime(log),
          metrics == null ? Map.of() : VmTelemetry.devices(metrics),
          null);
    } catch (VmException e) {
      return VmView.unreachable(socket, e.getMessage());
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return VmView.unreachable(socket, "not the Firecracker API: " + e.getOriginalMessage());
    }
  }

  private static Path path(JsonNode value) {
    return value.isTextual() && !value.asText().isBlank() ? Path.of(value.asText()) : null;
  }

  /** Pauses or resumes; returns the API's fault message, or null when it did. */
  public String setState(Path socket, boolean pause) {
    String body = "{\"state\": \"" + (pause ? "Paused" : "Resumed") + "\"}";
    return fault(client.call(socket, HttpMethod.PATCH, "/vm", body));
  }

  /**
   * Takes a full snapshot beside the socket ({@code <socket>.snapshot} and {@code <socket>.mem});
   * Firecracker requires the VM paused first. Returns the API's fault message, or null.
   */
  public String snapshot(Path socket) {
    String body =
        JSON.createObjectNode()
            .put("snapshot_type", "Full")
            .put("snapshot_path", socket + ".snapshot")
            .put("mem_file_path", socket + ".mem")
            .toString();
    return fault(client.call(socket, HttpMethod.PUT, "/snapshot/create", body));
  }

  private static String fault(FirecrackerClient.Reply reply) {
    if (reply.ok()) {
      return null;
    }
    try {
      return JSON.readTree(reply.body()).path("fault_message").asText(reply.body());
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return "status " + reply.status();
    }
  }
}
