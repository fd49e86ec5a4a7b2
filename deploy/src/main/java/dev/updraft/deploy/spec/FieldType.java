package dev.updraft.deploy.spec;

import java.util.List;

/** The type of a spec field: what the reader accepts and the JSON Schema says. */
public sealed interface FieldType {
  /** A string, optionally matching a regular expression. */
  record Str(String pattern, String expected) implements FieldType {}

  /** A whole number in {@code [min, max]}. */
  record Int(long min, long max) implements FieldType {}

  /** A number (for CPU shares) in {@code [min, max]}. */
  record Num(double min, double max) implements FieldType {}

  /** true or false. */
  record Bool() implements FieldType {}

  /** A duration: {@code 500ms}, {@code 30s}, {@code 5m}. */
  record Dur() implements FieldType {}

  /** A memory size as Kubernetes writes it: {@code 256Mi}, {@code 1Gi}, {@code 500M}, bytes. */
  record Size() implements FieldType {}

  /** One of a fixed set of words. */
  record Choice(List<String> values) implements FieldType {}

  /** A list of strings, each matching the pattern. */
  record StrList(String pattern, String expected) implements FieldType {}

  /** A mapping of names (matching the key pattern) to strings. */
  record StrMap(String keyPattern, String expected) implements FieldType {}

  /** A nested object. */
  record Obj(Shape shape) implements FieldType {}

  /** A mapping of names to objects of one shape (applications, databases ...). */
  record MapOf(String keyPattern, String expected, Shape shape) implements FieldType {}

  /** A list of objects of one shape. */
  record ListOf(Shape shape) implements FieldType {}

  FieldType STRING = new Str(null, "a string");
  FieldType BOOL = new Bool();
  FieldType DURATION = new Dur();
  FieldType SIZE = new Size();
}
