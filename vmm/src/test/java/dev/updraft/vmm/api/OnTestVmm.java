package dev.updraft.vmm.api;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** For API tests that each run on a fresh {@link TestVmm} in their own directory. */
abstract class OnTestVmm {
  @TempDir Path dir;
  TestVmm vm;

  @BeforeEach
  void startTestVmm() {
    vm = new TestVmm(dir);
  }

  @AfterEach
  void closeTestVmm() {
    vm.close();
  }
}
