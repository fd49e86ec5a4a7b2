package dev.updraft.vmm.api;

import dev.updraft.vmm.config.MachineConfigUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code --config-file}: Firecracker's single JSON document ({@code VmmConfig}) whose top-level
 * keys are the API resources in kebab case. It becomes the same {@link VmmAction}s the API would
 * receive, so both paths validate alike. Firecracker resources updraft does not implement are
 * accepted only when null or empty, so the output of {@code GET /vm/config} loads as it is.
 */
final class ConfigFile {
  private static final List<String> SUPPORTED =
      List.of(
          "boot-source",
          "drives",
          "machine-config",
          "network-interfaces",
          "pmem",
          "logger",
          "metrics",
          "entropy",
          "serial",
          "vsock",
          "balloon",
          "mmds-config",
          "cpu-config",
          "memory-hotplug");

  /** One action and where in the file it came from, e.g. {@code drives[1]}. */
  record Step(String section, VmmAction action) {}

  private ConfigFile() {}

  /** Adds the action for the object at {@code key}, if the document has one. */
  private static void section(
      List<Step> steps, JsonFields root, String key, Function<JsonFields, VmmAction> action) {
    JsonFields section = root.object(key);
    if (section != null) {
      steps.add(new Step(key, action.apply(section)));
    }
  }

  /**
   * {@code "cpu-config"}: a template inline, or the path of a file that holds one (Firecracker's
   * {@code CustomCpuTemplateOrPath}); after machine-config, so that it replaces a static template.
   */
  private static void cpuConfig(List<Step> steps, JsonFields root) {
    if (!root.has("cpu-config")) {
      return;
    }
    if (!root.isText("cpu-config")) {
      section(
          steps,
          root,
          "cpu-config",
          f -> new VmmAction.PutCpuConfiguration(CpuConfigJson.template(f)));
      return;
    }
    Path file = root.requiredPath("cpu-config");
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new JsonFieldException(
          "cpu-config: "
              + file
              + ": "
              + e.getClass().getSimpleName()
              + " (expected: a readable custom CPU template file)");
    }
    JsonFields template;
    try {
      template = JsonFields.of(Json.parse(json), "cpu-config(" + file + ")");
    } catch (RuntimeException e) {
      throw new JsonFieldException(
          "cpu-config: " + file + ": " + e.getMessage() + " (expected: a JSON template)");
    }
    steps.add(
        new Step(
            "cpu-config", new VmmAction.PutCpuConfiguration(CpuConfigJson.template(template))));
  }

  /**
   * The actions the document describes, in an order that lets each one validate: logger and metrics
   * first (so later steps can log), then machine, boot source and devices.
   *
   * @throws JsonFieldException for a malformed document, unknown keys or fields, wrong types
   * @throws dev.updraft.vmm.config.ConfigException for invalid values, with the section in front
   */
  static List<Step> steps(byte[] document) {
    JsonFields root = JsonFields.of(Json.parse(document), "");
    root.only(SUPPORTED.toArray(String[]::new));
    // Firecracker's VmmConfig: the sections it holds as Option; drives, network-interfaces, pmem
    // and boot-source are not.
    root.nullable(
        "balloon",
        "cpu-config",
        "logger",
        "machine-config",
        "metrics",
        "mmds-config",
        "vsock",
        "entropy",
        "memory-hotplug");
    List<Step> steps = new ArrayList<>();
    section(steps, root, "logger", f -> new VmmAction.ConfigureLogger(ConfigJson.logger(f)));
    section(steps, root, "metrics", f -> new VmmAction.ConfigureMetrics(ConfigJson.metrics(f)));
    section(
        steps,
        root,
        "machine-config",
        f ->
            new VmmAction.UpdateMachineConfiguration(
                MachineConfigUpdate.replacing(ConfigJson.machineConfig(f))));
    if (!root.has("boot-source")) {
      throw new JsonFieldException("boot-source: missing (expected: a JSON object)");
    }
    section(
        steps,
        root,
        "boot-source",
        f -> new VmmAction.ConfigureBootSource(ConfigJson.bootSource(f)));
    for (JsonFields drive : root.objects("drives")) {
      steps.add(new Step(drive.path(), new VmmAction.InsertBlockDevice(ConfigJson.drive(drive))));
    }
    for (JsonFields iface : root.objects("network-interfaces")) {
      steps.add(
          new Step(
              iface.path(), new VmmAction.InsertNetworkDevice(ConfigJson.networkInterface(iface))));
    }
    cpuConfig(steps, root);
    section(steps, root, "entropy", f -> new VmmAction.SetEntropyDevice(ConfigJson.entropy(f)));
    section(steps, root, "vsock", f -> new VmmAction.SetVsockDevice(ConfigJson.vsock(f)));
    section(steps, root, "balloon", f -> new VmmAction.SetBalloonDevice(BalloonJson.config(f)));
    section(
        steps,
        root,
        "memory-hotplug",
        f -> new VmmAction.SetMemoryHotplugDevice(MemoryHotplugJson.config(f)));
    section(
        steps,
        root,
        "mmds-config",
        f -> new VmmAction.SetMmdsConfiguration(ConfigJson.mmdsConfig(f)));
    // After the other devices and before serial, as Firecracker's VmResources::from_json.
    for (JsonFields pmem : root.objects("pmem")) {
      steps.add(new Step(pmem.path(), new VmmAction.InsertPmemDevice(ConfigJson.pmem(pmem))));
    }
    section(steps, root, "serial", f -> new VmmAction.ConfigureSerial(ConfigJson.serial(f)));
    return steps;
  }
}
