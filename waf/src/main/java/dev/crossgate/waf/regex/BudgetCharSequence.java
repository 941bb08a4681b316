package dev.crossgate.waf.regex;

/**
 * A CharSequence that counts character reads and aborts a backtracking regex search once a budget is
 * spent, so catastrophic patterns stay bounded.
 */
final class BudgetCharSequence implements CharSequence {

  /** Thrown when the budget is spent. */
  static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded() {
      super("regex step budget exceeded", null, false, false);
    }
  }

  private final String s;
  private final long[] left;

  BudgetCharSequence(String s, long budget) {
    this(s, new long[] {budget});
  }

  private BudgetCharSequence(String s, long[] left) {
    this.s = s;
    this.left = left;
  }

  /** Reads left in the shared budget. */
  long remaining() {
    return left[0];
  }

  @Override
  public int length() {
    return s.length();
  }

  @Override
  public char charAt(int index) {
    if (--left[0] < 0) {
      throw new BudgetExceeded();
    }
    return s.charAt(index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new BudgetCharSequence(s.substring(start, end), left);
  }

  @Override
  public String toString() {
    return s;
  }
}
