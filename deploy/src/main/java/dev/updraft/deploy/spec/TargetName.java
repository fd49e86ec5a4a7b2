package dev.updraft.deploy.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The targets a spec may name; the spec, the command line and JSON spell each as its word. */
public enum TargetName {
  /** This machine: supervised processes and an embedded mesh router. */
  LOCAL,
  /** The Kubernetes cluster of the kubeconfig. */
  KUBERNETES;

  /** The word in the spec and on the command line. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The target {@code word} names, if any. */
  public static Optional<TargetName> of(String word) {
    return Arrays.stream(values()).filter(t -> t.word().equals(word)).findFirst();
  }

  /** The words of every target, as a list for an error message: {@code local or kubernetes}. */
  public static String words() {
    return String.join(" or ", Arrays.stream(values()).map(TargetName::word).toList());
  }

  @Override
  public String toString() {
    return word(); // in messages, as the user wrote it
  }
}
