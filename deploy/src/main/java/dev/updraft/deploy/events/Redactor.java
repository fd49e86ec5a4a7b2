package dev.updraft.deploy.events;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/** Replaces secret values with {@code ******} in everything the engine prints or records. */
public final class Redactor {
  private static final String MASK = "******";
  private final Set<String> secrets = new CopyOnWriteArraySet<>();

  /** Registers a secret value; values shorter than 3 characters would mask too much. */
  public void add(String secret) {
    if (secret != null && secret.length() >= 3) {
      secrets.add(secret);
    }
  }

  public String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String out = text;
    // Longest first, so a secret containing another is masked whole.
    List<String> ordered =
        secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    for (String secret : ordered) {
      out = out.replace(secret, MASK);
    }
    return out;
  }
}
