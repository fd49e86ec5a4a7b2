package dev.updraft.deploy.state;

import java.util.function.BiPredicate;

/**
 * Seals the values of a file that are secret, with the environment's key; opens what it reads.
 *
 * @param key the environment's key; null where there is none yet (nothing is sealed then, and a
 *     sealed value read is an error)
 * @param secret whether the value of a field is (or holds) a secret, e.g. a database URL with its
 *     password
 */
public record Sealer(EnvironmentKey key, BiPredicate<String, String> secret) {
  /** Keeps every value in plain text: for files without secrets, and tests. */
  public static final Sealer PLAIN = new Sealer(null, (field, value) -> false);

  public Sealer {
    if (secret == null) {
      throw new IllegalArgumentException("secret: null (expected: a predicate)");
    }
  }

  /** {@code value} as written for {@code field}: sealed if it is secret. */
  public String seal(String field, String value) {
    if (value == null
        || key == null
        || EnvironmentKey.isSealed(value)
        || !secret.test(field, value)) {
      return value;
    }
    return key.seal(field, value);
  }

  /** A value as read from {@code field}: opened if it was sealed. */
  public String open(String field, String value) {
    if (!EnvironmentKey.isSealed(value)) {
      return value;
    }
    if (key == null) {
      throw new SealedValueException(
          field + ": the value is sealed, and the state directory has no " + EnvironmentKey.FILE);
    }
    return key.open(field, value);
  }

  /** Whether {@code value}, found in plain text in {@code field}, is one this sealer would seal. */
  public boolean wouldSeal(String field, String value) {
    return key != null
        && value != null
        && !EnvironmentKey.isSealed(value)
        && secret.test(field, value);
  }
}
