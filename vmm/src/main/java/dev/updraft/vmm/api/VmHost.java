package dev.updraft.vmm.api;

import dev.updraft.vmm.config.ConfigException;
import dev.updraft.vmm.config.SerialConfig;
import dev.updraft.vmm.config.VmResources;
import dev.updraft.vmm.seccomp.SeccompFilters;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The microVMs of one {@code updraft vm serve} process, by id. A VM that ends (its guest reset or
 * crashed, or its VMM failed) is closed at once by the reaper thread, so its socket disappears and
 * its threads end; it stays listed with the reason until it is deleted, so that a client can learn
 * why. Thread-safe: the management API calls it from its thread, the reaper from its own.
 */
final class VmHost implements AutoCloseable {
  private final Path socketDir;
  private final SeccompFilters filters;
  private final int maxPayload;
  private final PrintStream out;
  private final Map<String, ServedVm> vms = new LinkedHashMap<>();
  // Started now, before any filter is installed: it inherits only the process-wide one.
  private final ExecutorService reaper =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("serve_reaper").daemon().factory());

  VmHost(Path socketDir, SeccompFilters filters, int maxPayload, PrintStream out) {
    this.socketDir = Objects.requireNonNull(socketDir, "socketDir");
    this.filters = Objects.requireNonNull(filters, "filters");
    this.maxPayload = maxPayload;
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Creates a VM and its API socket {@code <socket-dir>/<id>.sock}, ready for Firecracker's
   * requests.
   *
   * @throws ConfigException if the id is in use
   * @throws ApiServerException if the socket cannot be created
   */
  ServedVm create(CreateVmRequest request) {
    synchronized (vms) {
      if (vms.containsKey(request.id())) {
        throw ConfigException.of(
            "id", '"' + request.id() + '"', "an id no VM of this process has (DELETE it first)");
      }
      VmResources resources = VmResources.defaults();
      if (request.serialOutPath() != null) {
        resources = resources.withSerial(new SerialConfig(request.serialOutPath(), null));
      }
      ServedVm vm =
          ServedVm.open(
              request.id(),
              socketDir.resolve(request.id() + ".sock"),
              resources,
              filters,
              maxPayload,
              out,
              reaper);
      vms.put(request.id(), vm);
      return vm;
    }
  }

  Optional<ServedVm> get(String id) {
    synchronized (vms) {
      return Optional.ofNullable(vms.get(id));
    }
  }

  List<ServedVm> list() {
    synchronized (vms) {
      return new ArrayList<>(vms.values());
    }
  }

  /** Stops and forgets the VM; false if there is none with that id. */
  boolean delete(String id) {
    ServedVm vm;
    synchronized (vms) {
      vm = vms.remove(id);
    }
    if (vm == null) {
      return false;
    }
    vm.close();
    return true;
  }

  /** Stops every VM and removes their sockets (process exit). */
  @Override
  public void close() {
    for (ServedVm vm : list()) {
      delete(vm.id());
    }
    reaper.shutdown();
  }
}
