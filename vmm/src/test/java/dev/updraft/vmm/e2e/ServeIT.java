package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.GuestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code updraft vm serve} on real KVM with the default seccomp filters: N microVMs in one process
 * (10 here, {@code -Dserve.vms=50} by hand), each created on the management API and then driven
 * through its own socket with Firecracker's curl sequence; a guest that triple-faults ends alone
 * while the others keep printing; management errors name the field, the value and the expectation.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
class ServeIT {
  private static final int VMS = Integer.getInteger("serve.vms", 10);
  // serve keeps one KVM VM ready, and may hold one made for a shape no longer asked for.
  private static final int SPARE_VMS = 2;
  @TempDir Path dir;
  private ServeProcess serve;

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
  }

  @Test
  void hostsManyVmsDrivenByCurlAndACrashingGuestEndsAlone() throws Exception {
    serve = ServeProcess.start(List.of(), dir, dir.resolve("serve.out"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < VMS; i++) {
      String id = "vm" + i;
      ids.add(id);
      boot(id, GuestImages.pvh("pause"), "ticks=100000 period_ms=200");
    }
    for (String id : ids) {
      serve.await(console(id), "tick 1 ");
    }
    boot("crash", GuestImages.pvh("crash"), "wait_ms=0");

    awaitEnded("crash");
    assertThat(serve.vmSocket("crash")).as("the crashed VM's socket is removed").doesNotExist();
    assertThat(VmmOnKvm.read(console("crash"))).contains("crashing");
    for (String id : ids) {
      long before = Files.size(console(id));
      awaitGrowth(console(id), before);
      assertThat(serve.vm(id, "GET", "/", null)).contains("\"state\":\"Running\"");
    }
    assertThat(serve.manage("GET", "/vms", null))
        .startsWith("200 ")
        .contains("\"id\":\"vm0\"", "\"state\":\"Serving\"", "\"state\":\"Ended\"");

    assertThat(serve.manage("DELETE", "/vms/vm0", null)).isEqualTo("204");
    assertThat(serve.vmSocket("vm0")).doesNotExist();
    assertThat(serve.manage("GET", "/vms/vm0", null)).startsWith("404 ").contains("\\\"vm0\\\"");
    assertThat(serve.vm("vm1", "GET", "/", null)).contains("\"state\":\"Running\"");
    assertThat(serve.process.isAlive()).isTrue();
    assertThat(serve.outputText()).doesNotContain("bad syscall");
  }

  @Test
  void aSnapshotLoadsIntoANewVmOfTheWarmProcess() throws Exception {
    serve = ServeProcess.start(List.of(), dir, dir.resolve("serve.out"));
    boot("source", GuestImages.pvh("pause"), "ticks=100000 period_ms=100");
    serve.await(console("source"), "tick 1 ");
    assertThat(serve.vm("source", "PATCH", "/vm", "{\"state\": \"Paused\"}")).isEqualTo("204");
    Path state = dir.resolve("vm.state");
    Path memory = dir.resolve("vm.mem");
    assertThat(
            serve.vm(
                "source",
                "PUT",
                "/snapshot/create",
                "{\"snapshot_type\": \"Full\", \"snapshot_path\": \""
                    + state
                    + "\", \"mem_file_path\": \""
                    + memory
                    + "\"}"))
        .isEqualTo("204");
    assertThat(serve.manage("DELETE", "/vms/source", null)).isEqualTo("204");
    assertThat(
            serve.manage(
                "POST",
                "/vms",
                "{\"id\": \"copy\", \"serial_out_path\": \"" + console("copy") + "\"}"))
        .startsWith("201 ");
    assertThat(
            serve.vm(
                "copy",
                "PUT",
                "/snapshot/load",
                "{\"snapshot_path\": \""
                    + state
                    + "\", \"mem_backend\": {\"backend_type\": \"File\", \"backend_path\": \""
                    + memory
                    + "\"}, \"resume_vm\": true}"))
        .isEqualTo("204");
    serve.await(console("copy"), "tick ");
    assertThat(serve.vm("copy", "GET", "/", null)).contains("\"state\":\"Running\"");
    assertThat(mappings(memory)).as("the copy's memory maps the file").isPositive();

    // DELETE answers before KVM has torn the VM down (the reaper thread does that): the VM and
    // its memory must still be given back.
    assertThat(serve.manage("DELETE", "/vms/copy", null)).isEqualTo("204");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (mappings(memory) > 0 || kvmVms() > SPARE_VMS) {
      assertThat(System.nanoTime())
          .as(
              "within 30 s of the DELETE: no mapping of the memory file (%d left) and no KVM VM but"
                  + " the spares (%d, expected at most %d)",
              mappings(memory), kvmVms(), SPARE_VMS)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(serve.outputText()).doesNotContain("bad syscall");
  }

  /** How many of serve's mappings map {@code file} (guest memory restored from it). */
  private long mappings(Path file) throws IOException {
    try (var lines = Files.lines(Path.of("/proc", Long.toString(serve.process.pid()), "maps"))) {
      return lines.filter(l -> l.endsWith(" " + file)).count();
    }
  }

  /** How many KVM VM descriptors serve holds. */
  private long kvmVms() throws IOException {
    long vms = 0;
    try (var fds = Files.list(Path.of("/proc", Long.toString(serve.process.pid()), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals("anon_inode:kvm-vm")) {
            vms++;
          }
        } catch (IOException e) {
          // closed while listed
        }
      }
    }
    return vms;
  }

  @Test
  void managementErrorsNameFieldValueAndExpectation() throws Exception {
    serve = ServeProcess.start(List.of(), dir, dir.resolve("serve.out"));
    assertThat(serve.manage("POST", "/vms", "{\"id\": \"a b\"}"))
        .startsWith("400 ")
        .contains("id: \\\"a b\\\" (expected: letters, digits and underscores");
    assertThat(serve.manage("POST", "/vms", "{\"name\": \"x\"}"))
        .startsWith("400 ")
        .contains("name: unknown field (expected one of: id, serial_out_path)");
    assertThat(serve.manage("POST", "/vms", "[1]")).startsWith("400 ").contains("a JSON object");
    assertThat(serve.manage("POST", "/vms", "{\"id\": \"x\", \"serial_out_path\": \"rel\"}"))
        .startsWith("400 ")
        .contains("serial_out_path: \\\"rel\\\" (expected: an absolute path)");
    assertThat(serve.manage("POST", "/vms", "{\"id\": \"ok\"}")).startsWith("201 ");
    assertThat(serve.manage("POST", "/vms", "{\"id\": \"ok\"}"))
        .startsWith("400 ")
        .contains("id: \\\"ok\\\" (expected: an id no VM of this process has");
    assertThat(serve.manage("PUT", "/things", "{}"))
        .startsWith("400 ")
        .contains("PUT /things (expected: GET /vms, POST /vms");
    assertThat(serve.manage("DELETE", "/vms/nope", null)).startsWith("404 ");
    assertThat(
            serve.vm("ok", "PUT", "/machine-config", "{\"vcpu_count\": 99, \"mem_size_mib\": 32}"))
        .startsWith("400 ")
        .contains("vcpu_count");
    assertThat(serve.process.isAlive()).isTrue();
  }

  /** Creates the VM, then Firecracker's getting-started sequence on its own socket. */
  private void boot(String id, Path kernel, String bootArgs) throws Exception {
    assertThat(
            serve.manage(
                "POST",
                "/vms",
                "{\"id\": \"" + id + "\", \"serial_out_path\": \"" + console(id) + "\"}"))
        .startsWith("201 ")
        .contains("\"api_sock\":\"" + serve.vmSocket(id) + "\"");
    assertThat(
            serve.vm(
                id,
                "PUT",
                "/boot-source",
                "{\"kernel_image_path\": \"" + kernel + "\", \"boot_args\": \"" + bootArgs + "\"}"))
        .isEqualTo("204");
    assertThat(serve.vm(id, "PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 32}"))
        .isEqualTo("204");
    assertThat(serve.vm(id, "PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"))
        .isEqualTo("204");
  }

  private Path console(String id) {
    return dir.resolve(id + ".console");
  }

  private void awaitEnded(String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String state;
    while (!(state = serve.manage("GET", "/vms/" + id, null)).contains("\"state\":\"Ended\"")) {
      assertThat(System.nanoTime())
          .as("%s ends within 120 s: %s\n%s", id, state, serve.outputText())
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private void awaitGrowth(Path file, long size) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (Files.size(file) <= size) {
      assertThat(System.nanoTime())
          .as("%s grows within 60 s: %s", file, serve.outputText())
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
