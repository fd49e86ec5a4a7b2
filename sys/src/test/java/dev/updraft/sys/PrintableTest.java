package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void escapesControlCharactersAndLineSeparators() {
    assertThat(Printable.escape("a\nb\rc\td\u0000e\u2028f\u2029g\u007f"))
        .isEqualTo("a\\u000ab\\u000dc\\u0009d\\u0000e\\u2028f\\u2029g\\u007f");
  }

  @Test
  void leavesOtherTextAlone() {
    assertThat(Printable.escape("drive_id: \"rööt fs\" 🚀 (expected: an id)"))
        .isEqualTo("drive_id: \"rööt fs\" 🚀 (expected: an id)");
  }
}
