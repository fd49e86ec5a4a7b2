package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {
  private static VmmAction parse(String method, String path, String body) {
    Route route = Router.route(method, path, body != null);
    return route.parse(body == null ? null : Json.parse(body.getBytes()));
  }

  @Test
  void getsRouteToQueries() {
    assertThat(parse("GET", "/", null)).isInstanceOf(VmmAction.GetVmInstanceInfo.class);
    assertThat(parse("GET", "/version", null)).isInstanceOf(VmmAction.GetVmmVersion.class);
    assertThat(parse("GET", "/machine-config", null))
        .isInstanceOf(VmmAction.GetVmMachineConfig.class);
    assertThat(parse("GET", "/vm/config", null)).isInstanceOf(VmmAction.GetFullVmConfig.class);
    assertThat(parse("GET", "/machine-config/", null))
        .isInstanceOf(VmmAction.GetVmMachineConfig.class);
    assertThat(parse("GET", "/version?pretty=1", null)).isInstanceOf(VmmAction.GetVmmVersion.class);
  }

  @Test
  void actionsAndVmStates() {
    assertThat(parse("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}"))
        .isInstanceOf(VmmAction.StartMicroVm.class);
    assertThat(parse("PUT", "/actions", "{\"action_type\": \"SendCtrlAltDel\"}"))
        .isInstanceOf(VmmAction.SendCtrlAltDel.class);
    assertThat(parse("PUT", "/actions", "{\"action_type\": \"FlushMetrics\"}"))
        .isInstanceOf(VmmAction.FlushMetrics.class);
    assertThat(parse("PATCH", "/vm", "{\"state\": \"Paused\"}"))
        .isInstanceOf(VmmAction.Pause.class);
    assertThat(parse("PATCH", "/vm", "{\"state\": \"Resumed\"}"))
        .isInstanceOf(VmmAction.Resume.class);
    assertThatThrownBy(() -> parse("PUT", "/actions", "{\"action_type\": \"Reboot\"}"))
        .isInstanceOf(JsonFieldException.class)
        .hasMessage(
            "action_type: \"Reboot\" (expected: one of FlushMetrics, InstanceStart, SendCtrlAltDel)");
    assertThatThrownBy(() -> parse("PATCH", "/vm", "{\"state\": \"Stopped\"}"))
        .hasMessage("state: \"Stopped\" (expected: one of Paused, Resumed)");
  }

  @Test
  void unknownPathsAndMethodsUseFirecrackersWording() {
    assertThatThrownBy(() -> Router.route("GET", "/nope", false))
        .isInstanceOf(ApiException.class)
        .hasMessage("Invalid request method and/or path: GET /nope.");
    assertThatThrownBy(() -> Router.route("POST", "/actions", true))
        .hasMessage("Invalid request method and/or path: POST /actions.");
    assertThatThrownBy(() -> Router.route("DELETE", "/drives/rootfs", false))
        .hasMessage("Invalid request method and/or path: DELETE /drives/rootfs.");
    assertThatThrownBy(() -> Router.route("PATCH", "/boot-source", true))
        .hasMessage("Invalid request method and/or path: PATCH /boot-source.");
    assertThatThrownBy(() -> Router.route("GET", "/vm", false))
        .hasMessage("Invalid request method and/or path: GET /vm.");
    assertThatThrownBy(() -> Router.route("PUT", "/drives/a/b", true))
        .hasMessage("Invalid request method and/or path: PUT /drives/a/b.");
  }

  @Test
  void bodiesMustMatchTheMethod() {
    assertThatThrownBy(() -> Router.route("GET", "/", true))
        .hasMessage("GET request cannot have a body.");
    assertThatThrownBy(() -> Router.route("PUT", "/actions", false))
        .hasMessage("Empty PUT request.");
    assertThatThrownBy(() -> Router.route("PATCH", "/vm", false))
        .hasMessage("Empty PATCH request.");
    assertThatThrownBy(() -> parse("PATCH", "/machine-config", "{}"))
        .hasMessage("Empty PATCH request.");
  }

  @Test
  void pathIdsAreCheckedAndMustMatchTheBody() {
    assertThatThrownBy(() -> Router.route("PUT", "/drives", true))
        .hasMessage("The ID cannot be empty.");
    assertThatThrownBy(() -> Router.route("PUT", "/network-interfaces/", true))
        .hasMessage("The ID cannot be empty.");
    assertThatThrownBy(() -> Router.route("PUT", "/drives/root-fs", true))
        .hasMessage("API Resource IDs can only contain alphanumeric characters and underscores.");
    String body = "{\"drive_id\": \"b\", \"path_on_host\": \"/x\", \"is_root_device\": false}";
    assertThatThrownBy(() -> parse("PUT", "/drives/a", body))
        .hasMessage("The id from the path does not match the id from the body!");
    assertThatThrownBy(() -> parse("PATCH", "/network-interfaces/eth0", "{\"iface_id\": \"eth1\"}"))
        .hasMessage("The id from the path does not match the id from the body!");
    assertThat(parse("PATCH", "/network-interfaces/eth0", "{\"iface_id\": \"eth0\"}"))
        .isInstanceOf(VmmAction.UpdateNetworkInterface.class);
  }

  @Test
  void pmemRoutesToItsActionsByIdAsDrivesDo() {
    assertThat(parse("PUT", "/pmem/p0", "{\"id\": \"p0\", \"path_on_host\": \"f\"}"))
        .isInstanceOf(VmmAction.InsertPmemDevice.class);
    assertThat(parse("PATCH", "/pmem/p0", "{\"id\": \"p0\"}"))
        .isInstanceOf(VmmAction.UpdatePmemDevice.class);
    assertThatThrownBy(() -> parse("PUT", "/pmem/p0", "{\"id\": \"p1\", \"path_on_host\": \"f\"}"))
        .hasMessage("The id from the path does not match the id from the body!");
    assertThatThrownBy(() -> Router.route("GET", "/pmem/p0", false))
        .hasMessageContaining("GET /pmem/p0");
  }

  @Test
  void hintingRoutesAsFirecrackersParseHintingDoes() {
    assertThat(parse("GET", "/balloon/hinting/status", null))
        .isEqualTo(new VmmAction.GetFreePageHintingStatus());
    assertThat(parse("PATCH", "/balloon/hinting/start", null))
        .as("no body: acknowledge_on_stop defaults to true")
        .isEqualTo(new VmmAction.StartFreePageHinting(true));
    assertThat(parse("PATCH", "/balloon/hinting/start", "{}"))
        .isEqualTo(new VmmAction.StartFreePageHinting(true));
    assertThat(parse("PATCH", "/balloon/hinting/start", "{\"acknowledge_on_stop\": false}"))
        .isEqualTo(new VmmAction.StartFreePageHinting(false));
    assertThat(parse("PATCH", "/balloon/hinting/stop", null))
        .isEqualTo(new VmmAction.StopFreePageHinting());
    assertThat(parse("PATCH", "/balloon/hinting/stop", "{\"anything\": 1}"))
        .as("the body is ignored")
        .isEqualTo(new VmmAction.StopFreePageHinting());
    assertThatThrownBy(
            () -> parse("PATCH", "/balloon/hinting/start", "{\"acknowledge_on_stop\": 1}"))
        .hasMessageContaining("acknowledge_on_stop: 1 (expected: true or false)");
    assertThatThrownBy(() -> Router.route("GET", "/balloon/hinting/x", false))
        .hasMessage("Unrecognized GET request path `/hinting/x`.");
    assertThatThrownBy(() -> Router.route("GET", "/balloon/hinting", false))
        .hasMessage("Unrecognized GET request path `/hinting/`.");
    assertThatThrownBy(() -> Router.route("PATCH", "/balloon/hinting/go", false))
        .hasMessage("Unrecognized PATCH request path `/hinting/go`.");
    assertThatThrownBy(() -> Router.route("PATCH", "/balloon/hinting", true))
        .hasMessage("Unrecognized PATCH request path `/hinting/`.");
    assertThatThrownBy(() -> Router.route("PATCH", "/balloon", false))
        .as("only hinting goes without a body")
        .hasMessage("Empty PATCH request.");
  }

  @Test
  void putMachineConfigResetsOmittedFieldsAndPatchDoesNot() {
    var put =
        (VmmAction.UpdateMachineConfiguration)
            parse("PUT", "/machine-config", "{\"vcpu_count\": 2, \"mem_size_mib\": 256}");
    assertThat(put.update().smt()).isFalse();
    assertThat(put.update().trackDirtyPages()).isFalse();
    var patch =
        (VmmAction.UpdateMachineConfiguration)
            parse("PATCH", "/machine-config", "{\"mem_size_mib\": 256}");
    assertThat(patch.update().memSizeMib()).isEqualTo(256);
    assertThat(patch.update().vcpuCount()).isNull();
    assertThat(patch.update().smt()).isNull();
    assertThatThrownBy(() -> parse("PUT", "/machine-config", "{\"mem_size_mib\": 256}"))
        .hasMessage("vcpu_count: missing (expected: an integer)");
  }
}
