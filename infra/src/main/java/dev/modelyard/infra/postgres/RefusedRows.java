package dev.modelyard.infra.postgres;

import java.sql.SQLException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Tells rows that PostgreSQL refuses for what they hold from a database that is away. A writer that
 * retries a batch until the database takes it must not retry one it never will: the batch would
 * block every row queued behind it.
 */
public final class RefusedRows {

  private RefusedRows() {}

  /**
   * Whether the failure is the rows' own: SQLSTATE class 22 (a value the column cannot hold, such
   * as a NUL character in text) or 23 (a constraint), anywhere in the chain a batch reports.
   */
  public static boolean refused(SQLException e) {
    for (SQLException each = e; each != null; each = each.getNextException()) {
      String state = each.getSQLState();
      if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes a batch the database refused one row at a time, leaving out those it refuses alone, so
   * that one bad row does not hold back the rest. Each row leaves {@code batch} once written
   * ({@code written}) or left out ({@code leftOut}); on any other failure the rest stays for the
   * retry.
   */
  public static <T> void writeEachAlone(
      List<T> batch, Insert<T> insert, BiConsumer<T, SQLException> leftOut, Consumer<T> written)
      throws SQLException {
    for (var each = batch.iterator(); each.hasNext(); ) {
      T row = each.next();
      try {
        insert.insert(List.of(row));
        written.accept(row);
      } catch (SQLException e) {
        if (!refused(e)) {
          throw e;
        }
        leftOut.accept(row, e);
      }
      each.remove();
    }
  }

  /** How a writer inserts its rows. */
  @FunctionalInterface
  public interface Insert<T> {
    void insert(List<T> rows) throws SQLException;
  }

  /** Text PostgreSQL can store: it has no NUL character, which a client may well send. */
  public static String storable(String text) {
    return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
  }
}
