package dev.updraft.vmm.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks every struct offset the boot writers use against what gcc computes: {@code struct
 * boot_params} from the kernel's own {@code asm/bootparam.h}, and the PVH structs declared here in
 * C exactly as the Xen ABI ({@code xen/include/public/arch-x86/hvm/start_info.h}) defines them.
 */
@NeedsProgram(value = "gcc", debian = "gcc")
@EnabledIf(
    value = "headersPresent",
    disabledReason = "needs asm/bootparam.h: apt-get install linux-libc-dev")
class StructLayoutIT {
  private static final String PROGRAM =
      """
      #include <stddef.h>
      #include <stdio.h>
      #include <stdint.h>
      #include <asm/bootparam.h>

      /* Xen public ABI, start_info.h (version 1 of the structure). */
      struct hvm_start_info {
          uint32_t magic;
          uint32_t version;
          uint32_t flags;
          uint32_t nr_modules;
          uint64_t modlist_paddr;
          uint64_t cmdline_paddr;
          uint64_t rsdp_paddr;
          uint64_t memmap_paddr;
          uint32_t memmap_entries;
          uint32_t reserved;
      };
      struct hvm_modlist_entry {
          uint64_t paddr;
          uint64_t size;
          uint64_t cmdline_paddr;
          uint64_t reserved;
      };
      struct hvm_memmap_table_entry {
          uint64_t addr;
          uint64_t size;
          uint32_t type;
          uint32_t reserved;
      };

      #define BP(field) printf("boot_params.%s %zu\\n", #field, offsetof(struct boot_params, field))
      #define SI(field) printf("hvm_start_info.%s %zu\\n", #field, offsetof(struct hvm_start_info, field))

      int main(void) {
          printf("sizeof.boot_params %zu\\n", sizeof(struct boot_params));
          printf("sizeof.setup_header %zu\\n", sizeof(struct setup_header));
          printf("sizeof.boot_e820_entry %zu\\n", sizeof(struct boot_e820_entry));
          printf("count.e820_table %zu\\n",
                 sizeof(((struct boot_params *)0)->e820_table) / sizeof(struct boot_e820_entry));
          BP(acpi_rsdp_addr); BP(ext_ramdisk_image); BP(ext_ramdisk_size); BP(ext_cmd_line_ptr);
          BP(e820_entries); BP(e820_table); BP(hdr);
          BP(hdr.setup_sects); BP(hdr.boot_flag); BP(hdr.jump); BP(hdr.header); BP(hdr.version);
          BP(hdr.type_of_loader); BP(hdr.loadflags); BP(hdr.code32_start);
          BP(hdr.ramdisk_image); BP(hdr.ramdisk_size); BP(hdr.cmd_line_ptr);
          BP(hdr.initrd_addr_max); BP(hdr.kernel_alignment); BP(hdr.xloadflags);
          BP(hdr.cmdline_size); BP(hdr.pref_address); BP(hdr.init_size);
          printf("sizeof.hvm_start_info %zu\\n", sizeof(struct hvm_start_info));
          SI(magic); SI(version); SI(flags); SI(nr_modules); SI(modlist_paddr);
          SI(cmdline_paddr); SI(rsdp_paddr); SI(memmap_paddr); SI(memmap_entries);
          printf("sizeof.hvm_modlist_entry %zu\\n", sizeof(struct hvm_modlist_entry));
          printf("hvm_modlist_entry.paddr %zu\\n", offsetof(struct hvm_modlist_entry, paddr));
          printf("hvm_modlist_entry.size %zu\\n", offsetof(struct hvm_modlist_entry, size));
          printf("sizeof.hvm_memmap_table_entry %zu\\n", sizeof(struct hvm_memmap_table_entry));
          printf("hvm_memmap_table_entry.addr %zu\\n", offsetof(struct hvm_memmap_table_entry, addr));
          printf("hvm_memmap_table_entry.size %zu\\n", offsetof(struct hvm_memmap_table_entry, size));
          printf("hvm_memmap_table_entry.type %zu\\n", offsetof(struct hvm_memmap_table_entry, type));
          return 0;
      }
      """;

  @TempDir Path dir;

  static boolean headersPresent() {
    return Files.exists(Path.of("/usr/include/x86_64-linux-gnu/asm/bootparam.h"))
        || Files.exists(Path.of("/usr/include/asm/bootparam.h"));
  }

  @Test
  void ourOffsetsAreTheOnesGccComputes() throws Exception {
    Files.writeString(dir.resolve("layout.c"), PROGRAM);
    Command compile = Command.run(dir, "gcc", "-Wall", "-Werror", "-o", "layout", "layout.c");
    assertThat(compile.exitCode()).as(compile.output()).isZero();
    Command run = Command.run(dir, dir.resolve("layout").toString());
    assertThat(run.exitCode()).as(run.output()).isZero();

    Map<String, Long> gcc =
        run.output()
            .lines()
            .map(line -> line.split(" "))
            .collect(
                Collectors.toMap(
                    parts -> parts[0],
                    parts -> Long.parseLong(parts[1]),
                    (a, b) -> a,
                    LinkedHashMap::new));

    assertThat(gcc).containsExactlyInAnyOrderEntriesOf(ours());
  }

  private static Map<String, Long> ours() {
    Map<String, Long> layout = new LinkedHashMap<>();
    layout.put("sizeof.boot_params", (long) ZeroPageLayout.SIZE);
    layout.put("sizeof.setup_header", (long) ZeroPageLayout.HDR_SIZE);
    layout.put("sizeof.boot_e820_entry", (long) ZeroPageLayout.E820_ENTRY_SIZE);
    layout.put("count.e820_table", (long) ZeroPageLayout.E820_MAX_ENTRIES);
    bp(layout, "acpi_rsdp_addr", ZeroPageLayout.ACPI_RSDP_ADDR);
    bp(layout, "ext_ramdisk_image", ZeroPageLayout.EXT_RAMDISK_IMAGE);
    bp(layout, "ext_ramdisk_size", ZeroPageLayout.EXT_RAMDISK_SIZE);
    bp(layout, "ext_cmd_line_ptr", ZeroPageLayout.EXT_CMD_LINE_PTR);
    bp(layout, "e820_entries", ZeroPageLayout.E820_ENTRIES);
    bp(layout, "e820_table", ZeroPageLayout.E820_TABLE);
    bp(layout, "hdr", ZeroPageLayout.HDR);
    bp(layout, "hdr.setup_sects", ZeroPageLayout.SETUP_SECTS);
    bp(layout, "hdr.boot_flag", ZeroPageLayout.BOOT_FLAG);
    bp(layout, "hdr.jump", ZeroPageLayout.JUMP);
    bp(layout, "hdr.header", ZeroPageLayout.HEADER);
    bp(layout, "hdr.version", ZeroPageLayout.VERSION);
    bp(layout, "hdr.type_of_loader", ZeroPageLayout.TYPE_OF_LOADER);
    bp(layout, "hdr.loadflags", ZeroPageLayout.LOADFLAGS);
    bp(layout, "hdr.code32_start", ZeroPageLayout.CODE32_START);
    bp(layout, "hdr.ramdisk_image", ZeroPageLayout.RAMDISK_IMAGE);
    bp(layout, "hdr.ramdisk_size", ZeroPageLayout.RAMDISK_SIZE);
    bp(layout, "hdr.cmd_line_ptr", ZeroPageLayout.CMD_LINE_PTR);
    bp(layout, "hdr.initrd_addr_max", ZeroPageLayout.INITRD_ADDR_MAX);
    bp(layout, "hdr.kernel_alignment", ZeroPageLayout.KERNEL_ALIGNMENT);
    bp(layout, "hdr.xloadflags", ZeroPageLayout.XLOADFLAGS);
    bp(layout, "hdr.cmdline_size", ZeroPageLayout.CMDLINE_SIZE);
    bp(layout, "hdr.pref_address", ZeroPageLayout.PREF_ADDRESS);
    bp(layout, "hdr.init_size", ZeroPageLayout.INIT_SIZE);
    layout.put("sizeof.hvm_start_info", (long) PvhLayout.START_INFO_SIZE);
    si(layout, "magic", PvhLayout.MAGIC);
    si(layout, "version", PvhLayout.VERSION);
    si(layout, "flags", PvhLayout.FLAGS);
    si(layout, "nr_modules", PvhLayout.NR_MODULES);
    si(layout, "modlist_paddr", PvhLayout.MODLIST_PADDR);
    si(layout, "cmdline_paddr", PvhLayout.CMDLINE_PADDR);
    si(layout, "rsdp_paddr", PvhLayout.RSDP_PADDR);
    si(layout, "memmap_paddr", PvhLayout.MEMMAP_PADDR);
    si(layout, "memmap_entries", PvhLayout.MEMMAP_ENTRIES);
    layout.put("sizeof.hvm_modlist_entry", (long) PvhLayout.MODLIST_ENTRY_SIZE);
    layout.put("hvm_modlist_entry.paddr", (long) PvhLayout.MODLIST_PADDR_FIELD);
    layout.put("hvm_modlist_entry.size", (long) PvhLayout.MODLIST_SIZE_FIELD);
    layout.put("sizeof.hvm_memmap_table_entry", (long) PvhLayout.MEMMAP_ENTRY_SIZE);
    layout.put("hvm_memmap_table_entry.addr", (long) PvhLayout.MEMMAP_ADDR_FIELD);
    layout.put("hvm_memmap_table_entry.size", (long) PvhLayout.MEMMAP_SIZE_FIELD);
    layout.put("hvm_memmap_table_entry.type", (long) PvhLayout.MEMMAP_TYPE_FIELD);
    return layout;
  }

  private static void bp(Map<String, Long> layout, String field, int offset) {
    layout.put("boot_params." + field, (long) offset);
  }

  private static void si(Map<String, Long> layout, String field, int offset) {
    layout.put("hvm_start_info." + field, (long) offset);
  }
}
