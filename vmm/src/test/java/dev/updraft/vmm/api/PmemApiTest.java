package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updraft.vmm.config.PmemConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code PUT /pmem/{id}}, {@code PATCH /pmem/{id}}: Firecracker's bodies, rules and words. */
class PmemApiTest extends OnTestVmm {
  private Path file;

  @BeforeEach
  void backingFile() throws Exception {
    file = Files.write(dir.resolve("pmem.img"), new byte[4096]);
  }

  private static String pmem(String id, Path path, boolean root, boolean readOnly) {
    return "{\"id\": \""
        + id
        + "\", \"path_on_host\": \""
        + path
        + "\", \"root_device\": "
        + root
        + ", \"read_only\": "
        + readOnly
        + "}";
  }

  @Test
  void aDeviceIsConfiguredBeforeBootShownInTheConfigAndHandedToTheHypervisor() {
    assertThat(vm.put("/pmem/p0", pmem("p0", file, false, true)).status()).isEqualTo(204);
    assertThat(vm.put("/pmem/p1", "{\"id\": \"p1\", \"path_on_host\": \"" + file + "\"}").status())
        .as("root_device and read_only default to false")
        .isEqualTo(204);
    JsonNode list = TestVmm.json(vm.get("/vm/config")).get("pmem");
    assertThat(list).hasSize(2);
    assertThat(list.get(0).get("id").asText()).isEqualTo("p0");
    assertThat(list.get(0).get("path_on_host").asText()).isEqualTo(file.toString());
    assertThat(list.get(0).get("root_device").asBoolean()).isFalse();
    assertThat(list.get(0).get("read_only").asBoolean()).isTrue();
    assertThat(list.get(0).get("rate_limiter").isNull()).isTrue();
    assertThat(list.get(1).get("read_only").asBoolean()).isFalse();

    vm.boot();
    assertThat(vm.hypervisor.started().getFirst().pmem())
        .extracting(PmemConfig::id)
        .containsExactly("p0", "p1");
  }

  @Test
  void aSecondPutOfAnIdReplacesItInPlace() {
    vm.put("/pmem/a", pmem("a", file, false, false));
    vm.put("/pmem/b", pmem("b", file, false, false));
    assertThat(vm.put("/pmem/a", pmem("a", file, false, true)).status()).isEqualTo(204);
    JsonNode list = TestVmm.json(vm.get("/vm/config")).get("pmem");
    assertThat(list).hasSize(2);
    assertThat(list.get(0).get("id").asText()).isEqualTo("a");
    assertThat(list.get(0).get("read_only").asBoolean()).isTrue();
  }

  @Test
  void theIdsOfPathAndBodyMustMatch() {
    assertThat(TestVmm.fault(vm.put("/pmem/a", pmem("b", file, false, false))))
        .isEqualTo("The id from the path does not match the id from the body!");
  }

  @Test
  void idsAreLettersDigitsAndUnderscores() {
    assertThat(TestVmm.fault(vm.put("/pmem/a-b", pmem("a-b", file, false, false))))
        .isEqualTo("API Resource IDs can only contain alphanumeric characters and underscores.");
    assertThat(TestVmm.fault(vm.put("/pmem/", pmem("a", file, false, false))))
        .isEqualTo("The ID cannot be empty.");
  }

  @Test
  void aMissingFileIsRefusedNamingThePath() {
    Path missing = dir.resolve("absent.img");
    assertThat(TestVmm.fault(vm.put("/pmem/a", pmem("a", missing, false, false))))
        .isEqualTo(
            "Pmem config error: Error accessing backing file: path_on_host: "
                + missing
                + " (expected: an existing regular file the VMM can read and write)");
    assertThat(TestVmm.fault(vm.put("/pmem/a", pmem("a", dir, false, true))))
        .isEqualTo(
            "Pmem config error: Error accessing backing file: path_on_host: "
                + dir
                + " (expected: an existing regular file the VMM can read)");
  }

  @Test
  void anEmptyFileIsRefused() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.img"));
    assertThat(TestVmm.fault(vm.put("/pmem/a", pmem("a", empty, false, false))))
        .isEqualTo(
            "Pmem config error: Error backing file size is 0 (path_on_host: "
                + empty
                + ", expected: a file of at least one byte)");
  }

  @Test
  void onlyOnePmemDeviceMayBeTheRoot() {
    assertThat(vm.put("/pmem/a", pmem("a", file, true, false)).status()).isEqualTo(204);
    assertThat(TestVmm.fault(vm.put("/pmem/b", pmem("b", file, true, false))))
        .isEqualTo(
            "Pmem config error: A root pmem device already exist (root_device: true on pmem"
                + " \"b\", expected: false, pmem \"a\" is the root device)");
    assertThat(vm.put("/pmem/a", pmem("a", file, true, true)).status())
        .as("the root device may be put again as the root")
        .isEqualTo(204);
    assertThat(vm.put("/pmem/a", pmem("a", file, false, true)).status()).isEqualTo(204);
    assertThat(vm.put("/pmem/b", pmem("b", file, true, false)).status())
        .as("once a is no longer the root, b may be")
        .isEqualTo(204);
  }

  @Test
  void aPmemRootAndABlockRootExcludeEachOther() {
    String rootDrive =
        "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
            + file
            + "\", \"is_root_device\": true, \"is_read_only\": false}";
    assertThat(vm.put("/drives/rootfs", rootDrive).status()).isEqualTo(204);
    assertThat(TestVmm.fault(vm.put("/pmem/a", pmem("a", file, true, false))))
        .isEqualTo(
            "Pmem config error: Attempt to add pmem as a root device while the root device defined"
                + " as a block device (root_device: true on pmem \"a\", expected: false, drive"
                + " \"rootfs\" is the root device)");
    assertThat(vm.put("/pmem/a", pmem("a", file, false, false)).status()).isEqualTo(204);
  }

  @Test
  void aBlockRootAfterAPmemRootIsRefused() {
    assertThat(vm.put("/pmem/a", pmem("a", file, true, false)).status()).isEqualTo(204);
    String rootDrive =
        "{\"drive_id\": \"rootfs\", \"path_on_host\": \""
            + file
            + "\", \"is_root_device\": true, \"is_read_only\": false}";
    assertThat(TestVmm.fault(vm.put("/drives/rootfs", rootDrive)))
        .isEqualTo(
            "Drive config error: Attempt to add block as a root device while the root device"
                + " defined as a pmem device (is_root_device: true on drive \"rootfs\", expected:"
                + " false, pmem \"a\" is the root device)");
  }

  @Test
  void unknownFieldsAndWrongTypesAreRefused() {
    assertThat(
            TestVmm.fault(
                vm.put(
                    "/pmem/a", "{\"id\": \"a\", \"path_on_host\": \"" + file + "\", \"size\": 1}")))
        .contains("size");
    assertThat(
            TestVmm.fault(
                vm.put(
                    "/pmem/a",
                    "{\"id\": \"a\", \"path_on_host\": \"" + file + "\", \"read_only\": 1}")))
        .contains("read_only: 1 (expected: true or false)");
    assertThat(TestVmm.fault(vm.put("/pmem/a", "{\"id\": \"a\"}")))
        .contains("path_on_host: missing");
  }

  @Test
  void pmemIsPreBootOnlyAndItsLimiterPatchPostBootOnly() {
    assertThat(TestVmm.fault(vm.patch("/pmem/a", "{\"id\": \"a\", \"rate_limiter\": {}}")))
        .isEqualTo("The requested operation is not supported before starting the microVM.");
    vm.put("/pmem/a", pmem("a", file, false, false));
    vm.boot();
    assertThat(TestVmm.fault(vm.put("/pmem/b", pmem("b", file, false, false))))
        .isEqualTo("The requested operation is not supported after starting the microVM.");
    String limiter =
        "{\"id\": \"a\", \"rate_limiter\": {\"ops\": {\"size\": 10, \"refill_time\": 100}}}";
    assertThat(vm.patch("/pmem/a", limiter).status()).isEqualTo(204);
    assertThat(vm.hypervisor.vm().calls()).anyMatch(c -> c.startsWith("updatePmemRateLimiter a "));
    JsonNode shown = TestVmm.json(vm.get("/vm/config")).get("pmem").get(0);
    assertThat(shown.get("rate_limiter").get("ops").get("size").asLong()).isEqualTo(10);
    assertThat(TestVmm.fault(vm.patch("/pmem/zz", "{\"id\": \"zz\", \"rate_limiter\": {}}")))
        .isEqualTo("Pmem config error: id: \"zz\" (expected: the id of a configured pmem device)");
  }
}
