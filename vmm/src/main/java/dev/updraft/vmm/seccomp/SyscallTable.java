package dev.updraft.vmm.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** x86-64 system call numbers by name, from Linux's {@code asm/unistd_64.h}. */
public final class SyscallTable {
  private static final Map<String, Integer> NUMBERS = load();
  private static final Map<Integer, String> NAMES = invert(NUMBERS);

  private SyscallTable() {}

  public static Optional<Integer> number(String name) {
    return Optional.ofNullable(NUMBERS.get(name));
  }

  /** The name of {@code number}, or {@code "syscall N"} if the table lacks it. */
  public static String name(int number) {
    String name = NAMES.get(number);
    return name == null ? "syscall " + number : name;
  }

  private static Map<String, Integer> load() {
    Map<String, Integer> numbers = new HashMap<>();
    try (InputStream in = SyscallTable.class.getResourceAsStream("syscalls-x86_64.txt")) {
      if (in == null) {
        throw new IllegalStateException("syscalls-x86_64.txt missing from the class path");
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.trim().split("\\s+");
        numbers.put(parts[0], Integer.parseInt(parts[1]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading syscalls-x86_64.txt", e);
    }
    return Map.copyOf(numbers);
  }

  private static Map<Integer, String> invert(Map<String, Integer> numbers) {
    Map<Integer, String> names = new HashMap<>();
    numbers.forEach((name, number) -> names.put(number, name));
    return Map.copyOf(names);
  }
}
