class Catalog {
  public static void main(String[] args) {}
}
