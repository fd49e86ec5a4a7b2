package dev.updraft.vmm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The guest images have the two entries the VMM's two boot paths need, and builds are cached. */
@NeedsProgram(value = "gcc", debian = "gcc")
class GuestImagesIT {
  private static final int PT_LOAD = 1;
  private static final int PT_NOTE = 4;
  private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
  private static final long ONE_MIB = 1 << 20;
  static final List<String> GUESTS = GuestImages.GUESTS;

  @ParameterizedTest
  @FieldSource("GUESTS")
  void pvhVariantHasTheXenNoteAndTheOtherOnlyTheElfEntry(String name) throws Exception {
    GuestImage image = GuestImages.build(name);
    ByteBuffer pvh = elf(image.pvh());
    ByteBuffer linux64 = elf(image.linux64());

    OptionalLong pvhEntry = xenEntry(pvh);
    assertThat(pvhEntry).isPresent();
    assertThat(xenEntry(linux64)).isEmpty();
    assertThat(insideLoadedCode(pvh, pvhEntry.getAsLong())).isTrue();
    assertThat(pvhEntry.getAsLong()).isNotEqualTo(pvh.getLong(24));
    assertThat(insideLoadedCode(linux64, linux64.getLong(24))).as("e_entry").isTrue();
    assertThat(lowestLoad(pvh)).isGreaterThanOrEqualTo(ONE_MIB);
    assertThat(lowestLoad(linux64)).isGreaterThanOrEqualTo(ONE_MIB);
  }

  @Test
  void aSecondBuildReusesTheFiles() throws Exception {
    GuestImage first = GuestImages.build("reset");
    FileTime built = Files.getLastModifiedTime(first.pvh());
    GuestImage second = GuestImages.build("reset");

    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(second.pvh())).isEqualTo(built);
  }

  @Test
  void theHashCoversEverySourceFile(@TempDir Path copy) throws Exception {
    Path sources = GuestImages.sourceDirectory();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path source : files.filter(Files::isRegularFile).toList()) {
        Path target = copy.resolve(sources.relativize(source).toString());
        Files.createDirectories(target.getParent());
        Files.copy(source, target);
      }
    }
    String original = GuestImages.sourceHash(copy);
    assertThat(GuestImages.sourceHash(copy)).isEqualTo(original).hasSize(64);

    Files.writeString(copy.resolve("runtime/uart.c"), "\n", StandardOpenOption.APPEND);
    assertThat(GuestImages.sourceHash(copy)).isNotEqualTo(original);
  }

  private static ByteBuffer elf(Path file) throws Exception {
    ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(elf.getInt(0)).as("ELF magic").isEqualTo(0x464C457F);
    assertThat(elf.get(4)).as("ELFCLASS64").isEqualTo((byte) 2);
    assertThat(elf.getShort(18)).as("EM_X86_64").isEqualTo((short) 62);
    return elf;
  }

  private static OptionalLong xenEntry(ByteBuffer elf) {
    for (int i = 0; i < elf.getShort(56); i++) {
      int ph = (int) elf.getLong(32) + i * elf.getShort(54);
      if (elf.getInt(ph) != PT_NOTE) {
        continue;
      }
      int at = (int) elf.getLong(ph + 8);
      int end = at + (int) elf.getLong(ph + 32);
      while (at + 12 <= end) {
        int nameSize = elf.getInt(at);
        int descSize = elf.getInt(at + 4);
        int type = elf.getInt(at + 8);
        int name = at + 12;
        int desc = name + align4(nameSize);
        if (type == XEN_ELFNOTE_PHYS32_ENTRY && nameSize == 4 && elf.getInt(name) == 0x006E6558) {
          return OptionalLong.of(
              descSize == 8 ? elf.getLong(desc) : elf.getInt(desc) & 0xFFFFFFFFL);
        }
        at = desc + align4(descSize);
      }
    }
    return OptionalLong.empty();
  }

  private static boolean insideLoadedCode(ByteBuffer elf, long address) {
    for (int i = 0; i < elf.getShort(56); i++) {
      int ph = (int) elf.getLong(32) + i * elf.getShort(54);
      boolean executable = (elf.getInt(ph + 4) & 1) != 0;
      long paddr = elf.getLong(ph + 24);
      if (elf.getInt(ph) == PT_LOAD
          && executable
          && address >= paddr
          && address < paddr + elf.getLong(ph + 32)) {
        return true;
      }
    }
    return false;
  }

  private static long lowestLoad(ByteBuffer elf) {
    long lowest = Long.MAX_VALUE;
    for (int i = 0; i < elf.getShort(56); i++) {
      int ph = (int) elf.getLong(32) + i * elf.getShort(54);
      if (elf.getInt(ph) == PT_LOAD) {
        lowest = Math.min(lowest, elf.getLong(ph + 24));
      }
    }
    return lowest;
  }

  private static int align4(int n) {
    return (n + 3) & ~3;
  }
}
