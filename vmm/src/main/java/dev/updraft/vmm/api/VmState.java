package dev.updraft.vmm.api;

/** The instance's {@code state} in {@code GET /}. */
enum VmState {
  NOT_STARTED("Not started"),
  RUNNING("Running"),
  PAUSED("Paused");

  private final String wireName;

  VmState(String wireName) {
    this.wireName = wireName;
  }

  String wireName() {
    return wireName;
  }
}
