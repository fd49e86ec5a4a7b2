package dev.updraft.vmm.api;

import dev.updraft.vmm.api.VmmAction.ConfigureBootSource;
import dev.updraft.vmm.api.VmmAction.ConfigureLogger;
import dev.updraft.vmm.api.VmmAction.ConfigureMetrics;
import dev.updraft.vmm.api.VmmAction.ConfigureSerial;
import dev.updraft.vmm.api.VmmAction.CreateSnapshot;
import dev.updraft.vmm.api.VmmAction.FlushMetrics;
import dev.updraft.vmm.api.VmmAction.GetBalloonConfig;
import dev.updraft.vmm.api.VmmAction.GetBalloonStats;
import dev.updraft.vmm.api.VmmAction.GetFreePageHintingStatus;
import dev.updraft.vmm.api.VmmAction.GetFullVmConfig;
import dev.updraft.vmm.api.VmmAction.GetMemoryHotplugStatus;
import dev.updraft.vmm.api.VmmAction.GetMmds;
import dev.updraft.vmm.api.VmmAction.GetVmInstanceInfo;
import dev.updraft.vmm.api.VmmAction.GetVmMachineConfig;
import dev.updraft.vmm.api.VmmAction.GetVmmVersion;
import dev.updraft.vmm.api.VmmAction.InsertBlockDevice;
import dev.updraft.vmm.api.VmmAction.InsertNetworkDevice;
import dev.updraft.vmm.api.VmmAction.InsertPmemDevice;
import dev.updraft.vmm.api.VmmAction.LoadSnapshot;
import dev.updraft.vmm.api.VmmAction.PatchMmds;
import dev.updraft.vmm.api.VmmAction.Pause;
import dev.updraft.vmm.api.VmmAction.PutMmds;
import dev.updraft.vmm.api.VmmAction.Resume;
import dev.updraft.vmm.api.VmmAction.SendCtrlAltDel;
import dev.updraft.vmm.api.VmmAction.SetBalloonDevice;
import dev.updraft.vmm.api.VmmAction.SetEntropyDevice;
import dev.updraft.vmm.api.VmmAction.SetMemoryHotplugDevice;
import dev.updraft.vmm.api.VmmAction.SetMmdsConfiguration;
import dev.updraft.vmm.api.VmmAction.SetVsockDevice;
import dev.updraft.vmm.api.VmmAction.StartFreePageHinting;
import dev.updraft.vmm.api.VmmAction.StartMicroVm;
import dev.updraft.vmm.api.VmmAction.StopFreePageHinting;
import dev.updraft.vmm.api.VmmAction.UpdateBalloon;
import dev.updraft.vmm.api.VmmAction.UpdateBalloonStatistics;
import dev.updraft.vmm.api.VmmAction.UpdateBlockDevice;
import dev.updraft.vmm.api.VmmAction.UpdateMachineConfiguration;
import dev.updraft.vmm.api.VmmAction.UpdateMemoryHotplugSize;
import dev.updraft.vmm.api.VmmAction.UpdateNetworkInterface;
import dev.updraft.vmm.api.VmmAction.UpdatePmemDevice;
import dev.updraft.vmm.config.Drive;
import dev.updraft.vmm.config.DriveUpdate;
import dev.updraft.vmm.config.MachineConfigUpdate;
import dev.updraft.vmm.config.NetworkInterface;
import dev.updraft.vmm.config.NetworkInterfaceUpdate;
import dev.updraft.vmm.config.PmemConfig;
import dev.updraft.vmm.config.PmemUpdate;
import dev.updraft.vmm.config.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Firecracker's URL router ({@code parsed_request.rs}): method and path to a {@link Route}, with
 * Firecracker's rules and wording for bodies on GET, empty PUT/PATCH, path ids and unknown paths.
 */
final class Router {
  private Router() {}

  /**
   * Routes a request.
   *
   * @param rawPath the request target; a query string is ignored
   * @param hasBody whether the request carries a non-empty body
   * @throws ApiException if no route matches
   */
  static Route route(String method, String rawPath, boolean hasBody) {
    int query = rawPath.indexOf('?');
    String path = query < 0 ? rawPath : rawPath.substring(0, query);
    List<String> tokens = tokens(path);
    String head = tokens.isEmpty() ? "" : tokens.get(0);
    // Firecracker's one PATCH that needs no body: its parser reads "hinting" before the body.
    boolean hinting =
        method.equals("PATCH")
            && head.equals("balloon")
            && tokens.size() > 1
            && tokens.get(1).equals("hinting");
    switch (method) {
      case "GET" -> {
        if (hasBody) {
          throw new ApiException("GET request cannot have a body.");
        }
      }
      case "PUT", "PATCH" -> {
        if (!hasBody && !hinting) {
          throw new ApiException("Empty " + method + " request.");
        }
      }
      default -> throw ApiException.invalidPathMethod(method, path);
    }
    Route route = match(method, path, tokens);
    if (route == null) {
      throw ApiException.invalidPathMethod(method, path);
    }
    return route;
  }

  private static Route match(String method, String path, List<String> tokens) {
    Target t = new Target(method, path);
    boolean one = tokens.size() == 1;
    return switch (method + " " + (tokens.isEmpty() ? "" : tokens.get(0))) {
      case "GET " ->
          tokens.isEmpty() ? t.to(Resource.INSTANCE, b -> new GetVmInstanceInfo()) : null;
      case "GET version" -> one ? t.to(Resource.VERSION, b -> new GetVmmVersion()) : null;
      case "GET vm" ->
          tokens.size() == 2 && tokens.get(1).equals("config")
              ? t.to(Resource.VM_CONFIG, b -> new GetFullVmConfig())
              : null;
      case "GET machine-config" ->
          one ? t.to(Resource.MACHINE_CONFIG, b -> new GetVmMachineConfig()) : null;
      case "PUT machine-config" -> one ? t.to(Resource.MACHINE_CONFIG, Router::putMachine) : null;
      case "PATCH machine-config" ->
          one ? t.to(Resource.MACHINE_CONFIG, Router::patchMachine) : null;
      case "PUT actions" -> one ? t.to(Resource.ACTIONS, Router::action) : null;
      case "PUT boot-source" ->
          one
              ? t.to(Resource.BOOT_SOURCE, b -> new ConfigureBootSource(ConfigJson.bootSource(b)))
              : null;
      case "PUT drives" -> withId(tokens, id -> t.to(Resource.DRIVES, b -> putDrive(id, b)));
      case "PATCH drives" -> withId(tokens, id -> t.to(Resource.DRIVES, b -> patchDrive(id, b)));
      case "PUT network-interfaces" ->
          withId(tokens, id -> t.to(Resource.NETWORK, b -> putNetwork(id, b)));
      case "PATCH network-interfaces" ->
          withId(tokens, id -> t.to(Resource.NETWORK, b -> patchNetwork(id, b)));
      case "PUT pmem" -> withId(tokens, id -> t.to(Resource.PMEM, b -> putPmem(id, b)));
      case "PATCH pmem" -> withId(tokens, id -> t.to(Resource.PMEM, b -> patchPmem(id, b)));
      case "PUT entropy" ->
          one ? t.to(Resource.ENTROPY, b -> new SetEntropyDevice(ConfigJson.entropy(b))) : null;
      case "PUT vsock" ->
          one ? t.to(Resource.VSOCK, b -> new SetVsockDevice(ConfigJson.vsock(b))) : null;
      case "PUT serial" ->
          one ? t.to(Resource.SERIAL, b -> new ConfigureSerial(ConfigJson.serial(b))) : null;
      case "PUT logger" ->
          one ? t.to(Resource.LOGGER, b -> new ConfigureLogger(ConfigJson.logger(b))) : null;
      case "PUT metrics" ->
          one ? t.to(Resource.METRICS, b -> new ConfigureMetrics(ConfigJson.metrics(b))) : null;
      case "PATCH vm" -> one ? t.to(Resource.VM, Router::vmState) : null;
      // Firecracker looks at the first segment only for GET and PATCH /mmds.
      case "GET mmds" -> t.any(Resource.MMDS, b -> new GetMmds());
      case "PATCH mmds" -> t.any(Resource.MMDS, b -> new PatchMmds(b));
      case "PUT mmds" -> putMmds(t, tokens);
      case "PUT snapshot" -> snapshot(t, path, tokens);
      case "PUT cpu-config" ->
          one
              ? t.to(
                  Resource.CPU_CONFIG,
                  b -> new VmmAction.PutCpuConfiguration(CpuConfigJson.template(b)))
              : null;
      case "PUT balloon" ->
          one ? t.to(Resource.BALLOON, b -> new SetBalloonDevice(BalloonJson.config(b))) : null;
      case "GET balloon" -> getBalloon(t, tokens);
      case "PUT hotplug", "GET hotplug", "PATCH hotplug" -> hotplug(t, method, tokens);
      case "PATCH balloon" -> patchBalloon(t, tokens);
      default -> null;
    };
  }

  /**
   * {@code /hotplug/memory}: PUT configures the virtio-mem device, PATCH asks for a size, GET shows
   * its status (Firecracker's parse_{put,patch,get}_memory_hotplug).
   */
  private static Route hotplug(Target t, String method, List<String> tokens) {
    if (tokens.size() != 2 || !tokens.get(1).equals("memory")) {
      return null;
    }
    return switch (method) {
      case "PUT" ->
          t.to(
              Resource.MEMORY_HOTPLUG,
              b -> new SetMemoryHotplugDevice(MemoryHotplugJson.config(b)));
      case "PATCH" ->
          t.to(
              Resource.MEMORY_HOTPLUG_UPDATE,
              b -> new UpdateMemoryHotplugSize(MemoryHotplugJson.sizeUpdate(b)));
      default -> t.to(Resource.MEMORY_HOTPLUG_UPDATE, b -> new GetMemoryHotplugStatus());
    };
  }

  /** {@code PUT /mmds} (the document) or {@code PUT /mmds/config}. */
  private static Route putMmds(Target t, List<String> tokens) {
    if (tokens.size() == 1) {
      return t.any(Resource.MMDS, b -> new PutMmds(b));
    }
    if (tokens.get(1).equals("config")) {
      return t.to(Resource.MMDS_CONFIG, b -> new SetMmdsConfiguration(ConfigJson.mmdsConfig(b)));
    }
    throw new ApiException("Unrecognized PUT request path `" + tokens.get(1) + "`.");
  }

  /** {@code GET /balloon} or {@code /balloon/statistics}, as Firecracker's parse_get_balloon. */
  private static Route getBalloon(Target t, List<String> tokens) {
    if (tokens.size() == 1) {
      return t.to(Resource.BALLOON, b -> new GetBalloonConfig());
    }
    return switch (tokens.get(1)) {
      case "statistics" -> t.to(Resource.VM, b -> new GetBalloonStats());
      case "hinting" -> {
        String sub = tokens.size() > 2 ? tokens.get(2) : "";
        if (!sub.equals("status")) {
          throw new ApiException("Unrecognized GET request path `/hinting/" + sub + "`.");
        }
        yield t.to(Resource.BALLOON_UPDATE, b -> new GetFreePageHintingStatus());
      }
      default -> throw new ApiException("Unrecognized GET request path `" + tokens.get(1) + "`.");
    };
  }

  /** {@code PATCH /balloon/statistics}, or the target for any other path (Firecracker's rule). */
  private static Route patchBalloon(Target t, List<String> tokens) {
    String sub = tokens.size() > 1 ? tokens.get(1) : "";
    return switch (sub) {
      case "statistics" ->
          t.to(
              Resource.BALLOON_UPDATE,
              b -> new UpdateBalloonStatistics(BalloonJson.statsUpdate(b)));
      case "hinting" -> patchHinting(t, tokens);
      default -> t.to(Resource.BALLOON_UPDATE, b -> new UpdateBalloon(BalloonJson.update(b)));
    };
  }

  /**
   * {@code PATCH /balloon/hinting/start} (its body optional) or {@code /balloon/hinting/stop} (its
   * body ignored), as Firecracker's parse_patch_hinting.
   */
  private static Route patchHinting(Target t, List<String> tokens) {
    String sub = tokens.size() > 2 ? tokens.get(2) : "";
    return switch (sub) {
      case "start" ->
          t.to(Resource.BALLOON_UPDATE, b -> new StartFreePageHinting(BalloonJson.startHinting(b)));
      case "stop" -> t.any(Resource.BALLOON_UPDATE, b -> new StopFreePageHinting());
      default -> throw new ApiException("Unrecognized PATCH request path `/hinting/" + sub + "`.");
    };
  }

  /** {@code /snapshot/create} or {@code /snapshot/load}, as Firecracker's parse_put_snapshot. */
  private static Route snapshot(Target t, String path, List<String> tokens) {
    if (tokens.size() == 1) {
      throw new ApiException("Missing snapshot operation type.");
    }
    if (tokens.size() > 2) {
      return null;
    }
    return switch (tokens.get(1)) {
      case "create" ->
          t.to(Resource.SNAPSHOT_CREATE, b -> new CreateSnapshot(SnapshotJson.snapshotCreate(b)));
      case "load" ->
          t.to(Resource.SNAPSHOT_LOAD, b -> new LoadSnapshot(SnapshotJson.snapshotLoad(b)));
      default -> throw ApiException.invalidPathMethod("PUT", path);
    };
  }

  private record Target(String method, String path) {
    Route to(Resource resource, Route.Parser parser) {
      return Route.ofObject(method, path, resource, parser);
    }

    /** A route whose body may be any JSON value (the MMDS document). */
    Route any(Resource resource, Route.Body body) {
      return new Route(method, path, resource, body);
    }
  }

  /** The id in {@code /<resource>/<id>}, checked as Firecracker's {@code checked_id} does. */
  private static Route withId(List<String> tokens, Function<String, Route> route) {
    if (tokens.size() > 2) {
      return null;
    }
    String id = tokens.size() == 2 ? tokens.get(1) : "";
    if (id.isEmpty()) {
      throw new ApiException("The ID cannot be empty.");
    }
    if (!id.chars().allMatch(ResourceId::allowed)) {
      throw new ApiException(
          "API Resource IDs can only contain alphanumeric characters and underscores.");
    }
    return route.apply(id);
  }

  private static VmmAction putMachine(JsonFields body) {
    return new UpdateMachineConfiguration(
        MachineConfigUpdate.replacing(ConfigJson.machineConfig(body)));
  }

  private static VmmAction patchMachine(JsonFields body) {
    MachineConfigUpdate update = ConfigJson.machineConfigUpdate(body);
    if (update.isEmpty()) {
      throw new ApiException("Empty PATCH request.");
    }
    return new UpdateMachineConfiguration(update);
  }

  private static VmmAction action(JsonFields body) {
    body.only("action_type");
    String type = body.requiredString("action_type");
    return switch (type) {
      case "InstanceStart" -> new StartMicroVm();
      case "SendCtrlAltDel" -> new SendCtrlAltDel();
      case "FlushMetrics" -> new FlushMetrics();
      default ->
          throw new JsonFieldException(
              "action_type: \""
                  + type
                  + "\" (expected: one of FlushMetrics, InstanceStart, SendCtrlAltDel)");
    };
  }

  private static VmmAction vmState(JsonFields body) {
    body.only("state");
    String state = body.requiredString("state");
    return switch (state) {
      case "Paused" -> new Pause();
      case "Resumed" -> new Resume();
      default ->
          throw new JsonFieldException(
              "state: \"" + state + "\" (expected: one of Paused, Resumed)");
    };
  }

  private static VmmAction putDrive(String id, JsonFields body) {
    return sameId(id, ConfigJson.drive(body), Drive::driveId, InsertBlockDevice::new);
  }

  private static VmmAction patchDrive(String id, JsonFields body) {
    return sameId(id, ConfigJson.driveUpdate(body), DriveUpdate::driveId, UpdateBlockDevice::new);
  }

  private static VmmAction putPmem(String id, JsonFields body) {
    return sameId(id, ConfigJson.pmem(body), PmemConfig::id, InsertPmemDevice::new);
  }

  private static VmmAction patchPmem(String id, JsonFields body) {
    return sameId(id, ConfigJson.pmemUpdate(body), PmemUpdate::id, UpdatePmemDevice::new);
  }

  private static VmmAction putNetwork(String id, JsonFields body) {
    return sameId(
        id, ConfigJson.networkInterface(body), NetworkInterface::ifaceId, InsertNetworkDevice::new);
  }

  private static VmmAction patchNetwork(String id, JsonFields body) {
    return sameId(
        id,
        ConfigJson.networkInterfaceUpdate(body),
        NetworkInterfaceUpdate::ifaceId,
        UpdateNetworkInterface::new);
  }

  /** A body whose id must equal the path's, as Firecracker checks for drives and interfaces. */
  private static <T> VmmAction sameId(
      String fromPath, T parsed, Function<T, String> idOf, Function<T, VmmAction> action) {
    if (!fromPath.equals(idOf.apply(parsed))) {
      throw new ApiException("The id from the path does not match the id from the body!");
    }
    return action.apply(parsed);
  }

  /**
   * Path segments without the leading slash and a trailing empty one ({@code split_terminator}).
   */
  private static List<String> tokens(String path) {
    String trimmed = path;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    List<String> tokens = new ArrayList<>(List.of(trimmed.split("/", -1)));
    if (!tokens.isEmpty() && tokens.getLast().isEmpty()) {
      tokens.removeLast();
    }
    return tokens;
  }
}
