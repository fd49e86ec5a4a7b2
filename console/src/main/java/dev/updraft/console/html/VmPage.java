package dev.updraft.console.html;

import static dev.updraft.console.html.Html.badge;
import static dev.updraft.console.html.Html.e;

import dev.updraft.console.vm.VmView;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The microVMs: each API socket's VM with its state, vCPUs, memory, boot time and device counters,
 * and its pause, resume and snapshot buttons.
 */
public final class VmPage {
  private VmPage() {}

  public static String render(List<VmView> vms, String message, String csrf) {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < vms.size(); i++) {
      VmView vm = vms.get(i);
      String actions = "";
      if (vm.error() == null) {
        String base = "/vms/" + i;
        // The socket goes with the click, so that a list changed meanwhile is noticed.
        String socket = vm.socket().toString();
        actions =
            (vm.running() ? Html.button(base + "/pause", "Pause", csrf, "socket", socket) : "")
                + (vm.paused()
                    ? Html.button(base + "/resume", "Resume", csrf, "socket", socket)
                    : "")
                + (vm.paused()
                    ? Html.button(base + "/snapshot", "Snapshot", csrf, "socket", socket)
                    : "");
      }
      rows.append(
          "<tr id=\"vm-%d\"><th scope=\"row\"><code>%s</code>%s</th><td>%s</td><td class=\"state\">%s</td><td>%d</td><td>%s</td><td class=\"boot\">%s</td><td class=\"devices\">%s</td><td>%s</td><td>%s</td></tr>\n"
              .formatted(
                  i,
                  e(vm.socket()),
                  vm.host() == null
                      ? ""
                      : "<br><small class=\"host\">in <code>" + e(vm.host()) + "</code></small>",
                  e(vm.id()),
                  badge(vm.state().word()),
                  vm.vcpus(),
                  vm.memoryMib() == 0 ? "—" : vm.memoryMib() + " MiB",
                  vm.bootTime() == null ? "—" : e(Html.duration(vm.bootTime().toMillis())),
                  devices(vm.devices()),
                  e(vm.error() == null ? vm.vmm() : vm.error()),
                  actions));
    }
    String body =
        """
        <h1>MicroVMs</h1>
        %s
        <table><caption>MicroVMs by their Firecracker API socket</caption>
        <thead><tr><th scope="col">API socket</th><th scope="col">Id</th><th scope="col">State</th>\
        <th scope="col">vCPUs</th><th scope="col">Memory</th><th scope="col">Boot time</th>\
        <th scope="col">Devices (since the last metrics flush)</th><th scope="col">VMM</th>\
        <th scope="col">Actions</th></tr></thead>
        <tbody>
        %s</tbody></table>
        <h2>Add a microVM</h2>
        <form method="post" action="/vms/add">
        <input type="hidden" name="csrf" value="%s">
        <label for="socket">API socket path: a microVM's, or the management socket of \
        <code>updraft vm serve</code> for all of its microVMs</label>
        <input id="socket" name="socket" type="text" required placeholder="/run/firecracker.socket">
        <button type="submit">Add</button>
        </form>
        """
            .formatted(
                message == null ? "" : "<p role=\"status\">" + e(message) + "</p>",
                rows.isEmpty() ? "<tr><td colspan=\"9\">No microVMs added yet.</td></tr>\n" : rows,
                e(csrf));
    return Html.page("MicroVMs", "vms", body, 0);
  }

  /** Each device's counters, one device a line; "—" without a metrics file or counts. */
  private static String devices(Map<String, Map<String, Long>> devices) {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(devices)
        .forEach(
            (device, counters) -> {
              if (counters.isEmpty()) {
                return;
              }
              StringBuilder line = new StringBuilder();
              new TreeMap<>(counters)
                  .forEach(
                      (name, value) -> line.append(' ').append(name).append('=').append(value));
              out.append(out.isEmpty() ? "" : "<br>")
                  .append("<code>")
                  .append(e(device))
                  .append("</code>")
                  .append(e(line.toString()));
            });
    return out.isEmpty() ? "—" : out.toString();
  }
}
