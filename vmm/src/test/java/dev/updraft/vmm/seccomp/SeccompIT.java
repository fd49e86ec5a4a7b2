package dev.updraft.vmm.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The VMM as a process of its own under its default filters: every test guest still boots and
 * passes its checks, the filters are really in force (the kernel says so in /proc), and a system
 * call a filter does not allow ends the process with SIGSYS, exit code 148 and a line naming the
 * call and the thread.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
class SeccompIT {
  private static final JsonMapper JSON = new JsonMapper();
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "boot      | expect_vcpus=2                      | 2 | memmap",
        "irq       | ''                                  | 1 | ''",
        "rng       | ''                                  | 1 | rng-nonzero",
        "blk       | expect_sectors=2048                 | 1 | blk-compare",
        "boottimer | ''                                  | 1 | ''",
        "reset     | ''                                  | 2 | ''",
        "pause     | ''                                  | 1 | ''",
      })
  void everyTestGuestBootsUnderTheDefaults(String guest, String args, int vcpus, String check)
      throws Exception {
    Path disk = dir.resolve("disk.img");
    Files.write(disk, new byte[1 << 20]);
    ObjectNode config = JSON.createObjectNode();
    config
        .putObject("boot-source")
        .put("kernel_image_path", GuestImages.pvh(guest).toString())
        .put("boot_args", "console=ttyS0 reboot=k panic=1 " + args);
    config.putObject("machine-config").put("vcpu_count", vcpus).put("mem_size_mib", 128);
    config.putObject("entropy");
    ObjectNode drive =
        config
            .putArray("drives")
            .addObject()
            .put("drive_id", "rootfs")
            .put("path_on_host", disk.toString())
            .put("is_root_device", true)
            .put("is_read_only", false);
    drive.put("cache_type", "Writeback");
    Path file = dir.resolve("vm.json");
    JSON.writeValue(file.toFile(), config);

    Run run = vmm("--no-api", "--config-file", file.toString());

    assertThat(run.exit()).as(run.output()).isZero();
    GuestReport report = GuestReport.parse(run.output());
    assertThat(report.transcript().lines()).as(run.output()).noneMatch(l -> l.startsWith("fail "));
    if (!check.isEmpty()) {
      report.requirePassed(check);
    }
    assertThat(run.output()).doesNotContain("bad syscall");
  }

  @Test
  void theFiltersAreInForceOnEveryThread() throws Exception {
    Path file = config("ctrlaltdel", "wait_ms=30000");
    Path console = dir.resolve("console.txt");
    Process vmm =
        command("--no-api", "--config-file", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(console.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(console).contains("ready")) {
        assertThat(vmm.isAlive()).as(Files.readString(console)).isTrue();
        assertThat(System.nanoTime()).as("guest ready within 60 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      List<String> unfiltered = new ArrayList<>();
      try (var tasks = Files.list(Path.of("/proc", Long.toString(vmm.pid()), "task"))) {
        for (Path task : tasks.toList()) {
          String status = Files.readString(task.resolve("status"));
          String name = Files.readString(task.resolve("comm")).strip();
          if (!status.contains("Seccomp:\t2")) {
            unfiltered.add(name);
          }
        }
      }
      assertThat(unfiltered).as("threads without a filter").isEmpty();
    } finally {
      vmm.destroyForcibly().waitFor();
    }
  }

  @Test
  void aCallOutsideTheListEndsTheProcessWithSigsysAndALogLine() throws Exception {
    // The defaults, less the vCPU threads' ioctl: the first KVM_RUN is a bad system call.
    ObjectNode filters;
    try (InputStream in = SeccompFilters.class.getResourceAsStream("default-filters.json")) {
      filters = (ObjectNode) JSON.readTree(in);
    }
    ArrayNode vcpu = (ArrayNode) filters.get("vcpu").get("filter");
    for (int i = vcpu.size() - 1; i >= 0; i--) {
      JsonNode rule = vcpu.get(i);
      if (rule.get("syscall").asText().equals("ioctl")) {
        vcpu.remove(i);
      }
    }
    Path filterFile = dir.resolve("no-kvm-run.json");
    JSON.writeValue(filterFile.toFile(), filters);

    Run run =
        vmm(
            "--no-api",
            "--config-file",
            config("boot", "").toString(),
            "--seccomp-filter",
            filterFile.toString());

    assertThat(run.exit()).as(run.output()).isEqualTo(148);
    assertThat(run.output())
        .contains(
            "Shutting down VM after intercepting a bad syscall (16: ioctl) on thread fc_vcpu");
  }

  @Test
  void theBootTimerLogsUnderTheDefaults() throws Exception {
    // Its CPU time is read with times(2) on the vCPU thread that takes the guest's write.
    Run run = vmm("--no-api", "--config-file", config("boottimer", "").toString(), "--boot-timer");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("Guest-boot-time = ").doesNotContain("bad syscall");
  }

  @Test
  void noSeccompInstallsNothing() throws Exception {
    Run run = vmm("--no-api", "--config-file", config("boot", "").toString(), "--no-seccomp");
    assertThat(run.exit()).as(run.output()).isZero();
  }

  private Path config(String guest, String args) throws Exception {
    ObjectNode config = JSON.createObjectNode();
    config
        .putObject("boot-source")
        .put("kernel_image_path", GuestImages.pvh(guest).toString())
        .put("boot_args", "console=ttyS0 reboot=k panic=1 " + args);
    Path file = dir.resolve(guest + ".json");
    JSON.writeValue(file.toFile(), config);
    return file;
  }

  private record Run(int exit, String output) {}

  private Run vmm(String... args) throws Exception {
    Path output = dir.resolve("vmm.out");
    Process process =
        command(args).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("the VMM did not end within 120 s:\n" + Files.readString(output));
    }
    return new Run(process.exitValue(), Files.readString(output));
  }

  private static ProcessBuilder command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(VmmMain.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
  }
}
